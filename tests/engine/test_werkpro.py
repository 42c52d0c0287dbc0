"""WerkPro (seeds/004): cases walked through the procedure, every term checked against the document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plaint.engine import CaseEvent, Procedure, decide, evaluate, load_file
from plaint.engine.machine import Assignment

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "plaint" / "procedures" / "bundled"
Step = tuple[str, date, tuple[str, ...], dict[str, object]]
MANAGER = ("manager",)
OFFICER = ("complaints_officer",)
ADMIN = ("administrator",)
COMPLAINANT = ("complainant",)


@pytest.fixture(scope="module")
def werkpro() -> Procedure:
    return load_file(BUNDLED / "werkpro.yaml")


def given(procedure: Procedure, *steps: Step, history: list[CaseEvent] | None = None) -> list[CaseEvent]:
    """Apply each step through `decide` after `history`, asserting it is accepted; the case's events after it."""
    events = list(history or [])
    for action, day, roles, data in steps:
        decision = decide(procedure, events, action, roles, day, data)
        assert decision.accepted, (action, [str(error) for error in decision.errors])
        assert decision.event is not None
        events.append(decision.event)
    return events


def letters(procedure: Procedure, events: list[CaseEvent], today: date) -> list[str]:
    return [letter.key for letter in evaluate(procedure, events, today).letters_due]


def test_wp03_event_more_than_a_year_ago_is_flagged_not_admissible(werkpro: Procedure) -> None:
    # Given a complaint received 14 April 2025 about something on 1 April 2024
    events = given(werkpro, ("received", date(2025, 4, 14), MANAGER, {"incident_date": date(2024, 4, 1)}))
    # Then the engine warns that it is not admissible (WP-03)
    warnings = [str(w) for w in evaluate(werkpro, events, date(2025, 4, 14)).warnings]
    assert warnings == ["not admissible: the event was on 1 April 2024, more than 1 year before receipt (WP-03)"]
    # When the manager refuses it / Then the case closes and a reasoned refusal is due
    events = given(
        werkpro, ("admissibility_decided", date(2025, 4, 15), MANAGER, {"outcome": "not_admissible"}), history=events
    )
    view = evaluate(werkpro, events, date(2025, 4, 15))
    assert (view.status, view.outcome) == ("closed", "not_admissible")
    assert [letter.key for letter in view.letters_due] == ["refusal"]


def test_wp03_event_less_than_a_year_ago_is_admissible(werkpro: Procedure) -> None:
    events = given(werkpro, ("received", date(2025, 4, 14), MANAGER, {"incident_date": date(2024, 5, 1)}))
    assert evaluate(werkpro, events, date(2025, 4, 14)).warnings == ()


def test_wp04_colleague_manager_when_the_manager_was_involved(werkpro: Procedure) -> None:
    # Given a complaint in which the manager was involved
    events = given(werkpro, ("received", date(2025, 4, 14), MANAGER, {"facts": {"involved": ["manager"]}}))
    # Then a colleague manager handles it (WP-04)
    assert evaluate(werkpro, events, date(2025, 4, 14)).responsible == (Assignment("manager", colleague=True, rule=0),)
    # And otherwise the manager concerned does
    plain = given(werkpro, ("received", date(2025, 4, 14), MANAGER, {}))
    assert evaluate(werkpro, plain, date(2025, 4, 14)).responsible == (Assignment("manager"),)


def test_wp06_agreement_is_confirmed_in_writing(werkpro: Procedure) -> None:
    events = given(
        werkpro,
        ("received", date(2025, 4, 14), MANAGER, {}),
        ("meeting_held", date(2025, 4, 16), MANAGER, {}),
        ("agreement_recorded", date(2025, 4, 16), MANAGER, {}),
    )
    assert letters(werkpro, events, date(2025, 4, 16)) == ["agreement_confirmation"]
    # And the manager can record that the agreements were kept
    assert "measure_completed" in evaluate(werkpro, events, date(2025, 4, 16)).allowed["manager"]


