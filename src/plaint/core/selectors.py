"""Reads of the `core` app: what operators see of the task queue."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from plaint.core.models import QueueProbe, WorkerHeartbeat


class Actor(Protocol):
    def has_perm(self, perm: str, obj: Any = ...) -> bool: ...


def worker_last_seen() -> dt.datetime | None:
    """When any worker last ran its heartbeat, or None when none ever did."""
    heartbeat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return None if heartbeat is None else heartbeat.last_seen


def queue_probe_get(*, actor: Actor, probe_id: int) -> QueueProbe | None:
    """The probe, for someone who may view probes; None otherwise or when there is no such probe."""
    if not actor.has_perm("core.view_queueprobe"):
        return None
    return QueueProbe.objects.filter(pk=probe_id).first()
