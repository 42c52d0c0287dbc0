"""Reminders and escalations (issue 11): once a working day, each person gets one digest of what needs them: terms
of their cases that end within the organisation's `reminder_working_days`, terms missed on cases of the people
they manage, the letter explaining the delay where the procedure calls for one once a term is missed (WU-10,
WA-07), agreements and measures due for follow-up (WP-06, XS-17, WP-19), and what the apps named in
`settings.PLAINT_REMINDER_SOURCES` add (reports that are due: XS-20, WP-22, WV-07; an app above this layer reads
them, so the sources are named by setting, not imported). Never on a weekend or holiday of the
organisation's calendar; each thing is in one digest only (`Reminder` rows), and a digest is one outbox email per
person per day (dedupe key), so running the sweep twice sends nothing twice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from plaint.cases.models import Case, FollowUp, Term, TermState
from plaint.core import clock
from plaint.correspondence.models import EmailKind, OutboundEmail, Reminder, ReminderKind
from plaint.correspondence.services import email_queue
from plaint.engine.calendar import Calendar
from plaint.engine.definition import Text
from plaint.organisations.models import Organisation, Person
from plaint.organisations.selectors import membership_of
from plaint.procedures.selectors import procedure_definition


@dataclass(frozen=True)
class ReportDue:
    """A report a procedure's `reporting:` duty asks for (XS-20, WP-22, WV-07), for a reminder."""

    key: str  # `Reminder.about`: report:<organisation>:<duty>:<period>[:<party>]
    label: Text
    period: str
    due: dt.date
    party: str = ""  # the commissioning party (WP-22) or client organisation (WV-07) it is for


@dataclass(frozen=True)
class Item:
    kind: str
    case: Case | None = None
    term: Term | None = None
    follow_up: FollowUp | None = None
    about: Person | None = None  # for an escalation: whose case (or report) it is
    prompt: Text | None = None  # for an explanation letter: what the procedure says to do (WU-10, WA-07)
    report: ReportDue | None = None


#: A source of further reminders: called with the organisation, its today and calendar, it returns the people to
#: remind and what of; items whose (kind, report key, person) was reminded before are left out by the sweep.
Source = Callable[[Organisation, dt.date, Calendar], Iterable[tuple[Person, Item]]]


@cache
def _sources(paths: tuple[str, ...]) -> list[Source]:
    return [import_string(path) for path in paths]


def reminders_sweep() -> int:
    """Queue today's digests in every organisation where today is a working day; the number of digests queued."""
    return sum(organisation_reminders_sweep(organisation=organisation) for organisation in Organisation.objects.all())


def organisation_reminders_sweep(*, organisation: Organisation) -> int:
    today = clock.today_for(organisation)
    calendar = Calendar.for_jurisdiction(organisation.jurisdiction)
    if not calendar.is_working_day(today):
        return 0
    items: dict[Person, list[Item]] = defaultdict(list)
    done_terms = {
        (kind, term_id)
        for kind, term_id in Reminder.objects.filter(term__case__organisation=organisation).values_list(
            "kind", "term_id"
        )
    }
    terms = (
        Term.objects.filter(case__organisation=organisation, case__status="open", party="organisation")
        .filter(Q(state=TermState.PENDING) | Q(state=TermState.MISSED))
        .select_related("case__handler", "case__delegate")
    )
    for term in terms:
        case = term.case
        responsible = case.delegate or case.handler
        if responsible is None:
            continue
        left = calendar.working_days_between(today, term.due)
        if term.state == TermState.PENDING and 0 <= left <= organisation.reminder_working_days:
            if (ReminderKind.TERM_DUE, term.pk) not in done_terms:
                items[responsible].append(Item(ReminderKind.TERM_DUE, case, term=term))
        elif term.state == TermState.MISSED or term.due < today:
            if case.handler is None:
                continue
            prompt = _explanation_prompt(term)
            if prompt and responsible and (ReminderKind.EXPLANATION_LETTER, term.pk) not in done_terms:
                items[responsible].append(Item(ReminderKind.EXPLANATION_LETTER, case, term=term, prompt=prompt))
            membership = membership_of(person=case.handler, organisation=organisation, on=today)
            manager = membership.line_manager if membership is not None else None
            if manager is not None and (ReminderKind.TERM_MISSED, term.pk) not in done_terms:
                items[manager].append(Item(ReminderKind.TERM_MISSED, case, term=term, about=case.handler))
    follow_ups = FollowUp.objects.filter(
        case__organisation=organisation, completed_on__isnull=True, follow_up_on__lte=today, owner__isnull=False
    ).exclude(pk__in=Reminder.objects.filter(kind=ReminderKind.FOLLOW_UP).values("follow_up_id"))
    for follow_up in follow_ups.select_related("case", "owner"):
        assert follow_up.owner is not None
        items[follow_up.owner].append(Item(ReminderKind.FOLLOW_UP, follow_up.case, follow_up=follow_up))
    for source in _sources(tuple(getattr(settings, "PLAINT_REMINDER_SOURCES", ()))):
        found = list(source(organisation, today, calendar))
        keys = {item.report.key for _person, item in found if item.report is not None}
        done_other = set(
            Reminder.objects.filter(about__in=keys).values_list("kind", "about", "person_id") if keys else ()
        )
        for person, item in found:
            key = item.report.key if item.report is not None else ""
            if (item.kind, key, person.pk) not in done_other:
                items[person].append(item)
    queued = 0
    for person, person_items in items.items():
        if person.email and _digest_queue(organisation, person, person_items, today):
            queued += 1
    return queued


