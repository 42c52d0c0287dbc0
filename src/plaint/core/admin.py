from django.contrib import admin
from django.http import HttpRequest

from plaint.core.models import QueueProbe, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Operational records are written by the workers, only read here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker", "last_seen"]


@admin.register(QueueProbe)
class QueueProbeAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "created_by", "processed_at", "processed_by"]
    list_select_related = ["created_by"]