def test_wp07_to_wp12_the_complaints_officer_around_kings_day_and_ascension(werkpro: Procedure) -> None:
    # Given a complaint received on Thursday 16 April 2026 that the complainant takes to the complaints officer
    events = given(
        werkpro,
        ("received", date(2026, 4, 16), MANAGER, {}),
        ("escalated", date(2026, 4, 16), COMPLAINANT, {}),
    )
    view = evaluate(werkpro, events, date(2026, 4, 16))
    assert view.stage == "complaints_officer"
    # Then six weeks from filing end on Thursday 28 May 2026, a working day (Ascension Day is 14 May) (WP-12)
    assert view.term("officer_handling").due == date(2026, 5, 28)  # type: ignore[union-attr]
    # When the officer discusses the complaint (WP-08) and asks the employee to respond the same day
    events = given(
        werkpro,
        ("complainant_heard", date(2026, 4, 16), OFFICER, {}),
        ("response_requested", date(2026, 4, 16), OFFICER, {}),
        history=events,
    )
    # Then the employee has two weeks: 30 April 2026 (WP-09)
    view = evaluate(werkpro, events, date(2026, 4, 17))
    assert view.term("subject_response").due == date(2026, 4, 30)  # type: ignore[union-attr]
    assert view.term("subject_response").party == "subject"  # type: ignore[union-attr]
    assert [letter.key for letter in view.letters_due] == ["discussion_confirmation"]
    # When each conversation is held / Then a report goes to everyone involved, one per conversation (WP-10)
    events = given(
        werkpro,
        ("meeting_held", date(2026, 4, 20), OFFICER, {}),
        ("subject_responded", date(2026, 4, 23), OFFICER, {}),
        ("meeting_held", date(2026, 4, 24), OFFICER, {}),
        history=events,
    )
    assert letters(werkpro, events, date(2026, 4, 24)).count("conversation_report") == 2
    assert evaluate(werkpro, events, date(2026, 4, 24)).term("subject_response").state == "met"  # type: ignore[union-attr]
    # When the officer decides / Then a written, reasoned outcome is due (WP-11) and WP-12 is met
    events = given(
        werkpro,
        (
            "decided",
            date(2026, 5, 28),
            OFFICER,
            {"outcome": "partly_well_founded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        history=events,
    )
    view = evaluate(werkpro, events, date(2026, 5, 28))
    assert view.term("officer_handling").state == "met"  # type: ignore[union-attr]
    assert "outcome" in [letter.key for letter in view.letters_due]


def test_wp09_subject_response_moves_off_kings_day(werkpro: Procedure) -> None:
    # Given the officer asks for a response on Monday 13 April 2026
    events = given(
        werkpro,
        ("received", date(2026, 4, 13), MANAGER, {}),
        ("escalated", date(2026, 4, 13), COMPLAINANT, {}),
        ("response_requested", date(2026, 4, 13), OFFICER, {}),
    )
    # Then two weeks end on King's Day, Monday 27 April 2026, and move to Tuesday 28 April (WP-09)
    assert evaluate(werkpro, events, date(2026, 4, 14)).term("subject_response").due == date(2026, 4, 28)  # type: ignore[union-attr]


def test_wp12_six_weeks_from_filing_moves_off_ascension_day(werkpro: Procedure) -> None:
    # Given a complaint brought to the complaints officer on Thursday 17 April 2025
    events = given(
        werkpro, ("received", date(2025, 4, 17), MANAGER, {}), ("escalated", date(2025, 4, 17), COMPLAINANT, {})
    )
    # Then six weeks end on Ascension Day 29 May 2025 and move to Friday 30 May (WP-12)
    view = evaluate(werkpro, events, date(2025, 4, 18))
    assert view.term("officer_handling").due == date(2025, 5, 30)  # type: ignore[union-attr]
    # And a day later it is missed
    assert evaluate(werkpro, events, date(2025, 5, 31)).term("officer_handling").state == "missed"  # type: ignore[union-attr]


def test_wp13_withdrawal_stops_handling_and_is_confirmed(werkpro: Procedure) -> None:
    # Given a case with the complaints officer after mediation
    events = given(
        werkpro,
        ("received", date(2025, 4, 14), MANAGER, {}),
        ("escalated", date(2025, 4, 14), COMPLAINANT, {}),
        ("mediation_started", date(2025, 4, 15), OFFICER, {}),
    )
    # When the complainant no longer needs handling
    events = given(
        werkpro, ("withdrawn", date(2025, 4, 20), COMPLAINANT, {"outcome": "no_longer_needed"}), history=events
    )
    view = evaluate(werkpro, events, date(2025, 6, 1))
    # Then handling stops: the case is closed, its term no longer applies, and the manager confirms in writing (WP-13)
    assert (view.status, view.outcome) == ("closed", "no_longer_needed")
    assert view.term("officer_handling").state == "not_applicable"  # type: ignore[union-attr]
    assert [letter.key for letter in view.letters_due] == ["withdrawal_confirmation"]


def test_wp14_to_wp19_internal_first_then_the_binding_committee_over_christmas(werkpro: Procedure) -> None:
    # Given a complaint decided by the manager
    events = given(
        werkpro,
        ("received", date(2025, 5, 1), MANAGER, {}),
        (
            "decided",
            date(2025, 6, 2),
            MANAGER,
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
    )
    # When the complainant tries the committee before internal handling ended / Then it is refused (WP-14)
    early = decide(werkpro, events, "external_filed", COMPLAINANT, date(2025, 6, 3))
    assert not early.accepted
    assert str(early.errors[0]).startswith("'external_filed' is not allowed now; allowed: ")
    # When internal handling ends and the complainant files with the committee (WP-15)
    events = given(
        werkpro,
        ("internal_closed", date(2025, 6, 3), MANAGER, {"outcome": "unresolved"}),
        ("external_filed", date(2025, 6, 25), COMPLAINANT, {}),
        history=events,
    )
    view = evaluate(werkpro, events, date(2025, 6, 25))
    # Then the committee has six months: 25 December 2025 is Christmas, 26 December too, so Monday 29 December (WP-18)
    assert (view.stage, view.status) == ("committee", "open")
    committee = view.term("committee_decision")
    assert committee is not None and (committee.due, committee.party) == (date(2025, 12, 29), "external_body")
    # When the committee finds it admissible / Then the acknowledgement goes out with a copy to WerkPro (WP-16)
    events = given(
        werkpro, ("external_admissibility_decided", date(2025, 7, 1), ADMIN, {"outcome": "admissible"}), history=events
    )
    assert letters(werkpro, events, date(2025, 7, 1)) == ["committee_acknowledgement"]
    assert werkpro.letter_by_key["committee_acknowledgement"].copy_to == ("organisation",)
    # When a hearing is held / Then its report goes to everyone involved (WP-17)
    events = given(werkpro, ("external_hearing_held", date(2025, 9, 1), ADMIN, {}), history=events)
    assert "hearing_report" in letters(werkpro, events, date(2025, 9, 1))
    # When the committee's binding decision finds the complaint well-founded (WP-18)
    events = given(
        werkpro, ("external_decided", date(2025, 12, 29), ADMIN, {"outcome": "well_founded"}), history=events
    )
    view = evaluate(werkpro, events, date(2025, 12, 29))
    assert view.term("committee_decision").state == "met"  # type: ignore[union-attr]
    assert werkpro.external_body_by_key["klachtencommissie_md"].binding is True
    # Then WerkPro must report the measures within a month: 29 January 2026 (WP-19)
    assert view.term("measures_notice").due == date(2026, 1, 29)  # type: ignore[union-attr]
    events = given(werkpro, ("measure_recorded", date(2026, 1, 20), MANAGER, {}), history=events)
    view = evaluate(werkpro, events, date(2026, 1, 20))
    assert view.term("measures_notice").state == "met"  # type: ignore[union-attr]
    assert "measures_notice" in [letter.key for letter in view.letters_due]


def test_wp16_committee_refusal_closes_the_case_with_a_copy_to_werkpro(werkpro: Procedure) -> None:
    events = given(
        werkpro,
        ("received", date(2025, 5, 1), MANAGER, {}),
        (
            "decided",
            date(2025, 5, 2),
            MANAGER,
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        ("internal_closed", date(2025, 5, 2), MANAGER, {"outcome": "unresolved"}),
        ("external_filed", date(2025, 5, 10), COMPLAINANT, {}),
        ("external_admissibility_decided", date(2025, 5, 20), ADMIN, {"outcome": "not_admissible"}),
    )
    view = evaluate(werkpro, events, date(2025, 5, 20))
    assert (view.status, view.outcome) == ("closed", "not_admissible")
    assert [letter.key for letter in view.letters_due] == ["committee_refusal"]
    assert view.term("committee_decision").state == "not_applicable"  # type: ignore[union-attr]


def test_wp19_no_measures_term_after_an_unfounded_decision(werkpro: Procedure) -> None:
    events = given(
        werkpro,
        ("received", date(2025, 5, 1), MANAGER, {}),
        (
            "decided",
            date(2025, 5, 2),
            MANAGER,
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        ("internal_closed", date(2025, 5, 2), MANAGER, {"outcome": "unresolved"}),
        ("external_filed", date(2025, 5, 10), COMPLAINANT, {}),
        ("external_admissibility_decided", date(2025, 5, 20), ADMIN, {"outcome": "admissible"}),
        ("external_decided", date(2025, 9, 1), ADMIN, {"outcome": "unfounded"}),
    )
    assert evaluate(werkpro, events, date(2025, 9, 1)).term("measures_notice").state == "not_applicable"  # type: ignore[union-attr]


def test_wp24_who_may_and_may_not_complain(werkpro: Procedure) -> None:
    accepts = werkpro.accepts
    assert {party.key for party in accepts.complainants} == {"participants", "clients", "welfare_clients"}
    assert {party.key for party in accepts.excluded} == {"catering_guests", "shop_customers"}
    assert accepts.representatives is not None and accepts.representatives.allowed
    assert accepts.surviving_relatives is not None and accepts.surviving_relatives.allowed


def test_wp22_quarterly_anonymised_report_to_the_commissioning_party(werkpro: Procedure) -> None:
    (report,) = werkpro.reporting
    assert (report.every, report.anonymised, report.to, report.per) == (
        "quarter",
        True,
        ("commissioning_party",),
        "commissioning_party",
    )
