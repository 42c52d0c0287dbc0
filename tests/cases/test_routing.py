"""Who may take a procedure's decisions and who may review them (issue 14): `plaint.cases.routing_services`.

Each test tries the forbidden act as the kinds of person who might try it, proves the refusal (409 naming the rule
and clauses) and the allowed act by the right person.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from plaint.cases.models import CaseEvent
from plaint.cases.routing_services import RoutingRefused
from plaint.cases.services import PartyInput, case_act
from plaint.core.errors import InvalidInput, PlaintError
from plaint.organisations.models import Membership, Role
from tests.cases.factories import case_in_stage, organisation_running, person_of, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 4, 20, 8, 0, tzinfo=dt.UTC)


def _union_about_senior_manager():
    union = organisation_running("workers-union")
    desk = staff(union, "intake_staff")
    board = staff(union, "board_member")
    senior = staff(union, "senior_manager", line_manager=person_of(board))
    other_senior = staff(union, "senior_manager", line_manager=person_of(board))
    manager = staff(union, "manager", line_manager=person_of(other_senior))
    about = register(union, desk, subjects=(PartyInput(role="subject", person_id=person_of(senior).pk),))
    case = case_act(case=about, actor=desk, action="formal_requested")
    return union, case, {"desk": desk, "board": board, "manager": manager, "other_senior": other_senior}


@time_machine.travel(DAY, tick=False)
def test_wu07_xs19_only_the_routed_board_decides_a_complaint_about_the_senior_manager():
    """WU-07: about the senior manager the formal stage is the board's; a manager or another senior manager who may
    act in the stage records a hearing but may not decide; the board decides, and so does its delegate (XS-19)."""
    # Given a formal complaint about a senior manager (routed to the board)
    _union, case, people = _union_about_senior_manager()
    # When a manager and another senior manager try to decide it, they are refused, naming the rule and the clause
    for who in ("manager", "other_senior"):
        with pytest.raises(RoutingRefused) as refused:
            case_act(
                case=case,
                actor=people[who],
                action="decided",
                data={"explanation": "Findings.", "outcome": "unfounded"},
            )
        assert refused.value.status == 409
        assert refused.value.rule == "decision_by_routed_role"
        assert "WU-07" in refused.value.clauses
        assert "board_member" in str(refused.value.detail)
    # but the manager may still record what the procedure lets them (a hearing)
    case = case_act(case=case, actor=people["manager"], action="complainant_heard")
    # and the board may delegate the handling to that manager, who then decides (XS-19)
    delegate = person_of(people["manager"]).pk
    case = case_act(
        case=case, actor=people["board"], action="handler_assigned", data={"handler": delegate, "delegate": True}
    )
    case = case_act(
        case=case,
        actor=people["manager"],
        action="decided",
        data={"explanation": "Findings.", "hearing_skipped_reason": "Not reached.", "outcome": "unfounded"},
    )
    assert case.status == "closed"


@time_machine.travel(DAY, tick=False)
def test_wu07_the_board_itself_decides():
    _union, case, people = _union_about_senior_manager()
    case = case_act(
        case=case,
        actor=people["board"],
        action="decided",
        data={"explanation": "Findings.", "hearing_skipped_reason": "Not reached.", "outcome": "well_founded"},
    )
    assert case.status == "closed"


@time_machine.travel(DAY, tick=False)
def test_xs19_xs2more_assessment_only_by_the_senior_manager_or_the_delegate():
    """XS-14/XS-19: Xs2more's assessment (admissibility) is the senior manager's or the delegated employee's."""
    xs = organisation_running("xs2more")
    case = case_in_stage(xs, "assessment")
    senior = staff(xs, "senior_manager")
    for role in ("intake_staff", "handler", "manager"):
        with pytest.raises(PlaintError) as refused:
            case_act(case=case, actor=staff(xs, role), action="admissibility_decided", data={"outcome": "admissible"})
        assert refused.value.status == 409
    assert case_act(case=case, actor=senior, action="admissibility_decided", data={"outcome": "not_admissible"})


def _review_case():
    """Workare's handling procedure, a case in its review stage (WH-07); the senior manager who decided it."""
    workare = organisation_running("workare-handling")
    case = case_in_stage(workare, "review")
    decided = CaseEvent.objects.filter(case=case, kind="decided").select_related("actor").first()
    assert decided is not None and decided.actor is not None
    return workare, case, decided.actor


