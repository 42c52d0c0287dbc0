"""Werk in vertrouwen's complaints procedure (seeds/002, WV clauses) walked through the engine.

The document names no terms, and the procedure invents none: at every step of a case, across King's Day (Tuesday
27 April 2027) and Ascension Day (Thursday 6 May 2027), no deadline starts and none is missed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plaint.engine import CaseEvent, CaseView, Procedure, decide, evaluate, load_file, plan
from plaint.procedures import BUNDLED_DIR


@pytest.fixture(scope="module")
def procedure() -> Procedure:
    return load_file(BUNDLED_DIR / "werk-in-vertrouwen.yaml")


class Case:
    """A case driven through `decide`, one accepted action at a time."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.events: list[CaseEvent] = []

    def do(self, action: str, roles: tuple[str, ...], day: date, **data: Any) -> CaseView:
        decision = decide(self.procedure, self.events, action, roles, day, data)
        assert decision.accepted, [error.text() for error in decision.errors]
        assert decision.event is not None
        assert decision.terms_started == ()
        self.events.append(decision.event)
        return decision.view

    def view(self, day: date) -> CaseView:
        return evaluate(self.procedure, self.events, day)


def letters(view: CaseView) -> set[str]:
    return {letter.key for letter in view.letters_due}


RECEIVED = date(2027, 4, 26)  # Monday 26 April 2027, the day before King's Day


def at_the_committee(procedure: Procedure) -> Case:
    case = Case(procedure)
    case.do("received", ("complaints_officer",), RECEIVED, facts={"category": "bullying"})
    case.do("formal_requested", ("complainant",), date(2027, 4, 28))
    return case


@pytest.mark.clause("WV-03", "WV-04", "WV-05", "WV-06")
def test_wv04_wv05_a_complaint_walked_from_the_complaints_officer_to_the_final_report(procedure: Procedure) -> None:
    # given a complaint about bullying received by the complaints officer on Monday 26 April 2027
    case = Case(procedure)
    view = case.do("received", ("complaints_officer",), RECEIVED, facts={"category": "bullying"})
    # then the complaints officer handles it and may try mediation (WV-06); no term starts
    assert (view.stage, view.status) == ("complaints_officer", "open")
    assert [a.role for a in view.responsible] == ["complaints_officer"]
    assert set(view.allowed_actions()) == {
        "handler_assigned",  # one officer of the firm is named for a confidential case (docs/access.md)
        "acknowledged",
        "complainant_heard",
        "mediation_started",
        "informal_resolved",
        "formal_requested",
        "withdrawn",
    }
    assert view.terms == ()

    # when mediation is tried and fails
    case.do("mediation_started", ("complaints_officer",), date(2027, 4, 28))
    view = case.do("mediation_ended", ("complaints_officer",), date(2027, 5, 7), outcome="unresolved")
    assert (view.stage, view.status) == ("complaints_officer", "open")
    # and the complaint goes to the committee for a formal investigation
    view = case.do("formal_requested", ("complainant",), date(2027, 5, 10))
    # then the committee handles it, and first of all decides admissibility (WV-04)
    assert (view.stage, view.status) == ("committee", "open")
    assert [a.role for a in view.responsible] == ["committee_member"]
    assert set(view.allowed_actions()) == {"handler_assigned", "admissibility_decided", "withdrawn"}

    # when an employment lawyer is brought in (WV-03) and the complaint is found admissible
    case.do("handler_assigned", ("committee_member",), date(2027, 5, 11), involved=False)
    view = case.do("admissibility_decided", ("committee_member",), date(2027, 5, 12), outcome="admissible")
    # then the committee turns to well-foundedness: it hears both sides
    assert view.status == "open"
    assert {"complainant_heard", "subject_responded", "decided"} <= set(view.allowed["committee_member"])
    case.do("complainant_heard", ("committee_member",), date(2027, 5, 18))
    case.do("subject_responded", ("committee_member",), date(2027, 5, 20))

    # when the committee issues its final report, judging the complaint well-founded (WV-05)
    view = case.do(
        "decided",
        ("committee_member",),
        date(2027, 6, 15),
        outcome="well_founded",
        explanation="-",
        reasons="-",
        hearing_skipped_reason="-",
    )
    # then the final report (judgement, advice on measures, prevention) is due to the complainant and management
    assert "final_report" in letters(view)
    final_report = procedure.letter_by_key["final_report"]
    assert {"judgement", "advice", "measures", "prevention"} <= set(final_report.must_contain)
    assert final_report.to == ("complainant", "board_member")

    # when management records a measure and the case is closed
    case.do("measure_recorded", ("board_member",), date(2027, 7, 1))
    view = case.do("closed", ("complaints_officer",), date(2027, 7, 2))
    # then the case is closed with the committee's judgement, and nothing was ever due by a term
    assert (view.status, view.outcome) == ("closed", "well_founded")
    assert view.terms == ()
    assert view.allowed_actions() == ()
    assert case.view(date(2028, 1, 1)).warnings == ()


