"""Data-subject requests in the Django admin: a read-only register (requests are made through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from plaint.privacy.models import DataSubjectRequest


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin[DataSubjectRequest]):
    list_display = ("pk", "kind", "status", "email", "name", "organisation", "received_at", "completed_at")
    list_filter = ("kind", "status", "organisation")
    search_fields = ("email", "name")
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in DataSubjectRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
