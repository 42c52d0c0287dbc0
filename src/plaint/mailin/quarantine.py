"""The quarantine, for people (docs/mail.md): who may see which kept-aside message, a message read safely as text,
and the three decisions a person makes about it: make it a new case, add it to a case's history, or discard it.
Each decision is audited (`mail.quarantine.*`) and changes the message's outcome in the same transaction, so a
message is decided once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.action_services import authorise_act
from plaint.cases.attachment_services import attachment_add, attachment_check
from plaint.cases.detail_selectors import organisations_for_registration
from plaint.cases.history_services import case_record_event
from plaint.cases.models import Case, PartyRole
from plaint.cases.registration_services import PartyInput, Registration, case_register
from plaint.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from plaint.mailin.classify import guess_language
from plaint.mailin.models import InboundMessage, Outcome
from plaint.organisations.models import Organisation

#: The most text a person is shown of one message (the raw message stays whole).
TEXT_SHOWN = 100_000
HEADERS_SHOWN = {
    "From": _("From"),
    "To": _("To"),
    "Cc": _("Cc"),
    "Reply-To": _("Reply to"),
    "Date": _("Date"),
    "Subject": _("Subject"),
    "Message-ID": _("Message-ID"),
}
#: Elements whose content is never text to read, and elements that end a line.
_HIDDEN = {"script", "style", "head", "title", "template", "noscript"}
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr"}


class _TextOfHtml(HTMLParser):
    """An HTML part reduced to its readable text: no script, style or markup; a line break after each block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_text(markup: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # whatever the markup, never fail to show something
        return markup
    return parser.text()


@dataclass(frozen=True)
class AttachmentInfo:
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Readable:
    """A message as a person may safely read it: its main headers, its text (HTML reduced to text, never rendered)
    and what is attached (names, kinds and sizes only)."""

    headers: list[tuple[str, str, str]]  # (header, its label, its value)
    text: str
    from_html: bool = False
    headers_only: bool = False
    attachments: list[AttachmentInfo] = field(default_factory=list)
    sender: str = ""
    sender_name: str = ""


def quarantine_of(*, actor: User) -> QuerySet[InboundMessage]:
    """The quarantined messages the actor may see, newest first: those sent to an organisation they may register
    cases for; a message no organisation was found for only for a superuser."""
    messages = InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).select_related("organisation")
    if actor.is_superuser:
        return messages
    ids = [org.pk for org in organisations_for_registration(actor=actor) if actor.has_perm("cases.register_case", org)]
    return messages.filter(organisation_id__in=ids)


def quarantined_message(*, actor: User, message_id: int) -> InboundMessage:
    message = quarantine_of(actor=actor).filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("There is no such message in quarantine, or it was already dealt with."))
    return message


def message_readable(message: InboundMessage) -> Readable:
    """Parse the kept message leniently (it may be malformed or in an unknown character set) for reading."""
    raw = bytes(message.raw)
    headers_only = message.reason == "too_large"
    try:
        parsed = BytesParser(policy=default_policy).parsebytes(raw, headersonly=headers_only)
    except Exception:  # beyond even a lenient parser: show the bytes as text
        return Readable(headers=[], text=raw[:TEXT_SHOWN].decode("utf-8", "replace"))
    headers = [
        (name, str(label), _value(parsed, name)) for name, label in HEADERS_SHOWN.items() if _value(parsed, name)
    ]
    senders = [(name, address) for name, address in getaddresses([_value(parsed, "From")]) if "@" in address]
    sender_name, sender = senders[0] if senders else ("", "")
    if headers_only:
        return Readable(headers, "", headers_only=True, sender=sender, sender_name=sender_name)
    text, from_html = _text_of(parsed)
    attachments = []
    for part in parsed.walk():
        if part.is_multipart() or not (part.get_filename() or part.get_content_disposition() == "attachment"):
            continue
        payload = _payload(part)
        attachments.append(AttachmentInfo(part.get_filename() or "attachment", part.get_content_type(), len(payload)))
    return Readable(headers, text[:TEXT_SHOWN], from_html, False, attachments, sender, sender_name)


def _value(message: Message, name: str) -> str:
    try:
        return str(message.get(name, "") or "")[:1000]
    except Exception:
        return ""


def _payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        return b""
    return payload if isinstance(payload, bytes) else b""


