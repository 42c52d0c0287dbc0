"""A generated year of cases for the reporting tests, written as rows (cases, parties, terms, events, follow-ups).

Each case is first a plain `Spec` (a dict of what it is), so the tests can compute every expected figure from the
specs in plain Python, independently of the queries under test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from plaint.cases.models import Case, CaseEvent, Category, Cause, FollowUp, Party, Term
from plaint.organisations.models import Organisation, OrganisationalUnit, Person
from tests.cases.factories import organisation_running
from tests.organisations.factories import PersonFactory, UnitFactory

OUTCOMES = ("well_founded", "partly_well_founded", "unfounded", "withdrawn", "not_admissible", "agreement")
CHANNELS = ("email", "phone", "web_form", "letter")
REASONS = ("complex case", "handler absent")
AS_OF = dt.date(2027, 1, 20)  # the frozen "today" of the tests


@dataclass
class Spec:
    index: int
    kind: str
    channel: str
    received_on: dt.date
    status: str
    stage: str
    outcome: str
    closed_on: dt.date | None
    category: str | None
    cause: str | None
    unit: int | None  # index into the world's units
    person: int | None  # index into the world's people (compliments about a person)
    complainant: str
    commissioner: str
    terms: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[tuple[str, dt.date, str]] = field(default_factory=list)  # term, on, reason
    escalated_on: dt.date | None = None
    measure: dict[str, Any] | None = None


@dataclass
class World:
    organisation: Organisation
    units: list[OrganisationalUnit]
    people: list[Person]
    specs: list[Spec]


def generated_specs(*, year: int, count: int, seed: int = 0) -> list[Spec]:
    """`count` cases received over `year` (every third day from 1 January, a few in the year before), with every
    figure varied by the case's index."""
    specs = []
    for i in range(count):
        j = i + seed
        received = dt.date(year, 1, 1) + dt.timedelta(days=3 * i)
        kind = "compliment" if j % 10 == 0 else "suggestion" if j % 10 == 5 else "complaint"
        closed = j % 7 != 6
        closed_on = received + dt.timedelta(days=j % 20 + 1) if closed else None
        outcome = "" if not closed else OUTCOMES[j % 6] if kind == "complaint" else "noted"
        spec = Spec(
            index=i,
            kind=kind,
            channel=CHANNELS[j % 4],
            received_on=received,
            status="closed" if closed else "open",
            stage="handling" if closed or j % 2 else "intake",
            outcome=outcome,
            closed_on=closed_on,
            category=f"cat{j % 3}" if kind == "complaint" else None,
            cause=f"cause{j % 2}" if kind == "complaint" and closed else None,
            unit=j % 4 if kind != "suggestion" else None,
            person=(j // 10) % 3 if kind == "compliment" and j % 20 == 0 else None,
            complainant=f"client{j % 25}",
            commissioner=("Gemeente Utrecht", "UWV", "")[j % 3],
        )
        # Acknowledgement: due a week after receipt, met after 0 to 8 days (8 is late).
        ack_met = received + dt.timedelta(days=j % 9)
        spec.terms.append(
            {
                "key": "acknowledgement",
                "started_on": received,
                "due": received + dt.timedelta(days=7),
                "state": "met",
                "met_on": ack_met,
                "extensions": 0,
            }
        )
        if kind == "complaint":
            due = received + dt.timedelta(days=14)
            extensions = 0
            if j % 11 == 0:
                extensions = 1
                due += dt.timedelta(days=14)
                spec.extensions.append(("handling", received + dt.timedelta(days=5), REASONS[j % 2]))
            if closed_on is not None:
                state, met_on = "met", closed_on
            else:
                state, met_on = ("missed" if due < AS_OF else "pending"), None
            spec.terms.append(
                {
                    "key": "handling",
                    "started_on": received,
                    "due": due,
                    "state": state,
                    "met_on": met_on,
                    "extensions": extensions,
                }
            )
            if j % 13 == 0:
                spec.escalated_on = received + dt.timedelta(days=3)
            if j % 8 == 1:
                completed = {0: received + dt.timedelta(days=25), 1: received + dt.timedelta(days=40)}.get(j % 3)
                spec.measure = {
                    "recorded_on": received + dt.timedelta(days=2),
                    "follow_up_on": received + dt.timedelta(days=30),
                    "completed_on": completed,
                }
        specs.append(spec)
    return specs


def build(specs: list[Spec], *, procedure_id: str = "xs2more", **organisation_fields: Any) -> World:
    organisation = organisation_running(procedure_id, **organisation_fields)
    units = [UnitFactory(organisation=organisation, name=f"Team {name}") for name in ("North", "South", "East", "West")]
    people = [PersonFactory(name=f"Coach {name}") for name in ("Ada", "Bo", "Cas")]
    categories = {
        f"cat{n}": Category.objects.create(
            organisation=organisation, code=f"cat{n}", name_en=f"Category {n}", name_nl=f"Categorie {n}"
        )
        for n in range(3)
    }
    causes = {
        f"cause{n}": Cause.objects.create(
            organisation=organisation, code=f"cause{n}", name_en=f"Cause {n}", name_nl=f"Oorzaak {n}"
        )
        for n in range(2)
    }
    for spec in specs:
        case = Case.objects.create(
            organisation=organisation,
            reference=f"{organisation.reference_prefix}-{spec.received_on.year}-{spec.index:05d}",
            kind=spec.kind,
            procedure_id=procedure_id,
            procedure_version=1,
            channel=spec.channel,
            received_at=dt.datetime.combine(spec.received_on, dt.time(10), tzinfo=dt.UTC),
            received_on=spec.received_on,
            description="Generated.",
            commissioning_party=spec.commissioner,
            stage=spec.stage,
            status=spec.status,
            outcome=spec.outcome,
            closed_on=spec.closed_on,
        )
        if spec.category:
            case.categories.add(categories[spec.category])
        if spec.cause:
            case.causes.add(causes[spec.cause])
        Party.objects.create(
            case=case, role="complainant", name=spec.complainant.title(), email=f"{spec.complainant}@example.org"
        )
        if spec.unit is not None:
            Party.objects.create(case=case, role="subject", unit=units[spec.unit])
        if spec.person is not None:
            Party.objects.create(case=case, role="subject", person=people[spec.person])
        sequence = 1
        received = CaseEvent.objects.create(
            case=case, sequence=sequence, kind="received", on=spec.received_on, recorded_at=case.received_at
        )
        for term in spec.terms:
            Term.objects.create(case=case, anchor="received", **term)
        for term_key, on, reason in spec.extensions:
            sequence += 1
            CaseEvent.objects.create(
                case=case,
                sequence=sequence,
                kind="term_extended",
                on=on,
                recorded_at=case.received_at,
                data={"term": term_key, "by": "2 weeks", "reason": reason},
            )
        if spec.escalated_on is not None:
            sequence += 1
            CaseEvent.objects.create(
                case=case, sequence=sequence, kind="escalated", on=spec.escalated_on, recorded_at=case.received_at
            )
        if spec.measure is not None:
            sequence += 1
            event = CaseEvent.objects.create(
                case=case,
                sequence=sequence,
                kind="measure_recorded",
                on=spec.measure["recorded_on"],
                recorded_at=case.received_at,
            )
            FollowUp.objects.create(
                case=case,
                kind="measure",
                description="Train the team.",
                follow_up_on=spec.measure["follow_up_on"],
                completed_on=spec.measure["completed_on"],
                recorded_by_event=event,
            )
        del received
    return World(organisation=organisation, units=units, people=people, specs=specs)
