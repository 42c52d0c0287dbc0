"""Background jobs of the privacy app. Thin: each calls a service, and each is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from plaint.privacy import services


@db_periodic_task(crontab(hour="3", minute="17"), name="privacy.retention_sweep")  # type: ignore[untyped-decorator]
@lock_task("privacy.retention_sweep")  # type: ignore[untyped-decorator]
def retention_sweep() -> dict[str, int]:
    """Every night: closed cases past their procedure's retention are anonymised, their documents deleted."""
    result = services.retention_sweep()
    return {
        "anonymised": result.anonymised,
        "documents_deleted": result.documents_deleted,
        "on_legal_hold": result.on_legal_hold,
    }
