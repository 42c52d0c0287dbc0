"""The history of a case and its snapshots: append the event the engine decided, write the stage, status, terms and
next due date, bump the version (409 for a stale writer); the record events beside the procedure's steps.

Used by every command that changes a case (`registration_services`, `action_services`, `sweep_services`, and the
record-event services beside them); the caller holds the transaction and the case's row lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import version as package_version
from typing import Any

from plaint import engine
from plaint.access.models import User
from plaint.cases.errors import (
    StaleCase,
)
from plaint.cases.models import (
    Case,
    CaseEvent,
    Effect,
    Term,
    TermState,
)
from plaint.core import clock
from plaint.core.inserts import insert_row, update_where

HOLIDAYS_VERSION = package_version("holidays")

#: Term states that still ask for something: the earliest of their due dates is the case's next due date.
#: Paused terms do not run, and warn-only terms (WA-07's ten working days) never make a case overdue.
NEXT_DUE_STATES = (TermState.PENDING, TermState.EXTENDED, TermState.MISSED)

# Applying a decision


def decision_apply(
    case: Case,
    procedure: engine.Procedure,
    decision: engine.Decision,
    actor: User | None,
    note: str,
    *,
    expected_version: int,
    new: bool = False,
    columns: Callable[[], Mapping[str, Any]] | None = None,
    events_count: int | None = None,
) -> CaseEvent:
    """Append the decided event and write the snapshots; the caller holds the transaction.

    `new`: the case was created in this transaction (its first event, no terms yet: nothing to read);
    `events_count`: how many events the locked case has, when the caller read them (`history_read`). `columns`
    gives more columns for the case's one snapshot UPDATE, called just before it (registration takes its
    reference number there, last, so that the number's row is locked as briefly as possible)."""
    assert decision.event is not None
    sequence = 1 if new else (events_count if events_count is not None else case.events.count()) + 1
    event = CaseEvent(
        case=case,
        sequence=sequence,
        kind=decision.event.kind,
        on=decision.event.at,
        recorded_at=clock.now(),
        actor=actor,
        actor_role=decision.event.actor or "",
        data=jsonable(dict(decision.event.data)),
        note=note,
    )
    insert_row(event)
    snapshot_write(case, procedure, decision.view, expected_version=expected_version, new=new, columns=columns)
    return event


def snapshot_write(
    case: Case,
    procedure: engine.Procedure,
    view: engine.CaseView,
    *,
    expected_version: int,
    bump: bool = True,
    new: bool = False,
    columns: Callable[[], Mapping[str, Any]] | None = None,
) -> None:
    """Write the view's stage, status, outcome and terms; bump the version only if nobody else did (409 otherwise).

    The next due date is the earliest due date of the case's terms as written here (never read back), and the
    written columns are set on `case` too, so the caller needs no read after the transaction."""
    stored = {} if new else {term.key: term for term in case.terms.all()}
    added: list[Term] = []
    today = max(view.today, clock.today_for(case.organisation))
    for term_view in view.terms:
        row = stored.get(term_view.key)
        due = term_view.due
        if row is not None and row.started_on == term_view.started_on and row.extensions == term_view.extensions:
            due = row.due  # computed once: a later holiday list or procedure change does not move it
        # Judged today on the stored due date, not on the action's day: a back-dated action must not leave a passed
        # term pending (the one rule: `engine.term_state_on`).
        state = engine.term_state_on(term_view.state, due, today, extended=term_view.extensions > 0)
        values = {
            "anchor": term_view.anchor,
            "started_on": term_view.started_on,
            "due": due,
            "state": state,
            "met_on": term_view.met_on,
            "warn_only": term_view.warn_only,
            "extensions": term_view.extensions,
            "party": term_view.party,
            "rule": _rule(procedure, term_view.key),
        }
        if row is None:
            row = Term(case=case, key=term_view.key, **values)
            added.append(row)
            stored[term_view.key] = row
        elif any(getattr(row, name) != value for name, value in values.items()):
            Term.objects.filter(pk=row.pk).update(**values)
            for name, value in values.items():
                setattr(row, name, value)
    if added:
        Term.objects.bulk_create(added)
    open_dues = [row.due for row in stored.values() if not row.warn_only and row.state in NEXT_DUE_STATES and row.due]
    snapshot = {
        "stage": view.stage or "",
        "status": view.status,
        "outcome": view.outcome or "",
        "closed_on": (case.closed_on or view.today) if view.status == "closed" else None,
        "next_due": min(open_dues) if view.status == "open" and open_dues else None,
        "version": expected_version + 1 if bump else expected_version,
        **(columns() if columns is not None else {}),
    }
    updated = update_where(Case, snapshot, pk=case.pk, version=expected_version)
    if updated != 1:
        current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first() or 0
        raise StaleCase(expected=expected_version, current=current)
    for name, value in snapshot.items():
        setattr(case, name, value)


