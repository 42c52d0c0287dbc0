"""Cases in the Django admin: categories and causes are edited here; cases are read-only, because every change to a case
is an action through the services (the staff workspace and the API), recorded in its history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plaint.access.audit_services import audit_source_from_request
from plaint.cases.effects import effect_retry
from plaint.cases.errors import CaseNotFound
from plaint.cases.models import Case, CaseEvent, Category, Cause, Effect, EffectState, FollowUp, Party, Term
from plaint.cases.selectors import case_read, cases_visible_to


@admin.register(Category, Cause)
class ClassificationAdmin(admin.ModelAdmin[Category]):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        """Only the cases the user may see (docs/access.md): the admin is a staff page like any other."""
        return super().get_queryset(request) & cases_visible_to(actor=request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return request.user.has_perm("cases.view_case", obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("cases.view_case")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """A case the user may not see is a 404 (logged and recorded); a case shown is recorded as read."""
        try:
            case_read(
                actor=request.user,  # type: ignore[arg-type]
                case_id=int(object_id),
                source=audit_source_from_request(request),
            )
        except (ValueError, CaseNotFound):
            raise Http404 from None
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False


@admin.register(Effect)
class EffectAdmin(admin.ModelAdmin[Effect]):
    """What cases' events set in motion, read-only: keep an eye on `failed` (and on `waiting_for_handler`, which a
    release with the kind's handler will take up). A failed one can be tried again once its cause is fixed."""

    list_display = ("created_at", "kind", "case", "state", "attempts", "next_attempt_at", "handled_at")
    list_filter = ("state", "kind")
    search_fields = ("case__reference", "kind")
    date_hierarchy = "created_at"
    list_select_related = ("case",)
    readonly_fields = [field.name for field in Effect._meta.fields]
    actions = ["try_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("cases.retry_effect")

    @admin.action(description=_("Try again (failed effects, once their cause is fixed)"), permissions=["retry"])
    def try_again(self, request: HttpRequest, queryset: QuerySet[Effect]) -> None:
        source = audit_source_from_request(request)
        count = 0
        for effect in queryset.filter(state=EffectState.FAILED).select_related("case__organisation"):
            count += effect_retry(effect=effect, actor=request.user, source=source)  # type: ignore[arg-type]
        message = ngettext("%(count)d effect will be tried again.", "%(count)d effects will be tried again.", count)
        self.message_user(request, message % {"count": count})
