from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from plaint.core import selectors, services
from plaint.core.health import database_health, task_queue_health, worker_health
from plaint.core.models import QueueProbe


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the task queue are reachable, 503 otherwise; for load balancers and monitors.

    `worker.last_seen` (the last heartbeat of any `plaint worker`) is for operators; it does not change the status.
    """
    database, task_queue = database_health(), task_queue_health()
    healthy = database.ok and task_queue.ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": database.ok, "detail": database.detail},
        "task_queue": {"ok": task_queue.ok, "detail": task_queue.detail},
        "worker": worker_health(),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _probe_body(probe: QueueProbe) -> dict[str, Any]:
    return {
        "id": probe.pk,
        "created_at": probe.created_at.isoformat(),
        "processed_at": None if probe.processed_at is None else probe.processed_at.isoformat(),
        "processed_by": probe.processed_by,
    }


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


@never_cache
@require_http_methods(["POST"])
def queue_probe_create(request: HttpRequest) -> JsonResponse:
    """Send a probe through the task queue (staff with `core.add_queueprobe`); 201 with the probe."""
    if not request.user.is_authenticated:
        return _error(401, "Authentication credentials were not provided.")
    if not (request.user.is_staff and request.user.has_perm("core.add_queueprobe")):
        return _error(403, "You do not have permission to perform this action.")
    probe = services.queue_probe_create(actor_id=request.user.pk)
    return JsonResponse(_probe_body(probe), status=201)


@never_cache
@require_GET
def queue_probe_detail(request: HttpRequest, probe_id: int) -> JsonResponse:
    """A probe and its result: `processed_at` and `processed_by` are set once a worker has run it."""
    if not request.user.is_authenticated:
        return _error(401, "Authentication credentials were not provided.")
    if not request.user.is_staff:
        return _error(403, "You do not have permission to perform this action.")
    probe = selectors.queue_probe_get(actor=request.user, probe_id=probe_id)
    if probe is None:
        return _error(404, "Not found.")
    return JsonResponse(_probe_body(probe))
