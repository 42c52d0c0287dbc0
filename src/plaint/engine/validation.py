"""Cross-reference checks on a parsed procedure: what the models alone cannot see.

Each check yields `(location, point_at_key, message)`; the loader turns locations into file lines. The checks:
clause ids belong to the procedure's document; roles are declared; keys are unique; every reference (stage, term,
letter, external body) exists; every event a term, letter or action relies on can actually happen; every stage can
be reached; every letter can become due.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel

from plaint.engine import vocabulary as v
from plaint.engine.calendar import Calendar, CalendarRules, Duration, DurationUnit
from plaint.engine.definition import Action, Procedure
from plaint.engine.messages import Message, closest

Loc = tuple[str | int, ...]
Found = tuple[Loc, bool, Message]


def _walk(value: Any, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    yield loc, value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), (*loc, name))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _walk(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*loc, key))


def all_actions(procedure: Procedure) -> Iterator[tuple[Loc, Action, str | None]]:
    """Every action with its location and its stage's key (None for the actions allowed in every stage)."""
    for index, stage in enumerate(procedure.stages):
        for number, action in enumerate(stage.actions):
            yield ("stages", index, "actions", number), action, stage.key
    for number, action in enumerate(procedure.actions):
        yield ("actions", number), action, None


def producible_events(procedure: Procedure) -> frozenset[str]:
    return frozenset(v.BUILTIN_EVENTS) | {action.event for _, action, _ in all_actions(procedure)}


def reachable_stages(procedure: Procedure) -> set[str]:
    start = {spec.starts_at or procedure.stages[0].key for spec in procedure.accepts.kinds}
    reached: set[str] = set()
    todo = [key for key in start if key in procedure.stage_by_key]
    everywhere = [action for action in procedure.actions]
    while todo:
        key = todo.pop()
        if key in reached:
            continue
        reached.add(key)
        for action in (*procedure.stage_by_key[key].actions, *everywhere):
            targets = [action.goes_to, *(step.goes_to for step in action.then.values())]
            todo.extend(t for t in targets if t is not None and t in procedure.stage_by_key and t not in reached)
    return reached


def cross_check(procedure: Procedure) -> list[Found]:
    found: list[Found] = []
    found += _clauses(procedure)
    found += _unique_keys(procedure)
    found += _roles(procedure)
    found += _references(procedure)
    found += _actions(procedure)
    found += _events(procedure)
    found += _reachability(procedure)
    found += _letters(procedure)
    if procedure.valid_until is not None and procedure.valid_until < procedure.valid_from:
        found.append(
            (
                ("valid_until",),
                False,
                Message("valid_until_before_from", {"until": procedure.valid_until, "start": procedure.valid_from}),
            )
        )
    if procedure.calendar.holiday_set == "termijnenwet" and procedure.calendar.jurisdiction != "NL":
        found.append((("calendar", "holiday_set"), False, Message("termijnenwet_not_nl")))
    found += _retention(procedure)
    return found


def _retention(procedure: Procedure) -> list[Found]:
    """Retention periods are calendar periods of at least a day; documents do not outlive the anonymisation."""
    retention = procedure.retention
    if retention is None:
        return []
    found: list[Found] = []
    periods = {"anonymise_parties_after": retention.anonymise_parties_after}
    periods["delete_documents_after"] = retention.delete_documents_after
    for name, period in periods.items():
        if period is None:
            continue
        if period.unit is DurationUnit.WORKING_DAYS:
            found.append((("retention", name), False, Message("retention_working_days", {"value": str(period)})))
        elif period.amount == 0:
            found.append((("retention", name), False, Message("retention_zero", {"value": str(period)})))
    anonymise, documents = retention.anonymise_parties_after, retention.delete_documents_after
    if anonymise is not None and documents is not None and not found and _longer(documents, anonymise):
        found.append(
            (
                ("retention", "delete_documents_after"),
                False,
                Message(
                    "retention_documents_after_anonymise", {"documents": str(documents), "anonymise": str(anonymise)}
                ),
            )
        )
    return found


def _longer(first: Duration, second: Duration) -> bool:
    """Whether `first` ends later than `second` counted from the same day (checked from a leap-year day)."""
    start = date(2024, 2, 29)
    calendar = Calendar(CalendarRules(jurisdiction="NL"))
    return calendar.add(start, first) > calendar.add(start, second)


