"""The monthly summaries (issue 12): the analysis added up from them is the analysis computed from the cases, and a
summary is made again when a case received in its month changes (reclassification, late closing, reopening, a late
registration, a deletion), around the organisation's midnight and the month's boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.db.models import F

from plaint.cases.history_services import case_record_event
from plaint.cases.models import Case, Category, Term
from plaint.core import clock
from plaint.reporting.calendar_services import working_days_ensure
from plaint.reporting.models import MonthSummary
from plaint.reporting.periods import Period, quarter, year
from plaint.reporting.selectors import Scope, analyses, analysis_calendar
from tests.reporting.world import build, generated_specs

pytestmark = [pytest.mark.django_db, pytest.mark.clause("XS-20", "XS-22", "WU-15", "WA-13")]

FROZEN = dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC)


def both(world, period: Period, *, at: dt.datetime = FROZEN) -> tuple[list[dict], list[dict]]:
    """The analysis of `period` and the one before it: from the summaries, and computed from the cases."""
    rules = analysis_calendar(organisation=world.organisation, on=period.end)
    key = working_days_ensure(rules=rules, first=dt.date(2024, 1, 1), last=dt.date(2028, 12, 31))
    scope = Scope(organisation=world.organisation, period=period)
    with time_machine.travel(at, tick=False):
        summed = analyses(scope=scope, previous=period.previous(), calendar=key)
        live = analyses(scope=scope, previous=period.previous(), calendar=key, summaries=False)
    return summed, live


@pytest.fixture
def world():
    return build(
        generated_specs(year=2026, count=122) + generated_specs(year=2025, count=40, seed=3),
    )


def test_the_summaries_give_the_figures_computed_from_the_cases(world):
    # Given a year of cases; when the year and a quarter are analysed from the summaries and from the cases
    for period in (year(2026), quarter("2026-Q2"), quarter("2026-Q1")):
        summed, live = both(world, period)
        # then every figure is the same, the previous period's too
        assert summed == live
    # and a summary is kept for every month of receipt before today's month
    months = set(MonthSummary.objects.filter(organisation=world.organisation).values_list("month", flat=True))
    assert dt.date(2026, 12, 1) in months and dt.date(2025, 1, 1) in months
    assert dt.date(2027, 1, 1) not in months  # the current month is computed live


def test_a_second_analysis_reads_the_summaries_without_making_them_again(world):
    both(world, year(2026))
    made = dict(MonthSummary.objects.values_list("month", "made_at"))
    with time_machine.travel(FROZEN + dt.timedelta(hours=1), tick=False):
        both(world, year(2026), at=FROZEN + dt.timedelta(hours=1))
    assert dict(MonthSummary.objects.values_list("month", "made_at")) == made


def _case_of(world, month: int) -> Case:
    return Case.objects.filter(
        organisation=world.organisation, received_on__year=2026, received_on__month=month, kind="complaint"
    ).order_by("received_on", "pk")[0]


def test_a_reclassification_remakes_the_month_of_receipt(world):
    both(world, year(2026))
    case = _case_of(world, 3)
    other = Category.objects.filter(organisation=world.organisation).exclude(pk__in=case.categories.all())[0]
    with time_machine.travel(FROZEN + dt.timedelta(days=1), tick=False), transaction.atomic():
        # as case_classify does it: the categories set, a record event, the version unchanged
        case.categories.set([other])
        case_record_event(case=case, kind="classified", actor=None, data={"categories": {"to": [other.code]}})
    summed, live = both(world, year(2026), at=FROZEN + dt.timedelta(days=1))
    assert summed == live
    march = MonthSummary.objects.get(organisation=world.organisation, month=dt.date(2026, 3, 1))
    assert march.made_at == FROZEN + dt.timedelta(days=1)


def test_a_late_closing_and_a_reopening_remake_the_month_of_receipt(world):
    both(world, year(2026))
    case = Case.objects.filter(
        organisation=world.organisation, received_on__year=2026, received_on__month=11, status="open"
    ).first()
    assert case is not None
    # Closed on 1 January 2027 (a year later in the handling times), as an action does: the version goes up.
    Case.objects.filter(pk=case.pk).update(
        status="closed", closed_on=dt.date(2027, 1, 1), outcome="upheld", version=F("version") + 1
    )
    Term.objects.filter(case=case, key="handling").update(state="met", met_on=dt.date(2027, 1, 1))
    for period in (year(2026), year(2027)):
        summed, live = both(world, period)
        assert summed == live
    # Reopened: closed no more, its outcome gone.
    closed = _case_of(world, 5)
    Case.objects.filter(pk=closed.pk).update(status="open", closed_on=None, outcome="", version=F("version") + 1)
    summed, live = both(world, year(2026))
    assert summed == live


def test_a_late_registration_and_a_deletion_remake_the_month(world):
    both(world, year(2026))
    template = _case_of(world, 7)
    late = Case.objects.get(pk=template.pk)
    late.pk = None
    late.reference = "LATE-1"
    late.received_on = dt.date(2026, 7, 31)
    late.save()
    summed, live = both(world, year(2026))
    assert summed == live and summed[0]["totals"]["received"] == 123
    Case.objects.filter(pk=_case_of(world, 8).pk).delete()
    summed, live = both(world, year(2026))
    assert summed == live and summed[0]["totals"]["received"] == 122


@pytest.mark.parametrize(
    ("at", "january_settled"),
    [
        (dt.datetime(2027, 1, 31, 22, 30, tzinfo=dt.UTC), False),  # 23:30 on 31 January in Amsterdam
        (dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC), True),  # 00:30 on 1 February in Amsterdam
    ],
)
def test_a_month_is_summarised_from_the_organisations_midnight_after_it(at, january_settled):
    world = build(generated_specs(year=2026, count=122) + generated_specs(year=2027, count=11, seed=5))
    with time_machine.travel(at, tick=False):
        assert (clock.today_in(world.organisation.time_zone) >= dt.date(2027, 2, 1)) is january_settled
    january = Period(dt.date(2027, 1, 1), dt.date(2027, 1, 31), "2027-01-01/2027-01-31")
    summed, live = both(world, january, at=at)
    assert summed == live
    stored = MonthSummary.objects.filter(organisation=world.organisation, month=dt.date(2027, 1, 1)).exists()
    assert stored is january_settled
    # A case received on the last day of January, closed the next day: in January's summary, closed in February.
    case = Case.objects.filter(organisation=world.organisation, received_on__year=2027).order_by("-received_on")[0]
    Case.objects.filter(pk=case.pk).update(
        received_on=dt.date(2027, 1, 31),
        status="closed",
        closed_on=dt.date(2027, 2, 1),
        version=F("version") + 1,
    )
    summed, live = both(world, january, at=at)
    assert summed == live


def test_the_commissioning_parties_are_each_name_once_in_order(world):
    # WP-22: the analysis page's choice of commissioning party (a loose index scan on PostgreSQL)
    from plaint.reporting.selectors import commissioning_parties

    other = build(generated_specs(year=2026, count=4, seed=1))
    Case.objects.filter(organisation=other.organisation).update(commissioning_party="Gemeente Zeist")
    assert commissioning_parties(organisations=[world.organisation]) == ["Gemeente Utrecht", "UWV"]
    assert commissioning_parties(organisations=[world.organisation, other.organisation]) == [
        "Gemeente Utrecht",
        "Gemeente Zeist",
        "UWV",
    ]
