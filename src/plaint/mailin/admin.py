"""Mail in, in the Django admin: every received message, read-only, filtered by outcome and reason; the quarantine
is `?outcome__exact=quarantined` (docs/mail.md). The raw message is never shown inline (it may be large)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from plaint.mailin.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ("received_at", "outcome", "reason", "sender", "subject", "case", "organisation", "size")
    list_filter = ("outcome", "reason", "channel", "organisation")
    search_fields = ("message_id", "sender", "subject", "case__reference")
    date_hierarchy = "received_at"
    list_select_related = ("case", "organisation")
    exclude = ("raw",)
    readonly_fields = [field.name for field in InboundMessage._meta.fields if field.name != "raw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("mailin.view_inboundmessage")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
