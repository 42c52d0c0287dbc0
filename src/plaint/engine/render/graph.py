"""The stage graph of a procedure: which action moves a case from one stage to another, and the layers of a
top-to-bottom drawing. Shared by the diagram and the policy text."""

from __future__ import annotations

from dataclasses import dataclass

from plaint.engine.definition import Action, Procedure, Stage, Term


@dataclass(frozen=True)
class Move:
    """An action that moves the case from `source` to `target` (for one outcome when `outcome` is set)."""

    source: str
    target: str
    action: Action
    outcome: str | None = None


@dataclass(frozen=True)
class Closing:
    """An action that closes the case in a stage, with the outcomes it can close with."""

    action: Action
    outcomes: tuple[str, ...]


def moves(procedure: Procedure) -> tuple[Move, ...]:
    """Every stage-to-stage move, in file order (stage by stage, action by action)."""
    found: list[Move] = []
    for stage in procedure.stages:
        for action in stage.actions:
            found.extend(_moves_of(stage.key, action))
    return tuple(found)


def _moves_of(source: str, action: Action) -> list[Move]:
    found: list[Move] = []
    if action.goes_to is not None:
        found.append(Move(source, action.goes_to, action))
    for outcome, transition in action.then.items():
        if transition.goes_to is not None:
            found.append(Move(source, transition.goes_to, action, outcome))
    return found


def anywhere_moves(procedure: Procedure) -> tuple[tuple[Action, str, str | None], ...]:
    """Moves of the actions allowed in every stage: (action, target stage, outcome)."""
    return tuple((m.action, m.target, m.outcome) for action in procedure.actions for m in _moves_of("", action))


def closings(actions: tuple[Action, ...]) -> tuple[Closing, ...]:
    found: list[Closing] = []
    for action in actions:
        if action.closes:
            rest = tuple(outcome for outcome in action.outcomes if outcome not in action.then)
            found.append(Closing(action, rest))
        closing_outcomes = tuple(outcome for outcome, move in action.then.items() if move.closes)
        if closing_outcomes:
            found.append(Closing(action, closing_outcomes))
    return tuple(found)


def entry_kinds(procedure: Procedure) -> dict[str, tuple[str, ...]]:
    """Stage key → the kinds (complaint, compliment...) whose cases start there."""
    found: dict[str, list[str]] = {}
    for spec in procedure.accepts.kinds:
        found.setdefault(procedure.entry_stage(spec.kind).key, []).append(spec.kind)
    return {key: tuple(kinds) for key, kinds in found.items()}


def layers(procedure: Procedure, all_moves: tuple[Move, ...]) -> tuple[dict[str, int], frozenset[tuple[str, str]]]:
    """Each stage's layer (longest path from an entry stage, loops ignored) and the backward (looping) moves.

    A depth-first search from the entry stages, in file order, finds the moves that close a loop (to a stage on the
    current path, or to the stage itself); the others form an acyclic graph whose longest paths give the layers.
    """
    order = [stage.key for stage in procedure.stages]
    targets: dict[str, list[str]] = {key: [] for key in order}
    for move in all_moves:
        if move.target in targets and move.target not in targets[move.source]:
            targets[move.source].append(move.target)
    entries = entry_kinds(procedure)
    roots = [key for key in order if key in entries] + [key for key in order if key not in entries]
    back: set[tuple[str, str]] = set()
    finished: list[str] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(key: str) -> None:
        state[key] = 1
        for target in targets[key]:
            if state.get(target) == 1:
                back.add((key, target))
            elif target not in state:
                visit(target)
        state[key] = 2
        finished.append(key)

    for root in roots:
        if root not in state:
            visit(root)
    layer = dict.fromkeys(order, 0)
    for key in reversed(finished):  # a topological order of the forward moves
        for target in targets[key]:
            if (key, target) not in back:
                layer[target] = max(layer[target], layer[key] + 1)
    return layer, frozenset(back)


def term_stage(procedure: Procedure, term: Term) -> Stage:
    """The stage a term belongs to in a drawing.

    Its `stage` if it names one; else, of the stages where an action meets it, the one its anchor leads to (an
    escalation that starts the officer's term), else the one its anchor happens in, else the first; a term met only
    by actions allowed everywhere belongs where its anchor happens, or to the first entry stage.
    """
    if term.stage is not None and term.stage in procedure.stage_by_key:
        return procedure.stage_by_key[term.stage]
    meeting = [stage for stage in procedure.stages if any(event in stage.action_by_event for event in term.met_by)]
    anchored = [stage for stage in procedure.stages if term.anchor in stage.action_by_event]
    led_to = [
        procedure.stage_by_key[move.target]
        for move in moves(procedure)
        if move.action.event == term.anchor and move.target in procedure.stage_by_key
    ]
    for candidates in (led_to, anchored):
        for stage in candidates:
            if stage in meeting:
                return stage
    if meeting:
        return meeting[0]
    if anchored:
        return anchored[0]
    return procedure.entry_stage(procedure.accepts.kinds[0].kind)
