"""Demo cases: realistic cases in every stage of each demo organisation's procedure, loaded through the services.

What a case is about (the stories, the complainants) is data, in the organisation's language. How a case gets to a
stage is derived from the procedure itself with the engine: `procedure_paths` searches the shortest run of actions
from receipt to each stage (open, and closed where the stage can close), `Timeline` adds the everyday actions
(acknowledging, assigning a handler, hearing the complainant) and `fit` dates the run in the past so that the case
is on time, due soon, overdue or closed today. `demo_cases_load` then drives each scenario through `case_register`
and `case_act`, as a person of the organisation would, so every event, term and snapshot is the real thing.

Idempotent: each scenario has a fixed idempotency key per organisation (its creator is the demo intake login, or
another demo person when the complaint is about the intake staff member); a
scenario already present is skipped, so a second run adds nothing (and cases age as the calendar moves on).
The bench (`bench/cases.py`) reuses the paths and timelines to generate a million consistent cases.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from plaint import engine
from plaint.access.models import User
from plaint.cases.classification_services import case_classify
from plaint.cases.models import Case, Category, Cause, Status
from plaint.cases.services import PartyInput, Registration, case_act, case_register, cases_sweep
from plaint.core import clock
from plaint.demo.data import username_for
from plaint.demo.stories import (
    CATEGORIES,
    CAUSES,
    COMPLAINANTS,
    FEEDBACK,
    GENERIC,
    MEASURES,
    NOTES,
    STORIES,
    UNDESIRABLE_BEHAVIOUR,
    Story,
)
from plaint.engine.paths import (
    BASE_DAY,
    PARTIES,
    Step,
    action_definition,
    procedure_paths,
    start_stage,
    step_data,
    who_takes,
)
from plaint.organisations.models import Organisation, OrganisationalUnit, Person
from plaint.organisations.selectors import people_with_role, roles_of
from plaint.procedures.selectors import procedure_definition, procedure_for

#: The everyday actions added to a path wherever the procedure allows them, once per stage visit.
EVERYDAY = (
    "acknowledged",
    "handler_assigned",
    "complainant_heard",
    "response_requested",
    "subject_responded",
    "meeting_offered",
    "meeting_planned",
    "meeting_held",
    "report_shared",
)
JUDGEMENTS = ("well_founded", "partly_well_founded", "unfounded")
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Planned:
    """One event of a timeline: what, how many working days after receipt, by whom (a role or a party)."""

    event: str
    offset: int
    by: str
    data: dict[str, Any] = field(default_factory=dict)


def _vary(procedure: engine.Procedure, stage: str | None, path: list[Step], seed: int) -> list[Step]:
    """Realistic outcomes: a judgement varies per scenario; a case closed and then taken further was unresolved."""
    varied: list[Step] = []
    for index, step in enumerate(path):
        definition = action_definition(procedure, stage, step.event)
        options = definition.outcomes if definition is not None else ()
        outcome = step.outcome
        continues = index + 1 < len(path)
        if outcome in JUDGEMENTS and continues and not (definition and definition.then):
            choices = [option for option in JUDGEMENTS if option in options]
            outcome = choices[seed % len(choices)] if choices else outcome
        elif outcome == "resolved" and continues and "unresolved" in options:
            outcome = "unresolved"
        varied.append(Step(step.event, outcome))
        if definition is not None and definition.goes_to:
            stage = definition.goes_to
    return varied


# Timelines and dates


def add_weekdays(day: dt.date, count: int) -> dt.date:
    """`count` weekdays after `day` (a weekend day counts from the Monday after)."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    weeks, rest = divmod(count, 5)
    day += dt.timedelta(weeks=weeks)
    for _ in range(rest):
        day += dt.timedelta(days=3 if day.weekday() == 4 else 1)
    return day


