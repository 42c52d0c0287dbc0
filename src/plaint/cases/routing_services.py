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

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint import engine
from plaint.access.audit_services import audit_record
from plaint.access.models import User
from plaint.access.roles import actor_case_roles
from plaint.access.rules import STAFF_ROLES, person_of
from plaint.cases import effects
from plaint.cases.history_services import RECORD_EVENTS, case_record_event, effect_audit_details, engine_events
from plaint.cases.models import Case, CaseEvent, NoEligibleHandler, PartyRole
from plaint.core import clock
from plaint.core.errors import Conflict, lazy_format
from plaint.engine.definition import Stage
from plaint.engine.machine import find_action
from plaint.organisations.models import Membership, Person
from plaint.procedures.selectors import procedure_definition

#: The procedure's decisions: only the routed responsible role (or the handler or delegate) takes them.
DECISION_EVENTS = frozenset(
    {"decided", "review_decided", "admissibility_decided", "informal_resolved", "closed", "internal_closed"}
)
#: While a case's handler has left (docs/access.md, "Hand-over"), staff may only name a new one; a letter already
#: due may still be recorded as sent.
HAND_OVER_ACTIONS = frozenset({"handler_assigned", "letter_sent"})
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
    if case.no_eligible_handler == NoEligibleHandler.HANDLER_LEFT and action not in HAND_OVER_ACTIONS:
        raise RoutingRefused(
            _(
                "The person who handled this case has left. Until a new handler is named, the only action on it is "
                "naming one."
            ),
            rule="hand_over_first",
            clauses=stage.clauses,
        )
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
    stored = list(
        CaseEvent.objects.filter(case=case)
        .exclude(kind__in=RECORD_EVENTS)  # `entered` counts the procedure's steps only
        .order_by("sequence")
        .values_list("actor_id", "kind", "data")
    )
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


# No eligible handler (WP-04, WU-07, XS-14, WH-07; docs/access.md, "No eligible handler")

#: The notice to the organisation's administrators and complaints officers that nobody may handle a case.
NO_HANDLER_NOTICE = "notification.no_eligible_handler"
#: Who is told that nobody may handle a case: in the case's organisation, else in the firm serving it (WV-02).
NOTIFIED_ROLES = ("administrator", "complaints_officer")
#: The roles with which a named handler or delegate still works on cases (every role but analyst).
HANDLING_ROLES = tuple(sorted(STAFF_ROLES))


@dataclass(frozen=True)
class Eligibility:
    """Who may handle the case's current stage: the routed roles, the people holding them, those of them not in
    conflict with the case (person ids), and whether the assigned handler or delegate still may."""

    roles: tuple[str, ...]
    holders: frozenset[int]
    eligible: frozenset[int]
    assigned: bool = False
    #: The handler or delegate named left (membership ended, role revoked, login deactivated), and neither is still
    #: there: the case needs a new one, whoever else may handle the stage (docs/access.md, "Hand-over").
    left: frozenset[int] = frozenset()

    @property
    def reason(self) -> str:
        """`NoEligibleHandler`'s value, or "" when someone may handle the stage (or nobody need)."""
        if not self.roles or self.assigned:
            return ""
        if self.left:
            return NoEligibleHandler.HANDLER_LEFT
        if self.eligible:
            return ""
        return NoEligibleHandler.CONFLICTED if self.holders else NoEligibleHandler.NOBODY