def _clauses(procedure: Procedure) -> list[Found]:
    prefix = procedure.implements.clause_prefix
    found: list[Found] = []
    for loc, value in _walk(procedure, ()):
        if loc and loc[-1] == "clauses":
            for index, clause in enumerate(value):
                if not clause.startswith(prefix + "-"):
                    found.append(
                        ((*loc, index), False, Message("clause_other_document", {"value": clause, "prefix": prefix}))
                    )
    return found


def _unique(items: tuple[Any, ...], loc: Loc, what: str, attribute: str = "key") -> list[Found]:
    first: dict[str, int] = {}
    found: list[Found] = []
    for index, item in enumerate(items):
        key = getattr(item, attribute)
        if key in first:
            found.append(
                (
                    (*loc, index, attribute),
                    False,
                    Message(
                        "duplicate_item_key", {"what": what, "value": key, "first": f"{_where((*loc, first[key]))}"}
                    ),
                )
            )
        else:
            first[key] = index
    return found


def _where(loc: Loc) -> str:
    from plaint.engine.loader import where

    return where(loc)


def _unique_keys(procedure: Procedure) -> list[Found]:
    found = _unique(procedure.stages, ("stages",), "stage")
    found += _unique(procedure.terms, ("terms",), "term")
    found += _unique(procedure.letters, ("letters",), "letter")
    found += _unique(procedure.external_bodies, ("external_bodies",), "external body")
    found += _unique(procedure.reporting, ("reporting",), "report")
    found += _unique(procedure.commitments, ("commitments",), "commitment")
    found += _unique(procedure.accepts.kinds, ("accepts", "kinds"), "kind", "kind")
    found += _unique(procedure.accepts.complainants, ("accepts", "complainants"), "complainant")
    found += _unique(procedure.accepts.excluded, ("accepts", "excluded"), "excluded")
    included = {party.key for party in procedure.accepts.complainants}
    for index, party in enumerate(procedure.accepts.excluded):
        if party.key in included:
            found.append(
                (
                    ("accepts", "excluded", index, "key"),
                    False,
                    Message("group_included_and_excluded", {"value": party.key}),
                )
            )
    for index, stage in enumerate(procedure.stages):
        seen: dict[str, int] = {}
        for number, action in enumerate(stage.actions):
            if action.event in seen:
                found.append(
                    (
                        ("stages", index, "actions", number, "event"),
                        False,
                        Message("duplicate_action", {"value": action.event}),
                    )
                )
            seen.setdefault(action.event, number)
    return found


def _roles(procedure: Procedure) -> list[Found]:
    declared = set(procedure.roles)
    found: list[Found] = []
    for loc, value in _walk(procedure, ()):
        if not loc or not isinstance(value, tuple | str):
            continue
        name = loc[-1] if isinstance(loc[-1], str) else (loc[-2] if len(loc) > 1 else None)
        if name not in ("handled_by", "assign", "by", "to", "copy_to", "sent_by"):
            continue
        if isinstance(value, str) and value in v.ROLES and value not in declared:
            found.append((loc, False, Message("role_not_declared", {"value": value})))
    return found


def _ref(value: str | None, known: dict[str, Any], loc: Loc, code: str) -> list[Found]:
    if value is None or value in known:
        return []
    return [(loc, False, Message(code, {"value": value, "suggestion": closest(value, known)}))]


def _references(procedure: Procedure) -> list[Found]:
    stages, terms = procedure.stage_by_key, procedure.term_by_key
    letters, bodies = procedure.letter_by_key, procedure.external_body_by_key
    found: list[Found] = []
    for index, spec in enumerate(procedure.accepts.kinds):
        found += _ref(spec.starts_at, stages, ("accepts", "kinds", index, "starts_at"), "unknown_stage")
    loc: Loc
    for loc, action, _ in all_actions(procedure):
        found += _ref(action.goes_to, stages, (*loc, "goes_to"), "unknown_stage")
        for outcome, step in action.then.items():
            found += _ref(step.goes_to, stages, (*loc, "then", outcome, "goes_to"), "unknown_stage")
        for number, key in enumerate(action.or_when_missed):
            found += _ref(key, terms, (*loc, "or_when_missed", number), "unknown_term")
    for index, stage in enumerate(procedure.stages):
        found += _ref(stage.external_body, bodies, ("stages", index, "external_body"), "unknown_external_body")
    for index, term in enumerate(procedure.terms):
        loc = ("terms", index)
        found += _ref(term.stage, stages, (*loc, "stage"), "unknown_stage")
        if term.on_missed is not None:
            found += _ref(term.on_missed.letter, letters, (*loc, "on_missed", "letter"), "unknown_letter")
            found += _ref(term.on_missed.opens, bodies, (*loc, "on_missed", "opens"), "unknown_external_body")
        if term.extension is not None:
            found += _ref(term.extension.letter, letters, (*loc, "extension", "letter"), "unknown_letter")
    for index, letter in enumerate(procedure.letters):
        found += _ref(letter.stage, stages, ("letters", index, "stage"), "unknown_stage")
    for index, body in enumerate(procedure.external_bodies):
        found += _ref(body.stage, stages, ("external_bodies", index, "stage"), "unknown_stage")
    refusal = procedure.admissibility.refusal
    if refusal is not None:
        found += _ref(refusal.letter, letters, ("admissibility", "refusal", "letter"), "unknown_letter")
        found += _ref(refusal.term, terms, ("admissibility", "refusal", "term"), "unknown_term")
    return found