def sub_weekdays(day: dt.date, count: int) -> dt.date:
    """`count` weekdays before `day` (a weekend day counts from the Friday before)."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    weeks, rest = divmod(count, 5)
    day -= dt.timedelta(weeks=weeks)
    for _ in range(rest):
        day -= dt.timedelta(days=3 if day.weekday() == 0 else 1)
    return day


@dataclass
class Timeline:
    """A path with the everyday actions added, each a number of working days after receipt."""

    procedure: engine.Procedure
    kind: str
    facts: dict[str, Any]
    events: list[Planned]

    @classmethod
    def build(
        cls,
        procedure: engine.Procedure,
        kind: str,
        path: Sequence[Step],
        roles: Iterable[str],
        *,
        facts: dict[str, Any] | None = None,
        gap: int = 2,
        everyday: bool = True,
        handler_for: Callable[[set[str]], int | None] = lambda responsible: None,
    ) -> Timeline:
        roles = tuple(roles)
        facts = facts or {}
        history = [engine.CaseEvent("received", BASE_DAY, None, {"kind": kind, "facts": facts})]
        planned: list[Planned] = []
        done: set[tuple[str | None, str]] = set()
        offset = 0

        def attempt(step: Step, handler: int | None = None) -> bool:
            nonlocal offset
            view = engine.evaluate(procedure, history, BASE_DAY)
            who = who_takes(view, step.event, roles)
            if who is None:
                return False
            data = step_data(step, handler)
            decision = engine.decide(procedure, history, step.event, (who,), BASE_DAY, data)
            if not decision.accepted or decision.event is None:
                return False
            offset += gap
            history.append(decision.event)
            if step.event == "handler_assigned":
                data = {"handler": handler}
            planned.append(Planned(step.event, offset, who, data))
            return True

        for step in [*path, None]:
            view = engine.evaluate(procedure, history, BASE_DAY)
            if everyday and view.status == "open":
                for event in EVERYDAY:
                    if (view.stage, event) in done or event not in view.allowed_actions():
                        continue
                    done.add((view.stage, event))
                    handler = None
                    if event == "handler_assigned":
                        responsible = {assignment.role for assignment in view.responsible} - {"intake_staff"}
                        handler = handler_for(responsible) if responsible else None
                        if handler is None:
                            continue
                    attempt(Step(event), handler)
            if step is not None and not attempt(step) and (view.stage, step.event) not in done:
                raise ValueError(f"{procedure.id}: the path to {path[-1]} cannot take {step.event}")
        return cls(procedure, kind, facts, planned)

    @property
    def span(self) -> int:
        return self.events[-1].offset if self.events else 0

    def dated(self, received: dt.date) -> list[tuple[Planned, dt.date]]:
        return [(item, add_weekdays(received, item.offset)) for item in self.events]

    def view(self, received: dt.date, today: dt.date) -> engine.CaseView:
        history = [engine.CaseEvent("received", received, None, {"kind": self.kind, "facts": self.facts})]
        history += [engine.CaseEvent(item.event, day, item.by, item.data) for item, day in self.dated(received)]
        return engine.evaluate(self.procedure, history, today)


def next_due(view: engine.CaseView) -> dt.date | None:
    """The case's next due date as the services store it: the earliest open term that is not a warning only."""
    if view.status != "open":
        return None
    dues = [term.due for term in view.terms if not term.warn_only and term.state in ("pending", "extended", "missed")]
    return min(dues) if dues else None


def category(view: engine.CaseView, today: dt.date) -> str:
    """closed, overdue, due_soon (within a week), on_time, or open (no term running)."""
    if view.status == "closed":
        return "closed"
    due = next_due(view)
    if due is None:
        return "open"
    if due < today:
        return "overdue"
    return "due_soon" if due <= today + dt.timedelta(days=DUE_SOON_DAYS) else "on_time"


#: Where `fit` aims the next due date, in days from today, for each open category.
AIM = {"on_time": 20, "due_soon": 3, "overdue": -6}


def fit(timeline: Timeline, wanted: str, today: dt.date, *, extra: int = 0) -> dt.date | None:
    """A day of receipt (a weekday) that makes the timeline's case `wanted` today; `extra` ages it further.

    Shifting the receipt shifts every event and term with it, so the next due date moves with the age of the case:
    a few corrections find the age that puts it where `AIM` says (none when the stage runs no term).
    """
    age = timeline.span
    for _attempt in range(12):
        view = timeline.view(sub_weekdays(today, age), today)
        if category(view, today) == wanted:
            break
        due = next_due(view)
        if wanted not in AIM or due is None:
            return None
        shift = (due - today).days - AIM[wanted]
        if shift < 0 and age == timeline.span:
            return None  # even the youngest case is too late
        age = max(timeline.span, age + (1 if shift > 0 else -1) * max(1, round(abs(shift) * 5 / 7)))
    else:
        return None
    if extra:
        older = sub_weekdays(today, age + extra)
        if category(timeline.view(older, today), today) == wanted:
            return older
    return sub_weekdays(today, age)


# Loading


@dataclass
class DemoCasesResult:
    created: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    key: str
    kind: str
    stage: str
    wanted: str  # on_time, due_soon, overdue, closed, open
    path: tuple[Step, ...]


