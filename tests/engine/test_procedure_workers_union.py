"""The Workers Union's procedure (seeds/000, WU clauses) walked through the engine, on England's real calendar.

Expected dates are counted by hand from the document: "one week" and "four weeks" are plain weeks, so the
Christmas bank holidays of 2026 (Fri 25 Dec, Mon 28 Dec for Boxing Day) do not lengthen them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plaint.engine import CaseEvent, CaseView, Procedure, decide, evaluate, load_file
from plaint.procedures import BUNDLED_DIR


@pytest.fixture(scope="module")
def procedure() -> Procedure:
    return load_file(BUNDLED_DIR / "workers-union.yaml")


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


def formal_complaint(procedure: Procedure, **facts: Any) -> Case:
    """A written complaint received on 21 December 2026 and made formal the same day."""
    case = Case(procedure)
    case.do("received", ("intake_staff",), RECEIVED, channel="in_writing", incident_date="2026-12-14", facts=facts)
    case.do("formal_requested", ("complainant",), RECEIVED)
    return case


@pytest.mark.clause("WU-04", "WU-05", "WU-08", "WU-09", "WU-10", "WU-11")
def test_wu08_wu10_wu11_a_formal_complaint_walked_through_stage_2_and_the_board(procedure: Procedure) -> None:
    # given a written complaint received on Monday 21 December 2026 about an issue of 14 December
    case = Case(procedure)
    view = case.do("received", ("intake_staff",), RECEIVED, incident_date="2026-12-14")
    # then it starts at Stage 1, where staff may resolve it informally or the member may go formal (WU-04, WU-05)
    assert (view.stage, view.status) == ("informal", "open")
    assert set(view.allowed_actions()) == {
        "mediation_started",
        "informal_resolved",
        "formal_requested",
        "withdrawn",
    }
    assert view.terms == ()
    assert view.warnings == ()

    # when the member makes a formal complaint to the Management Team that day
    view = case.do("formal_requested", ("complainant",), RECEIVED)
    # then management must acknowledge it within one week: Monday 28 December, the Boxing Day substitute bank
    # holiday, not later (WU-08); and respond within four weeks: Monday 18 January 2027 (WU-10)
    assert view.stage == "formal"
    assert term(view, "acknowledgement") == ("pending", date(2026, 12, 28))
    assert term(view, "response") == ("pending", date(2027, 1, 18))
    assert view.term("board_response") is None
    assert [(a.role, a.colleague) for a in view.responsible] == [("manager", False)]

    # when the manager acknowledges on Thursday 24 December
    view = case.do("acknowledged", ("manager",), date(2026, 12, 24))
    # then the term is met on time and the acknowledgement letter is due
    acknowledgement = view.term("acknowledgement")
    assert acknowledgement is not None
    assert (acknowledgement.state, acknowledgement.met_on, acknowledgement.late) == ("met", date(2026, 12, 24), False)
    assert "acknowledgement" in letters(view)

    # when the conclusions are discussed with the staff member and their line manager (WU-09) and the response sent
    # on Friday 15 January 2027
    case.do("report_shared", ("manager",), date(2027, 1, 14))
    view = case.do(
        "decided",
        ("manager",),
        date(2027, 1, 15),
        outcome="unfounded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then the response term is met, the case is closed, and only the route to the board remains
    assert term(view, "response") == ("met", date(2027, 1, 18))
    assert (view.status, view.outcome) == ("closed", "unfounded")
    assert "response" in letters(view)
    assert view.allowed == {
        "complainant": ("escalated",),
        "manager": ("escalated",),
        "senior_manager": ("escalated",),
    }

    # when the complainant, not satisfied, goes to the board on Wednesday 20 January 2027 (WU-11)
    view = case.do("escalated", ("complainant",), date(2027, 1, 20))
    # then the board is notified and must respond within four weeks: Wednesday 17 February 2027
    assert (view.stage, view.status) == ("board", "open")
    assert [a.role for a in view.responsible] == ["board_member"]
    assert term(view, "board_response") == ("pending", date(2027, 2, 17))
    assert "board_notice" in letters(view)

    # when the board, after a further interview, decides on Tuesday 16 February 2027
    case.do("complainant_heard", ("board_member",), date(2027, 2, 9))
    view = case.do(
        "decided",
        ("board_member",),
        date(2027, 2, 16),
        outcome="partly_well_founded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then the board's response is met on time and its decision is final: nothing more can be done
    board = view.term("board_response")
    assert board is not None
    assert (board.state, board.met_on, board.late) == ("met", date(2027, 2, 16), False)
    assert (view.status, view.outcome) == ("closed", "partly_well_founded")
    assert procedure.stage_by_key["board"].final is True
    assert "board_decision" in letters(view)
    assert view.allowed_actions() == ()


@pytest.mark.clause("WU-08")
def test_wu08_acknowledgement_is_missed_the_day_after_one_week(procedure: Procedure) -> None:
    # given a formal complaint received on Monday 21 December 2026 and not acknowledged
    case = formal_complaint(procedure)
    # when we look on the last day, Monday 28 December, and the day after
    on_time = case.view(date(2026, 12, 28))
    late = case.view(date(2026, 12, 29))
    # then it is pending on the due date and missed the day after
    assert term(on_time, "acknowledgement") == ("pending", date(2026, 12, 28))
    assert term(late, "acknowledgement") == ("missed", date(2026, 12, 28))


@pytest.mark.clause("WU-10")
def test_wu10_no_response_within_four_weeks_makes_the_explanation_due(procedure: Procedure) -> None:
    # given a formal complaint of Monday 21 December 2026, acknowledged, without a response
    case = formal_complaint(procedure)
    case.do("acknowledged", ("manager",), date(2026, 12, 22))
    case.do("letter_sent", ("manager",), date(2026, 12, 22), letter="acknowledgement")
    # when the four weeks end on Monday 18 January 2027
    due_day = case.view(date(2027, 1, 18))
    # then nothing is owed yet
    assert term(due_day, "response") == ("pending", date(2027, 1, 18))
    assert letters(due_day) == set()
    # when the day after comes without a response
    after = case.view(date(2027, 1, 19))
    # then the term is missed and the explanation with reasons is due, dated from the due date
    assert term(after, "response") == ("missed", date(2027, 1, 18))
    assert [(letter.key, letter.because, letter.since) for letter in after.letters_due] == [
        ("delay_explanation", "missed:response", date(2027, 1, 18))
    ]
    # when the explanation is sent and the response follows on 1 February
    case.do("letter_sent", ("manager",), date(2027, 1, 19), letter="delay_explanation")
    view = case.do(
        "decided",
        ("manager",),
        date(2027, 2, 1),
        outcome="well_founded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then the response is recorded as met, but late
    response = view.term("response")
    assert response is not None
    assert (response.state, response.met_on, response.late) == ("met", date(2027, 2, 1), True)


@pytest.mark.clause("WU-12")
def test_wu12_a_complaint_brought_after_four_weeks_is_flagged_not_refused(procedure: Procedure) -> None:
    # given an issue that arose on Friday 20 November 2026: four weeks later is Friday 18 December
    case = Case(procedure)
    # when the complaint is received on Monday 21 December 2026
    view = case.do("received", ("intake_staff",), RECEIVED, incident_date="2026-11-20")
    # then it carries a late-complaint warning citing WU-12...
    assert [warning.code for warning in view.warnings] == ["late_complaint"]
    assert "WU-12" in view.warnings[0].text()
    assert "20 November 2026" in view.warnings[0].text()
    # ...and is still handled: the formal complaint is accepted
    view = case.do("formal_requested", ("complainant",), RECEIVED)
    assert view.stage == "formal"


@pytest.mark.clause("WU-12")
def test_wu12_a_complaint_on_the_last_day_of_four_weeks_is_not_late(procedure: Procedure) -> None:
    # given an issue that arose on Monday 23 November 2026: four weeks later is Monday 21 December
    case = Case(procedure)
    # when the complaint is received on that Monday
    view = case.do("received", ("intake_staff",), RECEIVED, incident_date="2026-11-23")
    # then it is in time
    assert view.warnings == ()


@pytest.mark.clause("WU-07")
@pytest.mark.parametrize(
    ("subject_role", "responsible"),
    [
        (None, "manager"),
        ("intake_staff", "manager"),
        ("manager", "senior_manager"),
        ("senior_manager", "board_member"),
    ],
)
def test_wu07_a_formal_complaint_goes_to_management_the_senior_manager_or_the_board(
    procedure: Procedure, subject_role: str | None, responsible: str
) -> None:
    # given a formal complaint about a staff member, the manager or the senior manager
    facts = {"subject_role": subject_role} if subject_role else {}
    case = formal_complaint(procedure, **facts)
    # when we look at who handles Stage 2
    view = case.view(RECEIVED)
    # then management handles it, the senior manager one about the manager, the board one about the senior manager
    assert view.stage == "formal"
    assert [assignment.role for assignment in view.responsible] == [responsible]


@pytest.mark.clause("WU-07")
def test_wu07_an_involved_person_cannot_be_assigned_to_stage_2(procedure: Procedure) -> None:
    # given a formal complaint
    case = formal_complaint(procedure)
    # when someone involved in the complaint is assigned to handle it
    decision = decide(procedure, case.events, "handler_assigned", ("manager",), RECEIVED, {"involved": True})
    # then it is refused, naming the clause
    assert not decision.accepted
    assert [error.code for error in decision.errors] == ["handler_involved"]
    assert "WU-07" in decision.errors[0].text()


@pytest.mark.clause("WU-04")
def test_wu04_an_informally_resolved_complaint_closes_without_formal_terms(procedure: Procedure) -> None:
    # given a complaint by phone on Monday 21 December 2026
    case = Case(procedure)
    case.do("received", ("intake_staff",), RECEIVED, facts={"channel": "phone"})
    # when the staff member resolves it informally the next day
    view = case.do("informal_resolved", ("intake_staff",), date(2026, 12, 22), outcome="resolved")
    # then the case is closed as resolved, and no formal term ever started
    assert (view.stage, view.status, view.outcome) == ("informal", "closed", "resolved")
    assert view.terms == ()
    assert view.allowed_actions() == ()


@pytest.mark.clause("WU-06")
def test_wu06_a_verbal_formal_complaint_records_who_took_the_statement(procedure: Procedure) -> None:
    # given a complaint made in person
    case = Case(procedure)
    case.do("received", ("intake_staff",), RECEIVED, facts={"channel": "in_person"})
    # when a supervisor takes the formal complaint down as a statement
    case.do("formal_requested", ("handler",), RECEIVED)
    # then the event records the supervisor as the one who took it
    assert (case.events[-1].kind, case.events[-1].actor) == ("formal_requested", "handler")


@pytest.mark.clause("WU-17")
def test_wu17_mediation_can_be_arranged_in_stage_2(procedure: Procedure) -> None:
    # given a formal complaint
    case = formal_complaint(procedure)
    # when mediation is started and ended
    started = case.do("mediation_started", ("manager",), date(2026, 12, 23))
    assert "mediation_ended" in started.allowed["manager"]
    ended = case.do("mediation_ended", ("manager",), date(2027, 1, 6))
    # then the case stays in Stage 2 with its terms running
    assert (ended.stage, ended.status) == ("formal", "open")
    assert term(ended, "response") == ("pending", date(2027, 1, 18))


@pytest.mark.clause("WU-11")
def test_wu11_the_board_cannot_be_asked_before_stage_2_decided(procedure: Procedure) -> None:
    # given a formal complaint that Stage 2 has not decided yet
    case = formal_complaint(procedure)
    # when the complainant asks for the board
    decision = decide(procedure, case.events, "escalated", ("complainant",), date(2026, 12, 30))
    # then it is refused, with the message naming what is allowed now
    assert not decision.accepted
    (error,) = decision.errors
    assert error.code == "action_not_allowed"
    assert error.text() == (
        "'escalated' is not allowed now; allowed: acknowledged, handler_assigned, complainant_heard, "
        "mediation_started, report_shared, decided, withdrawn"
    )


@pytest.mark.clause("WU-11")
def test_wu11_no_term_for_the_board_is_missed_while_stage_2_is_still_running(procedure: Procedure) -> None:
    # given a formal complaint decided late, on 1 February 2027
    case = formal_complaint(procedure)
    case.do(
        "decided",
        ("manager",),
        date(2027, 2, 1),
        outcome="unfounded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # when the board is asked on 3 February and has not decided by 4 March 2027
    case.do("escalated", ("complainant",), date(2027, 2, 3))
    view = case.view(date(2027, 3, 4))
    # then the board's four weeks ran from 3 February: missed after Wednesday 3 March 2027
    assert term(view, "board_response") == ("missed", date(2027, 3, 3))


@pytest.mark.clause("WU-01")
def test_wu01_a_compliment_is_recorded_acknowledged_and_copied_to_the_service_manager(procedure: Procedure) -> None:
    # given a compliment received by email on Monday 21 December 2026
    case = Case(procedure)
    view = case.do("received", ("intake_staff",), RECEIVED, kind="compliment", facts={"channel": "email"})
    assert (view.stage, view.kind) == ("compliment", "compliment")
    assert view.terms == ()
    # when a staff member tries to close it before acknowledging it and sending the copy
    decision = decide(procedure, case.events, "closed", ("intake_staff",), RECEIVED, {"outcome": "noted"})
    # then it is refused, naming what must happen first
    assert not decision.accepted
    assert decision.errors[0].text() == "'closed' is not allowed now; allowed: acknowledged, report_shared, withdrawn"
    # when it is acknowledged and a copy is sent to the service manager
    view = case.do("acknowledged", ("intake_staff",), RECEIVED)
    assert "compliment_acknowledgement" in letters(view)
    view = case.do("report_shared", ("intake_staff",), date(2026, 12, 22))
    copy = procedure.letter_by_key["compliment_copy"]
    assert "compliment_copy" in letters(view)
    assert copy.to == ("manager",)
    # then it can be recorded and closed as noted
    view = case.do("closed", ("intake_staff",), date(2026, 12, 22), outcome="noted")
    assert (view.status, view.outcome) == ("closed", "noted")


@pytest.mark.clause("WU-03")
def test_wu03_a_suggestion_is_welcomed_and_recorded(procedure: Procedure) -> None:
    # given a suggestion received on Monday 21 December 2026
    case = Case(procedure)
    view = case.do("received", ("intake_staff",), RECEIVED, kind="suggestion")
    # then it has its own stage and no complaint terms
    assert view.stage == "suggestion"
    assert view.terms == ()
    # when it is recorded
    view = case.do("closed", ("intake_staff",), RECEIVED, outcome="noted")
    # then it is closed as noted
    assert (view.status, view.outcome) == ("closed", "noted")
