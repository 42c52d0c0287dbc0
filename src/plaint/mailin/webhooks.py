"""Hosted mail providers (Postmark, Mailgun, Amazon SES, … through django-anymail's inbound webhooks): anymail's
`inbound` signal hands over a standard-library message, which goes through the same pipeline as every other."""

from __future__ import annotations

from typing import Any

from plaint.mailin.services import mail_ingest


def inbound_received(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    message = event.message
    recipient = getattr(message, "envelope_recipient", None)
    mail_ingest(bytes(message.as_bytes()), channel="webhook", recipients=[recipient] if recipient else None)
