"""`plaint mail poll`: take new messages from an IMAP mailbox (IMAPClient) through the same pipeline. Where it
stopped is kept per mailbox (UIDVALIDITY and the last UID); a changed UIDVALIDITY starts over, and the pipeline's
Message-ID check keeps messages seen before from being taken twice."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

from plaint.mailin.models import MailboxState
from plaint.mailin.services import mail_ingest
from plaint.organisations.models import Organisation


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    ssl: bool
    username: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> Mailbox:
        """`imaps://user:password@host[:port]/FOLDER` (or `imap://` without TLS; folder INBOX by default)."""
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ValueError("the mailbox is imap://user:password@host[:port]/FOLDER or imaps://…")
        ssl = parts.scheme == "imaps"
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if ssl else 143),
            ssl=ssl,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )

    @property
    def key(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.folder}"


def mail_poll(*, mailbox: Mailbox, organisation: Organisation | None = None) -> int:
    """Take every message after the last UID taken; returns how many were taken."""
    with IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.ssl, timeout=60) as client:
        client.login(mailbox.username, mailbox.password)
        selected = client.select_folder(mailbox.folder, readonly=True)
        validity = int(selected[b"UIDVALIDITY"])
        state, _created = MailboxState.objects.get_or_create(
            mailbox=mailbox.key, defaults={"uid_validity": validity, "last_uid": 0}
        )
        if state.uid_validity != validity:
            state.uid_validity, state.last_uid = validity, 0
        uids = sorted(uid for uid in client.search(["UID", f"{state.last_uid + 1}:*"]) if uid > state.last_uid)
        taken = 0
        for uid in uids:
            fetched = client.fetch([uid], ["RFC822"]).get(uid, {})
            raw = fetched.get(b"RFC822")
            if isinstance(raw, bytes):
                mail_ingest(raw, channel="imap", organisation=organisation)
                taken += 1
            state.last_uid = uid
            state.save()
        state.save()
        client.logout()
    return taken
