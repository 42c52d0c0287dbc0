"""Background jobs of the outbox. Thin: each calls a service, and each is safe to run twice (docs/correspondence.md)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from plaint.correspondence import services


@db_task(name="correspondence.send_email")  # type: ignore[untyped-decorator]
def send_email(email_id: int) -> str | None:
    """Send one queued email (enqueued when the transaction that queued it commits)."""
    email = services.email_send(email_id=email_id)
    return email.status if email is not None else None


@db_periodic_task(crontab(minute="*"), name="correspondence.outbox_sweep")  # type: ignore[untyped-decorator]
@lock_task("correspondence.outbox_sweep")  # type: ignore[untyped-decorator]
def outbox_sweep() -> dict[str, int]:
    """Every minute: sends whose worker stopped become unconfirmed; due retries and lost jobs are sent."""
    result = services.outbox_sweep()
    return {"unconfirmed": result.unconfirmed, "attempted": result.attempted}


@db_periodic_task(crontab(minute="15"), name="correspondence.reminders_sweep")  # type: ignore[untyped-decorator]
@lock_task("correspondence.reminders_sweep")  # type: ignore[untyped-decorator]
def reminders_sweep() -> int:
    """Every hour: today's reminder digests, where it is a working day and they were not sent yet (reminders.py)."""
    from plaint.correspondence.reminders import reminders_sweep as sweep

    return sweep()
