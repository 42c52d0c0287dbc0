"""Letters leave through the case's effects: the handler of every `letter.<key>` effect (except WU-01's copy, which
has its own) renders the letter for each recipient in their language, stores it on the case (`Letter`: text, HTML,
PDF), and queues it as an email with the PDF attached, or puts it on the "to be posted" list for a recipient without
an email address. A letter counts as sent (`letter_sent` on the case, so it is no longer due and terms are judged on
that day) when every copy went out: its email accepted by the mail server, or recorded as posted or handed over by
the person who did it (`letter_record_delivered`). docs/letters.md.

Who receives it (the procedure's `to` and `copy_to`): the complainant; a representative only once the complainant's
consent is recorded and not withdrawn (WA-10: before that the representative gets nothing about the complainant); the
subjects; the holders of a staff role; the external body and the organisation at the addresses the procedure and the
organisation give. Only letters to the complainant (or a representative with consent) name the complainant.
Sensitive sections (WA-11) are never part of a letter's data.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.effects import EffectSpec
from plaint.cases.models import Case, CaseEvent, Effect, PartyRole
from plaint.cases.services import authorise_act, case_letter_sent
from plaint.core import clock
from plaint.core.errors import Conflict, InvalidInput
from plaint.correspondence.errors import LetterRecipientWithoutAddress, LetterTemplateError
from plaint.correspondence.letters.data import (
    CONTENT_ITEMS,
    as_lang,
    frame,
    outcome_words,
    procedure_texts,
)
from plaint.correspondence.letters.render import RenderedLetter, render_letter
from plaint.correspondence.models import EmailKind, Letter, LetterDelivery, OutboundEmail
from plaint.engine import Procedure, vocabulary
from plaint.engine.definition import Letter as LetterDefinition
from plaint.engine.messages import Lang
from plaint.engine.render.text import date_words
from plaint.organisations.models import Person, Role
from plaint.organisations.selectors import people_with_role, unit_manager
from plaint.procedures.selectors import procedure_definition

logger = logging.getLogger(__name__)

#: Recipients a letter may name that Plaint does not write to (reports go to them, never letters).
_NOT_WRITTEN_TO = {"commissioning_party", "employees", "management_review"}


@dataclass
class LetterRecipient:
    key: str  # what makes this recipient this recipient on the case (party:3, person:7, body:x, organisation)
    role: str
    name: str
    email: str = ""
    address: list[str] = field(default_factory=list)
    language: str = "en"
    person: Person | None = None
    to_complainant: bool = False  # the complainant, or their representative with consent: may name the complainant

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.address)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _consented(party: Any, today: dt.date) -> bool:
    given, withdrawn = party.consent_given_on, party.consent_withdrawn_on
    return given is not None and given <= today and (withdrawn is None or withdrawn > today)


def letter_recipients(*, case: Case, procedure: Procedure, letter: LetterDefinition) -> list[LetterRecipient]:
    """Everyone this letter goes to on this case, each once, in the order of the procedure's `to` and `copy_to`."""
    found: dict[str, LetterRecipient] = {}
    language = case.language if case.language in ("en", "nl") else "en"
    today = clock.today_for(case.organisation)
    parties = list(case.parties.select_related("person", "unit").order_by("pk"))

    def add(recipient: LetterRecipient) -> None:
        found.setdefault(recipient.key, recipient)

    def party_recipient(party: Any, role: str, *, to_complainant: bool) -> LetterRecipient:
        person = party.person
        if party.unit is not None and person is None:
            person = unit_manager(unit=party.unit)
        return LetterRecipient(
            key=f"party:{party.pk}",
            role=role,
            name=party.display_name,
            email=party.email or (person.email if person is not None else ""),
            address=_lines(party.address),
            language=person.language if person is not None and not party.name else language,
            person=person,
            to_complainant=to_complainant,
        )

    def complainants() -> None:
        for party in parties:
            if party.role in (PartyRole.COMPLAINANT, PartyRole.SURVIVING_RELATIVE):
                add(party_recipient(party, "complainant", to_complainant=True))
        for party in parties:  # WA-10: only with the complainant's consent on record
            if party.role == PartyRole.REPRESENTATIVE and _consented(party, today):
                add(party_recipient(party, "representative", to_complainant=True))

    for target in (*letter.to, *letter.copy_to):
        if target in _NOT_WRITTEN_TO:
            continue
        if target == "complainant":
            complainants()
        elif target == "subject":
            for party in parties:
                if party.role == PartyRole.SUBJECT:
                    add(party_recipient(party, "subject", to_complainant=False))
        elif target == "everyone_involved":
            complainants()
            for party in parties:
                if party.role == PartyRole.SUBJECT or (party.involved and party.role != PartyRole.REPRESENTATIVE):
                    add(party_recipient(party, party.role, to_complainant=False))
        elif target == "external_body":
            for body in procedure.external_bodies[:1]:
                contact = body.contact
                emails = [contact.email] if contact is not None and contact.email else []
                add(
                    LetterRecipient(
                        key=f"body:{body.key}",
                        role="external_body",
                        name=body.name.get(as_lang(language)),
                        email=emails[0] if emails else "",
                        address=list(contact.address) if contact is not None else [],
                        language=language,
                    )
                )
        elif target == "organisation":
            organisation = case.organisation
            add(
                LetterRecipient(
                    key="organisation",
                    role="organisation",
                    name=organisation.name,
                    email=organisation.email,
                    address=_lines(organisation.address),
                    language=organisation.default_language if organisation.default_language in ("en", "nl") else "en",
                )
            )
        elif target in vocabulary.ROLES and target in Role.Code.values:
            for party in parties:
                if party.role == target and party.person is not None:
                    add(party_recipient(party, target, to_complainant=False))
            for person in people_with_role(organisation=case.organisation, role=target):
                add(
                    LetterRecipient(
                        key=f"person:{person.pk}",
                        role=target,
                        name=person.name,
                        email=person.email,
                        language=person.language if person.language in ("en", "nl") else "en",
                        person=person,
                    )
                )
    return list(found.values())


