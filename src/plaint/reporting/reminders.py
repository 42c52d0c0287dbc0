"""Reports that are due, for the daily reminder digest (XS-20, WP-22, WV-07; issue 11).

A source named in `settings.PLAINT_REMINDER_SOURCES` (the sweep lives in `correspondence`, below `reporting`, so it
cannot import this). For each `reporting:` duty of the organisation's own procedure, the last whole period (year or
quarter) has a report due on the **last working day of the month after it** (2027-Q1: 30 April 2027; the year 2026:
29 January 2027 if the 31st is a weekend). The duty's roles (`by`) are reminded `reminder_working_days` working days
before, and once it has passed unmade they are told again and so are their line managers.

A report counts as made when a *person* made one of that kind for the period (`GeneratedReport.created_by` set: the
file to hand on was taken), not the copy the reporting sweep prepares by itself. Per commissioning party (WP-22):
one report each for every party with a case received in the period, made with that party. Per client organisation
(WV-07): one each for every client of the firm, made for the client or the firm's own (which bundles its clients).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

from django.db.models import Q

from plaint.cases.models import Case
from plaint.correspondence.models import ReminderKind
from plaint.correspondence.reminders import Item, ReportDue
from plaint.engine.calendar import Calendar
from plaint.engine.definition import Report
from plaint.organisations.models import Organisation, Person
from plaint.organisations.selectors import clients_of, membership_of, people_with_role
from plaint.procedures.selectors import procedure_definition, procedure_for
from plaint.reporting import periods
from plaint.reporting.models import GeneratedReport, ReportKind
from plaint.reporting.sweep_services import last_complete_period


def report_due_on(period: periods.Period, calendar: Calendar) -> dt.date:
    """The last working day of the month after the period."""
    first_after = period.end + dt.timedelta(days=1)
    next_month = dt.date(first_after.year + first_after.month // 12, first_after.month % 12 + 1, 1)
    day = next_month - dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def reports_due(organisation: Organisation, today: dt.date, calendar: Calendar) -> Iterator[tuple[Person, Item]]:
    """The reminders about reports due (soon) or not made in time, for whom."""
    adoption = procedure_for(organisation=organisation, on=today)
    if adoption is None or adoption.organisation_id != organisation.pk:
        return  # a client of a firm: the firm's duty covers it (WV-07)
    procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
    for duty in procedure.reporting:
        if duty.every not in ("year", "quarter"):
            continue
        period = last_complete_period(duty.every, today)
        if adoption.active_from > period.end:
            continue  # nothing is backfilled, as the reporting sweep
        due = report_due_on(period, calendar)
        left = calendar.working_days_between(today, due)
        if 0 <= left <= organisation.reminder_working_days:
            kind = ReminderKind.REPORT_DUE
        elif today > due:
            kind = ReminderKind.REPORT_MISSED
        else:
            continue
        unmade = _unmade(organisation, duty, period)
        if not unmade:
            continue
        responsible = [
            person
            for role in duty.by
            for person in people_with_role(organisation=organisation, role=role, on=today)
            if person.email
        ]
        responsible = list({person.pk: person for person in responsible}.values())
        for key, party in unmade:
            report = ReportDue(key=key, label=duty.label, period=period.label, due=due, party=party)
            for person in responsible:
                yield person, Item(kind, report=report)
            if kind != ReminderKind.REPORT_MISSED:
                continue
            for person in responsible:
                membership = membership_of(person=person, organisation=organisation, on=today)
                manager = membership.line_manager if membership is not None else None
                if manager is not None and manager.email and manager.pk not in {p.pk for p in responsible}:
                    yield manager, Item(kind, report=report, about=person)


def _unmade(organisation: Organisation, duty: Report, period: periods.Period) -> list[tuple[str, str]]:
    """The (reminder key, party) of each report of this duty and period no person made yet."""
    kind = ReportKind.QUARTERLY if duty.anonymised or duty.per == "commissioning_party" else ReportKind.ANNUAL
    made = GeneratedReport.objects.filter(
        kind=kind, period_start=period.start, period_end=period.end, created_by__isnull=False
    )
    base = f"report:{organisation.pk}:{duty.key}:{period.label}"
    if duty.per == "commissioning_party":
        parties = sorted(
            set(
                Case.objects.filter(organisation=organisation, received_on__range=(period.start, period.end))
                .exclude(commissioning_party="")
                .values_list("commissioning_party", flat=True)
            )
        )
        done: set[str] = set(made.filter(organisation=organisation).values_list("commissioner", flat=True))
        return [(f"{base}:{_short(party)}", party) for party in parties if party not in done]
    if duty.per == "client_organisation":
        clients = list(clients_of(organisation=organisation).order_by("name"))
        if clients:
            made_for: set[int] = set(
                made.filter(Q(organisation=organisation) | Q(organisation__in=clients)).values_list(
                    "organisation_id", flat=True
                )
            )
            if organisation.pk in made_for:
                return []
            return [(f"{base}:{client.pk}", client.name) for client in clients if client.pk not in made_for]
    if made.filter(organisation=organisation).exists():
        return []
    return [(base, "")]


def _short(party: str) -> str:
    return hashlib.sha256(party.encode()).hexdigest()[:16]
