"""System checks: a bundled procedure file that does not validate stops Plaint at start-up, with its errors."""

from __future__ import annotations

from typing import Any

from django.core import checks

from plaint import procedures
from plaint.engine import ProcedureError, load_directory


@checks.register(checks.Tags.compatibility)
def bundled_procedures_valid(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        load_directory(procedures.BUNDLED_DIR)
    except ProcedureError as error:
        return [
            checks.Error(
                f"A bundled procedure file is invalid: {line}",
                hint="Run 'plaint procedures check' on the file and correct it.",
                id="plaint.E001",
            )
            for line in error.lines("en")
        ]
    return []
