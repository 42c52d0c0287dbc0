"""The state machine: a case's events folded into what the procedure says about it now, and deciding on one action.

Deterministic and without I/O: the same procedure, events and day always give the same answer. `evaluate` is one
pass over the events plus a constant amount of work per term, so it is linear in the number of events.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any, Literal

from plaint.engine import vocabulary as v
from plaint.engine.calendar import Calendar, Duration, DurationUnit
from plaint.engine.definition import Action, Condition, ExternalBody, Procedure, Stage, Term, Transition
from plaint.engine.messages import NOBODY, NONE, Lang, Message, Words

TermState = Literal["pending", "met", "missed", "extended", "paused", "not_applicable"]
Status = Literal["open", "closed"]
_OPEN_STATES: frozenset[str] = frozenset({"pending", "extended", "paused"})
_STATE_WORDS: Mapping[str, Words] = MappingProxyType(
    {
        "pending": Words("pending", "lopend"),
        "extended": Words("extended", "verlengd"),
        "met": Words("met", "gehaald"),
        "missed": Words("missed", "verstreken"),
        "paused": Words("paused", "opgeschort"),
        "not_applicable": Words("not applicable", "niet van toepassing"),
        "not_started": Words("not started", "nog niet begonnen"),
    }
)


@dataclass(frozen=True)
class CaseEvent:
    """One thing that happened in a case: an event name, the day, who did it (role or party) and its data."""

    kind: str
    at: date
    actor: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    @property
    def outcome(self) -> str | None:
        value = self.data.get("outcome")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class TermView:
    key: str
    state: TermState
    anchor: str
    started_on: date
    due: date
    met_on: date | None = None
    late: bool = False
    extensions: int = 0
    warn_only: bool = False
    party: str = "organisation"


LimitState = Literal["open", "passed", "met", "late"]


@dataclass(frozen=True)
class LimitView:
    """A time limit of the complainant's own (WP-15, WH-09): how long they have to go to an external body, counted
    like a term from its anchor. `open`: still running; `passed`: ended without a filing; `met`/`late`: filed
    (`filed_on`) within / after it."""

    key: str  # "<body>.<counted_from>"
    body: str
    anchor: str  # an event, or incident / awareness
    started_on: date
    due: date
    state: LimitState
    duration: Duration
    filed_on: date | None = None
    effect: str = "warn"
    clauses: tuple[str, ...] = ()
    party: str = "complainant"


@dataclass(frozen=True)
class LetterDue:
    key: str
    because: str  # the event (or "missed:<term>", "extended:<term>") that made it due
    since: date


@dataclass(frozen=True)
class Assignment:
    role: str
    colleague: bool = False
    rule: int | None = None  # index of the routing rule that assigned it; None for handled_by


@dataclass(frozen=True)
class CaseView:
    """What the procedure says about a case on a given day."""

    procedure_id: str
    version: int
    today: date
    stage: str | None
    status: Status
    kind: str | None
    outcome: str | None
    responsible: tuple[Assignment, ...]
    terms: tuple[TermView, ...]
    allowed: Mapping[str, tuple[str, ...]]  # role or party → events it may record now
    letters_due: tuple[LetterDue, ...]
    rights: tuple[str, ...]  # external bodies the complainant may now go to because a term was missed
    warnings: tuple[Message, ...]
    paused: bool = False
    limits: tuple[LimitView, ...] = ()  # the complainant's own time limits that have started
    #: External bodies the complainant may be pointed to now (`external_filed` is open, the body's `available_if`
    #: holds or could once a fact is recorded: WP-20); keys, in the file's order.
    offers: tuple[str, ...] = ()

    def term(self, key: str) -> TermView | None:
        return next((term for term in self.terms if term.key == key), None)

    def allowed_actions(self) -> tuple[str, ...]:
        """Every event anyone may record now, in a stable order."""
        seen: dict[str, None] = {}
        for events in self.allowed.values():
            seen.update(dict.fromkeys(events))
        return tuple(seen)


@dataclass(frozen=True)
class Decision:
    accepted: bool
    event: CaseEvent | None
    view: CaseView
    errors: tuple[Message, ...] = ()
    terms_started: tuple[str, ...] = ()
    terms_stopped: tuple[str, ...] = ()
    letters_due: tuple[LetterDue, ...] = ()


# Folding


@dataclass
class _Occurrence:
    index: int
    at: date
    stage: str | None
    outcome: str | None


@dataclass
class _Fold:
    stage: Stage | None = None
    status: Status = "open"
    kind: str | None = None
    outcome: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    incident_date: date | None = None
    awareness_date: date | None = None
    received_on: date | None = None
    complainant_group: str | None = None
    closed_on: date | None = None
    occurrences: dict[str, list[_Occurrence]] = field(default_factory=dict)
    visit: set[str] = field(default_factory=set)
    extensions: dict[str, list[tuple[int, Duration]]] = field(default_factory=dict)
    pauses: list[tuple[int, date, date | None]] = field(default_factory=list)
    triggers: list[LetterDue] = field(default_factory=list)
    sent: Counter[str] = field(default_factory=Counter)
    last_at: date | None = None
    filed: list[tuple[int, date, str | None]] = field(default_factory=list)  # external_filed: index, day, body

    def happened(self, event: str) -> bool:
        return event in self.occurrences


def find_action(procedure: Procedure, stage: Stage | None, event: str) -> tuple[Action | None, bool]:
    """The action recording `event` in `stage`, else among the top-level actions; and whether it is top-level."""
    if stage is not None:
        action = stage.action_by_event.get(event)
        if action is not None:
            return action, False
    for action in procedure.actions:
        if action.event == event:
            return action, True
    return None, False


def _fold(procedure: Procedure, events: Iterable[CaseEvent]) -> _Fold:
    state = _Fold()
    for index, event in enumerate(events):
        state.last_at = event.at
        stage_key = state.stage.key if state.stage is not None else None
        outcome = event.outcome
        state.occurrences.setdefault(event.kind, []).append(_Occurrence(index, event.at, stage_key, outcome))
        facts = event.data.get("facts")
        if isinstance(facts, Mapping):
            state.facts.update(facts)
        if event.kind == "received":
            kind = event.data.get("kind", "complaint")
            state.kind = kind if isinstance(kind, str) else "complaint"
            state.facts.setdefault("kind", state.kind)
            state.received_on = event.at
            state.incident_date = _as_date(event.data.get("incident_date"))
            state.awareness_date = _as_date(event.data.get("awareness_date"))
            group = event.data.get("complainant_group")
            state.complainant_group = group if isinstance(group, str) and group else None
            state.stage = procedure.entry_stage(state.kind)
            state.status = "open"
            state.visit = set()
        elif event.kind == "letter_sent":
            letter = event.data.get("letter")
            if isinstance(letter, str):
                state.sent[letter] += 1
        elif event.kind == "term_extended":
            _record_extension(procedure, state, index, event)
        elif event.kind == "paused":
            state.pauses.append((index, event.at, None))
        elif event.kind == "resumed" and state.pauses and state.pauses[-1][2] is None:
            start_index, start, _ = state.pauses[-1]
            state.pauses[-1] = (start_index, start, event.at)
        if outcome is not None:
            state.outcome = outcome
        elif event.kind == "withdrawn":
            state.outcome = "withdrawn"
        for letter in procedure.letters:
            if (
                letter.when == event.kind
                and (not letter.outcomes or outcome in letter.outcomes)
                and (letter.stage is None or letter.stage == stage_key)
            ):
                state.triggers.append(LetterDue(letter.key, event.kind, event.at))
        if event.kind in v.BUILTIN_EVENTS:
            continue
        action, top_level = find_action(procedure, state.stage, event.kind)
        if action is None:
            continue
        if not top_level:
            state.visit.add(event.kind)
        step = action.transition(outcome)
        chosen = chosen_body(procedure, event.data) if event.kind == "external_filed" else None
        if chosen is not None and (
            step.goes_to is None or procedure.stage_by_key[step.goes_to].external_body != chosen.key
        ):
            # filed with another body than the action's stage follows (WP-20): to that body's stage, or nowhere
            step = Transition(goes_to=chosen.stage) if chosen.stage is not None else Transition()
        if step.goes_to is not None:
            state.stage = procedure.stage_by_key[step.goes_to]
            state.status = "open"
            state.closed_on = None
            state.visit = set()
        elif step.closes:
            state.status = "closed"
            state.closed_on = event.at
        if event.kind == "external_filed":
            body = state.stage.external_body if step.goes_to is not None and state.stage is not None else None
            state.filed.append((index, event.at, chosen.key if chosen is not None else body))
    return state


def _record_extension(procedure: Procedure, state: _Fold, index: int, event: CaseEvent) -> None:
    key, by = event.data.get("term"), event.data.get("by")
    term = procedure.term_by_key.get(key) if isinstance(key, str) else None
    if term is None or term.extension is None:
        return
    duration = parse_duration(by)
    if duration is not None:
        state.extensions.setdefault(term.key, []).append((index, duration))
    extension_letter = term.extension.letter
    if extension_letter is not None:
        state.triggers.append(LetterDue(extension_letter, f"extended:{term.key}", event.at))


def parse_duration(value: object) -> Duration | None:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        try:
            return Duration.parse(value)
        except ValueError:
            return None
    return None


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# Conditions


CONDITION_FIELDS = ("subject_role", "involved", "nature", "category", "kind", "channel", "trajectory")


def condition_possible(condition: Condition, facts: Mapping[str, Any]) -> bool:
    """The condition holds, or could once a fact it tests and the case does not know yet is recorded."""
    known = {name: facts[name] for name in CONDITION_FIELDS if name in facts}
    unknown = [name for name in CONDITION_FIELDS if getattr(condition, name) is not None and name not in known]
    return condition_holds(condition.model_copy(update=dict.fromkeys(unknown)), known)


def chosen_body(procedure: Procedure, data: Mapping[str, Any]) -> ExternalBody | None:
    """The external body an `external_filed` names by its key in `body` (WP-20), or None (a name, or none)."""
    key = data.get("body")
    return procedure.external_body_by_key.get(key) if isinstance(key, str) else None


def condition_holds(condition: Condition, facts: Mapping[str, Any]) -> bool:
    for name in CONDITION_FIELDS:
        wanted = getattr(condition, name)
        if wanted is None:
            continue
        value = facts.get(name)
        values = value if isinstance(value, list | tuple | set | frozenset) else (value,)
        if wanted not in values:
            return False
    return True


def route(stage: Stage, facts: Mapping[str, Any]) -> tuple[Assignment, ...]:
    """Who handles `stage` given the case's facts: every matching routing rule, else the stage's handled_by."""
    if stage.routing is not None:
        matched = tuple(
            Assignment(rule.assign, rule.colleague, index)
            for index, rule in enumerate(stage.routing.rules)
            if condition_holds(rule.when, facts)
        )
        if matched:
            return matched
    return tuple(Assignment(role) for role in stage.handled_by)


# Terms


def _term_view(procedure: Procedure, calendar: Calendar, term: Term, state: _Fold, today: date) -> TermView | None:
    occurrences = state.occurrences.get(term.anchor, [])
    if term.stage is not None:
        occurrences = [occurrence for occurrence in occurrences if occurrence.stage == term.stage]
    if not occurrences:
        return None
    anchor = occurrences[0] if term.occurrence == "first" else occurrences[-1]
    due = calendar.add(anchor.at, term.duration)
    extensions = [duration for index, duration in state.extensions.get(term.key, []) if index > anchor.index]
    for duration in extensions:
        due = calendar.add(due, duration)
    paused_now = False
    if term.pausable:
        for index, start, end in state.pauses:
            if index < anchor.index:
                continue
            stop = end if end is not None else today
            if end is None:
                paused_now = True
            days = (stop - start).days
            if days > 0:
                due = calendar.add(due, Duration(days, DurationUnit.CALENDAR_DAYS))
    met = _first_after(state, term.met_by, anchor.index)
    view = TermView(
        key=term.key,
        state="pending",
        anchor=term.anchor,
        started_on=anchor.at,
        due=due,
        extensions=len(extensions),
        warn_only=term.warn_only,
        party=term.party,
    )
    if not _applies(term, state, anchor):
        return replace(view, state="not_applicable")
    if met is not None:
        return replace(view, state="met", met_on=met.at, late=met.at > due)
    if state.status == "closed" and state.closed_on is not None and state.closed_on <= due:
        return replace(view, state="not_applicable")
    if paused_now:
        return replace(view, state="paused")
    return replace(view, state=term_state_on("pending", due, today, extended=bool(extensions)))


def term_state_on(state: TermState, due: date, today: date, *, extended: bool = False) -> TermState:
    """The one rule for a missed term: a term still running (pending, extended, or judged missed before) is missed
    once `today` is past its due date, else pending (extended if it was extended); any other state stands. The
    engine, the stored term rows (`cases`) and the case detail all judge by this."""
    if state not in ("pending", "extended", "missed"):
        return state
    if today > due:
        return "missed"
    return "extended" if extended or state == "extended" else "pending"


def _first_after(state: _Fold, events: Sequence[str], index: int) -> _Occurrence | None:
    best: _Occurrence | None = None
    for event in events:
        occurrences = state.occurrences.get(event)
        if not occurrences:
            continue
        position = bisect.bisect_right([occurrence.index for occurrence in occurrences], index)
        if position < len(occurrences) and (best is None or occurrences[position].index < best.index):
            best = occurrences[position]
    return best


def _applies(term: Term, state: _Fold, anchor: _Occurrence) -> bool:
    condition = term.applies_when
    if condition is None:
        return True
    if any(not state.happened(event) for event in condition.happened):
        return False
    if any(state.happened(event) for event in condition.not_happened):
        return False
    if condition.kinds and state.kind not in condition.kinds:
        return False
    if condition.anchor_outcome and anchor.outcome not in condition.anchor_outcome:
        return False
    return condition.facts is None or condition_holds(condition.facts, state.facts)


# The complainant's own time limits


def limit_key(body: str, counted_from: str) -> str:
    return f"{body}.{counted_from}"


def _limit_views(procedure: Procedure, calendar: Calendar, state: _Fold, today: date) -> tuple[LimitView, ...]:
    views: list[LimitView] = []
    for body in procedure.external_bodies:
        filings = [(index, at) for index, at, key in state.filed if key in (None, body.key)]
        first_filing = filings[0] if filings else None
        for limit in body.time_limits:
            start: date | None
            if limit.counted_from == "incident":
                start = state.incident_date
            elif limit.counted_from == "awareness":
                start = state.awareness_date
            else:
                occurrences = state.occurrences.get(limit.counted_from, [])
                if first_filing is not None:  # counted from the anchor before the filing
                    occurrences = [occurrence for occurrence in occurrences if occurrence.index < first_filing[0]]
                start = occurrences[-1].at if occurrences else None
            if start is None:
                continue
            due = calendar.add(start, limit.duration)
            filed_on = first_filing[1] if first_filing is not None else None
            if filed_on is not None:
                limit_state: LimitState = "met" if filed_on <= due else "late"
            else:
                limit_state = "open" if today <= due else "passed"
            views.append(
                LimitView(
                    key=limit_key(body.key, limit.counted_from),
                    body=body.key,
                    anchor=limit.counted_from,
                    started_on=start,
                    due=due,
                    state=limit_state,
                    duration=limit.duration,
                    filed_on=filed_on,
                    effect=limit.effect,
                    clauses=limit.clauses or body.clauses,
                )
            )
    return tuple(views)


def late_filing(procedure: Procedure, limits: Sequence[LimitView], body: str) -> Message | None:
    """The warning (or refusal) for a filing with `body` after every one of its time limits that had started; None
    when it was in time under any of them ("within six months ... or within a year ...", WH-09), or when a limit
    counted from an event had not started yet."""
    definition = procedure.external_body_by_key.get(body)
    if definition is None or not definition.time_limits:
        return None
    mine = [limit for limit in limits if limit.body == body and limit.filed_on is not None]
    started = {limit.anchor for limit in mine}
    unstarted_event = any(
        limit.counted_from not in v.INCIDENT_ANCHORS and limit.counted_from not in started
        for limit in definition.time_limits
    )
    if not mine or unstarted_event or any(limit.state == "met" for limit in mine):
        return None
    latest = max(mine, key=lambda limit: limit.due)
    spec = next(limit for limit in definition.time_limits if limit.counted_from == latest.anchor)
    consequence = spec.when_late
    clauses = sorted({clause for limit in mine for clause in limit.clauses})
    return Message(
        "external_filed_late",
        {
            "body": Words(definition.name.en, definition.name.nl),
            "filed": latest.filed_on,
            "limit": latest.duration,
            "due": latest.due,
            "consequence": Words(
                f" {consequence.en}" if consequence else "", f" {consequence.nl}" if consequence else ""
            ),
            "clauses": ", ".join(clauses),
        },
    )


# Evaluating


def evaluate(procedure: Procedure, events: Sequence[CaseEvent], today: date) -> CaseView:
    """Fold `events` (oldest first) into the case's view on `today`."""
    state = _fold(procedure, events)
    calendar = procedure.working_calendar
    terms = tuple(
        view for view in (_term_view(procedure, calendar, term, state, today) for term in procedure.terms) if view
    )
    warnings: list[Message] = []
    rights: list[str] = []
    triggers = list(state.triggers)
    for term_view in terms:
        term = procedure.term_by_key[term_view.key]
        if term_view.state != "missed":
            continue
        if term.warn_only:
            warnings.append(
                Message(
                    "warn_term_missed",
                    {
                        "label": Words(term.label.en, term.label.nl),
                        "due": term_view.due,
                        "clauses": ", ".join(term.clauses),
                    },
                )
            )
        if term.on_missed is not None:
            if term.on_missed.letter is not None:
                triggers.append(LetterDue(term.on_missed.letter, f"missed:{term.key}", term_view.due))
            if term.on_missed.opens is not None:
                rights.append(term.on_missed.opens)
                name = procedure.external_body_by_key[term.on_missed.opens].name
                body = Words(name.en, name.nl)
                warnings.append(Message("right_opened", {"value": term.key, "body": body}))
    limits = _limit_views(procedure, calendar, state, today)
    for body_key in dict.fromkeys(limit.body for limit in limits if limit.filed_on is not None):
        late = late_filing(procedure, limits, body_key)
        if late is not None:
            warnings.append(late)
    warnings += _admissibility_warnings(procedure, state)
    warnings += _complainant_warnings(procedure, state.complainant_group)
    if state.kind is not None and state.kind not in procedure.kind_by_name:
        warnings.append(Message("kind_unknown_in_case", {"value": state.kind}))
    paused = bool(state.pauses) and state.pauses[-1][2] is None
    view = CaseView(
        procedure_id=procedure.id,
        version=procedure.version,
        today=today,
        stage=state.stage.key if state.stage is not None else None,
        status=state.status,
        kind=state.kind,
        outcome=state.outcome,
        responsible=route(state.stage, state.facts) if state.stage is not None else (),
        terms=terms,
        allowed=MappingProxyType({}),
        letters_due=_letters_due(triggers, state.sent),
        rights=tuple(rights),
        warnings=tuple(warnings),
        paused=paused,
        limits=limits,
    )
    allowed = _allowed(procedure, state, view)
    offers: tuple[str, ...] = ()
    if any("external_filed" in events for events in allowed.values()):
        offers = tuple(
            body.key
            for body in procedure.external_bodies
            if body.available_if is None or condition_possible(body.available_if, state.facts)
        )
    return replace(view, allowed=MappingProxyType(allowed), offers=offers)


