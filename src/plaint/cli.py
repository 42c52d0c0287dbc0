"""The `plaint` command: Django's management commands plus Plaint's own.

Configuration mistakes are reported as one line naming the setting, with exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys


def settings_module() -> str:
    if os.environ.get("PLAINT_ENV") == "production":
        return "plaint.config.settings.production"
    return "plaint.config.settings.base"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    from django.core.exceptions import ImproperlyConfigured

    from plaint.config.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as error:
        print(f"plaint: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except ImproperlyConfigured as error:
        print(f"plaint: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None

    from django.core.management import execute_from_command_line

    execute_from_command_line(["plaint", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
