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