def _rule(procedure: engine.Procedure, key: str) -> dict[str, Any]:
    term = procedure.term_by_key[key]
    calendar = procedure.calendar
    return {
        "procedure": procedure.id,
        "version": procedure.version,
        "duration": str(term.duration),
        "anchor": term.anchor,
        "calendar": {
            "jurisdiction": calendar.jurisdiction,
            "holiday_set": calendar.holiday_set,
            "move_end_to_working_day": calendar.move_end_to_working_day,
            "holidays_library": HOLIDAYS_VERSION,
        },
    }


def jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def history_read(case: Case) -> tuple[list[engine.CaseEvent], int]:
    """`engine_events` of the locked case and the number of all its events (record events included), in one query:
    what an action needs to decide and to number its event."""
    rows = list(case.events.order_by("sequence"))
    steps = [
        engine.CaseEvent(kind=event.kind, at=event.on, actor=event.actor_role or None, data=event.data)
        for event in rows
        if event.kind not in RECORD_EVENTS
    ]
    return steps, len(rows)


def engine_events(case: Case) -> list[engine.CaseEvent]:
    """The case's history as the engine reads it, oldest first: its procedure's steps, without the record events."""
    loaded = getattr(case, "_prefetched_objects_cache", {}).get("events")  # the case detail read them already
    rows = (
        sorted((event for event in loaded if event.kind not in RECORD_EVENTS), key=lambda event: event.sequence)
        if loaded is not None
        else case.events.exclude(kind__in=RECORD_EVENTS).order_by("sequence")
    )
    return [
        engine.CaseEvent(kind=event.kind, at=event.on, actor=event.actor_role or None, data=event.data)
        for event in rows
    ]


# Record events: the rest of the history

#: What the history records besides the procedure's steps (who added a document, who classified the case, who
#: recorded a consent, …). The engine never sees them, and they do not change the case's version: an upload must
#: not make a colleague's open form stale. None of these words is an event of the procedure vocabulary.
RECORD_EVENTS: tuple[str, ...] = (
    "attachment_added",
    "attachment_removed",
    "classified",
    "consent_recorded",
    "consent_withdrawn",
    "sensitive_section_added",
    "compliment_forwarded",
    "party_added",
    "email_received",
    "language_corrected",
    "letter_written",
    "letter_approved",
    "letter_returned",
    "letter_posted",
    "handler_left",
)


def case_record_event(
    *, case: Case, kind: str, actor: User | None, data: Mapping[str, Any] | None = None, note: str = ""
) -> CaseEvent:
    """Append a record event to the case's history. The caller holds the transaction and the case's row lock
    (`select_for_update`), so that sequence numbers stay gapless and unique."""
    if kind not in RECORD_EVENTS:
        raise ValueError(f"Not a record event: {kind}")
    return CaseEvent.objects.create(
        case=case,
        sequence=case.events.count() + 1,
        kind=kind,
        on=clock.today_for(case.organisation),
        recorded_at=clock.now(),
        actor=actor,
        actor_role="",
        data=jsonable(dict(data or {})),
        note=note,
    )


def effect_audit_details(written: Sequence[Effect]) -> dict[str, Any]:
    """The effects an action wrote, for its audit record (ids and kinds only)."""
    return {"effects": [{"id": effect.pk, "kind": effect.kind} for effect in written]} if written else {}