def _actions(procedure: Procedure) -> list[Found]:
    found: list[Found] = []
    for loc, action, stage_key in all_actions(procedure):
        if action.event in v.BUILTIN_EVENTS:
            found.append(((*loc, "event"), False, Message("builtin_event_as_action", {"value": action.event})))
        if action.goes_to is not None and action.closes:
            found.append((loc, False, Message("goes_to_and_closes")))
        for outcome, step in action.then.items():
            if step.goes_to is not None and step.closes:
                found.append(((*loc, "then", outcome), False, Message("goes_to_and_closes")))
            if outcome not in action.outcomes:
                found.append(((*loc, "then", outcome), True, Message("then_without_outcome", {"value": outcome})))
        if stage_key is not None:
            stage = procedure.stage_by_key[stage_key]
            for number, outcome in enumerate(action.outcomes):
                if outcome not in stage.outcomes:
                    found.append(
                        (
                            (*loc, "outcomes", number),
                            False,
                            Message(
                                "outcome_not_in_stage",
                                {"value": outcome, "choices": ", ".join(stage.outcomes) or "none"},
                            ),
                        )
                    )
    return found


def _never(event: str, loc: Loc, producible: frozenset[str]) -> list[Found]:
    if event in producible or event not in v.EVENTS:
        return []
    return [(loc, False, Message("event_never_happens", {"value": event}))]


def _events(procedure: Procedure) -> list[Found]:
    producible = producible_events(procedure)
    found: list[Found] = []
    for index, term in enumerate(procedure.terms):
        loc: Loc = ("terms", index)
        found += _never(term.anchor, (*loc, "anchor"), producible)
        for number, event in enumerate(term.met_by):
            found += _never(event, (*loc, "met_by", number), producible)
        if term.anchor in term.met_by:
            found.append(((*loc, "anchor"), False, Message("anchor_is_met_by", {"value": term.anchor})))
        if term.applies_when is not None:
            for number, event in enumerate(term.applies_when.happened):
                found += _never(event, (*loc, "applies_when", "happened", number), producible)
    for loc, action, _ in all_actions(procedure):
        for number, event in enumerate(action.after):
            found += _never(event, (*loc, "after", number), producible)
    for index, letter in enumerate(procedure.letters):
        if letter.when is not None:
            found += _never(letter.when, ("letters", index, "when"), producible)
    for index, body in enumerate(procedure.external_bodies):
        for number, limit in enumerate(body.time_limits):
            if limit.counted_from not in v.INCIDENT_ANCHORS:
                found += _never(
                    limit.counted_from, ("external_bodies", index, "time_limits", number, "counted_from"), producible
                )
    return found


def _reachability(procedure: Procedure) -> list[Found]:
    reached = reachable_stages(procedure)
    return [
        (("stages", index, "key"), False, Message("stage_unreachable", {"value": stage.key}))
        for index, stage in enumerate(procedure.stages)
        if stage.key not in reached
    ]


def _letters(procedure: Procedure) -> list[Found]:
    named: set[str] = set()
    for term in procedure.terms:
        if term.on_missed is not None and term.on_missed.letter is not None:
            named.add(term.on_missed.letter)
        if term.extension is not None and term.extension.letter is not None:
            named.add(term.extension.letter)
    if procedure.admissibility.refusal is not None:
        named.add(procedure.admissibility.refusal.letter)
    return [
        (("letters", index, "key"), False, Message("letter_never_due", {"value": letter.key}))
        for index, letter in enumerate(procedure.letters)
        if letter.when is None and letter.key not in named
    ]