def _letters_due(triggers: list[LetterDue], sent: Counter[str]) -> tuple[LetterDue, ...]:
    remaining = Counter(sent)
    due: list[LetterDue] = []
    for trigger in sorted(triggers, key=lambda t: t.since):
        if remaining[trigger.key] > 0:
            remaining[trigger.key] -= 1
        else:
            due.append(trigger)
    return tuple(due)


def _admissibility_warnings(procedure: Procedure, state: _Fold) -> list[Message]:
    limit = procedure.admissibility.time_limit
    if limit is None or state.received_on is None:
        return []
    start = state.incident_date if limit.counted_from == "incident" else (state.awareness_date or state.incident_date)
    if start is None:
        return []
    latest = procedure.working_calendar.add(start, limit.duration)
    if state.received_on <= latest:
        return []
    code = "not_admissible_time_limit" if limit.effect == "refuse" else "late_complaint"
    return [Message(code, {"incident": start, "limit": limit.duration, "clauses": ", ".join(limit.clauses)})]


def _excluded(procedure: Procedure, group: str) -> Message | None:
    """The refusal for a complainant group the procedure excludes (WP-24), naming who may complain."""
    party = next((party for party in procedure.accepts.excluded if party.key == group), None)
    if party is None:
        return None
    clauses = party.clauses or procedure.accepts.clauses
    return Message(
        "complainant_excluded",
        {
            "value": group,
            "group_en": _lower_first(party.label.en),
            "group_nl": _lower_first(party.label.nl),
            "who_en": _audience(procedure, "en"),
            "who_nl": _audience(procedure, "nl"),
            "clauses": ", ".join(clauses),
        },
    )


