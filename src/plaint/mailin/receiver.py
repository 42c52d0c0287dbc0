"""The SMTP receiver (`plaint mail serve`): aiosmtpd on loopback, behind the organisation's own mail server. Every
accepted message goes through `services.mail_ingest`; bad mail is quarantined, never refused or crashed on."""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from plaint.mailin.services import mail_ingest

logger = logging.getLogger(__name__)


def _ingest(content: bytes, recipients: list[str]) -> None:
    close_old_connections()
    try:
        mail_ingest(content, channel="smtp", recipients=recipients)
    finally:
        close_old_connections()


class IngestHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        try:
            await sync_to_async(_ingest, thread_sensitive=False)(content, list(envelope.rcpt_tos))
        except Exception:  # the database is down, say: the sending server keeps it and tries again
            logger.exception("an incoming message could not be stored")
            return "451 4.3.0 Try again later"
        return "250 2.0.0 Accepted"


def receiver(host: str = "127.0.0.1", port: int = 8025) -> Controller:
    """A controller, not yet started. Its size limit is above PLAINT_MAIL_MAX_BYTES, so that an oversized message
    still arrives and is kept aside with the reason."""
    return Controller(
        IngestHandler(),
        hostname=host,
        port=port,
        data_size_limit=int(settings.PLAINT_MAIL_MAX_BYTES) * 3,
        decode_data=False,
    )
