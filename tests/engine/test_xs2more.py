"""Xs2more (seeds/003): a case walked through the procedure, every term checked against the document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plaint.engine import CaseEvent, Procedure, decide, evaluate, load_file

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "plaint" / "procedures" / "bundled"
Step = tuple[str, date, tuple[str, ...], dict[str, object]]


@pytest.fixture(scope="module")
def xs2more() -> Procedure:
    return load_file(BUNDLED / "xs2more.yaml")


def given(procedure: Procedure, *steps: Step, history: list[CaseEvent] | None = None) -> list[CaseEvent]:
    """Apply each step through `decide` after `history`, asserting it is accepted; the case's events after it."""
    events = list(history or [])
    for action, day, roles, data in steps:
        decision = decide(procedure, events, action, roles, day, data)
        assert decision.accepted, (action, [str(error) for error in decision.errors])
        assert decision.event is not None
        events.append(decision.event)
    return events


STAFF = ("intake_staff",)
MANAGEMENT = ("senior_manager",)


def test_xs03_xs05_xs08_xs13_terms_around_easter_and_liberation_day(xs2more: Procedure) -> None:
    # Given a complaint received on Monday 7 April 2025
    events = given(xs2more, ("received", date(2025, 4, 7), STAFF, {}))
    # When the case is evaluated the next day
    view = evaluate(xs2more, events, date(2025, 4, 8))
    # Then two weeks end on Easter Monday 21 April and move to Tuesday 22 April (XS-03, XS-05)
    due = {term.key: term.due for term in view.terms}
    assert due["acknowledgement"] == date(2025, 4, 22)
    assert due["taken_into_handling"] == date(2025, 4, 22)
    # and four weeks end on Liberation Day 5 May (a holiday every year under the termijnenwet) → 6 May (XS-08)
    assert due["refusal_notice"] == date(2025, 5, 6)
    # and the six weeks to answer end on Monday 19 May (XS-13)
    assert due["handling"] == date(2025, 5, 19)
    assert {term.state for term in view.terms} == {"pending"}
    assert view.stage == "intake"