def _sent_by_others(letter: LetterDefinition) -> bool:
    """The external body's own letters (WP-16..18): it sends them; Plaint records them when they are known."""
    return bool(letter.sent_by) and all(actor == "external_body" for actor in letter.sent_by)


def _definition(case: Case, key: str) -> tuple[Procedure, LetterDefinition]:
    procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
    letter = procedure.letter_by_key.get(key)
    if letter is None:
        raise ValueError(f"{procedure.id} has no letter {key!r}")
    return procedure, letter


def letter_check(case: Case, spec: EffectSpec) -> None:
    """Before the action is recorded: the complainant (or their representative) the letter goes to can be reached by
    email or by post (else 400). Others without any address (a subject known only by name) get theirs on the "to be
    posted" list, to be handed over."""
    key = str(spec.payload.get("letter", spec.kind.partition(".")[2]))
    procedure, letter = _definition(case, key)
    if _sent_by_others(letter) or letter.form == "written_or_oral":
        return
    unreachable = [
        item.name
        for item in letter_recipients(case=case, procedure=procedure, letter=letter)
        if item.to_complainant and not item.reachable
    ]
    if unreachable:
        raise LetterRecipientWithoutAddress(letter=letter.label.get(as_lang(case.language)), names=unreachable)


# The letter's data on a real case

_ALIASES: dict[str, tuple[str, ...]] = {
    "agreements": ("description",),
    "measures": ("description",),
    "delay_reasons": ("explanation", "reason"),
    "extension_reasons": ("reason",),
    "report_of_conversation": ("summary",),
    "final_position": ("final_position",),
}


