"""The annual analysis, figure by figure, against expectations computed from the generated cases' specs in plain
Python (and, in the last tests, written out by hand: holidays, extensions, pauses, the year boundary)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
import time_machine

from plaint.engine.calendar import Calendar
from plaint.reporting.calendar_services import working_days_ensure
from plaint.reporting.periods import year
from plaint.reporting.selectors import Scope, analysis, analysis_calendar
from tests.reporting.world import AS_OF, Spec, World, build, generated_specs

pytestmark = [pytest.mark.django_db, pytest.mark.clause("XS-20", "XS-22", "WU-15", "WA-13")]

FROZEN = dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC)


def percentile(values: list[int], fraction: float) -> float | None:
    """percentile_cont, as statistics computes it (linear interpolation between the closest ranks)."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    if fraction == 0.5:
        return round(float(statistics.median(values)), 2)
    return round(statistics.quantiles(values, n=10, method="inclusive")[8], 2)


def run(world: World, period_year: int = 2026, **scope: object) -> dict:
    rules = analysis_calendar(organisation=world.organisation, on=dt.date(period_year, 12, 31))
    key = working_days_ensure(rules=rules, first=dt.date(period_year - 1, 1, 1), last=dt.date(period_year + 1, 12, 31))
    with time_machine.travel(FROZEN, tick=False):
        return analysis(scope=Scope(organisation=world.organisation, period=year(period_year), **scope), calendar=key)


@pytest.fixture
def worlds():
    """Two organisations: one Dutch (XS2more's procedure, Dutch statutory holidays), one English (bank holidays),
    each with a generated year 2026 (and a few cases of 2025)."""
    xs = build(generated_specs(year=2026, count=122) + generated_specs(year=2025, count=40, seed=3))
    wu = build(generated_specs(year=2026, count=61, seed=1), procedure_id="workers-union")
    return xs, wu


def in_2026(day: dt.date | None) -> bool:
    return day is not None and day.year == 2026


def test_counts_by_kind_channel_stage_outcome_category_cause_and_unit(worlds):
    for world in worlds:
        # Given a year of generated cases; when the year is analysed
        figures = run(world)
        # then every count is that of the cases received in 2026
        received = [spec for spec in world.specs if in_2026(spec.received_on)]
        assert figures["totals"]["received"] == len(received)
        assert figures["totals"]["complaints"] == sum(spec.kind == "complaint" for spec in received)
        assert figures["totals"]["still_open"] == sum(spec.status == "open" for spec in received)
        assert figures["totals"]["closed_in_period"] == sum(in_2026(spec.closed_on) for spec in world.specs)
        for name, attribute in [("kind", "kind"), ("channel", "channel"), ("stage", "stage"), ("outcome", "outcome")]:
            expected = Counter(getattr(spec, attribute) for spec in received)
            assert {row["key"]: row["count"] for row in figures["counts"][name]} == dict(expected), name
        assert {row["key"]: row["count"] for row in figures["counts"]["category"]} == dict(
            Counter(spec.category for spec in received if spec.category)
        )
        assert {row["key"]: row["count"] for row in figures["counts"]["cause"]} == dict(
            Counter(spec.cause for spec in received if spec.cause)
        )
        units = {str(unit.pk): n for n, unit in enumerate(world.units)}
        assert {units[row["key"]]: row["count"] for row in figures["counts"]["subject_unit"]} == dict(
            Counter(spec.unit for spec in received if spec.unit is not None)
        )


def test_handling_time_median_and_p90_in_calendar_and_working_days(worlds):
    for world in worlds:
        figures = run(world)
        calendar = Calendar(analysis_calendar(organisation=world.organisation, on=dt.date(2026, 12, 31)))
        closed = [spec for spec in world.specs if in_2026(spec.closed_on)]
        days = [(spec.closed_on - spec.received_on).days for spec in closed]
        working = [calendar.working_days_between(spec.received_on, spec.closed_on) for spec in closed]
        overall = figures["handling"][0]
        assert overall["stage"] == "receipt_to_closure"
        assert overall["n"] == len(closed)
        assert overall["days_median"] == percentile(days, 0.5)
        assert overall["days_p90"] == percentile(days, 0.9)
        assert overall["working_days_median"] == percentile(working, 0.5)
        assert overall["working_days_p90"] == percentile(working, 0.9)
        # and the handling-time buckets of the analysis page count the same closed cases by calendar days
        buckets = {(row["low"], row["high"]): row["count"] for row in figures["handling_buckets"]}
        assert sum(buckets.values()) == len(closed)
        for (low, high), count in buckets.items():
            assert count == sum(low <= n and (high is None or n <= high) for n in days), (low, high)
        by_term = {row["stage"]: row for row in figures["handling"][1:]}
        for key in ("acknowledgement", "handling"):
            met = [
                term
                for spec in world.specs
                for term in spec.terms
                if term["key"] == key and term["state"] == "met" and in_2026(term["met_on"])
            ]
            term_days = [(term["met_on"] - term["started_on"]).days for term in met]
            term_working = [calendar.working_days_between(term["started_on"], term["met_on"]) for term in met]
            assert by_term[key]["n"] == len(met)
            assert by_term[key]["days_median"] == percentile(term_days, 0.5)
            assert by_term[key]["days_p90"] == percentile(term_days, 0.9)
            assert by_term[key]["working_days_median"] == percentile(term_working, 0.5)
            assert by_term[key]["working_days_p90"] == percentile(term_working, 0.9)


