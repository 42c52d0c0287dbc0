"""Workare's Occupational Health complaints policy (seeds/001, WA clauses) walked through the engine, on England's
real calendar.

Expected dates are counted by hand. Bank holidays used: Christmas Day Fri 25 Dec 2026, Boxing Day (substitute) Mon
28 Dec 2026, New Year's Day Fri 1 Jan 2027, Good Friday 26 Mar 2027, Easter Monday 29 Mar 2027, early May bank
holiday Mon 3 May 2027. A term of n working days ends on the n-th working day after its anchor.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plaint.engine import CaseEvent, CaseView, Procedure, decide, evaluate, load_file
from plaint.procedures import BUNDLED_DIR


@pytest.fixture(scope="module")
def procedure() -> Procedure:
    return load_file(BUNDLED_DIR / "workare.yaml")


class Case:
    """A case driven through `decide`, one accepted action at a time."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.events: list[CaseEvent] = []

    def do(self, action: str, roles: tuple[str, ...], day: date, **data: Any) -> CaseView:
        decision = decide(self.procedure, self.events, action, roles, day, data)
        assert decision.accepted, [error.text() for error in decision.errors]
        assert decision.event is not None
        self.events.append(decision.event)
        return decision.view

    def view(self, day: date) -> CaseView:
        return evaluate(self.procedure, self.events, day)


def term(view: CaseView, key: str) -> tuple[str, date]:
    found = view.term(key)
    assert found is not None, f"term {key} has not started"
    return found.state, found.due


def letters(view: CaseView) -> set[str]:
    return {letter.key for letter in view.letters_due}


RECEIVED = date(2026, 12, 21)  # Monday 21 December 2026


def written_complaint(procedure: Procedure, received: date = RECEIVED, **facts: Any) -> Case:
    case = Case(procedure)
    case.do("received", ("intake_staff",), received, facts={"channel": "in_writing", **facts})
    return case