def _digest_queue(organisation: Organisation, person: Person, items: list[Item], today: dt.date) -> bool:
    language = person.language if person.language in ("en", "nl") else organisation.default_language
    with translation.override(language):
        subject = _("Your reminders for %(day)s") % {"day": dateformat.format(today, "j F Y")}
        lines = [_("Dear %(name)s,") % {"name": person.name}, "", _("These need your attention:"), ""]
        for item in sorted(items, key=_order):
            lines.append(f"- {_line(item)}")
        lines += ["", _("This is an automatic message from Plaint; one per working day.")]
    dedupe_key = f"reminders:{person.pk}:{today.isoformat()}"
    if OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return False  # today's digest went out; what came up since waits for the next working day
    with transaction.atomic():
        email = email_queue(
            organisation=organisation,
            kind=EmailKind.REMINDER_DIGEST,
            dedupe_key=dedupe_key,
            recipient=person,
            recipient_name=person.name,
            recipient_email=person.email,
            language=language,
            subject=subject,
            body_text="\n".join(lines),
        )
        new = [
            Reminder(
                kind=item.kind,
                term=item.term,
                follow_up=item.follow_up,
                about=item.report.key if item.report is not None else "",
                person=person,
                email=email,
                day=today,
            )
            for item in items
        ]
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return True


def _explanation_prompt(term: Term) -> Text | None:
    """The procedure's instruction when this term is missed, if it calls for a letter (WU-10, WA-07)."""
    procedure = procedure_definition(procedure_id=term.case.procedure_id, version=term.case.procedure_version)
    rule = procedure.term_by_key.get(term.key)
    if rule is None or rule.on_missed is None or rule.on_missed.letter is None:
        return None
    return rule.on_missed.text or Text(
        en="Send the letter explaining the delay.", nl="Stuur de brief die de vertraging uitlegt."
    )


def _order(item: Item) -> tuple[str, str]:
    return (item.kind, item.case.reference if item.case is not None else item.report.key if item.report else "")


def _line(item: Item) -> str:
    if item.report is not None:
        return _report_line(item, item.report)
    assert item.case is not None
    reference = item.case.reference
    if item.kind == ReminderKind.EXPLANATION_LETTER:
        assert item.prompt is not None
        return f"{reference}: {item.prompt.get('nl' if translation.get_language() == 'nl' else 'en')}"
    if item.kind == ReminderKind.FOLLOW_UP:
        assert item.follow_up is not None
        return _("%(reference)s: follow up: %(what)s") % {"reference": reference, "what": item.follow_up.description}
    assert item.term is not None
    due = dateformat.format(item.term.due, "j F Y")
    if item.kind == ReminderKind.TERM_DUE:
        return _("%(reference)s: the term %(term)s ends on %(day)s") % {
            "reference": reference,
            "term": item.term.key,
            "day": due,
        }
    return _("%(reference)s: the term %(term)s of %(person)s was missed on %(day)s") % {
        "reference": reference,
        "term": item.term.key,
        "person": item.about.name if item.about else "",
        "day": due,
    }


def _report_line(item: Item, report: ReportDue) -> str:
    values = {
        "label": report.label.get("nl" if translation.get_language() == "nl" else "en"),
        "period": report.period,
        "party": report.party,
        "day": dateformat.format(report.due, "j F Y"),
        "person": item.about.name if item.about else "",
    }
    if item.kind == ReminderKind.REPORT_DUE:
        if report.party:
            return _("%(label)s for %(party)s, %(period)s: due on %(day)s") % values
        return _("%(label)s, %(period)s: due on %(day)s") % values
    if item.about is not None:
        if report.party:
            return _("%(label)s for %(party)s, %(period)s: %(person)s did not make it by %(day)s") % values
        return _("%(label)s, %(period)s: %(person)s did not make it by %(day)s") % values
    if report.party:
        return _("%(label)s for %(party)s, %(period)s: not made by %(day)s, the day it was due") % values
    return _("%(label)s, %(period)s: not made by %(day)s, the day it was due") % values