def test_xs_full_walk_through_to_the_external_body(xs2more: Procedure) -> None:
    # Given a complaint received on 7 April 2025, acknowledged and passed on on the last allowed day (XS-03, XS-05)
    events = given(
        xs2more,
        ("received", date(2025, 4, 7), STAFF, {}),
        ("acknowledged", date(2025, 4, 22), STAFF, {}),
        ("handler_assigned", date(2025, 4, 22), STAFF, {}),
        ("escalated", date(2025, 4, 22), STAFF, {}),
        ("handling_started", date(2025, 4, 22), MANAGEMENT, {}),
    )
    view = evaluate(xs2more, events, date(2025, 4, 23))
    # Then acknowledgement and taking into handling are met in time, the refusal notice no longer applies (XS-08)
    assert view.term("acknowledgement").state == "met"  # type: ignore[union-attr]
    assert view.term("acknowledgement").late is False  # type: ignore[union-attr]
    assert view.term("taken_into_handling").state == "met"  # type: ignore[union-attr]
    assert view.term("refusal_notice").state == "not_applicable"  # type: ignore[union-attr]
    assert view.stage == "handling"
    assert [letter.key for letter in view.letters_due] == ["acknowledgement"]
    # When both sides are heard (XS-09) and management decides on the last day (XS-07, XS-13)
    events = given(
        xs2more,
        ("letter_sent", date(2025, 4, 23), ("administrator",), {"letter": "acknowledgement"}),
        ("complainant_heard", date(2025, 5, 1), ("handler",), {}),
        ("subject_responded", date(2025, 5, 2), ("handler",), {}),
        (
            "decided",
            date(2025, 5, 19),
            MANAGEMENT,
            {"outcome": "well_founded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        history=events,
    )
    view = evaluate(xs2more, events, date(2025, 5, 19))
    # Then the handling term is met and the outcome letter is due (XS-11, XS-15)
    assert view.term("handling").state == "met"  # type: ignore[union-attr]
    assert [letter.key for letter in view.letters_due] == ["outcome"]
    assert view.outcome == "well_founded"
    # When management closes it as not resolved to the complainant's satisfaction (XS-18)
    events = given(xs2more, ("closed", date(2025, 5, 20), MANAGEMENT, {"outcome": "unresolved"}), history=events)
    view = evaluate(xs2more, events, date(2025, 5, 20))
    # Then the case is closed and a letter pointing to Blik op Werk is due (XS-12)
    assert view.status == "closed"
    assert "external_referral" in [letter.key for letter in view.letters_due]
    assert view.allowed == {"complainant": ("external_filed",), "senior_manager": ("external_filed",)}
    # When the complainant goes to the College voor Klachten en Arbitrage
    events = given(xs2more, ("external_filed", date(2025, 6, 2), ("complainant",), {}), history=events)
    view = evaluate(xs2more, events, date(2025, 6, 2))
    # Then the case follows it there
    assert (view.stage, view.status) == ("external", "open")


def test_xs13_extension_at_most_six_weeks_with_reasons_over_christmas(xs2more: Procedure) -> None:
    # Given a complaint received on Thursday 13 November 2025, taken into handling
    events = given(
        xs2more,
        ("received", date(2025, 11, 13), STAFF, {}),
        ("escalated", date(2025, 11, 14), STAFF, {}),
        ("handling_started", date(2025, 11, 14), MANAGEMENT, {}),
    )
    # Then six weeks end on Christmas Day; Boxing Day and the weekend follow, so the term ends Monday 29 December
    assert evaluate(xs2more, events, date(2025, 11, 14)).term("handling").due == date(2025, 12, 29)  # type: ignore[union-attr]
    # When management extends without giving reasons / Then it is refused
    refused = decide(
        xs2more, events, "term_extended", MANAGEMENT, date(2025, 12, 1), {"term": "handling", "by": "6 weeks"}
    )
    assert not refused.accepted
    assert str(refused.errors[0]) == "an extension of term 'handling' needs a reason (XS-13)"
    # When the handler (not management) tries / Then it is refused too
    refused = decide(
        xs2more,
        events,
        "term_extended",
        ("handler",),
        date(2025, 12, 1),
        {"term": "handling", "by": "1 week", "reason": "x"},
    )
    assert not refused.accepted
    # When management extends by six weeks with reasons
    decision = decide(
        xs2more,
        events,
        "term_extended",
        MANAGEMENT,
        date(2025, 12, 1),
        {"term": "handling", "by": "6 weeks", "reason": "expert opinion needed"},
    )
    # Then the term is extended to 9 February 2026 and the complainant must be told
    assert decision.accepted
    term = decision.view.term("handling")
    assert term is not None
    assert (term.state, term.due, term.extensions) == ("extended", date(2026, 2, 9), 1)
    assert [letter.key for letter in decision.letters_due] == ["extension_notice"]
    events.append(decision.event)  # type: ignore[arg-type]
    # When management tries to extend by one more week / Then the six-week maximum refuses it
    again = decide(
        xs2more,
        events,
        "term_extended",
        MANAGEMENT,
        date(2026, 1, 5),
        {"term": "handling", "by": "1 week", "reason": "x"},
    )
    assert not again.accepted
    assert str(again.errors[0]) == (
        "extending term 'handling' by 1 week goes beyond the maximum of 6 weeks in total "
        "(latest allowed due date 9 February 2026) (XS-13)"
    )


def test_xs08_refusal_by_kings_day_closes_the_case(xs2more: Procedure) -> None:
    # Given a complaint received on Thursday 30 March 2023, passed on to management
    events = given(
        xs2more,
        ("received", date(2023, 3, 30), STAFF, {}),
        ("acknowledged", date(2023, 3, 31), STAFF, {}),
        ("escalated", date(2023, 3, 31), STAFF, {}),
    )
    # Then the refusal notice is due four weeks later, moved off King's Day 27 April to 28 April (XS-08)
    assert evaluate(xs2more, events, date(2023, 4, 1)).term("refusal_notice").due == date(2023, 4, 28)  # type: ignore[union-attr]
    # When management decides not to take it into handling (it fails the definition test, XS-06)
    events = given(
        xs2more, ("admissibility_decided", date(2023, 4, 28), MANAGEMENT, {"outcome": "not_admissible"}), history=events
    )
    view = evaluate(xs2more, events, date(2023, 6, 1))
    # Then the case is closed as not admissible, the refusal letter is due, and no other term runs on
    assert (view.status, view.outcome) == ("closed", "not_admissible")
    assert view.term("refusal_notice").state == "met"  # type: ignore[union-attr]
    assert view.term("taken_into_handling").state == "not_applicable"  # type: ignore[union-attr]
    assert view.term("handling").state == "not_applicable"  # type: ignore[union-attr]
    assert "refusal" in [letter.key for letter in view.letters_due]


def test_xs03_acknowledgement_missed_the_day_after_its_due_date(xs2more: Procedure) -> None:
    # Given a complaint received on 7 April 2025 and never acknowledged
    events = given(xs2more, ("received", date(2025, 4, 7), STAFF, {}))
    # When evaluated on the due date and the day after / Then pending, then missed
    assert evaluate(xs2more, events, date(2025, 4, 22)).term("acknowledgement").state == "pending"  # type: ignore[union-attr]
    assert evaluate(xs2more, events, date(2025, 4, 23)).term("acknowledgement").state == "missed"  # type: ignore[union-attr]
    # When it is acknowledged late / Then the term is met, and marked late
    events = given(xs2more, ("acknowledged", date(2025, 4, 24), STAFF, {}), history=events)
    term = evaluate(xs2more, events, date(2025, 4, 24)).term("acknowledgement")
    assert term is not None and (term.state, term.late) == ("met", True)


def test_xs14_handler_involved_in_the_complaint_is_refused(xs2more: Procedure) -> None:
    # Given a case with management
    events = given(xs2more, ("received", date(2025, 4, 7), STAFF, {}), ("escalated", date(2025, 4, 7), STAFF, {}))
    # When management assigns a handler who was involved / Then it is refused
    decision = decide(xs2more, events, "handler_assigned", MANAGEMENT, date(2025, 4, 8), {"involved": True})
    assert not decision.accepted
    assert str(decision.errors[0]) == "the handler must not be involved in the complaint (XS-14)"
    # When the handler is not involved / Then it is accepted
    assert decide(xs2more, events, "handler_assigned", MANAGEMENT, date(2025, 4, 8), {"involved": False}).accepted


def test_xs07_decision_is_well_founded_or_unfounded(xs2more: Procedure) -> None:
    events = given(
        xs2more,
        ("received", date(2025, 4, 7), STAFF, {}),
        ("escalated", date(2025, 4, 7), STAFF, {}),
        ("handling_started", date(2025, 4, 8), MANAGEMENT, {}),
    )
    missing = decide(xs2more, events, "decided", MANAGEMENT, date(2025, 4, 9))
    assert str(missing.errors[0]) == "'decided' needs an outcome: one of well_founded, unfounded"
    wrong = decide(
        xs2more,
        events,
        "decided",
        MANAGEMENT,
        date(2025, 4, 9),
        {"outcome": "agreement", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
    )
    assert (
        str(wrong.errors[0])
        == "outcome 'agreement' is not possible for 'decided'; choose one of well_founded, unfounded"
    )
    assert decide(
        xs2more,
        events,
        "decided",
        MANAGEMENT,
        date(2025, 4, 9),
        {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
    ).accepted
