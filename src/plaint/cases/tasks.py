"""Background jobs of the cases app. Thin: each calls a service, and each is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from plaint.cases import services


@db_periodic_task(crontab(minute="5"), name="cases.sweep")  # type: ignore[untyped-decorator]
@lock_task("cases.sweep")  # type: ignore[untyped-decorator]
def sweep() -> int:
    """Every hour: terms past their due date become missed (and so start what the procedure says follows)."""
    return services.cases_sweep()
