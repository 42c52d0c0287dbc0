"""The audit trail in the admin: read only, for superusers and holders of `access.view_auditrecord`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from plaint.access.models_audit import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin[AuditRecord]):
    list_display = [
        "sequence",
        "at",
        "actor_description",
        "action",
        "target_type",
        "target_id",
        "reference",
        "organisation",
        "ip_address",
    ]
    list_filter = ["action", "target_type", "organisation"]
    search_fields = ["=sequence", "=target_id", "=reference", "actor_description", "=request_id"]
    list_select_related = ["organisation"]
    ordering = ["-sequence"]
    show_full_result_count = False
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
