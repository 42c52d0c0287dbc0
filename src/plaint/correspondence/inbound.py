"""What mail coming in (plaint.mailin) asks of the outbox: which sent email a reply or a bounce refers to, and
marking an email failed when it bounced."""

from __future__ import annotations

from collections.abc import Iterable

from plaint.correspondence.models import EmailStatus, OutboundEmail


def emails_by_message_ids(message_ids: Iterable[str]) -> list[OutboundEmail]:
    """Our outgoing emails with these Message-IDs (with or without angle brackets), oldest first."""
    wanted: set[str] = set()
    for raw in message_ids:
        value = raw.strip()
        if value:
            bare = value.strip("<>")
            wanted |= {bare, f"<{bare}>"}
    if not wanted:
        return []
    return list(
        OutboundEmail.objects.filter(message_id__in=wanted).select_related("case__organisation").order_by("created_at")
    )


def email_mark_bounced(email: OutboundEmail, *, detail: str) -> None:
    """The recipient's server returned the email: it failed, whatever we believed before."""
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, last_error=f"bounced: {detail}"[:2000])
