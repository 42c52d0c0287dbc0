"""The outbox in the Django admin: read-only, filtered by status; "Send again" for failed and unconfirmed emails."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plaint.access.audit_services import audit_source_from_request
from plaint.core.errors import PlaintError
from plaint.correspondence.letters.approval import RELEASED
from plaint.correspondence.letters.sending import letter_record_delivered
from plaint.correspondence.models import EmailStatus, Letter, LetterDelivery, OutboundEmail
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


class ToBePosted(admin.SimpleListFilter):
    title = _("to be posted")
    parameter_name = "to_post"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes: not yet posted or handed over"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Letter]) -> QuerySet[Letter]:
        if self.value() == "yes":
            return queryset.filter(delivery=LetterDelivery.POST, delivered_on__isnull=True, approval__in=RELEASED)
        return queryset


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin[Letter]):
    """The letters stored on cases; the "to be posted" list (filter), each letter's printable PDF, and "Record as
    posted today" (the person and the date are recorded; docs/letters.md)."""

    list_display = (
        "created_at",
        "title",
        "recipient_name",
        "recipient_role",
        "case",
        "delivery",
        "delivered_on",
        "pdf_link",
    )
    list_filter = (ToBePosted, "delivery", "language", "organisation")
    search_fields = ("recipient_name", "case__reference", "title")
    list_select_related = ("case",)
    exclude = ("pdf",)
    readonly_fields = [field.name for field in Letter._meta.fields if field.name != "pdf"]
    actions = ["record_posted"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path("<int:letter_id>/pdf/", self.admin_site.admin_view(self.pdf_view), name="correspondence_letter_pdf"),
            *super().get_urls(),
        ]

    @admin.display(description=_("PDF"))
    def pdf_link(self, letter: Letter) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:correspondence_letter_pdf", args=[letter.pk]), _("PDF")
        )

    def pdf_view(self, request: HttpRequest, letter_id: int) -> HttpResponse:
        letter = Letter.objects.select_related("case").filter(pk=letter_id).first()
        if letter is None or not request.user.has_perm("cases.view_case", letter.case):
            raise Http404()
        response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{letter.case.reference}-{letter.key}.pdf"'
        return response

    @admin.action(description=_("Record as posted or handed over today (by you)"))
    def record_posted(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        source = audit_source_from_request(request)
        count = 0
        for letter in queryset.filter(delivered_on__isnull=True, delivery=LetterDelivery.POST):
            try:
                letter_record_delivered(letter=letter, actor=request.user, source=source)  # type: ignore[arg-type]
            except PlaintError as error:
                self.message_user(request, f"{letter}: {error.detail}", level=messages.ERROR)
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d letter recorded as posted.", "%(count)d letters recorded as posted.", count)
            % {"count": count},
        )
