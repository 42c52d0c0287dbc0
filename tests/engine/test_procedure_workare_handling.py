"""Workare's Complaints Handling Policy (seeds/001, WH clauses) walked through the engine, on England's real calendar.

Every term of this document is in calendar days or weeks ("three days" is read as three calendar days, see the
file's calendar comment), so bank holidays neither lengthen a term nor move its end. Expected dates are counted by
hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plaint.engine import CaseEvent, CaseView, Procedure, decide, evaluate, load_file
from plaint.procedures import BUNDLED_DIR


@pytest.fixture(scope="module")
def procedure() -> Procedure:
    return load_file(BUNDLED_DIR / "workare-handling.yaml")


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


def acknowledged_complaint(procedure: Procedure) -> Case:
    """A complaint received on Monday 21 December 2026 and acknowledged on Wednesday 23 December."""
    case = Case(procedure)
    case.do("received", ("intake_staff",), RECEIVED, incident_date="2026-12-01")
    case.do("acknowledged", ("intake_staff",), date(2026, 12, 23))
    case.do("letter_sent", ("intake_staff",), date(2026, 12, 23), letter="acknowledgement")
    return case


@pytest.mark.clause("WH-01", "WH-02", "WH-03", "WH-04", "WH-05", "WH-07", "WH-08", "WH-09")
def test_wh02_wh05_wh08_a_complaint_walked_through_meeting_review_and_legal_ombudsman(procedure: Procedure) -> None:
    # given a complaint received on Monday 21 December 2026
    case = Case(procedure)
    view = case.do("received", ("intake_staff",), RECEIVED, incident_date="2026-12-01")
    # then the senior director handles it (WH-03); the acknowledgement is due within three days, Thursday 24
    # December (WH-02), and the company has eight weeks, to Monday 15 February 2027 (WH-01)
    assert (view.stage, view.status) == ("investigation", "open")
    assert [a.role for a in view.responsible] == ["senior_manager"]
    assert term(view, "acknowledgement") == ("pending", date(2026, 12, 24))
    assert term(view, "eight_weeks") == ("pending", date(2027, 2, 15))

    # when the acknowledgement is sent on Wednesday 23 December
    view = case.do("acknowledged", ("intake_staff",), date(2026, 12, 23))
    # then it is met, its letter encloses the procedure, and the invitation to a meeting is due within 14 days of
    # it: Wednesday 6 January 2027 (WH-04)
    assert term(view, "acknowledgement") == ("met", date(2026, 12, 24))
    assert "acknowledgement" in letters(view)
    assert procedure.letter_by_key["acknowledgement"].encloses == ("procedure",)
    assert term(view, "meeting_invitation") == ("pending", date(2027, 1, 6))
    assert term(view, "detailed_reply")[0] == "not_applicable"

    # when the director invites the complainant on Monday 4 January and the meeting is on Friday 8 January
    view = case.do("meeting_offered", ("senior_manager",), date(2027, 1, 4))
    assert term(view, "meeting_invitation") == ("met", date(2027, 1, 6))
    view = case.do("meeting_held", ("senior_manager",), date(2027, 1, 8))
    # then the written confirmation is due within three days of the meeting: Monday 11 January 2027 (WH-05)
    assert term(view, "meeting_confirmation") == ("pending", date(2027, 1, 11))

    # when the director confirms what took place on Monday 11 January, no solution agreed
    view = case.do(
        "decided",
        ("senior_manager",),
        date(2027, 1, 11),
        outcome="unresolved",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then both terms are met, the meeting letter (not the detailed reply) is due, and the case is closed
    assert term(view, "meeting_confirmation") == ("met", date(2027, 1, 11))
    assert term(view, "eight_weeks") == ("met", date(2027, 2, 15))
    assert "meeting_confirmation" in letters(view)
    assert "detailed_reply" not in letters(view)
    assert (view.status, view.outcome) == ("closed", "unresolved")
    assert {actor: set(events) for actor, events in view.allowed.items()} == {
        "complainant": {"review_requested"},
        "senior_manager": {"review_requested"},
        "intake_staff": {"review_requested"},
    }

    # when the complainant, still not satisfied, asks for a review on Monday 18 January 2027 (WH-07)
    view = case.do("review_requested", ("complainant",), date(2027, 1, 18))
    # then someone unconnected reviews it, and the final position is due within 14 days: Monday 1 February (WH-08)
    assert (view.stage, view.status) == ("review", "open")
    assert [a.role for a in view.responsible] == ["committee_member"]
    assert term(view, "final_position") == ("pending", date(2027, 2, 1))

    # when the reviewer confirms the final position on Friday 29 January
    view = case.do(
        "review_decided",
        ("committee_member",),
        date(2027, 1, 29),
        outcome="upheld",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then the term is met, the final-position letter names the Legal Ombudsman and its time limit (WH-09)
    assert term(view, "final_position") == ("met", date(2027, 2, 1))
    assert (view.status, view.outcome) == ("closed", "upheld")
    assert "final_position" in letters(view)
    assert {"external_body", "external_time_limit", "reasons"} <= set(
        procedure.letter_by_key["final_position"].must_contain
    )
    assert {actor: set(events) for actor, events in view.allowed.items()} == {
        "complainant": {"external_filed"},
        "administrator": {"external_filed"},
    }

    # when the complainant goes to the Legal Ombudsman on Monday 1 March 2027
    view = case.do("external_filed", ("complainant",), date(2027, 3, 1))
    # then the case follows the Ombudsman until it decides
    assert (view.stage, view.status) == ("ombudsman", "open")
    view = case.do("external_decided", ("administrator",), date(2027, 6, 1), outcome="unfounded")
    assert (view.status, view.outcome) == ("closed", "unfounded")


@pytest.mark.clause("WH-02")
def test_wh02_three_calendar_days_are_not_moved_off_boxing_day(procedure: Procedure) -> None:
    # given a complaint received on Wednesday 23 December 2026
    case = Case(procedure)
    view = case.do("received", ("intake_staff",), date(2026, 12, 23))
    # then the acknowledgement is due three calendar days later, Saturday 26 December (Boxing Day), not moved on
    # to the next working day, Tuesday 29 December
    assert term(view, "acknowledgement") == ("pending", date(2026, 12, 26))
    # and it is missed on Sunday 27 December
    assert term(case.view(date(2026, 12, 27)), "acknowledgement") == ("missed", date(2026, 12, 26))


@pytest.mark.clause("WH-06", "WH-04")
def test_wh06_without_a_meeting_a_detailed_reply_within_21_days_of_the_acknowledgement(procedure: Procedure) -> None:
    # given a complaint acknowledged on Wednesday 23 December 2026
    case = acknowledged_complaint(procedure)
    # when the complainant does not want a meeting (before being invited)
    view = case.do("meeting_declined", ("complainant",), date(2026, 12, 28))
    # then no invitation is owed any more, and the detailed reply is due 21 days after the acknowledgement:
    # Wednesday 13 January 2027
    assert term(view, "meeting_invitation") == ("met", date(2027, 1, 6))
    assert term(view, "detailed_reply") == ("pending", date(2027, 1, 13))
    assert view.term("meeting_confirmation") is None
    # and it is missed on Thursday 14 January if nothing is sent
    assert term(case.view(date(2027, 1, 14)), "detailed_reply") == ("missed", date(2027, 1, 13))
    # when the director sends the detailed reply on Tuesday 12 January
    view = case.do(
        "decided",
        ("senior_manager",),
        date(2027, 1, 12),
        outcome="partly_well_founded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then it is met, and the detailed-reply letter (with suggestions for resolution) is the one due
    assert term(view, "detailed_reply") == ("met", date(2027, 1, 13))
    assert "detailed_reply" in letters(view)
    assert "meeting_confirmation" not in letters(view)
    assert "suggestions_for_resolution" in procedure.letter_by_key["detailed_reply"].must_contain


@pytest.mark.clause("WH-01", "WH-09")
def test_wh01_after_eight_weeks_unresolved_the_legal_ombudsman_opens(procedure: Procedure) -> None:
    # given a complaint received on Monday 21 December 2026, acknowledged, never answered
    case = acknowledged_complaint(procedure)
    # when we look on the last of the eight weeks, Monday 15 February 2027
    last_day = case.view(date(2027, 2, 15))
    # then the Ombudsman is not open yet, and filing there is refused with the allowed actions named
    assert term(last_day, "eight_weeks") == ("pending", date(2027, 2, 15))
    assert last_day.rights == ()
    refused = decide(procedure, case.events, "external_filed", ("complainant",), date(2027, 2, 15))
    assert not refused.accepted
    head, allowed = refused.errors[0].text().split("; allowed: ")
    assert head == "'external_filed' is not allowed now"
    assert set(allowed.split(", ")) == {
        "handler_assigned",
        "complainant_heard",
        "meeting_offered",
        "meeting_declined",
        "decided",
        "withdrawn",
    }
    # when the day after comes, Tuesday 16 February 2027
    after = case.view(date(2027, 2, 16))
    # then the term is missed, the right to go to the Legal Ombudsman is open, and the notice letter is due
    assert term(after, "eight_weeks") == ("missed", date(2027, 2, 15))
    assert after.rights == ("legal_ombudsman",)
    assert [warning.code for warning in after.warnings] == ["right_opened"]
    assert "Legal Ombudsman" in after.warnings[0].text()
    assert [(letter.key, letter.since) for letter in after.letters_due] == [("ombudsman_notice", date(2027, 2, 15))]
    assert "external_filed" in after.allowed["complainant"]
    # when the complainant goes there
    view = case.do("external_filed", ("complainant",), date(2027, 2, 16))
    # then the case is with the Ombudsman
    assert (view.stage, view.status) == ("ombudsman", "open")


@pytest.mark.clause("WH-01", "WH-07")
def test_wh01_a_timely_response_sends_the_complainant_to_the_review_first(procedure: Procedure) -> None:
    # given a complaint answered within eight weeks
    case = acknowledged_complaint(procedure)
    case.do("meeting_declined", ("complainant",), date(2026, 12, 28))
    case.do(
        "decided",
        ("senior_manager",),
        date(2027, 1, 12),
        outcome="unfounded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # when the complainant wants to go to the Legal Ombudsman after the eight weeks
    decision = decide(procedure, case.events, "external_filed", ("complainant",), date(2027, 3, 1))
    # then it is refused: the internal review comes first
    assert not decision.accepted
    assert decision.errors[0].text() == "'external_filed' is not allowed now; allowed: review_requested"


@pytest.mark.clause("WH-07")
def test_wh07_the_reviewer_must_be_unconnected_with_the_matter(procedure: Procedure) -> None:
    # given a decided complaint whose review was asked
    case = acknowledged_complaint(procedure)
    case.do("meeting_declined", ("complainant",), date(2026, 12, 28))
    case.do(
        "decided",
        ("senior_manager",),
        date(2027, 1, 12),
        outcome="unfounded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    case.do("review_requested", ("complainant",), date(2027, 1, 18))
    # when someone connected with the matter is named as reviewer
    involved = decide(
        procedure, case.events, "handler_assigned", ("senior_manager",), date(2027, 1, 19), {"involved": True}
    )
    # then it is refused, citing WH-07; someone unconnected is accepted
    assert not involved.accepted
    assert [error.code for error in involved.errors] == ["handler_involved"]
    assert "WH-07" in involved.errors[0].text()
    case.do("handler_assigned", ("senior_manager",), date(2027, 1, 19), involved=False)
    # and the senior director who decided cannot decide the review
    by_director = decide(
        procedure,
        case.events,
        "review_decided",
        ("senior_manager",),
        date(2027, 1, 20),
        {"outcome": "changed", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
    )
    assert not by_director.accepted
    assert by_director.errors[0].code == "action_not_for_role"


@pytest.mark.clause("WH-08")
def test_wh08_the_final_position_is_missed_after_14_days(procedure: Procedure) -> None:
    # given a review asked on Monday 18 January 2027
    case = acknowledged_complaint(procedure)
    case.do("meeting_declined", ("complainant",), date(2026, 12, 28))
    case.do(
        "decided",
        ("senior_manager",),
        date(2027, 1, 12),
        outcome="unfounded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    case.do("review_requested", ("complainant",), date(2027, 1, 18))
    # when no final position has come by Tuesday 2 February
    view = case.view(date(2027, 2, 2))
    # then the term, due Monday 1 February, is missed
    assert term(view, "final_position") == ("missed", date(2027, 2, 1))


@pytest.mark.clause("WH-09")
def test_wh09_the_legal_ombudsman_contact_details_and_time_limits_come_from_the_document(
    procedure: Procedure,
) -> None:
    # given the procedure's external body
    body = procedure.external_body_by_key["legal_ombudsman"]
    # then its contact details are the document's, and the complainant has six months from the final written
    # response or a year from the act or omission (or becoming aware of it)
    assert body.contact is not None
    assert body.contact.address == ("Legal Ombudsman", "PO Box 15870", "Birmingham", "B30 9EB")
    assert body.contact.email == "enquiries@legalombudsman.org.uk"
    assert body.contact.website == "https://www.legalombudsman.org.uk"
    assert [(str(limit.duration), limit.counted_from) for limit in body.time_limits] == [
        ("6 months", "review_decided"),
        ("1 year", "incident"),
        ("1 year", "awareness"),
    ]
    assert body.stage == "ombudsman"