@pytest.mark.clause("WA-03", "WA-04", "WA-05", "WA-07", "WA-08")
def test_wa03_wa07_wa08_a_written_complaint_walked_through_investigation_and_review(procedure: Procedure) -> None:
    # given a written complaint about an operational issue, received on Monday 21 December 2026
    case = written_complaint(procedure, nature=["operational"])
    view = case.view(RECEIVED)
    # then it starts at the initial contact, and must be acknowledged within five working days: 22, 23, 24 Dec,
    # (25 and 28 Dec are bank holidays) 29 and 30 Dec, so Wednesday 30 December 2026 (WA-03)
    assert (view.stage, view.status) == ("initial_contact", "open")
    assert term(view, "acknowledgement") == ("pending", date(2026, 12, 30))
    assert set(view.allowed_actions()) == {"informal_resolved", "handling_started", "acknowledged", "withdrawn"}

    # when it goes to the Managing Director and is acknowledged on the last day
    view = case.do("handling_started", ("manager",), date(2026, 12, 22))
    assert view.stage == "investigation"
    assert [(a.role, a.rule) for a in view.responsible] == [("board_member", 1)]
    view = case.do("acknowledged", ("manager",), date(2026, 12, 30))
    # then the acknowledgement is met on time and its letter (summary, purpose of the procedure) is due
    acknowledgement = view.term("acknowledgement")
    assert acknowledgement is not None
    assert (acknowledgement.state, acknowledgement.late) == ("met", False)
    assert "acknowledgement" in letters(view)
    assert procedure.letter_by_key["acknowledgement"].must_contain == (
        "date_of_receipt",
        "summary",
        "purpose_of_procedure",
    )
    # and the response terms run from the acknowledgement (WA-07): ten working days is Thursday 14 January 2027
    # (New Year's Day skipped); 21 working days is Friday 29 January 2027
    assert term(view, "first_response") == ("pending", date(2027, 1, 14))
    assert term(view, "written_outcome") == ("pending", date(2027, 1, 29))
    # and without a decision about a meeting, the 21-day reply term does not apply yet (WA-06)
    assert term(view, "detailed_reply") == ("not_applicable", date(2027, 1, 20))

    # when a meeting is made by appointment and held (WA-05)
    case.do("meeting_offered", ("board_member",), date(2027, 1, 4))
    case.do("meeting_planned", ("board_member",), date(2027, 1, 5))
    view = case.do("meeting_held", ("board_member",), date(2027, 1, 7))
    assert "meeting_appointment" in letters(view)
    # and the written outcome is sent on Wednesday 13 January 2027
    view = case.do(
        "decided",
        ("board_member",),
        date(2027, 1, 13),
        outcome="unfounded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then both response terms are met, the case is closed and a review can be asked
    assert term(view, "first_response") == ("met", date(2027, 1, 14))
    assert term(view, "written_outcome") == ("met", date(2027, 1, 29))
    assert term(view, "detailed_reply")[0] == "not_applicable"
    assert (view.status, view.outcome) == ("closed", "unfounded")
    assert "outcome" in letters(view)
    assert "review_requested" in view.allowed["complainant"]

    # when the complainant writes, months later, asking for a review: there is no fixed time limit (WA-08)
    view = case.do("review_requested", ("complainant",), date(2027, 6, 1), reason="My concerns were not addressed.")
    # then the Managing Director reviews it
    assert (view.stage, view.status) == ("review", "open")
    assert [a.role for a in view.responsible] == ["board_member"]
    assert view.allowed == {"board_member": ("review_decided",), "complainant": ("withdrawn",)}

    # when the review does not alter the outcome
    view = case.do(
        "review_decided",
        ("board_member",),
        date(2027, 6, 10),
        outcome="upheld",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then the complainant is told why, and the case is closed for good
    assert (view.status, view.outcome) == ("closed", "upheld")
    assert "review_upheld" in letters(view)
    assert "reasons" in procedure.letter_by_key["review_upheld"].must_contain
    assert view.allowed_actions() == ()


@pytest.mark.clause("WA-03", "WA-07")
def test_wa03_wa07_working_days_across_easter_and_the_early_may_bank_holiday(procedure: Procedure) -> None:
    # given a written complaint received on Tuesday 23 March 2027
    case = written_complaint(procedure, received=date(2027, 3, 23))
    view = case.view(date(2027, 3, 23))
    # then five working days skip Good Friday and Easter Monday: 24, 25, 30, 31 March, 1 April
    assert term(view, "acknowledgement") == ("pending", date(2027, 4, 1))
    # when it is acknowledged late, on Thursday 8 April 2027
    case.do("handling_started", ("manager",), date(2027, 3, 24))
    view = case.do("acknowledged", ("manager",), date(2027, 4, 8))
    acknowledgement = view.term("acknowledgement")
    assert acknowledgement is not None
    assert (acknowledgement.state, acknowledgement.met_on, acknowledgement.late) == ("met", date(2027, 4, 8), True)
    # then ten working days end on Thursday 22 April, and 21 working days skip Monday 3 May: Monday 10 May 2027
    assert term(view, "first_response") == ("pending", date(2027, 4, 22))
    assert term(view, "written_outcome") == ("pending", date(2027, 5, 10))


@pytest.mark.clause("WA-07")
def test_wa07_no_response_within_ten_working_days_only_warns_and_makes_the_explanation_due(
    procedure: Procedure,
) -> None:
    # given a written complaint acknowledged on Wednesday 30 December 2026
    case = written_complaint(procedure)
    case.do("handling_started", ("manager",), date(2026, 12, 22))
    case.do("acknowledged", ("manager",), date(2026, 12, 30))
    case.do("letter_sent", ("manager",), date(2026, 12, 30), letter="acknowledgement")
    # when there is no response by Thursday 14 January 2027
    on_due = case.view(date(2027, 1, 14))
    after = case.view(date(2027, 1, 15))
    # then on the due day nothing is owed...
    assert term(on_due, "first_response") == ("pending", date(2027, 1, 14))
    assert on_due.warnings == ()
    # ...and the next day the term is missed, with a warning (not a refusal) and the explanation letter due
    first = after.term("first_response")
    assert first is not None
    assert (first.state, first.warn_only) == ("missed", True)
    assert [warning.code for warning in after.warnings] == ["warn_term_missed"]
    assert after.warnings[0].text() == "Respond within ten working days was due on 14 January 2027 (WA-07)"
    assert [(letter.key, letter.since) for letter in after.letters_due] == [("delay_explanation", date(2027, 1, 14))]
    # and the investigation carries on: the outcome can still be sent
    assert "decided" in after.allowed["board_member"]


@pytest.mark.clause("WA-07")
def test_wa07_the_21_working_days_are_a_target_missing_them_warns(procedure: Procedure) -> None:
    # given a complaint acknowledged on Wednesday 30 December 2026, still under investigation
    case = written_complaint(procedure)
    case.do("handling_started", ("manager",), date(2026, 12, 22))
    case.do("acknowledged", ("manager",), date(2026, 12, 30))
    # when the outcome has not been sent by Monday 1 February 2027 (21 working days ended Friday 29 January)
    view = case.view(date(2027, 2, 1))
    # then both WA-07 terms warn, and the outcome can still be sent: "occasionally this may take longer"
    assert term(view, "written_outcome") == ("missed", date(2027, 1, 29))
    assert [warning.params["label"] for warning in view.warnings] == [
        "Respond within ten working days",
        "Written outcome of the investigation",
    ]
    view = case.do(
        "decided",
        ("board_member",),
        date(2027, 2, 3),
        outcome="partly_well_founded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    outcome = view.term("written_outcome")
    assert outcome is not None
    assert (outcome.state, outcome.late) == ("met", True)
    assert view.warnings == ()


@pytest.mark.clause("WA-06")
def test_wa06_without_a_meeting_a_detailed_reply_within_21_days(procedure: Procedure) -> None:
    # given a complaint acknowledged on Wednesday 30 December 2026
    case = written_complaint(procedure)
    case.do("handling_started", ("manager",), date(2026, 12, 22))
    case.do("acknowledged", ("manager",), date(2026, 12, 30))
    # when the complainant does not want a meeting
    view = case.do("meeting_declined", ("complainant",), date(2027, 1, 4))
    # then a detailed reply is due within 21 calendar days: Wednesday 20 January 2027
    assert term(view, "detailed_reply") == ("pending", date(2027, 1, 20))
    # and it is missed the day after
    assert term(case.view(date(2027, 1, 21)), "detailed_reply") == ("missed", date(2027, 1, 20))
    # when the reply with suggestions for resolution is sent on 19 January
    view = case.do(
        "decided",
        ("senior_manager",),
        date(2027, 1, 19),
        outcome="well_founded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then it is met, and the outcome letter carries the suggestions
    assert term(view, "detailed_reply") == ("met", date(2027, 1, 20))
    assert "suggestions_for_resolution" in procedure.letter_by_key["outcome"].must_contain


@pytest.mark.clause("WA-04")
@pytest.mark.parametrize(
    ("nature", "responsible"),
    [
        ([], ["board_member"]),
        (["clinical"], ["senior_manager"]),
        (["operational"], ["board_member"]),
        (["clinical", "operational"], ["senior_manager", "board_member"]),
    ],
)
def test_wa04_clinical_elements_go_to_a_senior_clinician_operational_issues_to_the_managing_director(
    procedure: Procedure, nature: list[str], responsible: list[str]
) -> None:
    # given a written complaint with clinical and/or operational elements
    case = written_complaint(procedure, nature=nature)
    # when it goes to investigation
    view = case.do("handling_started", ("manager",), date(2026, 12, 22))
    # then a senior clinician investigates the clinical part, the Managing Director the operational part
    assert [assignment.role for assignment in view.responsible] == responsible


@pytest.mark.clause("WA-02")
def test_wa02_an_in_person_complaint_resolved_straight_away_needs_no_acknowledgement(procedure: Procedure) -> None:
    # given a complaint made in person on Monday 21 December 2026
    case = Case(procedure)
    case.do("received", ("intake_staff",), RECEIVED, facts={"channel": "in_person"})
    # when the staff member resolves it straight away
    view = case.do("informal_resolved", ("intake_staff",), RECEIVED, outcome="resolved")
    # then the case is closed and the acknowledgement term does not apply, even after its due date
    later = case.view(date(2027, 1, 4))
    assert (view.status, view.outcome) == ("closed", "resolved")
    assert term(later, "acknowledgement") == ("not_applicable", date(2026, 12, 30))
    assert later.allowed_actions() == ()


@pytest.mark.clause("WA-08")
def test_wa08_a_review_cannot_be_asked_before_the_outcome(procedure: Procedure) -> None:
    # given a complaint under investigation
    case = written_complaint(procedure)
    case.do("handling_started", ("manager",), date(2026, 12, 22))
    # when the complainant asks for a review before any outcome
    decision = decide(procedure, case.events, "review_requested", ("complainant",), date(2026, 12, 23))
    # then it is refused, and the message names what is allowed now
    assert not decision.accepted
    (error,) = decision.errors
    assert error.code == "action_not_allowed"
    head, allowed = error.text().split("; allowed: ")
    assert head == "'review_requested' is not allowed now"
    assert set(allowed.split(", ")) == {
        "handler_assigned",
        "meeting_offered",
        "meeting_planned",
        "meeting_declined",
        "complainant_heard",
        "decided",
        "acknowledged",
        "withdrawn",
    }


@pytest.mark.clause("WA-08")
def test_wa08_only_the_managing_director_reviews(procedure: Procedure) -> None:
    # given a decided complaint whose review was asked for
    case = written_complaint(procedure)
    case.do("handling_started", ("manager",), date(2026, 12, 22))
    case.do(
        "decided",
        ("senior_manager",),
        date(2027, 1, 5),
        outcome="unfounded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    case.do("review_requested", ("complainant",), date(2027, 1, 6))
    # when the senior clinician tries to decide the review
    decision = decide(
        procedure,
        case.events,
        "review_decided",
        ("senior_manager",),
        date(2027, 1, 7),
        {"outcome": "changed", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
    )
    # then it is refused: the review is the Managing Director's
    assert not decision.accepted
    assert decision.errors[0].code == "action_not_for_role"
    assert "board_member" in decision.errors[0].text()


@pytest.mark.clause("WA-09", "WA-10")
def test_wa09_wa10_a_representative_needs_the_employees_written_consent(procedure: Procedure) -> None:
    # given the procedure's rules on third-party complaints
    representatives = procedure.accepts.representatives
    # then an authorised relative, friend, colleague, manager or union representative may complain, with written
    # consent, and service users, employees and employers may complain themselves
    assert representatives is not None
    assert representatives.allowed is True
    assert representatives.consent == "written_consent"
    assert [who.key for who in representatives.who] == [
        "relative",
        "friend",
        "colleague",
        "manager",
        "union_representative",
    ]
    assert [party.key for party in procedure.accepts.complainants] == ["service_users", "employees", "employers"]


@pytest.mark.clause("WA-14")
def test_wa14_a_complaint_long_after_the_event_is_neither_flagged_nor_refused(procedure: Procedure) -> None:
    # given an event two years before the complaint
    case = Case(procedure)
    # when the complaint is received
    view = case.do("received", ("intake_staff",), RECEIVED, incident_date="2024-12-01")
    # then there is no warning: the document asks for promptness but sets no limit
    assert view.warnings == ()
    assert procedure.admissibility.time_limit is None
