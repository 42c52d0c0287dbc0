"""Reads of the privacy app: who a data subject is in Plaint, what Plaint holds about them, and which closed cases
are due for retention. What an export contains, and what it leaves out, is decided here (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet

from plaint.access.models import User
from plaint.cases.models import Attachment, Case, FollowUpKind, Party, PartyRole, Status
from plaint.engine import Procedure, load_directory
from plaint.engine.calendar import Calendar, CalendarRules, Duration
from plaint.organisations.models import Organisation, Person
from plaint.procedures import BUNDLED_DIR

#: Roles of a party whose own account the case is: they see what they told us and how it was handled.
OWN_ACCOUNT_ROLES = (PartyRole.COMPLAINANT, PartyRole.REPRESENTATIVE, PartyRole.SURVIVING_RELATIVE)
EXPORT_FORMAT = "plaint-subject-export/1"

RetentionWhat = Literal["anonymise", "documents"]


@dataclass(frozen=True)
class SubjectMatches:
    """Every row about one person: parties in cases, people of organisations, logins."""

    parties: list[Party] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    users: list[User] = field(default_factory=list)

    @property
    def case_ids(self) -> list[int]:
        return sorted({party.case_id for party in self.parties})

    def __bool__(self) -> bool:
        return bool(self.parties or self.persons or self.users)


def subject_find(
    *,
    email: str | None = None,
    name: str | None = None,
    person: Person | None = None,
    organisation: Organisation | None = None,
) -> SubjectMatches:
    """Every Party, Person and User row about the person identified by email, name and/or person (any may match).

    Email and name match case-insensitively and exactly (a name alone can match a namesake: check the export before
    sending it). `organisation` limits the search to that organisation's cases and members.
    """
    email = (email or "").strip()
    name = (name or "").strip()
    person_q = Q(pk__in=[])
    if email:
        person_q |= Q(email__iexact=email)
    if name:
        person_q |= Q(name__iexact=name)
    if person is not None:
        person_q |= Q(pk=person.pk)
    persons_qs = Person.objects.filter(person_q)
    if organisation is not None:
        persons_qs = persons_qs.filter(
            Q(memberships__organisation=organisation) | Q(case_parties__case__organisation=organisation)
        )
    persons = list(persons_qs.distinct().order_by("pk"))

    party_q = Q(person__in=persons)
    if email:
        party_q |= Q(email__iexact=email)
    if name:
        party_q |= Q(name__iexact=name)
    parties_qs = Party.objects.filter(party_q).select_related("case__organisation", "person", "unit")
    if organisation is not None:
        parties_qs = parties_qs.filter(case__organisation=organisation)
    parties = list(parties_qs.order_by("case_id", "pk"))

    user_q = Q(pk__in=[p.user_id for p in persons if p.user_id is not None])
    if email and organisation is None:
        user_q |= Q(email__iexact=email)
    users = list(User.objects.filter(user_q).order_by("pk"))
    return SubjectMatches(parties=parties, persons=persons, users=users)


# The export


def _day(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def subject_data(*, matches: SubjectMatches, generated_at: dt.datetime, request: dict[str, Any]) -> dict[str, Any]:
    """Everything Plaint holds about the person, as JSON-ready data (GDPR art. 15).

    Included: their own details in every case, and for a case that is their own account (complainant,
    representative, surviving relative) what they told us, the course of the handling (events and dates, the
    terms), the outcome, the agreements made with them and the list of documents. Left out (art. 15(4): the rights
    of others): other people's details, staff notes, measures about staff, sensitive documents and sections (medical
    information, interview records: counted, for the privacy officer to review one by one with the person), and for a
    subject or committee member the complainant's account.
    """
    parties_by_case: dict[int, list[Party]] = {}
    for party in matches.parties:
        parties_by_case.setdefault(party.case_id, []).append(party)
    cases = (
        Case.objects.filter(pk__in=parties_by_case)
        .select_related("organisation")
        .prefetch_related("categories", "events", "terms", "follow_ups", "attachments")
        .annotate(sensitive_sections_count=Count("sensitive_sections"))
        .order_by("received_on", "pk")
    )
    return {
        "format": EXPORT_FORMAT,
        "generated_at": generated_at.isoformat(),
        "request": request,
        "people": [_person_data(person) for person in matches.persons],
        "accounts": [_user_data(user) for user in matches.users],
        "cases": [_case_data(case, parties_by_case[case.pk]) for case in cases],
        "cases_handled": _cases_handled(matches.persons),
    }


def _person_data(person: Person) -> dict[str, Any]:
    memberships = person.memberships.select_related("organisation").prefetch_related("roles").order_by("pk")
    return {
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "language": person.language,
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "job_title": membership.job_title,
                "roles": sorted(role.code for role in membership.roles.all()),
                "started_on": _day(membership.started_on),
                "ended_on": _day(membership.ended_on),
            }
            for membership in memberships
        ],
    }


def _user_data(user: User) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "is_active": user.is_active,
        "date_joined": _day(user.date_joined),
        "last_login": _day(user.last_login),
    }


def _party_data(party: Party) -> dict[str, Any]:
    return {
        "role": party.role,
        "name": party.display_name,
        "email": party.email or (party.person.email if party.person is not None else ""),
        "phone": party.phone,
        "address": party.address,
        "group": party.group,
        "internal": party.internal,
        "involved": party.involved,
        "authorisation": party.authorisation,
        "consent_given_on": _day(party.consent_given_on),
        "consent_withdrawn_on": _day(party.consent_withdrawn_on),
    }


def _case_data(case: Case, parties: list[Party]) -> dict[str, Any]:
    own_account = any(party.role in OWN_ACCOUNT_ROLES for party in parties)
    data: dict[str, Any] = {
        "reference": case.reference,
        "organisation": case.organisation.name,
        "kind": case.kind,
        "received_on": _day(case.received_on),
        "status": case.status,
        "outcome": case.outcome,
        "closed_on": _day(case.closed_on),
        "anonymised_on": _day(case.anonymised_on),
        "your_part": [_party_data(party) for party in parties],
        "own_account": own_account,
    }
    if not own_account:
        return data
    attachments = list(case.attachments.all())
    data |= {
        "channel": case.channel,
        "language": case.language,
        "incident_date": _day(case.incident_date),
        "stage": case.stage,
        "categories": sorted(category.name_en for category in case.categories.all()),
        "summary": case.summary,
        "description": case.description,
        "course": [
            {"on": _day(event.on), "event": event.kind, "outcome": str(event.data.get("outcome", ""))}
            for event in sorted(case.events.all(), key=lambda event: event.sequence)
        ],
        "terms": [
            {"term": term.key, "due": _day(term.due), "state": term.state, "met_on": _day(term.met_on)}
            for term in sorted(case.terms.all(), key=lambda term: term.due)
        ],
        "agreements": [
            {
                "description": item.description,
                "follow_up_on": _day(item.follow_up_on),
                "completed_on": _day(item.completed_on),
            }
            for item in case.follow_ups.all()
            if item.kind == FollowUpKind.AGREEMENT
        ],
        "documents": [_document_data(item) for item in attachments if not item.sensitive],
        "sensitive_documents_withheld": sum(1 for item in attachments if item.sensitive),
        # Medical information and interview records (WA-11): counted, never shown; reviewed with the person on request
        "sensitive_sections_withheld": getattr(case, "sensitive_sections_count", 0),
    }
    return data


def _document_data(attachment: Attachment) -> dict[str, Any]:
    return {
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_at": _day(attachment.uploaded_at),
    }


def _cases_handled(persons: list[Person]) -> list[dict[str, str]]:
    """Cases the person handled or was delegated as staff: the reference and their part, nothing of the case."""
    if not persons:
        return []
    cases = Case.objects.filter(Q(handler__in=persons) | Q(delegate__in=persons)).select_related("organisation")
    ids = {person.pk for person in persons}
    return [
        {
            "reference": case.reference,
            "organisation": case.organisation.name,
            "as": "handler" if case.handler_id in ids else "delegate",
        }
        for case in cases.order_by("received_on", "pk")
    ]


# Retention

_PLAIN = Calendar(CalendarRules(jurisdiction="NL"))  # calendar units only: no holidays are consulted


def retention_cutoff(*, period: Duration, today: dt.date) -> dt.date:
    """The last closing day whose retention has passed: the latest `d` with `d + period < today`.

    Adding months clamps to the month's end, so `d + period` never decreases as `d` grows: the due closing days are
    exactly those up to the cutoff, which an index on `closed_on` finds.
    """
    last_allowed_end = today - dt.timedelta(days=1)
    day = _coarse_start(period, last_allowed_end)
    while _PLAIN.add(day + dt.timedelta(days=1), period) <= last_allowed_end:  # a month's days at most
        day += dt.timedelta(days=1)
    return day


def _coarse_start(period: Duration, end: dt.date) -> dt.date:
    """A day at most a few days before the cutoff, with `day + period <= end`."""
    unit = period.unit.value
    if unit in ("calendar_days", "weeks"):
        return end - (_PLAIN.add(end, period) - end)
    months = period.amount * (12 if unit == "years" else 1)
    year, month = divmod(end.year * 12 + end.month - 1 - months, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)  # the end of the month before: early enough


def _procedures_with_retention() -> list[Procedure]:
    registry = load_directory(BUNDLED_DIR)
    return [
        procedure
        for versions in registry.versions.values()
        for procedure in versions
        if procedure.retention is not None
    ]


def cases_due_for_retention(*, what: RetentionWhat, today: dt.date, on_hold: bool = False) -> QuerySet[Case]:
    """Closed cases whose procedure version's retention period for `what` has passed (`closed_on + period < today`).

    One query on the `case_closed_retention` index: per procedure version with that period, closing day up to the
    cutoff. `what="anonymise"`: not yet anonymised; `"documents"`: documents not yet deleted (nor anonymised).
    Cases on legal hold are excluded, or with `on_hold=True` only those are returned (to count the skipped).
    """
    conditions: list[Q] = []
    for procedure in _procedures_with_retention():
        assert procedure.retention is not None
        period = (
            procedure.retention.anonymise_parties_after
            if what == "anonymise"
            else procedure.retention.delete_documents_after
        )
        if period is None:
            continue
        cutoff = retention_cutoff(period=period, today=today)
        conditions.append(Q(procedure_id=procedure.id, procedure_version=procedure.version, closed_on__lte=cutoff))
    if not conditions:
        return Case.objects.none()
    cases = Case.objects.filter(reduce(or_, conditions), status=Status.CLOSED, legal_hold=on_hold)
    cases = cases.filter(anonymised_on__isnull=True)
    if what == "documents":
        cases = cases.filter(documents_deleted_on__isnull=True)
    return cases.order_by("closed_on", "pk")
