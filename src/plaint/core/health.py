"""Health of the parts Plaint needs: the database and the task queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from huey.contrib.djhuey import HUEY


@dataclass(frozen=True)
class ComponentHealth:
    ok: bool
    detail: str


def database_health() -> ComponentHealth:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "unreachable" to a health check
        return ComponentHealth(False, type(error).__name__)
    return ComponentHealth(True, connections["default"].vendor)


def task_queue_health() -> ComponentHealth:
    try:
        pending = HUEY.pending_count()
    except Exception as error:  # redis.ConnectionError, sqlite3.OperationalError, ...
        return ComponentHealth(False, type(error).__name__)
    return ComponentHealth(True, f"{type(HUEY.storage).__name__}, {pending} pending")


def worker_health() -> dict[str, str | None]:
    """When a `plaint worker` last ran its heartbeat (ISO 8601, or None); informative, never part of the status."""
    from plaint.core.selectors import worker_last_seen

    try:
        last_seen = worker_last_seen()
    except Exception:  # database down or not migrated: the database part of /healthz already says so
        return {"last_seen": None}
    return {"last_seen": None if last_seen is None else last_seen.isoformat()}