def case_letter_data(
    *,
    case: Case,
    procedure: Procedure,
    letter: LetterDefinition,
    event: CaseEvent | None,
    because: str,
    recipient: LetterRecipient,
    words: str = "",
    new_due: dt.date | None = None,
) -> dict[str, Any]:
    """The plain data of this letter on this case for this recipient (docs/letters.md, "The data"). `words`: a
    person's own words for the letter (written for it after a missed term, or again after its approval was refused),
    used where the action's note would be; `new_due`: the date they give for what happens next."""
    lang = as_lang(recipient.language)
    data: dict[str, Any] = dict(event.data) if event is not None else {}
    note = words or (event.note if event is not None else "")
    content: dict[str, str] = {item: "" for item in CONTENT_ITEMS}
    content |= procedure_texts(procedure, lang)
    received = date_words(case.received_on, lang)
    content["date_of_receipt"] = received
    content["complaint_date"] = received
    content["summary"] = case.summary or " ".join(case.description.split())[:300]
    if case.handler is not None:
        content["handler"] = case.handler.name
    outcome = data.get("outcome") or case.outcome
    if outcome:
        content["outcome"] = outcome_words(str(outcome), lang)
        content["judgement"] = content["outcome"]
    for item in CONTENT_ITEMS:
        if item == "outcome":  # the action's `outcome` is a code, in words above
            continue
        for name in (item, *_ALIASES.get(item, ())):
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                content[item] = value.strip()
                break
    if new_due is not None:
        content["new_due_date"] = date_words(new_due, lang)
    elif because.startswith("extended:"):
        term = case.terms.filter(key=because.partition(":")[2]).first()
        if term is not None:
            content["new_due_date"] = date_words(term.due, lang)
    elif case.next_due is not None:  # a missed term's letter: the next date the case has, not the one missed
        content["new_due_date"] = date_words(case.next_due, lang)
    if not content["next_steps"]:
        content["next_steps"] = _next_steps(case, procedure, lang)
    if note.strip():  # the action's note is the letter's own words where the action had no field for them
        for item in letter.must_contain:
            if not content[item]:
                content[item] = note.strip()
    actor = event.actor if event is not None else None
    sender_person = Person.objects.filter(user=actor).first() if actor is not None else None
    organisation = case.organisation
    return frame(
        lang=lang,
        today=clock.today_for(organisation),
        organisation={
            "name": organisation.name,
            "address": _lines(organisation.address),
            "email": organisation.email,
            "phone": organisation.phone,
            "website": organisation.website,
        },
        procedure=procedure,
        letter=letter,
        recipient={
            "name": recipient.name,
            "address": recipient.address,
            "role": recipient.role,
            "salutation_name": recipient.name,
        },
        case={
            "reference": case.reference,
            "received_on": received,
            "summary": content["summary"],
            "complainant": _complainant_name(case) if recipient.to_complainant else "",
        },
        sender={"name": sender_person.name if sender_person is not None else "", "role": ""},
        content=content,
    )


def _next_steps(case: Case, procedure: Procedure, lang: Lang) -> str:
    """The next term the organisation owes the complainant, as a sentence ("" when there is none)."""
    term = case.terms.filter(state="pending", party="organisation").order_by("due").first()
    if term is None or term.key not in procedure.term_by_key:
        return ""
    label = procedure.term_by_key[term.key].label.get(lang)
    due = date_words(term.due, lang)
    return f"{label}: uiterlijk {due}." if lang == "nl" else f"{label}: by {due}."


def _complainant_name(case: Case) -> str:
    party = case.parties.filter(role=PartyRole.COMPLAINANT).select_related("person").first()
    return party.display_name if party is not None else ""


def render_case_letter(
    *, case: Case, procedure: Procedure, letter: LetterDefinition, data: dict[str, Any]
) -> RenderedLetter:
    from plaint.correspondence.letters.templates_services import letter_template_source

    lang = as_lang(str(data["lang"]))
    name, source = letter_template_source(
        organisation=case.organisation, procedure_id=procedure.id, letter_key=letter.key, language=lang
    )
    if source is None:
        raise LetterTemplateError(template=name, line=None, reason="there is no template for this letter")
    return render_letter(letter=letter, source=source, template=name, data=data)


# The handler


def letter_send(effect: Effect) -> dict[str, Any]:
    """Handle a `letter.<key>` effect, in its transaction: one stored letter per recipient, emailed with its PDF or
    put on the "to be posted" list, or, where the organisation requires it, kept for a second person's approval.
    Raises (the effect is retried, then failed, with the reason) when a template fails, the letter lacks what it must
    contain, or nobody can be reached. A letter of a missed term (no action, so nobody's words yet) that lacks a
    person's words waits for them instead: the effect is done with `waiting: words`, nothing is stored or sent."""
    from plaint.correspondence.errors import LetterContentMissing

    try:
        return letter_draft(effect=effect, words="", new_due=None, actor=effect.actor)
    except LetterContentMissing as missing:
        if effect.event_id is not None or not missing.empty:
            raise
        key = str(effect.payload.get("letter", effect.kind.partition(".")[2]))
        return {"letter": key, "letters": [], "waiting": "words", "missing": missing.item}