@time_machine.travel(DAY, tick=False)
def test_wh07_the_person_who_decided_may_not_review_nor_be_named_reviewer():
    """WH-07: someone unconnected reviews. The senior manager who decided, even when also on the review panel, may
    neither review nor be named reviewer; an unconnected committee member may be named and confirms the position."""
    workare, case, decider = _review_case()
    membership = Membership.objects.get(person__user=decider, organisation=workare)
    membership.roles.add(Role.objects.get(code="committee_member"))
    # When the decider tries to confirm the final position
    with pytest.raises(RoutingRefused) as refused:
        case_act(
            case=case, actor=decider, action="review_decided", data={"reasons": "The facts stand.", "outcome": "upheld"}
        )
    assert refused.value.rule == "unconnected_review" and "WH-07" in refused.value.clauses
    # or is named the reviewer
    senior = staff(workare, "senior_manager")
    with pytest.raises(RoutingRefused):
        case_act(case=case, actor=senior, action="handler_assigned", data={"handler": person_of(decider).pk})
    # Then an unconnected committee member may be named and confirms the position
    reviewer = staff(workare, "committee_member")
    case = case_act(case=case, actor=senior, action="handler_assigned", data={"handler": person_of(reviewer).pk})
    case = case_act(
        case=case, actor=reviewer, action="review_decided", data={"reasons": "The facts stand.", "outcome": "upheld"}
    )
    assert case.status == "closed"


@time_machine.travel(DAY, tick=False)
def test_wh07_whoever_recorded_anything_in_an_earlier_stage_is_connected():
    """WH-07: every person who recorded an event in an earlier stage (consulted, heard, handled) is connected."""
    workare, case, _decider = _review_case()
    earlier = {
        event.actor
        for event in CaseEvent.objects.filter(case=case).select_related("actor")
        if event.actor is not None and event.kind not in ("review_requested",)
    }
    committee = Role.objects.get(code="committee_member")
    for user in earlier:
        Membership.objects.get(person__user=user, organisation=workare).roles.add(committee)
        with pytest.raises(RoutingRefused):
            case_act(
                case=case,
                actor=user,
                action="review_decided",
                data={"reasons": "The facts stand.", "outcome": "changed"},
            )


@time_machine.travel(DAY, tick=False)
def test_wu18_wp11_a_decision_without_its_explanation_is_refused_naming_what_is_missing():
    """WU-18, WP-11, WA-07: `decided` needs the explanation the procedure lists; WH-08, WA-08: `review_decided` its
    reasons. The message names what is missing; with it the decision is accepted."""
    _union, case, people = _union_about_senior_manager()
    with pytest.raises(InvalidInput) as refused:
        case_act(case=case, actor=people["board"], action="decided", data={"outcome": "unfounded"})
    assert "explanation" in str(refused.value.detail) and "content" in refused.value.errors
    with translation.override("nl"):
        assert "moet bevatten: explanation" in str(refused.value.detail)
    workare, review, _decider = _review_case()
    reviewer = staff(workare, "committee_member")
    with pytest.raises(InvalidInput) as refused:
        case_act(case=review, actor=reviewer, action="review_decided", data={"outcome": "upheld"})
    assert "reasons" in str(refused.value.detail)


@pytest.mark.parametrize(
    ("procedure_id", "stage", "role", "unheard"),
    [
        ("xs2more", "handling", "senior_manager", "complainant_heard, subject_responded"),  # XS-09, XS-23
        ("werkpro", "manager", "manager", "subject_responded"),  # WP-05
        ("workare-handling", "investigation", "senior_manager", "complainant_heard"),  # WH-03
    ],
)
@time_machine.travel(DAY, tick=False)
def test_xs09_wp05_wh03_deciding_before_both_sides_are_heard_needs_the_reason(procedure_id, stage, role, unheard):
    """XS-09, WP-05, WH-03, XS-23: both sides heard before `decided`; the documents allow exceptions (nobody to
    hear, a complainant who declines), so deciding without it is refused unless the reason is given, then recorded."""
    organisation = organisation_running(procedure_id)
    case = case_in_stage(organisation, stage)
    decider = staff(organisation, role)
    outcome = "unfounded"
    with pytest.raises(InvalidInput) as refused:
        case_act(case=case, actor=decider, action="decided", data={"outcome": outcome, "explanation": "Findings."})
    assert unheard in str(refused.value.detail) and "hearing_skipped_reason" in refused.value.errors
    case = case_act(
        case=case,
        actor=decider,
        action="decided",
        data={"outcome": outcome, "explanation": "Findings.", "hearing_skipped_reason": "The employee has left."},
    )
    decided = CaseEvent.objects.get(case=case, kind="decided")
    assert decided.data["hearing_skipped_reason"] == "The employee has left."