def _complainant_warnings(procedure: Procedure, group: str | None) -> list[Message]:
    if group is None:
        return []
    excluded = _excluded(procedure, group)
    if excluded is not None:
        return [excluded]
    accepts = procedure.accepts
    if not accepts.complainants or any(party.key == group for party in accepts.complainants):
        return []
    return [
        Message(
            "complainant_group_unknown",
            {"value": group, "who_en": _audience(procedure, "en"), "who_nl": _audience(procedure, "nl")},
        )
    ]


_AUDIENCE_EXTRA: dict[str, tuple[str, str]] = {
    "representatives": ("their representatives", "hun vertegenwoordigers"),
    "surviving_relatives": ("surviving relatives", "nabestaanden"),
    "anyone": ("anyone", "iedereen"),
}


def _audience(procedure: Procedure, lang: Lang) -> str:
    """Who may complain, in words: the procedure's groups, then representatives and surviving relatives."""
    accepts = procedure.accepts
    index = 1 if lang == "nl" else 0
    names = [_lower_first(party.label.get(lang)) for party in accepts.complainants]
    if not names:
        names = [_AUDIENCE_EXTRA["anyone"][index]]
    for extra in ("representatives", "surviving_relatives"):
        third = getattr(accepts, extra)
        if third is not None and third.allowed:
            names.append(_AUDIENCE_EXTRA[extra][index])
    if len(names) == 1:
        return names[0]
    return f"{'; '.join(names[:-1])} {'en' if lang == 'nl' else 'and'} {names[-1]}"


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _available(action: Action, state: _Fold, top_level: bool, missed: frozenset[str]) -> bool:
    """Whether `action` may be taken now, whoever takes it."""
    if state.status == "closed" and (top_level or not action.when_closed):
        return False
    if state.status == "open" and action.when_closed:
        return False
    prerequisites = all(state.happened(event) for event in action.after)
    if not prerequisites and not any(key in missed for key in action.or_when_missed):
        return False
    if action.repeatable:
        return True
    return not (state.happened(action.event) if top_level else action.event in state.visit)