def _decoded(part: Message) -> str:
    payload = _payload(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # a character set Python does not know
        return payload.decode("utf-8", "replace")


def _text_of(message: EmailMessage) -> tuple[str, bool]:
    plain = html_part = None
    for part in message.walk():
        if part.is_multipart() or part.get_filename() or part.get_content_disposition() == "attachment":
            continue
        if part.get_content_type() == "text/plain" and plain is None:
            plain = part
        elif part.get_content_type() == "text/html" and html_part is None:
            html_part = part
    if plain is not None:
        return _decoded(plain), False
    if html_part is not None:
        return html_text(_decoded(html_part)), True
    return "", False


def _attachments(message: InboundMessage) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The attachments the upload rules accept, and the names of those they refuse."""
    if message.reason == "too_large":
        return [], []
    try:
        parsed = BytesParser(policy=default_policy).parsebytes(bytes(message.raw))
    except Exception:
        return [], []
    accepted, refused = [], []
    for part in parsed.walk():
        if part.is_multipart() or not (part.get_filename() or part.get_content_disposition() == "attachment"):
            continue
        name, content = part.get_filename() or "attachment", _payload(part)
        try:
            attachment_check(file=ContentFile(content, name=name))
        except Exception:
            refused.append(name)
        else:
            accepted.append((name, content))
    return accepted, refused


def _decided(message: InboundMessage) -> InboundMessage:
    """The message's row, locked; refused when someone decided about it meanwhile."""
    locked = InboundMessage.objects.select_for_update().filter(pk=message.pk).first()
    if locked is None or locked.outcome != Outcome.QUARANTINED:
        raise Conflict(_("Someone already dealt with this message."))
    return locked


def _add_attachments(case: Case, actor: User, accepted: list[tuple[str, bytes]], source: AuditSource | None) -> None:
    for name, content in accepted:
        attachment_add(case=case, actor=actor, file=ContentFile(content, name=name), source=source)


def quarantine_case_make(
    *, message: InboundMessage, actor: User, organisation: Organisation, source: AuditSource | None = None
) -> Case:
    """Register the message as a new complaint (channel email) of `organisation`: the sender as complainant, the
    subject as summary, its text as description, the language guessed; attachments the upload rules accept are
    added, the others named in the message's detail."""
    if message.organisation_id is not None and message.organisation_id != organisation.pk:
        raise InvalidInput(_("This message was sent to another organisation."))
    readable = message_readable(message)
    if not readable.sender:
        raise InvalidInput(
            _("This message has no sender address; register the complaint with “Register a case” instead.")
        )
    description = readable.text.strip() or message.subject.strip() or str(_("(The message has no text.)"))
    registration = Registration(
        kind="complaint",
        channel="email",
        description=description[:20000],
        summary=message.subject[:200],
        language=guess_language(
            f"{message.subject} {readable.text}",
            supported=list(organisation.supported_languages),
            default=organisation.default_language,
        ),
        complainant=PartyInput(
            role=PartyRole.COMPLAINANT, name=(readable.sender_name or readable.sender)[:200], email=readable.sender
        ),
    )
    accepted, refused = _attachments(message)
    with transaction.atomic():
        locked = _decided(message)
        case = case_register(organisation=organisation, registration=registration, actor=actor, source=source)
        _audit(
            locked,
            "mail.quarantine.case_made",
            outcome=Outcome.CASE_CREATED,
            case=case,
            organisation=organisation,
            refused=refused,
            actor=actor,
            source=source,
        )
    _add_attachments(case, actor, accepted, source)
    return case


def quarantine_attach(
    *, message: InboundMessage, actor: User, reference: str, source: AuditSource | None = None
) -> Case:
    """Add the message to the history of the case with this reference (an `email_received` record event), and its
    accepted attachments as documents. Only a case of the organisation it was sent to, that the actor may act on."""
    organisation_ids = (
        [message.organisation_id]
        if message.organisation_id is not None
        else [org.pk for org in organisations_for_registration(actor=actor)]
    )
    case = (
        Case.objects.select_related("organisation")
        .filter(reference=reference.strip().upper(), organisation_id__in=organisation_ids)
        .first()
    )
    if case is None or not actor.has_perm("cases.view_case", case):
        message_text = _("There is no case with this reference at the organisation the message was sent to.")
        raise InvalidInput(message_text, errors={"reference": [message_text]})
    authorise_act(case=case, actor=actor, source=source)
    readable = message_readable(message)
    accepted, refused = _attachments(message)
    with transaction.atomic():
        locked = _decided(message)
        locked_case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        case_record_event(
            case=locked_case,
            kind="email_received",
            actor=actor,
            data={"inbound_message": locked.pk, "attachments": len(accepted), "from_quarantine": True},
            note=f"{message.subject}\n\n{readable.text}".strip()[:20000],
        )
        _audit(
            locked,
            "mail.quarantine.attached",
            outcome=Outcome.THREADED,
            case=case,
            organisation=case.organisation,
            refused=refused,
            actor=actor,
            source=source,
        )
    _add_attachments(case, actor, accepted, source)
    return case


def quarantine_discard(*, message: InboundMessage, actor: User, source: AuditSource | None = None) -> None:
    """Decide the message is not for Plaint (spam, a newsletter, a duplicate): it stays stored, marked discarded."""
    if message.organisation_id is None and not actor.is_superuser:
        raise Forbidden(_("Only an administrator decides about a message no organisation was found for."))
    with transaction.atomic():
        locked = _decided(message)
        _audit(
            locked,
            "mail.quarantine.discarded",
            outcome=Outcome.DISCARDED,
            case=None,
            organisation=message.organisation,
            refused=[],
            actor=actor,
            source=source,
        )


def _audit(
    message: InboundMessage,
    action: str,
    *,
    outcome: str,
    case: Case | None,
    organisation: Organisation | None,
    refused: list[str],
    actor: User,
    source: AuditSource | None,
) -> None:
    """The person's decision: the message's new outcome and the audit record, in the caller's transaction."""
    reason = message.reason
    note = f"{message.detail}\n" if message.detail else ""
    if refused:
        note += "attachments left out (refused by the upload rules): " + ", ".join(refused)
    InboundMessage.objects.filter(pk=message.pk).update(
        outcome=outcome, case=case, organisation=organisation, detail=note.strip()[:2000]
    )
    details: dict[str, Any] = {"reason": reason, "outcome": outcome}
    if refused:
        details["attachments_left_out"] = len(refused)
    audit_record(
        actor=actor,
        action=action,
        target_type="inbound_message",
        target_id=message.pk,
        organisation=organisation,
        reference=case.reference if case is not None else "",
        details=details,
        source=source,
        case_id=case.pk if case is not None else None,
    )
