"""Commands of the outbox: queue an email in the caller's transaction, send it once, retry, give up, or ask a person.

The rules (docs/correspondence.md):

* `email_queue` writes the row in the caller's transaction and enqueues the send once that commits; the same
  `dedupe_key` never makes a second row.
* `email_send` claims a queued row (queued → sending, attempts + 1) and commits *before* talking to the mail server,
  then marks it sent. A temporary failure (no connection, 4xx) puts it back in the queue with a growing delay, up to
  `MAX_ATTEMPTS`; a permanent one (5xx, an address the server or Django refuses) marks it failed.
* A row still `sending` after `LEASE` belongs to a worker that stopped mid-send: the mail server may have accepted it.
  Plaint never sends it again on its own; it becomes `unconfirmed`, and a person checks and sends it again
  deliberately (`email_resend`, the admin action "Send again"). No letter is lost, none is sent twice by the machine.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.effects import EffectSpec, event_effects_handle
from plaint.cases.models import Case, CaseEvent, Effect, PartyRole
from plaint.cases.selectors import case_view
from plaint.cases.services import authorise_act, case_act, case_record_event
from plaint.core import clock
from plaint.core.inserts import insert_row
from plaint.correspondence.errors import (
    EmailNotResendable,
    NotACompliment,
    RecipientWithoutEmail,
    no_service_manager,
)
from plaint.correspondence.models import EmailKind, EmailStatus, Letter, OutboundEmail
from plaint.correspondence.rendering import compliment_copy
from plaint.organisations.models import Organisation, Person
from plaint.organisations.selectors import line_manager_of, people_with_role, unit_manager

logger = logging.getLogger(__name__)

#: Attempts before a temporary failure becomes a permanent one.
MAX_ATTEMPTS = 6
#: Wait before the next attempt after the n-th failed one (the last value repeats).
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=4),
)
#: How long a worker may hold a message in `sending`; after that its fate is unknown (`unconfirmed`).
LEASE = dt.timedelta(minutes=10)
#: Seconds to wait for the mail server when EMAIL_TIMEOUT is not set (Django's default waits forever).
SMTP_TIMEOUT = 30
MAX_ERROR = 1000


# Queueing


def email_queue(
    *,
    organisation: Organisation,
    kind: str,
    dedupe_key: str,
    recipient_email: str,
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    recipient_name: str = "",
    recipient: Person | None = None,
    case: Case | None = None,
    event: CaseEvent | None = None,
    actor: User | None = None,
    attachment: bytes | None = None,
    attachment_name: str = "",
    new_key: bool = False,
) -> OutboundEmail:
    """Put one email in the outbox, in the caller's transaction; it is sent once that transaction commits.

    An email with the same `dedupe_key` (the case event and the recipient, say) is returned as it is, not queued
    again; a rolled-back caller leaves nothing behind and sends nothing. `new_key`: the caller knows no email can
    have the key yet (it names a row made in this transaction), so it is not looked up first (the unique key still
    decides).
    """
    if not new_key:
        existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    now = clock.now()
    try:
        # A savepoint: a concurrent twin's row makes this insert fail, not the caller (none with `new_key`).
        with transaction.atomic(savepoint=not new_key):
            email = OutboundEmail(
                organisation=organisation,
                case=case,
                event=event,
                kind=kind,
                recipient=recipient,
                recipient_name=recipient_name[:200],
                recipient_email=recipient_email,
                language=language,
                subject=" ".join(subject.split())[:300],
                body_text=body_text,
                body_html=body_html,
                attachment=attachment,
                attachment_name=attachment_name[:200] if attachment else "",
                dedupe_key=dedupe_key,
                message_id=make_msgid(idstring="plaint", domain=_mail_domain()),
                status=EmailStatus.QUEUED,
                next_attempt_at=now,
                created_by=actor,
                created_at=now,
            )
            insert_row(email)
    except IntegrityError:
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)
    _enqueue_on_commit(email.pk)
    return email


def _enqueue_on_commit(email_id: int) -> None:
    from plaint.correspondence.tasks import send_email

    transaction.on_commit(lambda: send_email(email_id))


def _mail_domain() -> str:
    _name, address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
    domain = address.rpartition("@")[2].strip()
    return domain or "plaint.localhost"


# Sending


@dataclass(frozen=True)
class _Failure:
    permanent: bool
    code: int | None
    text: str


def email_send(*, email_id: int) -> OutboundEmail | None:
    """Send one queued email that is due, once. None when there is nothing to do (sent, taken by another worker,
    not due yet, or gone): safe to run twice and from several workers at once."""
    claimed = _claim(email_id)
    if claimed is None:
        return None
    try:
        _deliver(claimed)
    except Exception as error:  # every failure is classified and recorded on the row
        return _record_failure(claimed, _classify(error))
    return _record_sent(claimed)


def _claim(email_id: int) -> OutboundEmail | None:
    """queued → sending, attempts + 1, committed before the mail server is contacted (so a crash leaves a trace)."""
    now = clock.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=EmailStatus.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if email is None:
            return None
        # Conditional, so that where the database has no row locks (SQLite) only one worker wins the row.
        claimed = OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.QUEUED, attempts=email.attempts).update(
            status=EmailStatus.SENDING, attempts=email.attempts + 1, claimed_at=now, updated_at=now
        )
        if claimed != 1:
            return None
    email.refresh_from_db()
    return email


def _deliver(email: OutboundEmail) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_address(email)],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
        connection=get_connection(fail_silently=False, timeout=_timeout()),
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.attachment:
        message.attach(email.attachment_name or "letter.pdf", bytes(email.attachment), "application/pdf")
    message.send(fail_silently=False)


def _timeout() -> int:
    configured = getattr(settings, "EMAIL_TIMEOUT", None)
    return int(configured) if configured else SMTP_TIMEOUT


def _address(email: OutboundEmail) -> str:
    name = email.recipient_name.replace('"', "").replace("\n", " ").strip()
    return f'"{name}" <{email.recipient_email}>' if name else email.recipient_email


def _classify(error: Exception) -> _Failure:
    """Permanent: the server answered 5xx, or the address or headers cannot be sent. Everything else is temporary
    (no connection, a timeout, 4xx, a dropped connection)."""
    code: int | None = None
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [int(answer[0]) for answer in error.recipients.values()]
        code = codes[0] if codes else None
        return _Failure(bool(codes) and all(500 <= item < 600 for item in codes), code, _text(error))
    if isinstance(error, smtplib.SMTPResponseException):
        code = int(error.smtp_code)
        return _Failure(500 <= code < 600, code, _text(error))
    if isinstance(error, ValueError | UnicodeError):
        return _Failure(True, None, _text(error))
    return _Failure(False, None, _text(error))


def _text(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [_answer(code, message) for code, message in error.recipients.values()]
        return "; ".join(answers)[:MAX_ERROR] or "recipients refused"
    if isinstance(error, smtplib.SMTPResponseException):
        return _answer(error.smtp_code, error.smtp_error)[:MAX_ERROR]
    return f"{type(error).__name__}: {error}"[:MAX_ERROR]


def _answer(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}"


def _record_sent(email: OutboundEmail) -> OutboundEmail:
    now = clock.now()
    with transaction.atomic():
        # Also from `unconfirmed`: a send that outlived its lease and then succeeded is known to have arrived.
        updated = OutboundEmail.objects.filter(
            pk=email.pk, attempts=email.attempts, status__in=[EmailStatus.SENDING, EmailStatus.UNCONFIRMED]
        ).update(status=EmailStatus.SENT, sent_at=now, claimed_at=None, last_error="", updated_at=now)
        if updated:
            _audit(email, "email.sent")
            if email.kind == EmailKind.LETTER:
                from plaint.correspondence.letters.sending import letters_email_accepted

                letters_email_accepted(email=email)
    email.refresh_from_db()
    return email


def _record_failure(email: OutboundEmail, failure: _Failure) -> OutboundEmail:
    now = clock.now()
    give_up = failure.permanent or email.attempts >= MAX_ATTEMPTS
    values: dict[str, Any] = {"claimed_at": None, "last_error": failure.text, "updated_at": now}
    if give_up:
        values["status"] = EmailStatus.FAILED
    else:
        values["status"] = EmailStatus.QUEUED
        values["next_attempt_at"] = now + BACKOFF[min(email.attempts, len(BACKOFF)) - 1]
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(
            pk=email.pk, attempts=email.attempts, status__in=[EmailStatus.SENDING, EmailStatus.UNCONFIRMED]
        ).update(**values)
        if updated and give_up:
            _audit(email, "email.failed", smtp_code=failure.code, permanent=failure.permanent)
    logger.warning("email %s attempt %s failed (%s): %s", email.pk, email.attempts, values["status"], failure.text)
    email.refresh_from_db()
    return email


# The sweep


@dataclass
class SweepResult:
    unconfirmed: int = 0
    attempted: int = 0


def outbox_sweep(*, batch: int = 100) -> SweepResult:
    """Run every minute by the worker: sends whose lease ran out become `unconfirmed` (never sent again by
    themselves), and queued emails that are due are sent (their own job was lost, or it is time for a retry)."""
    result = SweepResult()
    expired = clock.now() - LEASE
    stale = OutboundEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=expired).values_list(
        "pk", flat=True
    )
    for email_id in list(stale[:batch]):
        result.unconfirmed += int(_mark_unconfirmed(email_id, expired))
    due = (
        OutboundEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    for email_id in list(due[:batch]):
        result.attempted += int(email_send(email_id=email_id) is not None)
    return result


def _mark_unconfirmed(email_id: int, expired: dt.datetime) -> bool:
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if email is None:
            return False
        updated = OutboundEmail.objects.filter(
            Q(claimed_at__lt=expired), pk=email_id, status=EmailStatus.SENDING, attempts=email.attempts
        ).update(
            status=EmailStatus.UNCONFIRMED,
            last_error=(
                f"No result after {int(LEASE.total_seconds() // 60)} minutes: the worker stopped while sending. "
                "The mail server may have accepted it; check before sending it again."
            ),
            updated_at=clock.now(),
        )
        if updated:
            _audit(email, "email.unconfirmed")
    if updated:
        logger.error("email %s: fate unknown after its lease, marked unconfirmed", email_id)
    return bool(updated)


# A person's decision


def email_resend(*, email: OutboundEmail, actor: User, source: AuditSource | None = None) -> OutboundEmail:
    """Send a failed or unconfirmed email again, because a person decided so (the admin's "Send again").

    It keeps its Message-ID, so a receiving system that did get the first one can recognise the repeat."""
    now = clock.now()
    with transaction.atomic():
        locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status not in (EmailStatus.FAILED, EmailStatus.UNCONFIRMED):
            raise EmailNotResendable()
        previous = locked.status
        OutboundEmail.objects.filter(pk=locked.pk).update(
            status=EmailStatus.QUEUED, attempts=0, next_attempt_at=now, claimed_at=None, updated_at=now
        )
        _audit(locked, "email.resend_requested", actor=actor, source=source, previous=previous)
        _enqueue_on_commit(locked.pk)
    email.refresh_from_db()
    return email


def _audit(
    email: OutboundEmail,
    action: str,
    *,
    actor: User | None = None,
    source: AuditSource | None = None,
    **extra: Any,
) -> None:
    details: dict[str, Any] = {
        "kind": email.kind,
        "attempts": email.attempts,
        "recipient": email.recipient_id,
        "event": email.event_id,
        **{key: value for key, value in extra.items() if value is not None},
    }
    reference = ""
    if email.case_id is not None:
        reference = Case.objects.filter(pk=email.case_id).values_list("reference", flat=True).first() or ""
    audit_record(
        actor=actor,
        action=action,
        target_type="email",
        target_id=email.pk,
        organisation=email.organisation,
        reference=reference,
        details=details,
        source=source,
        case_id=email.case_id,
    )


# WU-01: a compliment's copy to the service manager

#: Why someone receives the copy.
BECAUSE_LINE_MANAGER = "line_manager"
BECAUSE_UNIT_MANAGER = "unit_manager"
BECAUSE_MANAGER_ROLE = "manager_role"


@dataclass
class ComplimentRecipient:
    person: Person
    because: str
    about: list[str]


@dataclass(frozen=True)
class ComplimentForwarded:
    case: Case
    event: CaseEvent
    emails: list[OutboundEmail]
    recipients: list[ComplimentRecipient]  # in the order of `emails`


def compliment_forward(
    *,
    case: Case,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    on: dt.date | None = None,
    source: AuditSource | None = None,
) -> ComplimentForwarded:
    """Share a compliment with its service manager(s) (WU-01) and answer with the emails that carry the copy.

    The action is `report_shared`, through `case_act` like any other (the generic action does the same): the
    procedure declares the `compliment_copy` letter for it, so the action writes a `letter.compliment_copy` effect
    whose handler (`compliment_copy_send`, registered by this app) queues one email per manager. This operation
    handles that effect at once, in the action's transaction, so it can answer with the emails; the job queued on
    commit then finds it done. The managers are found before anything is written (400 when there is nobody, or a
    manager without email address); all of it rolls back together. The complainant is not named in the copy.
    """
    authorise_act(case=case, actor=actor, source=source)
    if case.kind != "compliment":
        raise NotACompliment()
    recipients = compliment_recipients(case=case)
    summary = [
        {"person": item.person.pk, "name": item.person.name, "because": item.because, "about": item.about}
        for item in recipients
    ]
    with transaction.atomic():
        case = case_act(
            case=case,
            actor=actor,
            action="report_shared",
            data={"recipients": summary, "shared_with": [item.person.name for item in recipients]},
            expected_version=expected_version,
            on=on,
            note=note,
            source=source,
        )
        event = case.events.filter(kind="report_shared").order_by("-sequence").first()
        assert event is not None
        handled = event_effects_handle(event=event)
        sent = [item for effect in handled if effect.kind == COMPLIMENT_COPY_EFFECT for item in effect.result["emails"]]
        emails = {email.pk: email for email in OutboundEmail.objects.filter(pk__in=[item["id"] for item in sent])}
        by_person = {item.person.pk: item for item in recipients}
        case.refresh_from_db()
    return ComplimentForwarded(
        case=case,
        event=event,
        emails=[emails[item["id"]] for item in sent],
        recipients=[by_person.get(item["person"]) or _recipient(item) for item in sent],
    )


def _recipient(item: dict[str, Any]) -> ComplimentRecipient:
    person = Person.objects.get(pk=item["person"])
    return ComplimentRecipient(person=person, because=item["because"], about=[])


#: The effect kind of WU-01's letter: the procedure's `compliment_copy`, due when a compliment's report is shared.
COMPLIMENT_COPY_EFFECT = "letter.compliment_copy"


def compliment_copy_check(case: Case, spec: EffectSpec) -> None:
    """Before the action is recorded: somebody must be there to receive the copy, with an email address (400)."""
    compliment_recipients(case=case)


def compliment_copy_send(effect: Effect) -> dict[str, Any]:
    """Handle a `letter.compliment_copy` effect (WU-01): one email per service manager in their language, a
    `compliment_forwarded` record event listing the recipients and the emails (never the text), and `letter_sent`
    for the procedure's letter with the emails that carry it, so the case no longer lists it as due.

    Runs in the effect's transaction (`plaint.cases.effects`): it happens once, or not at all and is retried. The
    letter counts as sent when its emails are queued; the outbox then delivers them, or shows them failed or
    unconfirmed for a person to resolve."""
    actor = effect.actor
    if actor is None:
        raise ValueError("A compliment's copy is sent on behalf of the person who shared it; nobody did.")
    locked = Case.objects.select_for_update().select_related("organisation").get(pk=effect.case_id)
    event = effect.event
    assert event is not None
    recipients = compliment_recipients(case=locked)
    emails = [_queue_compliment_copy(case=locked, event=event, recipient=item, actor=actor) for item in recipients]
    case_record_event(
        case=locked,
        kind="compliment_forwarded",
        actor=actor,
        data={
            "event": event.sequence,
            "effect": effect.pk,
            "recipients": [{"person": item.person.pk, "because": item.because} for item in recipients],
            "emails": [email.pk for email in emails],
        },
    )
    letter = str(effect.payload.get("letter", "compliment_copy"))
    if any(due.key == letter for due in case_view(case=locked).letters_due):
        case_act(
            case=locked,
            actor=actor,
            action="letter_sent",
            data={"letter": letter, "emails": [email.pk for email in emails]},
            on=event.on,
        )
    return {
        "emails": [
            {"id": email.pk, "person": item.person.pk, "because": item.because}
            for email, item in zip(emails, recipients, strict=True)
        ]
    }


def compliment_recipients(*, case: Case) -> list[ComplimentRecipient]:
    """The service managers who receive the compliment's copy (see `compliment_forward`), each once."""
    organisation = case.organisation
    found: dict[int, ComplimentRecipient] = {}

    def add(person: Person, because: str, about: str) -> None:
        item = found.setdefault(person.pk, ComplimentRecipient(person=person, because=because, about=[]))
        if about and about not in item.about:
            item.about.append(about)

    def managers(excluding: Person | None) -> list[Person]:
        holders = people_with_role(organisation=organisation, role="manager")
        return [person for person in holders if excluding is None or person.pk != excluding.pk]

    subjects = list(case.parties.filter(role=PartyRole.SUBJECT).select_related("person", "unit").order_by("pk"))
    for party in subjects:
        name = party.display_name
        manager: Person | None = None
        if party.unit is not None:
            manager = unit_manager(unit=party.unit)
            because = BECAUSE_UNIT_MANAGER
        elif party.person is not None:
            manager = line_manager_of(person=party.person, organisation=organisation)
            because = BECAUSE_LINE_MANAGER
        if manager is not None:
            add(manager, because, name)
            continue
        fallback = managers(excluding=party.person)
        if not fallback:
            raise no_service_manager(organisation=organisation.name, subject=name)
        for person in fallback:
            add(person, BECAUSE_MANAGER_ROLE, name)
    if not subjects:
        fallback = managers(excluding=None)
        if not fallback:
            raise no_service_manager(organisation=organisation.name, subject=None)
        for person in fallback:
            add(person, BECAUSE_MANAGER_ROLE, "")
    result = list(found.values())
    without = [item.person.name for item in result if not item.person.email]
    if without:
        raise RecipientWithoutEmail(names=without)
    return result


def _queue_compliment_copy(
    *, case: Case, event: CaseEvent, recipient: ComplimentRecipient, actor: User
) -> OutboundEmail:
    language = recipient.person.language if recipient.person.language in ("en", "nl") else "en"
    subject, body = compliment_copy(case=case, recipient=recipient.person, about=recipient.about, language=language)
    return email_queue(
        organisation=case.organisation,
        kind=EmailKind.COMPLIMENT_COPY,
        dedupe_key=f"event:{event.pk}:person:{recipient.person.pk}",
        recipient_email=recipient.person.email,
        recipient_name=recipient.person.name,
        recipient=recipient.person,
        language=language,
        subject=subject,
        body_text=body,
        case=case,
        event=event,
        actor=actor,
    )


# Data protection


def case_emails_anonymise(*, case: Case, marker: str) -> int:
    """Blank what the case's emails said (subject and text) when the case is anonymised, and stop any still waiting
    to go: the outbox must not keep what the case itself no longer holds. Who they went to (staff) and when stays,
    so the record of what was sent is still true. The caller (privacy) holds the transaction."""
    emails = OutboundEmail.objects.filter(case=case)
    emails.filter(status=EmailStatus.QUEUED).update(status=EmailStatus.FAILED, last_error="case anonymised")
    # The letters stored on the case go the same way: their text and PDF are blanked, the record that one was sent
    # (to whom by role, when, how) stays.
    Letter.objects.filter(case=case).update(
        subject=marker,
        body_text=marker,
        body_html="",
        pdf=b"",
        recipient_name=marker,
        recipient_email="",
        recipient_address="",
    )
    return emails.update(subject=marker, body_text=marker, body_html="", attachment=None, attachment_name="")