def _allowed(procedure: Procedure, state: _Fold, view: CaseView) -> dict[str, tuple[str, ...]]:
    if state.stage is None:
        return {}
    missed = frozenset(term.key for term in view.terms if term.state == "missed")
    result: dict[str, dict[str, None]] = {}

    def allow(actors: Iterable[str], event: str) -> None:
        for actor in actors:
            result.setdefault(actor, {})[event] = None

    for action in state.stage.actions:
        if _available(action, state, False, missed):
            allow(action.by, action.event)
    for action in procedure.actions:
        if action.event not in state.stage.action_by_event and _available(action, state, True, missed):
            allow(action.by, action.event)
    if state.status == "open":
        for term_view in view.terms:
            extension = procedure.term_by_key[term_view.key].extension
            if extension is None or term_view.state not in ("pending", "extended"):
                continue
            if extension.max_count is not None and term_view.extensions >= extension.max_count:
                continue
            allow(extension.by, "term_extended")
    return {actor: tuple(events) for actor, events in result.items()}


# Deciding


def decide(
    procedure: Procedure,
    events: Sequence[CaseEvent],
    action: str,
    actor_roles: Iterable[str],
    today: date,
    data: Mapping[str, Any] | None = None,
) -> Decision:
    """Whether `action`, taken on `today` by someone holding `actor_roles`, is allowed; and if so, its effects."""
    data = dict(data or {})
    roles = tuple(actor_roles)
    before = evaluate(procedure, events, today)
    errors = _check(procedure, events, before, action, roles, today, data)
    if errors:
        return Decision(accepted=False, event=None, view=before, errors=tuple(errors))
    actor = _actor(before, action, roles)
    event = CaseEvent(action, today, actor, data)
    after = evaluate(procedure, [*events, event], today)
    if action == "external_filed":
        late = next((warning for warning in after.warnings if warning.code == "external_filed_late"), None)
        if late is not None:
            refusing = [limit for limit in after.limits if limit.state == "late" and limit.effect == "refuse"]
            if refusing:
                return Decision(accepted=False, event=None, view=before, errors=(late,))
            # the late filing is flagged on the event itself, with the limits and clauses it broke
            flagged = {
                **data,
                "late": {
                    "limits": [limit.key for limit in after.limits if limit.state == "late"],
                    "due": max(limit.due for limit in after.limits if limit.state == "late").isoformat(),
                    "clauses": str(late.params["clauses"]).split(", ") if late.params["clauses"] else [],
                },
            }
            event = CaseEvent(action, today, actor, flagged)
            after = evaluate(procedure, [*events, event], today)
    started_before = {term.key for term in before.terms}
    open_before = {term.key for term in before.terms if term.state in _OPEN_STATES}
    started = tuple(term.key for term in after.terms if term.key not in started_before)
    stopped = tuple(
        term.key for term in after.terms if term.key in open_before and term.state in ("met", "not_applicable")
    )
    old = Counter((letter.key, letter.because, letter.since) for letter in before.letters_due)
    new_letters: list[LetterDue] = []
    for letter in after.letters_due:
        marker = (letter.key, letter.because, letter.since)
        if old[marker] > 0:
            old[marker] -= 1
        else:
            new_letters.append(letter)
    return Decision(
        accepted=True,
        event=event,
        view=after,
        terms_started=started,
        terms_stopped=stopped,
        letters_due=tuple(new_letters),
    )