@pytest.mark.clause("WV-04")
def test_wv04_a_not_admissible_complaint_closes_with_a_reasoned_letter(procedure: Procedure) -> None:
    # given a complaint at the committee
    case = at_the_committee(procedure)
    # when it is found not admissible
    view = case.do("admissibility_decided", ("committee_member",), date(2027, 5, 3), outcome="not_admissible")
    # then the case closes and the complainant gets the reasons
    assert (view.status, view.outcome) == ("closed", "not_admissible")
    assert letters(view) == {"not_admissible"}
    assert procedure.letter_by_key["not_admissible"].must_contain == ("reasons",)


@pytest.mark.clause("WV-04")
def test_wv04_well_foundedness_is_not_judged_before_admissibility(procedure: Procedure) -> None:
    # given a complaint at the committee, admissibility not yet decided
    case = at_the_committee(procedure)
    # when the committee tries to issue its final report
    decision = decide(
        procedure,
        case.events,
        "decided",
        ("committee_member",),
        date(2027, 5, 3),
        {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
    )
    # then it is refused, naming what is allowed now
    assert not decision.accepted
    head, allowed = decision.errors[0].text().split("; allowed: ")
    assert head == "'decided' is not allowed now"
    assert set(allowed.split(", ")) == {"handler_assigned", "admissibility_decided", "withdrawn"}


@pytest.mark.clause("WV-03")
def test_wv03_an_involved_person_cannot_join_the_committee(procedure: Procedure) -> None:
    # given a complaint at the committee
    case = at_the_committee(procedure)
    # when someone involved in the complaint is brought in
    decision = decide(
        procedure, case.events, "handler_assigned", ("committee_member",), date(2027, 5, 3), {"involved": True}
    )
    # then it is refused, citing WV-03
    assert not decision.accepted
    assert [error.code for error in decision.errors] == ["handler_involved"]
    assert "WV-03" in decision.errors[0].text()


@pytest.mark.clause("WV-06")
def test_wv06_the_complaints_officer_can_resolve_a_complaint_through_mediation(procedure: Procedure) -> None:
    # given a complaint with the complaints officer
    case = Case(procedure)
    case.do("received", ("complaints_officer",), RECEIVED)
    case.do("mediation_started", ("complaints_officer",), date(2027, 4, 28))
    case.do("mediation_ended", ("complaints_officer",), date(2027, 5, 6), outcome="agreement")
    # when the officer records it as resolved by agreement
    view = case.do("informal_resolved", ("complaints_officer",), date(2027, 5, 6), outcome="agreement")
    # then the case is closed there, without going to the committee
    assert (view.stage, view.status, view.outcome) == ("complaints_officer", "closed", "agreement")


@pytest.mark.clause("WV-08")
def test_wv08_no_terms_and_no_required_paperwork(procedure: Procedure) -> None:
    # given the procedure, which names no terms
    # when the plan of a case received the day before King's Day is made
    deadlines = plan(procedure, RECEIVED)
    # then there are no deadlines, and the only letters are the refusal and the final report
    assert deadlines == ()
    assert procedure.terms == ()
    assert [letter.key for letter in procedure.letters] == ["not_admissible", "final_report"]


@pytest.mark.clause("WV-07")
def test_wv07_complaints_are_registered_each_year_per_client_organisation(procedure: Procedure) -> None:
    # given the procedure's reporting duties
    (report,) = procedure.reporting
    # then the complaints officer registers complaints yearly, per client organisation
    assert (report.every, report.per, report.by) == ("year", "client_organisation", ("complaints_officer",))


@pytest.mark.clause("WV-01", "WV-02")
def test_wv01_wv02_undesirable_behaviour_under_the_clients_own_regulation_first(procedure: Procedure) -> None:
    # given the procedure's definition and commitments
    definition = procedure.accepts.kinds[0].definition
    commitments = {commitment.key: commitment for commitment in procedure.commitments}
    # then it is about undesirable behaviour, and says a client's own regulation comes first
    assert definition is not None
    for behaviour in ("intimidation", "bullying", "aggression", "discrimination", "sexual harassment"):
        assert behaviour in definition.en
    assert "WV-02" in commitments["client_regulation_first"].clauses
    assert "own complaints regulation" in commitments["client_regulation_first"].text.en
