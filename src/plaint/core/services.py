"""Writes of the `core` app: queue probes and worker heartbeats (see `plaint.core.tasks`)."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import transaction

from plaint.core import clock
from plaint.core.models import QueueProbe, WorkerHeartbeat

HEARTBEAT_RETENTION = dt.timedelta(days=7)


def worker_name() -> str:
    """This process as operators see it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that `worker` is alive now; forget workers silent for a week. Safe to run any number of times."""
    now = clock.now()
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"last_seen": now})
    WorkerHeartbeat.objects.filter(last_seen__lt=now - HEARTBEAT_RETENTION).delete()
    return heartbeat


def queue_probe_create(*, actor_id: int | None) -> QueueProbe:
    """Store a probe and, once the transaction commits, send it through the task queue."""
    from plaint.core.tasks import process_queue_probe

    with transaction.atomic():
        probe = QueueProbe.objects.create(created_at=clock.now(), created_by_id=actor_id)
        probe_id = probe.pk
        transaction.on_commit(lambda: process_queue_probe(probe_id))
    return probe


def queue_probe_process(*, probe_id: int, worker: str) -> bool:
    """Mark the probe processed by `worker`; False when it was already processed (a job run twice) or is gone."""
    updated = QueueProbe.objects.filter(pk=probe_id, processed_at__isnull=True).update(
        processed_at=clock.now(), processed_by=worker
    )
    return bool(updated)