def test_the_share_of_every_promised_term_kept_and_the_extensions_with_their_reasons(worlds):
    for world in worlds:
        figures = run(world)
        terms = {row["key"]: row for row in figures["terms"]}
        for key in ("acknowledgement", "handling"):
            due = [t for spec in world.specs for t in spec.terms if t["key"] == key and in_2026(t["due"])]
            kept = sum(t["state"] == "met" and t["met_on"] <= t["due"] for t in due)
            missed = sum(t["state"] == "missed" or (t["state"] == "met" and t["met_on"] > t["due"]) for t in due)
            assert terms[key]["due"] == len(due)
            assert (terms[key]["kept"], terms[key]["missed"]) == (kept, missed)
            assert terms[key]["running"] == sum(t["state"] == "pending" for t in due)
            assert terms[key]["share_kept"] == round(kept / (kept + missed), 4)
            assert terms[key]["extended"] == sum(t["extensions"] > 0 for t in due)
        reasons = Counter((term, reason) for spec in world.specs for term, on, reason in spec.extensions if in_2026(on))
        assert {(row["term"], row["reason"]): row["count"] for row in figures["extensions"]} == dict(reasons)


def test_escalations_follow_ups_compliments_and_recurring_themes(worlds):
    for world in worlds:
        figures = run(world)
        escalated = [spec for spec in world.specs if in_2026(spec.escalated_on)]
        board = next(row for row in figures["escalations"] if row["level"] == "board")
        assert board["count"] == len(escalated)
        assert {row["key"]: row["count"] for row in board["results"]} == dict(
            Counter(spec.outcome for spec in escalated)
        )
        measures = [spec.measure for spec in world.specs if spec.measure and in_2026(spec.measure["recorded_on"])]
        (row,) = figures["follow_ups"]
        assert row["kind"] == "measure"
        assert row["total"] == len(measures)
        assert row["on_time"] == sum(
            m["completed_on"] is not None and m["completed_on"] <= m["follow_up_on"] for m in measures
        )
        assert row["late"] == sum(
            m["completed_on"] is not None and m["completed_on"] > m["follow_up_on"] for m in measures
        )
        assert row["overdue"] == sum(m["completed_on"] is None and m["follow_up_on"] < AS_OF for m in measures)
        assert row["pending"] == sum(m["completed_on"] is None and m["follow_up_on"] >= AS_OF for m in measures)
        received = [spec for spec in world.specs if in_2026(spec.received_on)]
        compliments = Counter()
        for spec in received:
            if spec.kind == "compliment":
                compliments[(world.units[spec.unit].name, "")] += 1
                if spec.person is not None:
                    compliments[("", world.people[spec.person].name)] += 1
        assert {(row["unit"], row["person"]): row["count"] for row in figures["compliments"]} == dict(compliments)
        themes: dict[tuple[str, str], set[str]] = {}
        for spec in received:
            if spec.kind == "complaint" and spec.unit is not None:
                themes.setdefault((spec.category, world.units[spec.unit].name), set()).add(spec.complainant)
        expected = {theme: len(who) for theme, who in themes.items() if len(who) >= 2}
        assert {(row["category"], row["unit"]): row["complainants"] for row in figures["recurring"]} == expected


def test_the_two_organisations_figures_never_mix(worlds):
    xs, wu = worlds
    assert run(xs)["totals"]["received"] == 122
    assert run(wu)["totals"]["received"] == 61
    assert run(xs)["calendar"].startswith("NL/termijnenwet")
    assert run(wu)["calendar"].startswith("GB-ENG/library")


