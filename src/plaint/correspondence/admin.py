"""The outbox in the Django admin: read-only, filtered by status; "Send again" for failed and unconfirmed emails."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plaint.access.audit_services import audit_source_from_request
from plaint.correspondence.models import EmailStatus, OutboundEmail
from plaint.correspondence.services import email_resend


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_display = ("created_at", "kind", "recipient_email", "case", "status", "attempts", "sent_at", "organisation")
    list_filter = ("status", "kind", "organisation")
    search_fields = ("recipient_email", "recipient_name", "case__reference", "message_id")
    date_hierarchy = "created_at"
    list_select_related = ("case", "organisation")
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("correspondence.resend_outboundemail")

    @admin.action(
        description=_("Send again (failed or unconfirmed: check first that an unconfirmed one did not arrive)"),
        permissions=["resend"],
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        resendable = queryset.filter(status__in=[EmailStatus.FAILED, EmailStatus.UNCONFIRMED])
        source = audit_source_from_request(request)
        count = 0
        for email in resendable:
            email_resend(email=email, actor=request.user, source=source)  # type: ignore[arg-type]
            count += 1
        skipped = queryset.count() - count
        queued = ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
        self.message_user(request, queued % {"count": count})
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email was left alone: only failed or unconfirmed emails are sent again.",
                    "%(count)d emails were left alone: only failed or unconfirmed emails are sent again.",
                    skipped,
                )
                % {"count": skipped},
                level=messages.WARNING,
            )