def letter_draft(
    *, effect: Effect, words: str, new_due: dt.date | None, actor: User | None, round_: int = 0
) -> dict[str, Any]:
    """Render and store the effect's letter for each recipient (round `round_`: 0 the first time, then once per time a
    person wrote it again). Sent at once, or kept for approval when the organisation requires it."""
    from plaint.correspondence.letters.approval import letter_requires_approval

    case = Case.objects.select_for_update(of=("self",)).select_related("organisation", "handler").get(pk=effect.case_id)
    key = str(effect.payload.get("letter", effect.kind.partition(".")[2]))
    procedure, letter = _definition(case, key)
    if _sent_by_others(letter):
        return {"letter": key, "sent_by": "external_body", "letters": []}
    recipients = letter_recipients(case=case, procedure=procedure, letter=letter)
    label = letter.label.get(as_lang(case.language))
    if not recipients:
        raise LetterRecipientWithoutAddress(letter=label, names=["-"])
    unreachable = [item.name for item in recipients if item.to_complainant and not item.reachable]
    if unreachable:
        raise LetterRecipientWithoutAddress(letter=label, names=unreachable)
    event = effect.event
    because = str(effect.payload.get("because", ""))
    approval = letter_requires_approval(organisation=case.organisation, procedure_id=procedure.id, letter_key=key)
    rendered_all = []
    for recipient in recipients:
        data = case_letter_data(
            case=case,
            procedure=procedure,
            letter=letter,
            event=event,
            because=because,
            recipient=recipient,
            words=words,
            new_due=new_due,
        )
        rendered_all.append((recipient, render_case_letter(case=case, procedure=procedure, letter=letter, data=data)))
    stored = [
        _store(
            case=case,
            effect=effect,
            letter=letter,
            recipient=recipient,
            rendered=rendered,
            approval=approval,
            drafted_by=actor,
            round_=round_,
        )
        for recipient, rendered in rendered_all
    ]
    result: dict[str, Any] = {"letter": key, "letters": [item.pk for item in stored]}
    if approval:
        result["approval"] = "pending"
    return result


def _store(
    *,
    case: Case,
    effect: Effect,
    letter: LetterDefinition,
    recipient: LetterRecipient,
    rendered: RenderedLetter,
    approval: bool = False,
    drafted_by: User | None = None,
    round_: int = 0,
) -> Letter:
    from plaint.correspondence.models import LetterApproval

    dedupe = f"effect:{effect.pk}:{recipient.key}" if round_ == 0 else f"effect:{effect.pk}:r{round_}:{recipient.key}"
    existing = Letter.objects.filter(dedupe_key=dedupe).first()
    if existing is not None:
        return existing
    row = Letter.objects.create(
        organisation=case.organisation,
        case=case,
        event=effect.event,
        effect=effect,
        key=letter.key,
        title=rendered.title,
        template=rendered.template,
        recipient_role=recipient.role,
        recipient_name=recipient.name[:200],
        recipient_email=recipient.email,
        recipient_address="\n".join(recipient.address),
        recipient=recipient.person,
        to_complainant=recipient.to_complainant,
        language=rendered.lang,
        subject=rendered.subject[:300],
        body_text=rendered.text,
        body_html=rendered.html,
        pdf=rendered.pdf,
        delivery=LetterDelivery.EMAIL if recipient.email else LetterDelivery.POST,
        drafted_by=drafted_by,
        approval=LetterApproval.PENDING if approval else LetterApproval.NOT_NEEDED,
        dedupe_key=dedupe,
        created_at=clock.now(),
    )
    if not approval:
        letter_release(row, actor=effect.actor)
    return row


