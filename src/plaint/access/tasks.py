"""The audit trail's daily checkpoint, written outside the database (plaint.access.audit_checkpoints)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from plaint.access.audit_checkpoints import audit_checkpoint_write


@db_periodic_task(crontab(hour="3", minute="17"), name="access.audit_checkpoint")  # type: ignore[untyped-decorator]
@lock_task("access.audit_checkpoint")  # type: ignore[untyped-decorator]
def audit_checkpoint() -> int:
    """Every night: write every audit chain's head down outside the database; returns how many records they hold."""
    return audit_checkpoint_write().records