def test_the_previous_year_and_a_year_without_cases(worlds):
    xs, _ = worlds
    figures = run(xs, period_year=2025)
    assert figures["totals"]["received"] == 40
    empty = run(xs, period_year=2019)
    assert empty["totals"]["received"] == 0
    assert empty["counts"]["kind"] == []
    assert empty["handling"] == [
        {
            "stage": "receipt_to_closure",
            "n": 0,
            "days_median": None,
            "days_p90": None,
            "working_days_median": None,
            "working_days_p90": None,
        }
    ]
    assert empty["terms"] == []


def test_a_commissioning_party_category_or_unit_narrows_every_figure(worlds):
    xs, _ = worlds
    received = [spec for spec in xs.specs if in_2026(spec.received_on)]
    assert run(xs, commissioner="UWV")["totals"]["received"] == sum(s.commissioner == "UWV" for s in received)
    assert run(xs, category="cat1")["totals"]["received"] == sum(s.category == "cat1" for s in received)
    unit = xs.units[2]
    assert run(xs, unit=unit.pk)["totals"]["received"] == sum(s.unit == 2 for s in received)


def literal(received: dt.date, closed: dt.date, term: dict) -> Spec:
    from tests.reporting.world import Spec

    return Spec(
        index=received.toordinal() % 100000,
        kind="complaint",
        channel="email",
        received_on=received,
        status="closed",
        stage="handling",
        outcome="unfounded",
        closed_on=closed,
        category=None,
        cause=None,
        unit=None,
        person=None,
        complainant="someone",
        commissioner="",
        terms=[{"key": "handling", "started_on": received, "state": "met", "met_on": closed, **term}],
    )


def test_handling_times_and_terms_by_hand_across_holidays_extensions_pauses_and_the_year_boundary():
    D = dt.date
    world = build(
        [
            # A: Friday before King's Day (Monday 27 April): 7 days, 4 working days; met on its due date.
            literal(D(2026, 4, 24), D(2026, 5, 1), {"due": D(2026, 5, 1), "extensions": 0}),
            # B: over Christmas and New Year: received in 2026, closed in 2027: 15 days, 9 working days; late.
            literal(D(2026, 12, 21), D(2027, 1, 5), {"due": D(2027, 1, 4), "extensions": 0}),
            # C: due 9 March, extended by a week to 16 March and met then: kept. 14 days, 10 working days.
            literal(D(2026, 3, 2), D(2026, 3, 16), {"due": D(2026, 3, 16), "extensions": 1}),
            # D: due 8 June, paused three days (stored due 11 June), met 10 June: kept. 9 days, 7 working days.
            literal(D(2026, 6, 1), D(2026, 6, 10), {"due": D(2026, 6, 11), "extensions": 0}),
            # E: due 15 July, met 20 July: missed. 19 days, 13 working days.
            literal(D(2026, 7, 1), D(2026, 7, 20), {"due": D(2026, 7, 15), "extensions": 0}),
        ]
    )
    figures = run(world, 2026)
    assert figures["totals"] == {
        "received": 5,
        "complaints": 5,
        "compliments": 0,
        "suggestions": 0,
        "still_open": 0,
        "closed_in_period": 4,
    }
    overall = figures["handling"][0]
    # Calendar days 7, 9, 14, 19; working days 4, 7, 10, 13 (B closed in 2027 is not among them).
    assert (overall["n"], overall["days_median"], overall["days_p90"]) == (4, 11.5, 17.5)
    assert (overall["working_days_median"], overall["working_days_p90"]) == (8.5, 12.1)
    (terms,) = figures["terms"]
    assert terms == {
        "key": "handling",
        "due": 4,
        "kept": 3,
        "missed": 1,
        "running": 0,
        "share_kept": 0.75,
        "extended": 1,
        "extensions": 1,
    }
    following = run(world, 2027)
    assert following["totals"]["received"] == 0
    assert following["totals"]["closed_in_period"] == 1
    overall = following["handling"][0]
    assert (overall["days_median"], overall["working_days_median"], overall["working_days_p90"]) == (15, 9, 9)
    assert following["terms"][0]["share_kept"] == 0.0


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ({}, 0.5, None),
        ({7: 1}, 0.9, 7.0),
        ({1: 1, 2: 1, 3: 1, 4: 1}, 0.5, 2.5),
        ({1: 3, 10: 1}, 0.9, 7.3),
        ({0: 2, 5: 5, 9: 3}, 0.5, 5.0),
    ],
)
def test_percentiles_read_off_counts_are_percentile_cont(values, fraction, expected):
    from plaint.reporting.selectors import _percentile

    # The histogram's percentile equals percentile_cont over the values written out one by one
    assert _percentile(Counter(values), fraction) == expected
    written_out = [value for value, count in values.items() for _ in range(count)]
    assert expected == percentile(sorted(written_out), fraction)
