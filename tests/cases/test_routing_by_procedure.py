"""Who may take each stage's decisions, per bundled procedure (issue 14, docs/access.md "Routing").

For every bundled procedure and stage, the decision of the stage is tried by the role the procedure routes it to
(accepted) and by the other kinds of staff (refused, and why: the action is not theirs, the routing names someone
else, the case is hidden from them by a conflict of interest). Each attempt runs in a savepoint that is rolled back,
so every person tries the same case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction

from plaint.cases.errors import ActionNotAllowed, CaseNotFound
from plaint.cases.models import Case
from plaint.cases.routing_services import RoutingRefused
from plaint.cases.selectors import cases_visible_to
from plaint.cases.services import PartyInput, case_act
from plaint.core.errors import Forbidden, InvalidInput
from tests.cases.factories import case_in_stage, organisation_running, person_of, register, staff
from tests.organisations.factories import UnitFactory

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 4, 20, 8, 0, tzinfo=dt.UTC)

#: What every decision may need: its content (WU-18, WH-08) and the reason a hearing was skipped (XS-09, WP-05).
CONTENT = {"explanation": "Findings.", "reasons": "The facts stand.", "hearing_skipped_reason": "Not reached."}


#: Refused because the procedure routes the stage's decision to another role (409 routing_refused, WU-07, XS-19).
ROUTED = "routing:decision_by_routed_role"


class _Undo(Exception):
    pass


def attempt(case: Case, user: Any, action: str, outcome: str | None = None) -> str:
    """What happens when `user` takes `action` on `case`: "accepted" (then undone), or why it is refused."""
    data: dict[str, Any] = dict(CONTENT)
    if outcome is not None:
        data["outcome"] = outcome
    try:
        with transaction.atomic():
            case_act(case=Case.objects.get(pk=case.pk), actor=user, action=action, data=data)
            raise _Undo
    except _Undo:
        return "accepted"
    except RoutingRefused as refused:
        return f"routing:{refused.rule}"
    except CaseNotFound:
        return "hidden"
    except ActionNotAllowed:
        return "not_allowed"
    except Forbidden:
        return "forbidden"
    except InvalidInput as invalid:
        return f"invalid:{invalid.detail}"


# (procedure, stage, decision, outcome, {role: expected}); the stage's clauses mark the case.
TABLE = [
    # Workers' Union: the informal stage is the desk's; the formal stage a manager's unless routed (below); the board's
    ("workers-union", "informal", "informal_resolved", "resolved",
     {"intake_staff": "accepted", "manager": ROUTED, "board_member": ROUTED}, ("WU-04", "WU-05")),
    ("workers-union", "formal", "decided", "unfounded",
     {"manager": "accepted", "intake_staff": ROUTED, "analyst": "hidden"}, ("WU-06", "WU-08")),
    ("workers-union", "board", "decided", "unfounded",
     {"board_member": "accepted", "manager": ROUTED, "senior_manager": ROUTED}, ("WU-11",)),
    # Workare: initial contact by the desk or a manager; the investigation by the board unless routed by nature; review
    ("workare", "initial_contact", "informal_resolved", "resolved",
     {"intake_staff": "accepted", "manager": "accepted", "board_member": ROUTED}, ("WA-02",)),
    ("workare", "investigation", "decided", "unfounded",
     {"board_member": "accepted", "senior_manager": "routing:decision_by_routed_role", "manager": ROUTED},
     ("WA-04",)),
    ("workare", "review", "review_decided", "upheld",
     {"board_member": "accepted", "senior_manager": ROUTED, "manager": ROUTED}, ("WA-08",)),
    # Workare's handling procedure: the senior manager investigates; the review is the committee's (unconnected, below)
    ("workare-handling", "investigation", "decided", "unfounded",
     {"senior_manager": "accepted", "committee_member": ROUTED, "intake_staff": ROUTED},
     ("WH-03", "WH-04")),
    ("workare-handling", "review", "review_decided", "upheld",
     {"committee_member": "accepted", "senior_manager": ROUTED}, ("WH-07", "WH-08")),
    # WerkPro: the manager, then the complaints officer
    ("werkpro", "manager", "decided", "unfounded",
     {"manager": "accepted", "complaints_officer": ROUTED, "administrator": ROUTED}, ("WP-04", "WP-05")),
    ("werkpro", "complaints_officer", "decided", "unfounded",
     {"complaints_officer": "accepted", "manager": ROUTED}, ("WP-07", "WP-11")),
    # Xs2more: the senior manager assesses; the senior manager or the handler decides
    ("xs2more", "assessment", "admissibility_decided", "not_admissible",
     {"senior_manager": "accepted", "handler": ROUTED, "intake_staff": ROUTED}, ("XS-06", "XS-14")),
    ("xs2more", "handling", "decided", "unfounded",
     {"senior_manager": "accepted", "handler": "accepted", "intake_staff": ROUTED}, ("XS-07", "XS-19")),
    # Werk in vertrouwen: the complaints officer, then the committee
    ("werk-in-vertrouwen", "complaints_officer", "informal_resolved", "resolved",
     {"complaints_officer": "accepted", "committee_member": ROUTED}, ("WV-06",)),
    ("werk-in-vertrouwen", "committee", "admissibility_decided", "admissible",
     {"committee_member": "accepted", "complaints_officer": ROUTED, "board_member": ROUTED},
     ("WV-03", "WV-04")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("procedure_id", "stage", "action", "outcome", "expected"),
    [pytest.param(*row[:5], id=f"{row[0]}-{row[1]}", marks=pytest.mark.clause(*row[5])) for row in TABLE],
)
@time_machine.travel(DAY, tick=False)
def test_the_stage_decision_is_taken_only_by_the_routed_role(procedure_id, stage, action, outcome, expected):
    organisation = organisation_running(procedure_id)
    case = case_in_stage(organisation, stage)
    assert case.stage == stage
    found = {role: attempt(case, staff(organisation, role), action, outcome) for role in expected}
    assert found == expected


def _about(organisation, desk, subject, **fields):
    subjects = (PartyInput(role="subject", person_id=person_of(subject).pk),)
    return register(organisation, desk, subjects=subjects, **fields)


@pytest.mark.clause("WU-07", "XS-14")
@time_machine.travel(DAY, tick=False)
def test_workers_union_about_a_manager_the_senior_manager_decides_and_the_manager_line_may_not():
    """WU-07: about a manager, the formal stage is the senior manager's. Another manager is refused by the routing,
    the subject and whoever reports to them never see the case, the senior manager decides."""
    union = organisation_running("workers-union")
    desk = staff(union, "intake_staff")
    senior = staff(union, "senior_manager")
    subject = staff(union, "manager", line_manager=person_of(senior))
    report = staff(union, "manager", line_manager=person_of(subject))
    colleague = staff(union, "manager", line_manager=person_of(senior))
    case = case_act(case=_about(union, desk, subject), actor=desk, action="formal_requested")
    assert case.stage == "formal"
    assert attempt(case, colleague, "decided", "unfounded") == ROUTED
    assert attempt(case, subject, "decided", "unfounded") == "hidden"
    assert attempt(case, report, "decided", "unfounded") == "hidden"
    assert attempt(case, senior, "decided", "unfounded") == "accepted"


@pytest.mark.clause("WA-04")
@time_machine.travel(DAY, tick=False)
def test_workare_a_clinical_complaint_is_decided_by_the_senior_manager_not_the_board():
    """WA-04: routing by nature: clinical to the senior manager, operational to the board."""
    workare = organisation_running("workare")
    desk = staff(workare, "intake_staff")
    board, senior = staff(workare, "board_member"), staff(workare, "senior_manager")
    for nature, allowed, refused in (("clinical", senior, board), ("operational", board, senior)):
        case = register(workare, desk, nature=nature)
        case = case_act(case=case, actor=desk, action="handling_started")
        assert case.stage == "investigation", nature
        assert attempt(case, refused, "decided", "unfounded") == ROUTED, nature
        assert attempt(case, allowed, "decided", "unfounded") == "accepted", nature


@pytest.mark.clause("WP-02", "WP-04")
@time_machine.travel(DAY, tick=False)
def test_werkpro_a_complaint_about_a_unit_goes_to_its_manager_unless_involved():
    """WP-02: a complaint about a team is handled by the team's own manager, who sees and decides it; WP-04: a
    manager involved in the event may not (a colleague decides); another team's manager holds the role too."""
    werkpro = organisation_running("werkpro")
    desk = staff(werkpro, "intake_staff")
    unit_manager, involved, colleague = (staff(werkpro, "manager") for _ in range(3))
    unit = UnitFactory(organisation=werkpro, manager=person_of(unit_manager))
    about_unit = register(werkpro, desk, subjects=(PartyInput(role="subject", unit_id=unit.pk),))
    assert about_unit.stage == "manager"
    assert attempt(about_unit, unit_manager, "decided", "unfounded") == "accepted"
    assert about_unit.pk in cases_visible_to(actor=unit_manager).values_list("pk", flat=True)
    # the unit's manager may be named its handler (not "involved" by managing the unit)
    named = case_act(
        case=about_unit,
        actor=desk_manager(werkpro),
        action="handler_assigned",
        data={"handler": person_of(unit_manager).pk},
    )
    assert named.handler_id == person_of(unit_manager).pk
    # a manager involved in the event is in conflict: hidden, not eligible; a colleague decides
    with_involved = register(
        werkpro,
        desk,
        subjects=(
            PartyInput(role="subject", unit_id=unit.pk),
            PartyInput(role="subject", person_id=person_of(involved).pk, involved=True),
        ),
    )
    assert attempt(with_involved, involved, "decided", "unfounded") == "hidden"
    assert attempt(with_involved, colleague, "decided", "unfounded") == "accepted"


def desk_manager(organisation):
    return staff(organisation, "manager")


@pytest.mark.clause("XS-14")
@time_machine.travel(DAY, tick=False)
def test_xs2more_the_manager_of_the_unit_complained_about_stays_in_conflict():
    """Outside WerkPro's manager stage, managing the unit complained about is a conflict (XS-14: someone not
    involved): the unit's manager neither sees the case nor acts on it."""
    xs = organisation_running("xs2more")
    desk = staff(xs, "intake_staff")
    unit_head = staff(xs, "senior_manager")
    unit = UnitFactory(organisation=xs, manager=person_of(unit_head))
    case = register(xs, desk, subjects=(PartyInput(role="subject", unit_id=unit.pk),))
    assert attempt(case, unit_head, "acknowledged") == "hidden"
    assert attempt(case, staff(xs, "senior_manager"), "acknowledged") == "accepted"
