"""The `plaint` command: Django's management commands plus Plaint's own.

Configuration mistakes are reported as one line naming the setting, with exit code 2, never a traceback: a wrong
or missing variable (`ConfigError`), a failed start-up check (`PreflightError`), and a database or Redis that cannot
be reached by whatever command needed it (`plaint migrate` with PostgreSQL down, for instance).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def settings_module() -> str:
    if os.environ.get("PLAINT_ENV") == "production":
        return "plaint.config.settings.production"
    return "plaint.config.settings.base"


def fail(message: str) -> NoReturn:
    print(f"plaint: {message}", file=sys.stderr)
    sys.stderr.flush()
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:  # ConfigError is one
        fail(f"configuration error: {error}")

    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["plaint", *(sys.argv[1:] if argv is None else argv)])
    except Exception as error:
        message = unreachable_service_message(error)
        if message is None:
            raise
        fail(message)


def unreachable_service_message(error: Exception) -> str | None:
    """One line for a configuration or connection failure; None for anything else (a bug keeps its traceback)."""
    import redis
    from django.db import Error as DatabaseError

    from plaint.config.env import ConfigError
    from plaint.core import preflight

    if isinstance(error, preflight.PreflightError):
        return str(error)
    if isinstance(error, ConfigError):
        return f"configuration error: {error}"
    if isinstance(error, DatabaseError):
        # Only blame DATABASE_URL when a fresh connection fails too; other database errors are real errors.
        reason = preflight.database_unreachable_reason()
        return None if reason is None else preflight.database_error_message(reason)
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        from django.conf import settings

        url = settings.REDIS_URL
        return None if not url else preflight.redis_error_message(url, error)
    return None


if __name__ == "__main__":
    main()