def scenarios(paths: dict[str, dict[tuple[str, str], list[Step]]], procedure: engine.Procedure) -> list[Scenario]:
    """Per kind and stage: open cases on time, due soon and overdue, and a closed one where the stage closes."""
    result: list[Scenario] = []
    for kind, found in paths.items():
        stages = [
            stage.key for stage in procedure.stages if (stage.key, "open") in found or (stage.key, "closed") in found
        ]
        for stage in stages:
            if (stage, "open") in found:
                wanted = ("on_time", "due_soon", "overdue") if kind == "complaint" else ("on_time",)
                for variant in wanted:
                    result.append(
                        Scenario(f"{kind}:{stage}:{variant}", kind, stage, variant, tuple(found[stage, "open"]))
                    )
            if (stage, "closed") in found:
                result.append(Scenario(f"{kind}:{stage}:closed", kind, stage, "closed", tuple(found[stage, "closed"])))
                first = found[stage, "closed"][-1].outcome
                others = [key for key in found if key[0] == stage and key[1].startswith("closed-")]
                other = next((key for key in others if key[1] != f"closed-{first}"), None)
                if other is not None and kind == "complaint":
                    result.append(Scenario(f"{kind}:{stage}:{other[1]}", kind, stage, "closed", tuple(found[other])))
    return result


class _Organisation:
    """What the loader needs of one organisation: its procedure, the people per role, its units."""

    def __init__(self, organisation: Organisation, today: dt.date) -> None:
        self.organisation = organisation
        self.today = today
        adoption = procedure_for(organisation=organisation, on=today)
        if adoption is None:
            raise LookupError(f"{organisation.name}: no procedure in force; no demo cases")
        self.procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
        self.language = organisation.default_language if organisation.default_language in ("en", "nl") else "en"
        self.people: dict[str, Person] = {}
        for role in ("intake_staff", *sorted(self.procedure.roles)):
            found = people_with_role(organisation=organisation, role=role).filter(user__isnull=False).first()
            if found is None and organisation.served_by is not None:
                found = people_with_role(organisation=organisation.served_by, role=role).first()
            if found is not None:
                self.people[role] = found
        self.intake = User.objects.filter(username=username_for(organisation.reference_prefix, "intake_staff")).first()
        if self.intake is None:
            raise LookupError(f"{organisation.name}: no demo intake login; no demo cases")
        self.units = list(OrganisationalUnit.objects.filter(organisation=organisation).order_by("id"))

    def subject(self, story: Story) -> tuple[PartyInput | None, set[int], dict[str, Any]]:
        """The subject party, the people it involves, and the facts routing reads (as `case_facts` computes them)."""
        if story.subject == "unit" and self.units:
            unit = next((u for u in self.units if u.manager_id), self.units[0])
            manager = unit.manager
            involved = roles_of(person=manager, organisation=self.organisation) if manager else set()
            facts = {"subject_role": [], "involved": sorted(involved)}
            return PartyInput(role="subject", unit_id=unit.pk), {manager.pk} if manager else set(), facts
        person = self.people.get(story.subject or "")
        if person is None:
            return None, set(), {"subject_role": [], "involved": []}
        held = sorted(roles_of(person=person, organisation=self.organisation))
        return PartyInput(role="subject", person_id=person.pk), {person.pk}, {"subject_role": held, "involved": held}

    def handler_for(self, involved: set[int]) -> Callable[[set[str]], int | None]:
        def choose(responsible: set[str]) -> int | None:
            for role in sorted(responsible, key=lambda role: role != "handler"):
                for person in people_with_role(organisation=self.organisation, role=role):
                    if person.pk not in involved:
                        return person.pk
            return None

        return choose

    def recorder(self, involved: set[int]) -> User:
        """Who registers the case and takes parties' actions down: the intake staff member, unless the complaint is
        about them; then the first other demo person who is not involved."""
        assert self.intake is not None
        recorders = [self.intake, *(person.user for person in self.people.values() if person.user is not None)]
        for user in recorders:
            if not Person.objects.filter(user=user, pk__in=involved).exists():
                return user
        return self.intake

    def acting_roles(self, involved: set[int]) -> set[str]:
        """The roles someone not involved in the complaint can act in."""
        return {
            role
            for role, person in self.people.items()
            if person.pk not in involved
            or people_with_role(organisation=self.organisation, role=role).exclude(pk__in=involved).exists()
        }

    def user_for(self, by: str, involved: Iterable[int] = ()) -> tuple[User, str | None]:
        """Who records the event: a person in the role, or staff taking a party's action down; never someone the
        complaint is about (they may neither see nor act on it: docs/access.md)."""
        involved = set(involved)
        if by in PARTIES:
            return self.recorder(involved), by
        person = self.people[by]
        if person.pk in involved:
            other = (
                people_with_role(organisation=self.organisation, role=by)
                .filter(user__isnull=False)
                .exclude(pk__in=involved)
                .first()
            )
            person = other or person
        assert person.user is not None
        return person.user, None


