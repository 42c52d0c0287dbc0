"""Cases in the Django admin: categories are edited here; cases are read-only, because every change to a case
is an action through the services (the staff workspace and the API), recorded in its history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from plaint.cases.models import Case, CaseEvent, Category, FollowUp, Party, Term


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name_en", "name_nl", "organisation", "active")
    list_filter = ("organisation", "active")
    search_fields = ("code", "name_en", "name_nl")


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ("role", "display_name", "email", "phone", "group", "internal", "involved", "consent_given_on")
    readonly_fields = fields


class TermInline(ReadOnlyInline):
    model = Term
    fields = ("key", "anchor", "started_on", "due", "state", "met_on", "extensions", "warn_only")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("sequence", "kind", "on", "actor", "actor_role", "data", "note", "recorded_at")
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ("kind", "description", "owner", "follow_up_on", "completed_on")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ("reference", "organisation", "kind", "stage", "status", "next_due", "handler", "received_on")
    list_filter = ("organisation", "kind", "status", "stage", "confidentiality")
    search_fields = ("reference", "summary")
    date_hierarchy = "received_on"
    list_select_related = ("organisation", "handler")
    inlines = (PartyInline, TermInline, EventInline, FollowUpInline)
    exclude = ("idempotency_key",)

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        return [field.name for field in Case._meta.fields if field.name != "idempotency_key"] + ["categories"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False