def conflicted_people(
    *, case: Case, procedure: engine.Procedure, events: Sequence[engine.CaseEvent], stage: Stage | None, day: dt.date
) -> set[int]:
    """The people who may not handle the case (person ids), as `access.rules.has_conflict` and the unconnected
    review judge them: subjects, involved people, managers of the units complained about, everyone who reports to a
    subject (directly or further down the line), and in an unconnected review whoever took part earlier."""
    people: set[int] = set()
    subjects: set[int] = set()
    for person_id, unit_manager_id, role, involved in case.parties.values_list(
        "person_id", "unit__manager_id", "role", "involved"
    ):
        if person_id is not None and (role == PartyRole.SUBJECT or involved):
            people.add(person_id)
            if role == PartyRole.SUBJECT:
                subjects.add(person_id)
        own_manager = stage is not None and stage.routing is not None and stage.routing.unit_manager  # WP-02
        if unit_manager_id is not None and role == PartyRole.SUBJECT and not own_manager:
            people.add(unit_manager_id)
    if subjects:
        managers = dict(
            Membership.objects.active_on(day)
            .filter(organisation_id=case.organisation_id)
            .values_list("person_id", "line_manager_id")
        )
        for person_id in managers:
            seen = {person_id}
            manager = managers.get(person_id)
            while manager is not None and manager not in seen:
                if manager in subjects:
                    people.add(person_id)
                    break
                seen.add(manager)
                manager = managers.get(manager)
    if stage is not None and unconnected(stage):
        people |= connected_people(case, procedure, events, stage.key)
    return people


def eligibility(
    *, case: Case, procedure: engine.Procedure, view: engine.CaseView, events: Sequence[engine.CaseEvent]
) -> Eligibility:
    """Who may handle the case's current stage (`Eligibility`): the people holding a role the routing names
    responsible, in the case's organisation or the firm serving it (WV-02), with a current membership, who are not
    in conflict with the case; and whether its handler or delegate is still free of conflict."""
    roles = tuple(sorted({assignment.role for assignment in view.responsible}))
    if view.status != "open" or view.stage is None or not roles:
        return Eligibility(roles=(), holders=frozenset(), eligible=frozenset())
    organisation = case.organisation
    day = clock.today_for(organisation)
    organisations = [organisation.pk] + ([organisation.served_by_id] if organisation.served_by_id else [])
    holders = set(
        Membership.objects.active_on(day)
        .filter(organisation_id__in=organisations, roles__code__in=roles)
        .values_list("person_id", flat=True)
    )
    stage = procedure.stage_by_key.get(view.stage)
    conflicted = conflicted_people(case=case, procedure=procedure, events=events, stage=stage, day=day)
    named = {pk for pk in (case.handler_id, case.delegate_id) if pk is not None}
    present = still_there(people=named, organisations=organisations, day=day)
    assigned = any(pk in present and pk not in conflicted for pk in named)
    return Eligibility(
        roles=roles,
        holders=frozenset(holders),
        eligible=frozenset(holders - conflicted),
        assigned=assigned,
        left=frozenset(named - present),
    )


def still_there(*, people: set[int], organisations: Sequence[int], day: dt.date) -> set[int]:
    """Of these people (ids), those who still work on cases of these organisations: a current membership holding a
    staff role (not only analyst), and a login that is active (or none). Who is not left (docs/access.md)."""
    if not people:
        return set()
    there = set(
        Membership.objects.active_on(day)
        .filter(person_id__in=people, organisation_id__in=organisations, roles__code__in=HANDLING_ROLES)
        .values_list("person_id", flat=True)
    )
    inactive = set(
        Person.objects.filter(pk__in=there, user__isnull=False, user__is_active=False).values_list("pk", flat=True)
    )
    return there - inactive


def no_eligible_handler_text(reason: str, roles: Sequence[str]) -> Any:
    """What a case's "no eligible handler" mark means, in the active language."""
    names = ", ".join(roles)
    if reason == NoEligibleHandler.HANDLER_LEFT:
        return lazy_format(
            _(
                "No eligible handler: the person who handled this case has left (their membership or role ended, or "
                "their login was deactivated). The administrators and complaints officers the procedure allows have "
                "been told: name a new handler (%(roles)s)."
            ),
            roles=names,
        )
    if reason == NoEligibleHandler.NOBODY:
        return lazy_format(
            _(
                "No eligible handler: nobody holds the role this stage is routed to (%(roles)s). The organisation's "
                "administrators have been told: give someone the role."
            ),
            roles=names,
        )
    return lazy_format(
        _(
            "No eligible handler: everyone who holds the role this stage is routed to (%(roles)s) is named in the "
            "complaint, involved in it, or reports to someone named in it. The organisation's administrators have been "
            "told: give someone unconnected the role."
        ),
        roles=names,
    )


