from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from plaint.core.health import database_health, task_queue_health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the task queue are reachable, 503 otherwise; for load balancers and monitors."""
    database, task_queue = database_health(), task_queue_health()
    healthy = database.ok and task_queue.ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": database.ok, "detail": database.detail},
        "task_queue": {"ok": task_queue.ok, "detail": task_queue.detail},
    }
    return JsonResponse(body, status=200 if healthy else 503)
