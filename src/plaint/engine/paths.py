"""The shortest run of actions from receipt to each stage of a procedure: `procedure_paths`.

Derived from the procedure itself with `evaluate` and `decide`, breadth first, so a path holds only the actions that
move a case on (or that such an action waits for). The demo (`plaint.demo`) dates these paths into realistic cases,
the benchmarks multiply them, and tests use `case_path` as a "case in stage X" factory.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from plaint.engine.definition import Action, Procedure
from plaint.engine.machine import CaseEvent, CaseView, decide, evaluate

BASE_DAY = dt.date(2024, 1, 8)  # a Monday: paths are searched with every event on this day
PARTIES = ("complainant", "subject", "external_body")
#: Events a party normally takes (staff record them on the party's behalf) when the procedure lets the party.
PARTY_FIRST = frozenset(
    {
        "withdrawn",
        "formal_requested",
        "review_requested",
        "escalated",
        "external_filed",
        "external_admissibility_decided",
        "external_hearing_held",
        "external_decided",
        "meeting_declined",
    }
)
#: Never part of a searched path: built in, or not a step forward.
NOT_SEARCHED = frozenset(
    {"received", "term_extended", "letter_sent", "withdrawn", "paused", "resumed", "reopened", "measure_completed"}
)
OUTCOMES = (
    "well_founded",
    "partly_well_founded",
    "unfounded",
    "agreement",
    "resolved",
    "unresolved",
    "upheld",
    "changed",
    "admissible",
    "not_admissible",
    "noted",
    "withdrawn",
)
MAX_STEPS = 12


@dataclass(frozen=True)
class Step:
    """One action of a path, with its outcome when the action records one."""

    event: str
    outcome: str | None = None


def useful_events(procedure: Procedure) -> frozenset[str]:
    """Events that move a case on (change its stage or status) or that such an event waits for."""
    actions = [*procedure.actions, *(action for stage in procedure.stages for action in stage.actions)]
    moving = {action.event for action in actions if action.goes_to or action.closes or action.then}
    waited = {event for action in actions for event in action.after}
    return frozenset((moving | waited) - NOT_SEARCHED)


def step_data(step: Step, handler: int | None = None) -> dict[str, Any]:
    """The least data `decide` needs to accept the step (an outcome, a handler, a description)."""
    data: dict[str, Any] = {"outcome": step.outcome} if step.outcome else {}
    if step.event == "handler_assigned":
        data.update(handler=handler or 0, involved=False)
    if step.event in ("measure_recorded", "agreement_recorded"):
        data["description"] = "-"
    if step.event in ("decided", "review_decided"):  # the content a decision carries, and why nobody was heard
        data.update(explanation="-", reasons="-", hearing_skipped_reason="-")
    return data


def who_takes(view: CaseView, event: str, roles: Iterable[str]) -> str | None:
    """Who takes `event` now: a party for the events parties take, else the first of `roles` allowed to, a role the
    stage's routing makes responsible first (a decision is theirs: issue 14)."""
    allowed = [who for who, events in view.allowed.items() if event in events]
    parties = [who for who in allowed if who in PARTIES]
    responsible = {assignment.role for assignment in view.responsible}
    staff = sorted((who for who in allowed if who in roles), key=lambda who: who not in responsible)
    if event in PARTY_FIRST and parties:
        return parties[0]
    return staff[0] if staff else (parties[0] if parties else None)


def action_definition(procedure: Procedure, stage: str | None, event: str) -> Action | None:
    """The definition of `event` in `stage` (or the procedure-wide one), or None."""
    definition = procedure.stage_by_key.get(stage) if stage else None
    for action in [*(definition.actions if definition else ()), *procedure.actions]:
        if action.event == event:
            return action
    return None


def start_stage(procedure: Procedure, kind: str) -> str:
    """The stage a case of `kind` starts in."""
    spec = procedure.kind_by_name.get(kind)
    return (spec.starts_at if spec is not None else None) or procedure.stages[0].key


def procedure_paths(
    procedure: Procedure, kind: str, roles: Iterable[str], facts: dict[str, Any] | None = None
) -> dict[tuple[str, str], list[Step]]:
    """The shortest run of actions from receipt to each (stage, status) a case of `kind` can reach.

    Closed cases are also found per outcome, as (stage, "closed-<outcome>").
    """
    roles = tuple(roles)
    useful = useful_events(procedure)
    start = [CaseEvent("received", BASE_DAY, None, {"kind": kind, "facts": facts or {}})]
    queue: deque[tuple[list[CaseEvent], list[Step]]] = deque([(start, [])])
    seen: set[Any] = set()
    found: dict[tuple[str, str], list[Step]] = {}
    while queue:
        events, steps = queue.popleft()
        view = evaluate(procedure, events, BASE_DAY)
        key = (view.stage, view.status, view.outcome, frozenset((e.kind, e.outcome) for e in events))
        if key in seen or len(steps) > MAX_STEPS:
            continue
        seen.add(key)
        if view.stage is not None:
            found.setdefault((view.stage, view.status), steps)
            if view.status == "closed":
                found.setdefault((view.stage, f"closed-{view.outcome}"), steps)
        for event in view.allowed_actions():
            who = who_takes(view, event, roles)
            if event not in useful or who is None:
                continue
            definition = action_definition(procedure, view.stage, event)
            outcomes: list[str | None] = [*sorted(definition.outcomes if definition else (), key=OUTCOMES.index)]
            for outcome in outcomes or [None]:
                step = Step(event, outcome)
                decision = decide(procedure, events, event, (who,), BASE_DAY, step_data(step))
                if decision.accepted and decision.event is not None:
                    queue.append(([*events, decision.event], [*steps, step]))
    return found


def case_path(
    procedure: Procedure,
    stage: str,
    *,
    kind: str = "complaint",
    status: str = "open",
    roles: Iterable[str] | None = None,
    facts: dict[str, Any] | None = None,
) -> list[Step]:
    """The shortest run of actions that brings a new case of `kind` to `stage` in `status` ("open", "closed" or
    "closed-<outcome>"): a "case in stage X" factory for tests. `roles` defaults to every role of the procedure.
    Raises `LookupError` when no such run exists."""
    facts = {"subject_role": [], "involved": [], **(facts or {})}
    paths = procedure_paths(procedure, kind, procedure.roles if roles is None else roles, {"kind": kind, **facts})
    try:
        return paths[stage, status]
    except KeyError:
        raise LookupError(f"{procedure.id}: no run of actions brings a {kind} to {stage} ({status})") from None