def letter_release(row: Letter, *, actor: User | None) -> None:
    """The letter goes out: queued as an email with its PDF (never twice: the email's key is the letter's), or left on
    the "to be posted" list for a recipient without an email address. In the caller's transaction."""
    from plaint.correspondence.services import email_queue

    if not row.recipient_email or row.email_id is not None:
        return
    case = row.case
    row.email = email_queue(
        organisation=row.organisation,
        kind=EmailKind.LETTER,
        dedupe_key=f"letter:{row.pk}",
        recipient_email=row.recipient_email,
        recipient_name=row.recipient_name,
        recipient=row.recipient,
        language=row.language,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
        case=case,
        event=row.event,
        actor=actor,
        attachment=bytes(row.pdf),
        attachment_name=f"{case.reference or 'letter'}-{row.key}.pdf",
    )
    row.save(update_fields=["email"])


# Sent: by email accepted, or posted / handed over by a person


def letters_email_accepted(*, email: OutboundEmail) -> None:
    """The mail server accepted a letter's email (in `email_send`'s transaction): the letter went out today. Never
    makes the send fail: a problem here is logged, and the letter can still be recorded by hand."""
    try:
        with transaction.atomic():
            rows = list(Letter.objects.filter(email=email, delivered_on__isnull=True).select_related("organisation"))
            for row in rows:
                row.delivered_on = clock.today_for(row.organisation)
                row.save(update_fields=["delivered_on"])
                _satisfy(row, actor=None, by="email")
    except Exception:
        logger.exception("email %s: the letter it carries could not be recorded as sent", email.pk)


class LetterAlreadyDelivered(Conflict):
    code = "letter_already_delivered"


class LetterNotApproved(Conflict):
    code = "letter_not_approved"


def letter_record_delivered(
    *, letter: Letter, actor: User, on: dt.date | None = None, source: AuditSource | None = None
) -> Letter:
    """A person posted the letter or handed it over, on `on` (default today): recorded with their name and the
    date; once every copy went out the case records the letter as sent on that day."""
    from django.utils.translation import gettext_lazy as _

    from plaint.cases.services import case_record_event
    from plaint.correspondence.letters.approval import RELEASED

    authorise_act(case=letter.case, actor=actor, source=source)
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=letter.case_id)
        row = Letter.objects.select_for_update().select_related("organisation", "case").get(pk=letter.pk)
        if row.delivered_on is not None:
            raise LetterAlreadyDelivered(_("This letter was already recorded as sent."))
        if row.approval not in RELEASED:
            raise LetterNotApproved(_("This letter is waiting for a second person's approval; it cannot go out yet."))
        if row.delivery != LetterDelivery.POST:
            raise LetterAlreadyDelivered(
                _("This letter goes by email; only a letter to be posted is recorded by hand.")
            )
        today = clock.today_for(row.organisation)
        if on is not None and on > today:
            raise InvalidInput(_("Enter the day it was posted or handed over: today or earlier."))
        row.delivered_on = on or today
        row.delivered_by = actor
        row.save(update_fields=["delivered_on", "delivered_by"])
        case_record_event(
            case=case,
            kind="letter_posted",
            actor=actor,
            data={"letter": row.key, "letters": [row.pk], "on": row.delivered_on.isoformat()},
        )
        audit_record(
            actor=actor,
            action="letter.posted",
            target_type="case",
            target_id=case.pk,
            organisation=case.organisation,
            reference=case.reference,
            details={"letter": row.pk, "key": row.key, "on": row.delivered_on.isoformat()},
            source=source,
        )
        _satisfy(row, actor=actor, by="post", source=source)
    return row


def _satisfy(row: Letter, *, actor: User | None, by: str, source: AuditSource | None = None) -> None:
    """When every copy of the letter (the same effect) went out, record `letter_sent` on the case, on the day the
    last one went."""
    from plaint.correspondence.letters.approval import RELEASED

    siblings = (
        Letter.objects.filter(effect_id=row.effect_id, approval__in=RELEASED)
        if row.effect_id
        else Letter.objects.filter(pk=row.pk)
    )
    if siblings.filter(delivered_on__isnull=True).exists():
        return
    day = max(item.delivered_on for item in siblings if item.delivered_on is not None)
    case_letter_sent(
        case=row.case,
        letter=row.key,
        actor=actor,
        on=day,
        data={"letters": sorted(item.pk for item in siblings), "by": by},
        source=source,
    )