def _actor(view: CaseView, action: str, roles: tuple[str, ...]) -> str | None:
    for role in roles:
        if action in view.allowed.get(role, ()):
            return role
    return roles[0] if roles else None


def _check(
    procedure: Procedure,
    events: Sequence[CaseEvent],
    view: CaseView,
    action: str,
    roles: tuple[str, ...],
    today: date,
    data: Mapping[str, Any],
) -> list[Message]:
    if action == "received":
        if events:
            return [Message("already_received")]
        kind = data.get("kind", "complaint")
        if kind not in procedure.kind_by_name:
            return [Message("kind_not_accepted", {"value": kind})]
        group = data.get("complainant_group")
        excluded = _excluded(procedure, group) if isinstance(group, str) else None
        return [excluded] if excluded is not None else []
    if not events:
        return [Message("case_not_started")]
    last = events[-1].at
    if today < last:
        return [Message("date_before_last_event", {"day": today, "last": last})]
    if action == "letter_sent":
        letter = data.get("letter")
        if not any(due.key == letter for due in view.letters_due):
            return [Message("letter_not_due", {"value": letter})]
        return []
    allowed_now = view.allowed_actions()
    if action not in allowed_now:
        return [Message("action_not_allowed", {"action": action, "allowed": ", ".join(allowed_now) or NONE})]
    permitted = [actor for actor, actions in view.allowed.items() if action in actions]
    if not any(role in permitted for role in roles):
        return [
            Message(
                "action_not_for_role",
                {"action": action, "roles": ", ".join(roles) or NOBODY, "by": ", ".join(permitted)},
            )
        ]
    if action == "term_extended":
        return _check_extension(procedure, view, roles, data)
    stage = procedure.stage_by_key.get(view.stage) if view.stage is not None else None
    definition, _ = find_action(procedure, stage, action)
    if definition is None:  # pragma: no cover - allowed_actions only lists defined actions
        return []
    errors: list[Message] = []
    outcome = data.get("outcome")
    if definition.outcomes:
        if outcome is None:
            errors.append(Message("outcome_required", {"action": action, "choices": ", ".join(definition.outcomes)}))
        elif outcome not in definition.outcomes:
            errors.append(
                Message(
                    "outcome_not_allowed",
                    {"value": outcome, "action": action, "choices": ", ".join(definition.outcomes)},
                )
            )
    missing = [key for key in definition.requires if not str(data.get(key) or "").strip()]
    if missing:
        errors.append(
            Message(
                "content_required", {"action": action, "value": ", ".join(missing), "clauses": _clauses(definition)}
            )
        )
    hearing = definition.hearing
    if hearing is not None:
        happened = {event.kind for event in events}
        unheard = [event for event in hearing.events if event not in happened]
        reason = str(data.get("hearing_skipped_reason") or "").strip()
        if unheard and not (hearing.exceptions and reason):
            code = "hearing_reason_required" if hearing.exceptions else "hearing_required"
            clauses = ", ".join(hearing.clauses or definition.clauses)
            errors.append(Message(code, {"action": action, "value": ", ".join(unheard), "clauses": clauses}))
    body = chosen_body(procedure, data) if action == "external_filed" else None
    if body is not None and body.available_if is not None:
        facts = dict(_fold(procedure, events).facts)
        given = data.get("facts")
        if isinstance(given, Mapping):
            facts.update(given)
        if not condition_holds(body.available_if, facts):
            when = body.available_when
            errors.append(
                Message(
                    "external_body_not_available",
                    {
                        "body": Words(body.name.en, body.name.nl),
                        "when": Words(when.en, when.nl) if when is not None else Words("", ""),
                        "clauses": ", ".join(body.clauses),
                    },
                )
            )
    routing = stage.routing if stage is not None else None
    if action == "handler_assigned" and data.get("involved") is True and routing is not None and routing.independent:
        errors.append(Message("handler_involved", {"clauses": ", ".join(routing.clauses)}))
    if action == "paused" and view.paused:
        errors.append(Message("already_paused"))
    if action == "resumed" and not view.paused:
        errors.append(Message("not_paused"))
    return errors