def routing_check_on_commit(*, case_id: int) -> None:
    """Once the caller's transaction commits, judge (in a job of its own, `cases.routing_check`) whether anyone may
    handle the case's stage: after its registration, a change of stage, or naming a handler while it had none
    eligible. A job, so that the registration and the action stay within their query budgets."""
    from plaint.cases.tasks import routing_check

    transaction.on_commit(lambda: routing_check(case_id))


def case_routing_recheck(*, case: Case, event: CaseEvent | None = None, actor: User | None = None) -> str:
    """Judge whether anyone may handle the case's current stage and record the answer on the case: mark it "no
    eligible handler" with the reason, audited (`case.routing.no_eligible_handler`), and tell the organisation's
    administrators and complaints officers (a `notification.no_eligible_handler` effect); or clear the mark,
    audited (`case.routing.handler_eligible`). Returns the reason ("" when someone may). Idempotent: nothing is
    written when the answer did not change."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            return locked.no_eligible_handler
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        events = engine_events(locked)
        view = engine.evaluate(procedure, events, clock.today_for(locked.organisation))
        found = eligibility(case=locked, procedure=procedure, view=view, events=events)
        reason = str(found.reason)
        if reason == locked.no_eligible_handler:
            return reason
        Case.objects.filter(pk=locked.pk).update(no_eligible_handler=reason)
        case.no_eligible_handler = reason
        written: list[Any] = []
        if reason:
            stage = procedure.stage_by_key.get(view.stage or "")
            conflicted = conflicted_people(
                case=locked, procedure=procedure, events=events, stage=stage, day=clock.today_for(locked.organisation)
            )
            notified = (
                _notified_hand_over(locked, procedure=procedure, stage=stage, exclude=conflicted | set(found.left))
                if reason == NoEligibleHandler.HANDLER_LEFT
                else []
            ) or _notified(locked, exclude=conflicted | set(found.left))
            if reason == NoEligibleHandler.HANDLER_LEFT:
                case_record_event(
                    case=locked,
                    kind="handler_left",
                    actor=None,
                    data={"people": sorted(found.left), "stage": view.stage, "notified": notified},
                )
            spec = effects.EffectSpec(
                kind=NO_HANDLER_NOTICE,
                key=f"case:{locked.pk}:v{locked.version}:{view.stage}:no_eligible_handler",
                payload={"people": notified, "reason": reason, "roles": list(found.roles), "stage": view.stage},
            )
            anchor = event or locked.events.order_by("-sequence").first()
            if anchor is not None:
                written = effects.effects_write(case=locked, event=anchor, actor=actor, specs=[spec])
        details: dict[str, Any] = {"stage": view.stage, "roles": list(found.roles), **effect_audit_details(written)}
        if reason:
            details["reason"] = reason
            if found.left:
                details["left"] = sorted(found.left)
            audit_record(
                actor=actor,
                action="case.routing.no_eligible_handler",
                target_type="case",
                target_id=locked.pk,
                organisation=locked.organisation,
                reference=locked.reference,
                details=details,
            )
        else:
            audit_record(
                actor=actor,
                action="case.routing.handler_eligible",
                target_type="case",
                target_id=locked.pk,
                organisation=locked.organisation,
                reference=locked.reference,
                details=details,
            )
    return reason


def _notified_hand_over(
    case: Case, *, procedure: engine.Procedure, stage: Stage | None, exclude: set[int]
) -> list[int]:
    """Who is told that a case's handler left: the administrators and complaints officers (of the case's
    organisation and the firm serving it) whom the procedure lets work on the stage or name its handler, without
    anyone in conflict: those who then see the case to hand it over (docs/access.md, "Hand-over")."""
    if stage is None:
        return []
    allowed = set(stage.handled_by)
    for action in (*stage.actions, *procedure.actions):
        allowed.update(action.by)
    if stage.routing is not None:
        allowed.update(rule.assign for rule in stage.routing.rules)
    roles = [role for role in NOTIFIED_ROLES if role in allowed]
    if not roles:
        return []
    day = clock.today_for(case.organisation)
    organisations = [case.organisation_id] + (
        [case.organisation.served_by_id] if case.organisation.served_by_id else []
    )
    people = set(
        Membership.objects.active_on(day)
        .filter(organisation_id__in=organisations, roles__code__in=roles)
        .values_list("person_id", flat=True)
    )
    return sorted(still_there(people=people, organisations=organisations, day=day) - exclude)


def _notified(case: Case, *, exclude: set[int]) -> list[int]:
    """The organisation's administrators and complaints officers (else the serving firm's), without anyone in
    conflict with the case: person ids."""
    day = clock.today_for(case.organisation)
    for organisation_id in (case.organisation_id, case.organisation.served_by_id):
        if organisation_id is None:
            continue
        people = sorted(
            set(
                Membership.objects.active_on(day)
                .filter(organisation_id=organisation_id, roles__code__in=NOTIFIED_ROLES)
                .values_list("person_id", flat=True)
            )
            - exclude
        )
        if people:
            return people
    return []


# Hand-over: a handler who left (docs/access.md, "Hand-over")


def departures_recheck_on_commit(*, person_ids: Sequence[int]) -> None:
    """Once the caller's transaction commits, judge again every open case these people handle or are delegates of:
    their membership or a role ended, or their login was deactivated (`cases.apps` connects the signals)."""
    wanted = sorted({pk for pk in person_ids if pk is not None})
    if not wanted:
        return
    transaction.on_commit(lambda: departures_recheck(person_ids=wanted))


def departures_recheck(*, person_ids: Sequence[int]) -> int:
    """Queue the routing check of every open case one of these people handles or is the delegate of; how many."""
    from django.db.models import Q

    from plaint.cases.tasks import routing_check

    ids = list(
        Case.objects.filter(status="open")
        .filter(Q(handler_id__in=person_ids) | Q(delegate_id__in=person_ids))
        .values_list("pk", flat=True)
    )
    for case_id in ids:
        routing_check(case_id)
    return len(ids)


def departed_handler_cases() -> list[int]:
    """Open cases not yet marked whose handler and delegate are both gone (a membership that ended on a date, which no
    save announced): for the hourly sweep. Two queries, whatever the number of cases."""
    rows = list(
        Case.objects.filter(status="open", no_eligible_handler="")
        .exclude(handler__isnull=True, delegate__isnull=True)
        .values_list(
            "pk",
            "organisation_id",
            "organisation__served_by_id",
            "organisation__time_zone",
            "handler_id",
            "delegate_id",
        )
    )
    if not rows:
        return []
    people = {pk for row in rows for pk in row[4:] if pk is not None}
    day = clock.now().date()
    present = set(
        Membership.objects.active_on(day)
        .filter(person_id__in=people, roles__code__in=HANDLING_ROLES)
        .exclude(person__user__is_active=False)
        .values_list("person_id", "organisation_id")
    )
    gone = []
    for case_id, organisation_id, served_by_id, _zone, handler_id, delegate_id in rows:
        organisations = {organisation_id, served_by_id} - {None}
        named = [pk for pk in (handler_id, delegate_id) if pk is not None]
        if not any((pk, org) in present for pk in named for org in organisations):
            gone.append(case_id)
    return gone
