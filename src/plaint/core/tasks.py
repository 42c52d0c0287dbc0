"""Background jobs of the `core` app. Thin: each calls a service, and each is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from plaint.core import services


@db_periodic_task(crontab(minute="*"), name="core.worker_heartbeat")  # type: ignore[untyped-decorator]
def worker_heartbeat() -> None:
    """Every minute: the worker that runs this writes its heartbeat (shown by /healthz as worker.last_seen)."""
    services.worker_heartbeat_record(worker=services.worker_name())


@db_task(name="core.process_queue_probe")  # type: ignore[untyped-decorator]
def process_queue_probe(probe_id: int) -> None:
    services.queue_probe_process(probe_id=probe_id, worker=services.worker_name())