def _story(slug: str, language: str, kind: str, index: int) -> Story:
    pool = (STORIES.get(slug) or [GENERIC[language]]) if kind == "complaint" else FEEDBACK[kind][language]
    return pool[index % len(pool)]


def _channel(org: _Organisation, story: Story) -> str:
    channels = org.procedure.accepts.channels
    return story.channel if not channels or story.channel in channels else channels[0]


def _registration(org: _Organisation, scenario: Scenario, story: Story, index: int, received: dt.date) -> Registration:
    language = org.language
    name = COMPLAINANTS[language][index % len(COMPLAINANTS[language])]
    local = "".join(c for c in name.lower().replace(" ", ".") if c.isalpha() or c == ".")
    groups = org.procedure.accepts.complainants
    subject, _involved, _facts = org.subject(story)
    zone = ZoneInfo(org.organisation.time_zone)
    return Registration(
        kind=scenario.kind,
        channel=_channel(org, story),
        description=story.description,
        summary=story.summary,
        complainant=PartyInput(
            role="complainant",
            name=name,
            email=f"{local}@example.{'nl' if language == 'nl' else 'org'}",
            group=groups[index % len(groups)].key if groups else "",
        ),
        # Office hours on the day of receipt, but never later than now (a case received today, loaded at night).
        received_at=min(
            dt.datetime.combine(received, dt.time(9 + index % 7, 10 * (index % 6)), tzinfo=zone), clock.now()
        ),
        language=language,
        incident_date=received - dt.timedelta(days=5 + index % 20) if scenario.kind == "complaint" else None,
        nature=story.nature if scenario.kind == "complaint" else "",
        subjects=[subject] if subject is not None and scenario.kind == "complaint" else [],
    )


def _story_and_timeline(org: _Organisation, scenario: Scenario, index: int) -> tuple[Story, set[int], Timeline]:
    """The scenario's story and timeline. People a complaint is about may neither see nor act on it
    (docs/access.md), so when the story's subject is the only one who could take a step of the path, the next
    story is tried."""
    failure: ValueError | None = None
    for shift in range(8):
        story = _story(org.organisation.slug, org.language, scenario.kind, index + shift)
        _subject, involved, facts = org.subject(story) if scenario.kind == "complaint" else (None, set(), {})
        nature = {"clinical_and_operational": ["clinical", "operational"]}.get(story.nature, [story.nature])
        facts = {
            "kind": scenario.kind,
            "channel": _channel(org, story),
            "nature": [n for n in nature if n] if scenario.kind == "complaint" else [],
            "category": [],
            **facts,
        }
        path = _vary(org.procedure, start_stage(org.procedure, scenario.kind), list(scenario.path), index)
        try:
            timeline = Timeline.build(
                org.procedure,
                scenario.kind,
                path,
                org.acting_roles(involved),
                facts=facts,
                gap=1 + index % 3,
                # an overdue case in the first stage is one nobody has looked at yet
                everyday=scenario.wanted != "overdue" or scenario.stage != start_stage(org.procedure, scenario.kind),
                handler_for=org.handler_for(involved),
            )
        except ValueError as error:
            failure = failure or error
            continue
        return story, involved, timeline
    assert failure is not None
    raise failure


#: An action another app takes for the demo instead of `case_act` (a compliment's copy is sent by the correspondence
#: app: WU-01), keyed by (case kind, action); called with `case_act`'s keyword arguments, returns the case.
DemoAction = Callable[..., Case]


