"""The sweep: owners of overdue improvements are reminded (XS-17), and the reports the procedures' duties make due
are prepared once, with the people responsible told (XS-20, WU-15, WP-22, WV-07)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from plaint.correspondence.models import OutboundEmail
from plaint.reporting.models import GeneratedReport, Improvement, ReportDuty
from plaint.reporting.sweep_services import improvements_remind, last_complete_period, reporting_sweep
from tests.cases.factories import organisation_running, person_of, staff
from tests.reporting.world import build, generated_specs

pytestmark = [pytest.mark.django_db]


@pytest.mark.clause("XS-17", "WA-13")
def test_the_owner_of_an_overdue_improvement_is_reminded_weekly_until_it_is_done():
    world = build(generated_specs(year=2026, count=10))
    owner = person_of(staff(world.organisation, "senior_manager"))
    improvement = Improvement.objects.create(
        organisation=world.organisation,
        kind="preventive",
        title="Plan coaches' holidays",
        owner=owner,
        due_on=dt.date(2027, 1, 10),
    )
    improvement.cases.set(world.organisation.cases.all()[:3])
    assert improvements_remind(today=dt.date(2027, 1, 10)) == 0  # due today: not overdue yet
    assert improvements_remind(today=dt.date(2027, 1, 11)) == 1
    assert improvements_remind(today=dt.date(2027, 1, 11)) == 0  # the same day again: nothing
    assert improvements_remind(today=dt.date(2027, 1, 15)) == 0  # within the week
    assert improvements_remind(today=dt.date(2027, 1, 18)) == 1
    emails = OutboundEmail.objects.filter(kind="improvement_overdue")
    assert [email.recipient_email for email in emails] == [owner.email, owner.email]
    assert "Plan coaches' holidays" in emails[0].subject
    Improvement.objects.filter(pk=improvement.pk).update(status="done", completed_on=dt.date(2027, 1, 19))
    assert improvements_remind(today=dt.date(2027, 2, 1)) == 0


def test_the_last_complete_period_of_each_duty():
    today = dt.date(2027, 2, 14)
    assert last_complete_period("year", today).label == "2026"
    assert last_complete_period("quarter", today).label == "2026-Q4"
    assert last_complete_period("quarter", dt.date(2027, 7, 1)).label == "2027-Q2"
    month = last_complete_period("month", today)
    assert (month.start, month.end) == (dt.date(2027, 1, 1), dt.date(2027, 1, 31))


@pytest.mark.clause("XS-20", "WP-22", "WU-15")
def test_due_reports_are_prepared_once_and_the_responsible_people_told():
    # Given XS2more (annual analysis by the senior manager) and WerkPro (quarterly registration by the administrator)
    xs = build(generated_specs(year=2026, count=30), slug="xs")
    manager = person_of(staff(xs.organisation, "senior_manager"))
    werkpro = organisation_running("werkpro", slug="werkpro")
    administrator = person_of(staff(werkpro, "administrator"))
    # When the sweep runs in January 2027
    with time_machine.travel(dt.datetime(2027, 1, 10, 5, 15, tzinfo=dt.UTC), tick=False):
        result = reporting_sweep(today=dt.date(2027, 1, 10))
        again = reporting_sweep(today=dt.date(2027, 1, 10))
    # Then each due report is made once, stored as the duty's, and its people told through the outbox
    assert (result.prepared, again.prepared) == (2, 0)
    annual = ReportDuty.objects.get(organisation=xs.organisation)
    assert (annual.duty, annual.period_start, annual.period_end) == (
        "annual_analysis",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert annual.report.kind == "annual" and annual.report.duty == "annual_analysis"
    assert annual.report.figures["current"]["totals"]["received"] == 30
    assert annual.told == [manager.pk]
    quarterly = ReportDuty.objects.get(organisation=werkpro)
    assert (quarterly.duty, quarterly.period_start) == ("quarterly_registration", dt.date(2026, 10, 1))
    assert quarterly.report.kind == "quarterly"
    told = OutboundEmail.objects.filter(kind="report_ready").order_by("recipient_email")
    assert sorted(email.recipient_email for email in told) == sorted([manager.email, administrator.email])
    assert all(f"--id {email.body_text.split('--id ')[1].split()[0]}" in email.body_text for email in told)
    assert GeneratedReport.objects.count() == 2
