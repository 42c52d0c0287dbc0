"""Reminders of reports that are due (XS-20, WP-22, WV-07), in the same daily digest: the duty's role is reminded
before the due date (the last working day of the month after the period) and, with their line manager, when it
passed unmade. Around King's Day (Tuesday 27 April 2027) and midnight in Amsterdam."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plaint.cases.models import Case
from plaint.correspondence.models import OutboundEmail, Reminder, ReminderKind
from plaint.correspondence.reminders import reminders_sweep
from plaint.engine.calendar import Calendar
from plaint.organisations.models import Person
from plaint.reporting import periods
from plaint.reporting.models import GeneratedReport, ReportKind
from plaint.reporting.reminders import report_due_on
from tests.cases.factories import organisation_running, register
from tests.organisations.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2027) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def sweep_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return reminders_sweep()


def digests_to(person: Person) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind="reminder_digest", recipient=person).order_by("pk"))


def made(organisation, kind: str, period: periods.Period, commissioner: str = "", by_person: bool = True) -> None:
    GeneratedReport.objects.create(
        kind=kind,
        organisation=organisation,
        period_start=period.start,
        period_end=period.end,
        format="pdf",
        commissioner=commissioner,
        figures={},
        sha256="0" * 64,
        created_by=UserFactory() if by_person else None,
        created_at=dt.datetime(2027, 4, 20, tzinfo=dt.UTC),
    )


def test_the_due_date_is_the_last_working_day_of_the_month_after_the_period():
    netherlands = Calendar.for_jurisdiction("NL")
    assert report_due_on(periods.quarter("2027-Q1"), netherlands) == dt.date(2027, 4, 30)
    assert report_due_on(periods.year(2026), netherlands) == dt.date(2027, 1, 29)  # the 31st is a Sunday
    assert report_due_on(periods.quarter("2027-Q4"), netherlands) == dt.date(2028, 1, 31)


@pytest.fixture
def werkpro(db):
    with time_machine.travel(at(2, 10), tick=False):
        organisation = organisation_running("werkpro")
        manager = PersonFactory(name="Mira Manager", email="mira@example.nl", language="en")
        admin = PersonFactory(name="Anna Administratie", email="anna@example.nl", language="nl")
        MembershipFactory(person=manager, organisation=organisation, roles=["senior_manager"])
        MembershipFactory(person=admin, organisation=organisation, roles=["administrator"], line_manager=manager)
        for party in ("Gemeente Utrecht", "UWV", ""):
            case = register(organisation, None)
            Case.objects.filter(pk=case.pk).update(commissioning_party=party)
    return organisation, admin, manager


@pytest.mark.clause("WP-22")
def test_the_quarterly_registration_per_commissioning_party_is_reminded_before_and_escalated_when_missed(werkpro):
    organisation, admin, manager = werkpro

    # Mon 26 April: 30 April is three working days away (27 April is King's Day)
    assert sweep_at(at(4, 26)) == 0
    assert sweep_at(at(4, 27, 23, 59)) == 0  # King's Day, just before midnight
    # Wed 28 April just after midnight in Amsterdam (still Tuesday 22:01 in UTC): two working days left
    assert sweep_at(at(4, 28, 0, 1)) == 1
    assert sweep_at(at(4, 28, 15)) == 0  # running again sends nothing twice
    (digest,) = digests_to(admin)
    assert digest.language == "nl" and digest.subject == "Uw herinneringen voor 28 april 2027"
    assert "Anonieme klachtenregistratie voor Gemeente Utrecht, 2027-Q1: uiterlijk op 30 april 2027" in (
        digest.body_text
    )
    assert "voor UWV, 2027-Q1" in digest.body_text
    assert Reminder.objects.filter(kind=ReminderKind.REPORT_DUE, person=admin).count() == 2
    assert digests_to(manager) == []

    # The registration for UWV is made (by a person); the one for Utrecht is not
    made(organisation, ReportKind.QUARTERLY, periods.quarter("2027-Q1"), commissioner="UWV")
    assert sweep_at(at(4, 30, 23, 59)) == 0  # the due date itself: not missed yet
    assert sweep_at(at(5, 1, 9)) == 0  # Saturday
    assert sweep_at(at(5, 2, 23, 59)) == 0  # Sunday just before midnight
    # Monday 3 May just after midnight: missed, the administrator and their manager are told, once
    assert sweep_at(at(5, 3, 0, 1)) == 2
    assert sweep_at(at(5, 3, 12)) == 0
    late = digests_to(admin)[-1]
    assert "Gemeente Utrecht, 2027-Q1: nog niet gemaakt, uiterste datum was 30 april 2027" in late.body_text
    assert "UWV" not in late.body_text
    (escalation,) = digests_to(manager)
    assert escalation.language == "en"
    assert (
        "Anonymised complaints registration for Gemeente Utrecht, 2027-Q1: Anna Administratie did not make it by "
        "30 April 2027" in escalation.body_text
    )
    # The next days: nothing again
    assert sweep_at(at(5, 4)) == 0 and sweep_at(at(5, 7)) == 0


@pytest.mark.clause("XS-20")
def test_the_annual_analysis_is_reminded_to_the_senior_manager_and_a_report_the_sweep_prepared_does_not_count(db):
    with time_machine.travel(at(12, 1, year=2026), tick=False):
        organisation = organisation_running("xs2more")
        director = PersonFactory(name="Dirk Directie", email="dirk@example.nl", language="en")
        MembershipFactory(person=director, organisation=organisation, roles=["senior_manager"])
    # The reporting sweep's own copy (made by nobody) is not the report handed on
    made(organisation, ReportKind.ANNUAL, periods.year(2026), by_person=False)

    assert sweep_at(at(1, 26)) == 0  # Tuesday 26 January: 29 January is three working days away
    assert sweep_at(at(1, 27, 0, 1)) == 1
    assert "Annual analysis of closed complaints, 2026: due on 29 January 2027" in digests_to(director)[0].body_text
    made(organisation, ReportKind.ANNUAL, periods.year(2026))
    assert sweep_at(at(2, 1)) == 0  # made in time: nothing missed


@pytest.mark.clause("WV-07")
def test_the_annual_registration_is_due_per_client_organisation_of_the_firm(db):
    with time_machine.travel(at(12, 1, year=2026), tick=False):
        firm = organisation_running("werk-in-vertrouwen", provider=True)
        officer = PersonFactory(name="Olga Officer", email="olga@example.nl", language="nl")
        MembershipFactory(person=officer, organisation=firm, roles=["complaints_officer"])
        school = OrganisationFactory(name="Basisschool De Linde", served_by=firm)
        OrganisationFactory(name="Zorggroep Oost", served_by=firm)

    assert sweep_at(at(1, 27, 9)) == 1
    (digest,) = digests_to(officer)
    assert "Jaarlijkse registratie en adviesgesprek voor Basisschool De Linde, 2026" in digest.body_text
    assert "voor Zorggroep Oost, 2026" in digest.body_text
    # The school's is made; the client without one is missed, nothing from the client itself (the firm's duty)
    made(school, ReportKind.ANNUAL, periods.year(2026))
    assert sweep_at(at(2, 1, 9)) == 1
    late = digests_to(officer)[-1].body_text
    assert "Zorggroep Oost" in late and "De Linde" not in late