def _load_one(
    org: _Organisation, scenario: Scenario, index: int, key: str, actions: Mapping[tuple[str, str], DemoAction]
) -> bool:
    """Register the scenario's case and take its actions; False when the scenario does not apply here."""
    story, involved, timeline = _story_and_timeline(org, scenario, index)
    extra = (index % 4) * (15 if scenario.wanted == "closed" else 3)
    received = fit(timeline, scenario.wanted, org.today, extra=extra)
    if received is None and scenario.wanted in ("on_time", "due_soon", "overdue"):
        if scenario.wanted != "on_time":
            return False  # no running term can be due soon or overdue here: the on-time case covers the stage
        received = fit(timeline, "open", org.today)
    if received is None:
        raise ValueError(f"{org.organisation.name}: no dates fit scenario {scenario.key}")
    with transaction.atomic():
        case = case_register(
            organisation=org.organisation,
            registration=_registration(org, scenario, story, index, received),
            actor=org.recorder(involved),
            idempotency_key=key,
        )
        classifier = org.recorder(involved)
        for item, day in timeline.dated(received):
            actor, on_behalf_of = org.user_for(item.by, involved)
            if on_behalf_of is None:
                classifier = actor
            data = dict(item.data)
            if "description" in data:
                data["description"] = MEASURES[org.language]
            act: DemoAction = actions.get((scenario.kind, item.event), case_act)
            case = act(
                case=case,
                actor=actor,
                action=item.event,
                data=data,
                on=day,
                on_behalf_of=on_behalf_of,
                note=NOTES.get(item.event, {}).get(org.language, ""),
            )
        if scenario.kind == "complaint":
            # What the analyses count: a category for every complaint, a cause once it is decided and closed.
            closed = case.status == Status.CLOSED and bool(case.outcome)
            case_classify(
                case=case,
                actor=classifier,
                categories=[CATEGORIES[index % len(CATEGORIES)][0]],
                causes=[CAUSES[index % len(CAUSES)][0]] if closed else None,
            )
    return True


def _classifications_load(organisation: Organisation) -> None:
    """The organisation's demo categories and causes (XS-22), in English and Dutch; existing ones are kept."""
    adoption = procedure_for(organisation=organisation, on=clock.today_for(organisation))
    categories = CATEGORIES
    if adoption is not None and adoption.procedure_id == "werk-in-vertrouwen":
        categories = UNDESIRABLE_BEHAVIOUR + CATEGORIES  # WV-01: its categories of undesirable behaviour
    for model, entries in ((Category, categories), (Cause, CAUSES)):
        for code, name_en, name_nl in entries:
            model._default_manager.get_or_create(
                organisation=organisation, code=code, defaults={"name_en": name_en, "name_nl": name_nl}
            )


def demo_cases_load(
    *,
    organisations: Sequence[Organisation] | None = None,
    actions: Mapping[tuple[str, str], DemoAction] | None = None,
) -> DemoCasesResult:
    """Load the demo cases of every organisation with a procedure; what exists already is left alone.

    `actions` replaces `case_act` for some actions (`plaint demo load` passes the correspondence app's, so a demo
    compliment's copy is really queued as email; this app does not import that one)."""
    result = DemoCasesResult()
    for organisation in organisations or Organisation.objects.order_by("id"):
        try:
            org = _Organisation(organisation, clock.today_in(organisation.time_zone))
        except (LookupError, engine.EngineInputError, engine.ProcedureError) as error:
            result.warnings.append(str(error) if isinstance(error, LookupError) else f"{organisation.name}: {error}")
            continue
        _classifications_load(organisation)
        kinds: list[str] = [kind.kind for kind in org.procedure.accepts.kinds]
        facts: dict[str, Any] = {"subject_role": [], "involved": []}
        paths = {kind: procedure_paths(org.procedure, kind, set(org.people), {"kind": kind, **facts}) for kind in kinds}
        planned = scenarios(paths, org.procedure)
        first = start_stage(org.procedure, "complaint")
        withdrawn = action_definition(org.procedure, first, "withdrawn")
        if withdrawn is not None:
            outcome = withdrawn.outcomes[0] if withdrawn.outcomes else None
            planned.append(
                Scenario(f"complaint:{first}:withdrawn", "complaint", first, "closed", (Step("withdrawn", outcome),))
            )
        for index, scenario in zip(itertools.count(), planned, strict=False):
            key = f"demo:{organisation.slug}:{scenario.key}"
            if Case.objects.filter(organisation=organisation, idempotency_key=key).exists():
                result.skipped += 1
                continue
            try:
                created = _load_one(org, scenario, index, key, actions or {})
            except Exception as error:  # one broken scenario must not stop the demo
                result.warnings.append(f"{organisation.name}: scenario {scenario.key}: {error}")
                continue
            result.created += int(created)
    if result.created:
        # Actions dated in the past judge terms as of their own day; the sweep marks what has been missed since.
        cases_sweep()
    return result
