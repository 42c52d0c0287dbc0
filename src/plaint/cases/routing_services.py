"""Who may take a procedure's decisions, and who may review them (issue 14; docs/access.md, "Routing").

Two rules `case_act` applies on top of the procedure's `by:` lists, before the engine decides:

* **Decisions by the routed role** (WU-07, WP-04, XS-14, XS-19). A decision of the procedure (`DECISION_EVENTS`:
  deciding, assessing admissibility, refusing, closing) is taken only by someone holding a role the stage's routing
  names responsible for this case, or by the case's handler or delegate. Others with access record what the
  procedure lets them (a hearing, a report, a measure) but not the decision. When none of the roles that may take the
  action is responsible (the procedure names someone else for it, WerkPro's administrator closing a file, say), the
  procedure's `by:` list decides alone.
* **An unconnected review** (WH-07). In a stage of kind `review` whose routing is `independent: true`, nobody
  who took part in an earlier stage of the same case (recorded an event there: handled, decided, was consulted; or
  was named its handler or delegate), nor a subject or involved person, may act or be named handler. Naming the
  reviewer is the exception for the actor (the person named is checked), and so is leaving the stage (going to an
  external body).

A refusal is `RoutingRefused` (409) naming the rule and its clauses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from plaint import engine
from plaint.access.models import User
from plaint.access.roles import actor_case_roles
from plaint.access.rules import person_of
from plaint.cases.models import Case, CaseEvent, PartyRole
from plaint.core.errors import Conflict, lazy_format
from plaint.engine.definition import Stage
from plaint.engine.machine import find_action
from plaint.organisations.models import Person

#: The procedure's decisions: only the routed responsible role (or the handler or delegate) takes them.
DECISION_EVENTS = frozenset(
    {"decided", "review_decided", "admissibility_decided", "informal_resolved", "closed", "internal_closed"}
)
#: Stage kinds that, with `routing: {independent: true}`, must be handled by someone unconnected (WH-07).
UNCONNECTED_STAGE_KINDS = frozenset({"review"})


def unconnected(stage: Stage) -> bool:
    """A review the procedure wants done by someone unconnected: kind `review` and independent routing (WH-07).
    Workare's review by the Managing Director (WA-08) is a review, but the document names who does it."""
    return stage.kind in UNCONNECTED_STAGE_KINDS and stage.routing is not None and stage.routing.independent


class RoutingRefused(Conflict):
    """The procedure routes this case, or this decision, to someone else; says which rule and clauses."""

    code = "routing_refused"

    def __init__(self, detail: Any, *, rule: str, clauses: Sequence[str]) -> None:
        super().__init__(detail, extra={"rule": rule, "clauses": list(clauses)})
        self.rule = rule
        self.clauses = tuple(clauses)


def routing_check(
    *,
    case: Case,
    actor: User,
    procedure: engine.Procedure,
    view: engine.CaseView,
    events: Sequence[engine.CaseEvent],
    action: str,
    data: dict[str, Any],
    on_behalf_of: str | None,
) -> None:
    """Refuse (`RoutingRefused`) an action the routing rules forbid this actor; nothing when it may go ahead."""
    if on_behalf_of is not None:
        return  # a party's own action, taken down by staff
    person = person_of(actor)
    stage = procedure.stage_by_key.get(view.stage) if view.stage is not None else None
    if stage is None:
        return
    if unconnected(stage):
        clauses = stage.clauses
        definition, _top = find_action(procedure, stage, action)
        leaves = definition is not None and definition.goes_to is not None
        naming = action == "handler_assigned"  # naming the reviewer: the person named is checked instead
        if (
            not naming
            and not leaves
            and person is not None
            and person.pk in connected_people(case, procedure, events, stage.key)
        ):
            raise RoutingRefused(
                _(
                    "This stage is a review by someone unconnected with the case: you took part in an earlier stage "
                    "or are named in the complaint, so you may not act in it."
                ),
                rule="unconnected_review",
                clauses=clauses,
            )
        chosen = data.get("handler") if action == "handler_assigned" else None
        if isinstance(chosen, int) and chosen in connected_people(case, procedure, events, stage.key):
            raise RoutingRefused(
                _(
                    "This stage is a review by someone unconnected with the case: the person chosen took part in "
                    "an earlier stage or is named in the complaint."
                ),
                rule="unconnected_review",
                clauses=clauses,
            )
    if action in DECISION_EVENTS:
        _decision_check(case=case, actor=actor, person=person, procedure=procedure, view=view, action=action)


def _decision_check(
    *,
    case: Case,
    actor: User,
    person: Person | None,
    procedure: engine.Procedure,
    view: engine.CaseView,
    action: str,
) -> None:
    responsible = {assignment.role for assignment in view.responsible}
    if not responsible:
        return
    stage = procedure.stage_by_key[view.stage] if view.stage is not None else None
    definition, _top = find_action(procedure, stage, action)
    if definition is None or not responsible & set(definition.by):
        return  # the procedure names someone other than the routed role for this action
    if person is not None and person.pk in (case.handler_id, case.delegate_id):
        return  # the assigned handler or the delegate (XS-19)
    held = set(actor_case_roles(actor, case.organisation))
    if held & responsible:
        return
    clauses: list[str] = []
    if stage is not None and stage.routing is not None:
        clauses = list(stage.routing.clauses)
    clauses += [clause for clause in ("XS-19",) if clause not in clauses]
    raise RoutingRefused(
        lazy_format(
            _(
                "The procedure routes this case to: %(roles)s. Only they, the assigned handler or the delegate take "
                "this decision; you may record what the procedure lets you record."
            ),
            roles=", ".join(sorted(responsible)),
        ),
        rule="decision_by_routed_role",
        clauses=clauses,
    )


def connected_people(
    case: Case, procedure: engine.Procedure, events: Sequence[engine.CaseEvent], stage_key: str
) -> set[int]:
    """The people connected with the case before its current (review) stage began: who recorded an event in an
    earlier stage, its handlers and delegates then, its subjects and involved people and the managers of the units
    complained about. Person ids."""
    entered = stage_entry(procedure, events, stage_key)
    stored = list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("actor_id", "kind", "data"))
    earlier = stored[:entered]
    people: set[int] = set()
    actor_ids = {actor_id for actor_id, _kind, _data in earlier if actor_id is not None}
    people.update(Person.objects.filter(user_id__in=actor_ids).values_list("pk", flat=True))
    for _actor, kind, data in earlier:
        if kind == "handler_assigned" and isinstance(data, dict) and isinstance(data.get("handler"), int):
            people.add(data["handler"])
    for party_person, role, involved in case.parties.filter(person__isnull=False).values_list(
        "person_id", "role", "involved"
    ):
        if role == PartyRole.SUBJECT or involved:
            people.add(party_person)
    people.update(
        Person.objects.filter(managed_units__in=case.parties.filter(role=PartyRole.SUBJECT).values("unit"))
        .values_list("pk", flat=True)
        .distinct()
    )
    return people


def stage_entry(procedure: engine.Procedure, events: Sequence[engine.CaseEvent], stage_key: str) -> int:
    """How many events the case had before it last entered `stage_key`: those belong to the earlier stages."""
    for count in range(len(events), 0, -1):
        if engine.evaluate(procedure, events[:count], events[count - 1].at).stage != stage_key:
            return count
    return 0