def _clauses(definition: Action) -> str:
    return ", ".join(definition.clauses)


def _check_extension(
    procedure: Procedure, view: CaseView, roles: tuple[str, ...], data: Mapping[str, Any]
) -> list[Message]:
    key = data.get("term")
    by = parse_duration(data.get("by"))
    if not isinstance(key, str) or data.get("by") is None:
        return [Message("extension_term_required")]
    term = procedure.term_by_key.get(key)
    if term is None or term.extension is None:
        return [Message("extension_not_allowed", {"value": key})]
    if by is None:
        return [Message("bad_extension_duration", {"value": data.get("by")})]
    policy = term.extension
    clauses = ", ".join(policy.clauses or term.clauses)
    term_view = view.term(key)
    if term_view is None or term_view.state not in ("pending", "extended"):
        state = _STATE_WORDS[term_view.state if term_view is not None else "not_started"]
        return [Message("extension_not_pending", {"value": key, "state": state})]
    if not any(role in policy.by for role in roles):
        return [Message("extension_by_role", {"value": key, "by": ", ".join(policy.by)})]
    if policy.max_count is not None and term_view.extensions >= policy.max_count:
        return [Message("extension_count", {"value": key, "max_count": policy.max_count, "clauses": clauses})]
    if policy.reasons_required and not str(data.get("reason") or "").strip():
        return [Message("extension_reason_required", {"value": key, "clauses": clauses})]
    calendar = procedure.working_calendar
    base_due = calendar.add(term_view.started_on, term.duration)
    latest = calendar.add(base_due, policy.max_total)
    if calendar.add(term_view.due, by) > latest:
        return [
            Message(
                "extension_too_long",
                {
                    "value": key,
                    "by": by,
                    "max_total": policy.max_total,
                    "latest": latest,
                    "clauses": clauses,
                },
            )
        ]
    return []
