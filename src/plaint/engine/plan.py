"""The plan of a case: every term a procedure promises, for a case received on a given day.

The plan follows the latest-allowed path: an event not given happens on the due date of the (latest) term it meets;
an event no term bounds happens on the day of the last event its action waits for (`after`), else on the day of
receipt; `external_filed` happens at the end of the external body's time limit. A term extension appears as a second
line with the latest date the extension policy allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from plaint.engine import vocabulary as v
from plaint.engine.definition import ExternalTimeLimit, Procedure, Term, Text
from plaint.engine.errors import EngineInputError
from plaint.engine.messages import Message, closest
from plaint.engine.validation import all_actions


@dataclass(frozen=True)
class Deadline:
    key: str
    label: Text
    anchor: str
    anchor_date: date
    due: date
    term: Term | None  # None: a time limit of the complainant's own (WP-15, WH-09), see `limit`
    limit: ExternalTimeLimit | None = None
    party: str = "organisation"

    def as_json(self) -> dict[str, str]:
        return {
            "key": self.key,
            "label": self.label.en,
            "anchor": self.anchor,
            "anchor_date": self.anchor_date.isoformat(),
            "due": self.due.isoformat(),
            "party": self.party,
        }


def plan(procedure: Procedure, received: date, given: Mapping[str, date] | None = None) -> tuple[Deadline, ...]:
    """The deadlines of a case received on `received`, with the events in `given` on the days given."""
    given = dict(given or {})
    for event, day in given.items():
        if event not in v.EVENTS and event not in v.INCIDENT_ANCHORS:
            raise EngineInputError(
                Message("unknown_plan_event", {"value": event, "suggestion": closest(event, v.EVENTS)})
            )
        if day < received and event not in v.INCIDENT_ANCHORS:
            raise EngineInputError(
                Message(
                    "plan_date_before_received",
                    {"value": event, "day": day, "received": received},
                )
            )
    calendar = procedure.working_calendar
    known: dict[str, date] = {"received": received, **given}
    visiting: set[str] = set()

    def when(event: str) -> date:
        if event in known:
            return known[event]
        if event in visiting:  # a loop between events: fall back to the day of receipt
            return received
        visiting.add(event)
        candidates = [
            calendar.add(when(term.anchor), term.duration) for term in procedure.terms if event in term.met_by
        ]
        if not candidates and event == "external_filed":
            candidates = [
                calendar.add(when(limit.counted_from), limit.duration)
                for body in procedure.external_bodies
                for limit in body.time_limits
                if limit.counted_from in v.EVENTS
            ]
        if not candidates:
            candidates = [
                when(before)
                for _, action, _ in all_actions(procedure)
                if action.event == event
                for before in action.after
            ]
        visiting.discard(event)
        known[event] = max(candidates, default=received)
        return known[event]

    deadlines: list[Deadline] = []
    for term in procedure.terms:
        start = when(term.anchor)
        due = calendar.add(start, term.duration)
        deadlines.append(Deadline(term.key, term.label, term.anchor, start, due, term))
        if term.extension is not None:
            label = Text(en=f"{term.label.en} (longest extension)", nl=f"{term.label.nl} (langste verlenging)")
            longest = calendar.add(due, term.extension.max_total)
            deadlines.append(Deadline(f"{term.key}.extended", label, term.anchor, start, longest, term))
    for body in procedure.external_bodies:
        for limit in body.time_limits:
            anchor = limit.counted_from
            if anchor in v.INCIDENT_ANCHORS and anchor not in known:
                continue  # counted from the incident (or awareness): only when given (`--at incident=...`)
            start = known[anchor] if anchor in known else when(anchor)
            article = body.article
            label = Text(
                en=f"Complainant: go to {f'{article.en} ' if article.en else ''}{body.name.en}",
                nl=f"Klager: naar {f'{article.nl} ' if article.nl else ''}{body.name.nl}",
            )
            deadlines.append(
                Deadline(
                    f"{body.key}.{anchor}",
                    label,
                    anchor,
                    start,
                    calendar.add(start, limit.duration),
                    None,
                    limit,
                    "complainant",
                )
            )
    order = {term.key: index for index, term in enumerate(procedure.terms)}
    return tuple(
        sorted(deadlines, key=lambda d: (d.due, order[d.term.key] if d.term is not None else len(order), d.key))
    )
