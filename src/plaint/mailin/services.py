"""One pipeline for every way mail comes in (`plaint mail ingest`, the SMTP receiver, later IMAP and webhooks):
keep the raw message once per Message-ID, parse it, then make it a new case, add it to a case's history, recognise
it as an automatic reply, bounce or loop, or keep it aside in quarantine with the reason. Never raises on bad mail.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from email import errors as email_errors
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from flufl.bounce import scan_message

from plaint.cases.attachment_services import attachment_add, attachment_check
from plaint.cases.history_services import case_record_event
from plaint.cases.models import Case, PartyRole
from plaint.cases.registration_services import PartyInput, Registration, case_register_once
from plaint.core import clock
from plaint.correspondence.inbound import email_mark_bounced, emails_by_message_ids
from plaint.mailin.classify import guess_language, is_auto_reply, is_loop
from plaint.mailin.models import InboundMessage, Outcome, Reason
from plaint.organisations.models import Organisation

logger = logging.getLogger(__name__)

#: Malformations after which the structure of the message cannot be trusted.
FATAL_DEFECTS = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.MissingHeaderBodySeparatorDefect,
    email_errors.InvalidMultipartContentTransferEncodingDefect,
)
REFERENCE = re.compile(r"\b([A-Z]{2,5}-\d{4}-\d{4,})\b")
TOKEN_SALT = "plaint.mailin.reply-token"  # noqa: S105 (a salt, not a secret)
HEADERS_KEPT = 64 * 1024


class Quarantine(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Parsed:
    message: EmailMessage
    sender: Address
    subject: str
    text: str
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def reply_token(case: Case) -> str:
    """`<case id>-<hmac>`: put in a reply address (`reply+TOKEN@`) or a subject (`[#TOKEN]`)."""
    return f"{case.pk}-{salted_hmac(TOKEN_SALT, str(case.pk)).hexdigest()[:16]}"


def _case_by_token(token: str) -> Case | None:
    case_id, _sep, mac = token.partition("-")
    if not case_id.isdigit() or not constant_time_compare(mac, salted_hmac(TOKEN_SALT, case_id).hexdigest()[:16]):
        return None
    return Case.objects.select_related("organisation").filter(pk=int(case_id)).first()


def mail_ingest(
    raw: bytes,
    *,
    channel: str,
    recipients: list[str] | None = None,
    organisation: Organisation | None = None,
) -> InboundMessage:
    """Take one message. Returns its row (the first one when it was delivered before). Never raises on bad mail."""
    received_at = clock.now()
    size = len(raw)
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0][:HEADERS_KEPT]
    try:
        headers = BytesParser(policy=default_policy).parsebytes(head, headersonly=True)
        message_id = str(headers.get("Message-ID", "") or "").strip()[:255]
    except Exception:  # a header the parser cannot read at all
        headers, message_id = None, ""
    if not message_id:
        message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()}@plaint.invalid>"
    existing = InboundMessage.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    envelope = [address.lower() for address in (recipients or [])]
    row = InboundMessage(
        message_id=message_id,
        organisation=organisation,
        channel=channel,
        recipients=envelope,
        size=size,
        raw=raw if size <= settings.PLAINT_MAIL_MAX_BYTES else head,
        received_at=received_at,
    )
    if headers is not None:
        row.subject = _header(headers, "Subject")[:300]
        row.sender = _header(headers, "From")[:320]
    try:
        if size > settings.PLAINT_MAIL_MAX_BYTES:
            raise Quarantine(Reason.TOO_LARGE, f"{size} bytes")
        _process(row, raw)
    except Quarantine as kept:
        row.pk = None  # whatever was saved for it rolled back with the case
        row.outcome, row.reason, row.detail, row.case = Outcome.QUARANTINED, kept.reason, kept.detail[:2000], None
        if row.organisation is None and headers is not None:  # whose quarantine it is: the address it was sent to
            row.organisation = _organisation_for(row.recipients or _header_recipients(headers))
    except Exception as error:  # never crash the receiver: keep it aside and log the bug
        logger.exception("mail %s could not be processed", message_id)
        row.pk = None
        row.outcome, row.reason, row.detail, row.case = Outcome.QUARANTINED, Reason.ERROR, repr(error)[:2000], None
    if row.pk is None:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # the same message, delivered twice at once: the other delivery stored it
            return InboundMessage.objects.get(message_id=message_id)
    return row


def _header_recipients(message: EmailMessage) -> list[str]:
    try:
        return [
            address.lower() for _name, address in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
        ]
    except Exception:
        return []


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except Exception:
        return ""


def _parse(raw: bytes) -> Parsed:
    message = BytesParser(policy=default_policy).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    defects = [defect for part in message.walk() for defect in part.defects if isinstance(defect, FATAL_DEFECTS)]
    if defects:
        raise Quarantine(Reason.MALFORMED, ", ".join(sorted({type(defect).__name__ for defect in defects})))
    senders = [address for _name, address in getaddresses([_header(message, "From")]) if "@" in address]
    if not senders:
        raise Quarantine(Reason.NO_SENDER)
    from_header = message["From"]
    sender = from_header.addresses[0] if getattr(from_header, "addresses", None) else Address(addr_spec=senders[0])
    text = ""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            text = str(body.get_content())
        attachments: list[tuple[str, bytes]] = []
        for part in message.iter_attachments():
            if len(attachments) >= settings.PLAINT_MAIL_MAX_ATTACHMENTS:
                raise Quarantine(Reason.TOO_MANY_ATTACHMENTS, f"more than {settings.PLAINT_MAIL_MAX_ATTACHMENTS}")
            if part.get_content_maintype() == "multipart" or part.get_content_type() == "message/rfc822":
                continue
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                attachments.append((part.get_filename() or "attachment", payload))
    except LookupError as error:
        raise Quarantine(Reason.UNKNOWN_CHARSET, str(error)) from None
    return Parsed(message, sender, _header(message, "Subject"), text, attachments)


def _process(row: InboundMessage, raw: bytes) -> None:
    parsed = _parse(raw)
    message = parsed.message
    row.sender = parsed.sender.addr_spec[:320]
    row.subject = parsed.subject[:300]
    recipients = row.recipients or [
        address.lower() for _name, address in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
    ]
    row.recipients = recipients
    organisation = row.organisation or _organisation_for(recipients)
    row.organisation = organisation
    own = {address for address in recipients if organisation and address == organisation.complaints_email.lower()}
    if is_loop(message, own, parsed.sender.addr_spec):
        row.outcome = Outcome.LOOP
        return
    bounced = scan_message(message)
    if bounced or message.get_content_type() == "multipart/report":
        row.outcome = Outcome.BOUNCE
        row.detail = ", ".join(
            sorted(address.decode() if isinstance(address, bytes) else address for address in bounced)
        )
        for email in emails_by_message_ids(_referenced_ids(message, include_report=True)):
            email_mark_bounced(email, detail=row.detail or "delivery report")
            row.case = email.case
        return
    if is_auto_reply(message):
        row.outcome = Outcome.AUTO_REPLY
        return
    case = _thread(message, recipients, parsed.subject, organisation)
    _check_attachments(parsed)
    if case is not None:
        _add_to_case(row, case, parsed)
        return
    if organisation is None:
        raise Quarantine(Reason.NO_ORGANISATION, ", ".join(recipients))
    _new_case(row, organisation, parsed)


def _organisation_for(recipients: list[str]) -> Organisation | None:
    if not recipients:
        return None
    for organisation in Organisation.objects.exclude(complaints_email=""):
        if organisation.complaints_email.lower() in recipients:
            return organisation
    return None


def _referenced_ids(message: EmailMessage, *, include_report: bool = False) -> list[str]:
    ids: list[str] = []
    for name in ("In-Reply-To", "References"):
        ids += re.findall(r"<[^<>\s]+>", _header(message, name))
    if include_report:  # a delivery report quotes the returned message's headers
        for part in message.walk():
            if part.get_content_type() in ("text/rfc822-headers", "message/rfc822"):
                ids += re.findall(r"(?im)^message-id:\s*(<[^<>\s]+>)", part.as_string())
    return ids


def _thread(
    message: EmailMessage, recipients: list[str], subject: str, organisation: Organisation | None
) -> Case | None:
    """The case this message answers: by thread header (our outbox), by reply token, by case reference."""
    case: Case | None = None
    for email in emails_by_message_ids(_referenced_ids(message)):
        if email.case is not None:
            case = email.case
    if case is None:
        for address in recipients:
            local = address.split("@", 1)[0]
            if "+" in local:
                case = _case_by_token(local.split("+", 1)[1]) or case
        found = re.search(r"\[#(\d+-[0-9a-f]{16})\]", subject)
        if case is None and found:
            case = _case_by_token(found.group(1))
    if case is None and organisation is not None:
        for reference in REFERENCE.findall(subject):
            case = (
                Case.objects.select_related("organisation")
                .filter(organisation=organisation, reference=reference)
                .first()
            )
            if case is not None:
                break
    if case is not None and organisation is not None and case.organisation_id != organisation.pk:
        raise Quarantine(Reason.FORGED_THREAD, f"case of another organisation ({case.organisation.slug})")
    return case


def _check_attachments(parsed: Parsed) -> None:
    for name, content in parsed.attachments:
        try:
            attachment_check(file=ContentFile(content, name=name))
        except Exception as refusal:
            raise Quarantine(Reason.ATTACHMENT_REFUSED, f"{name}: {refusal}") from None


def _add_attachments(row: InboundMessage, case: Case, parsed: Parsed) -> None:
    """After the case's rows committed: each document in a transaction of its own (the upload rules'), checked
    beforehand, so a refusal here is rare; it is then noted on the message rather than losing the case."""
    problems = []
    for name, content in parsed.attachments:
        try:
            attachment_add(case=case, actor=None, file=ContentFile(content, name=name))
        except Exception as refusal:
            problems.append(f"{name}: {refusal}")
    if problems:
        InboundMessage.objects.filter(pk=row.pk).update(detail="; ".join(problems)[:2000])


def _add_to_case(row: InboundMessage, case: Case, parsed: Parsed) -> None:
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        row.organisation, row.case, row.outcome = locked.organisation, locked, Outcome.THREADED
        row.save()
        case_record_event(
            case=locked,
            kind="email_received",
            actor=None,
            data={"inbound_message": row.pk, "attachments": len(parsed.attachments)},
            note=f"{parsed.subject}\n\n{parsed.text}".strip()[:20000],
        )
    _add_attachments(row, locked, parsed)


def _new_case(row: InboundMessage, organisation: Organisation, parsed: Parsed) -> None:
    description = parsed.text.strip() or parsed.subject.strip()
    language = guess_language(
        f"{parsed.subject} {parsed.text}",
        supported=list(organisation.supported_languages),
        default=organisation.default_language,
    )
    registration = Registration(
        kind="complaint",
        channel="email",
        description=description[:20000],
        summary=parsed.subject[:200],
        language=language,
        complainant=PartyInput(
            role=PartyRole.COMPLAINANT,
            name=(parsed.sender.display_name or parsed.sender.addr_spec)[:200],
            email=parsed.sender.addr_spec,
        ),
    )
    try:
        with transaction.atomic():
            case = case_register_once(organisation=organisation, registration=registration, actor=None).case
            row.case, row.outcome = case, Outcome.CASE_CREATED
            row.save()
    except Exception as refusal:
        raise Quarantine(Reason.REFUSED, str(refusal)) from None
    _add_attachments(row, case, parsed)


def quarantined() -> Any:
    """The quarantine list, newest first (for staff pages and the admin)."""
    return InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).select_related("organisation")
