"""The procedure definition: what a procedure file says, as frozen pydantic models.

The shape of a file is documented in `docs/procedures.md`; this module is its executable form. Models check the
structure of each part and the vocabulary (roles, events, outcomes...); the cross-references between parts (a term
anchored on an event that no stage can produce, an unreachable stage...) are checked in `validation.py`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
)
from pydantic_core import PydanticCustomError

from plaint.engine import vocabulary as v
from plaint.engine.calendar import Calendar, CalendarRules, Duration
from plaint.engine.messages import Lang, closest

KEY_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]*")
CLAUSE_PATTERN: Final = re.compile(r"[A-Z]{2}-\d{2}")
#: A procedure's id is also a file name (`<id>.yaml`): a key that may use single hyphens too (`workers-union`).
PROCEDURE_ID_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False, hide_input_in_errors=True)


def _vocabulary_check(code: str, choices: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value not in choices:
            raise PydanticCustomError(code, "{value}", {"value": value, "suggestion": closest(value, choices)})
        return value

    return AfterValidator(check)


def _key(value: str) -> str:
    if not KEY_PATTERN.fullmatch(value):
        raise PydanticCustomError("bad_key", "{value}", {"value": value})
    return value


def _procedure_id(value: str) -> str:
    if not PROCEDURE_ID_PATTERN.fullmatch(value):
        raise PydanticCustomError("bad_procedure_id", "{value}", {"value": value})
    return value


def _clause(value: str) -> str:
    if not CLAUSE_PATTERN.fullmatch(value):
        raise PydanticCustomError("bad_clause", "{value}", {"value": value})
    return value


def _duration(value: object) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str) and not isinstance(value, bool):
        try:
            return Duration.parse(value)
        except ValueError:
            pass
    raise PydanticCustomError("bad_duration", "{value}", {"value": value})


NonEmpty = Annotated[str, Field(min_length=1)]
Key = Annotated[str, AfterValidator(_key)]
ProcedureId = Annotated[str, AfterValidator(_procedure_id)]
ClauseId = Annotated[str, AfterValidator(_clause)]
Clauses = tuple[ClauseId, ...]
Event = Annotated[str, _vocabulary_check("unknown_event", v.EVENTS)]
Role = Annotated[str, _vocabulary_check("unknown_role", v.ROLES)]
Actor = Annotated[str, _vocabulary_check("unknown_actor", v.ROLES + v.PARTIES)]
Recipient = Annotated[str, _vocabulary_check("unknown_recipient", v.ROLES + v.PARTIES + v.RECIPIENTS_EXTRA)]
DurationField = Annotated[Duration, PlainValidator(_duration), PlainSerializer(str, return_type=str)]

Outcome = Literal[
    "admissible",
    "not_admissible",
    "resolved",
    "unresolved",
    "agreement",
    "well_founded",
    "partly_well_founded",
    "unfounded",
    "upheld",
    "changed",
    "withdrawn",
    "no_longer_needed",
    "noted",
]
Kind = Literal["complaint", "compliment", "suggestion"]
Channel = Literal["in_writing", "oral", "in_person", "phone", "email", "web_form", "complaint_form", "letter"]
StageKind = Literal[
    "intake",
    "informal",
    "formal",
    "investigation",
    "review",
    "board",
    "complaints_officer",
    "committee",
    "mediation",
    "external",
    "follow_up",
    "feedback",
]
LetterContent = Literal[
    "date_of_receipt",
    "summary",
    "purpose_of_procedure",
    "next_steps",
    "handler",
    "complaint_date",
    "facts",
    "agreements",
    "what_took_place",
    "solutions",
    "suggestions_for_resolution",
    "findings",
    "outcome",
    "judgement",
    "reasons",
    "measures",
    "advice",
    "prevention",
    "explanation",
    "apology",
    "action_taken",
    "delay_reasons",
    "new_due_date",
    "extension_reasons",
    "right_to_review",
    "external_body",
    "external_time_limit",
    "report_of_conversation",
    "final_position",
]
Enclosure = Literal["procedure", "complaint", "complaint_form", "report", "final_report"]
FactName = Literal["subject_role", "involved", "nature", "channel", "kind", "category"]
TermParty = Literal["organisation", "complainant", "subject", "external_body"]
Jurisdiction = Literal["NL", "GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"]
FactValue = str | bool | tuple[str, ...]


class Text(Model):
    """A text a person reads, in English and Dutch."""

    en: NonEmpty
    nl: NonEmpty

    def get(self, lang: Lang = "en") -> str:
        return self.nl if lang == "nl" else self.en


class Implements(Model):
    document: Text
    publisher: NonEmpty
    clause_prefix: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    document_date: date | None = None
    source: str | None = None
    url: str | None = None


class CalendarSpec(Model):
    jurisdiction: Jurisdiction
    holiday_set: Literal["library", "termijnenwet"] = "library"
    extra_holidays: tuple[date, ...] = ()
    closing_days: tuple[date, ...] = ()
    move_end_to_working_day: bool = False
    clauses: Clauses = ()

    def rules(self) -> CalendarRules:
        return CalendarRules(
            jurisdiction=self.jurisdiction,
            holiday_set=self.holiday_set,
            extra_holidays=frozenset(self.extra_holidays),
            closing_days=frozenset(self.closing_days),
            move_end_to_working_day=self.move_end_to_working_day,
        )


class KindSpec(Model):
    kind: Kind
    label: Text | None = None
    definition: Text | None = None
    starts_at: Key | None = None
    clauses: Clauses = ()


class Party(Model):
    """A group of people who may (or may not) file, e.g. clients, participants, consumers of the shops."""

    key: Key
    label: Text
    clauses: Clauses = ()


class ThirdParties(Model):
    """Representatives or surviving relatives filing on someone's behalf, and the consent they need."""

    allowed: bool = True
    who: tuple[Party, ...] = ()
    consent: Literal["none", "authorisation", "written_consent"] = "authorisation"
    note: Text | None = None
    clauses: Clauses = ()


class Accepts(Model):
    kinds: Annotated[tuple[KindSpec, ...], Field(min_length=1)]
    channels: tuple[Channel, ...] = ()
    complainants: tuple[Party, ...] = ()
    excluded: tuple[Party, ...] = ()
    representatives: ThirdParties | None = None
    surviving_relatives: ThirdParties | None = None
    note: Text | None = None
    clauses: Clauses = ()


class TimeLimit(Model):
    duration: DurationField
    counted_from: Literal["incident", "awareness"] = "incident"
    effect: Literal["refuse", "warn"]
    text: Text | None = None
    clauses: Clauses = ()


class Statement(Model):
    text: Text
    clauses: Clauses = ()


class Refusal(Model):
    letter: Key
    term: Key | None = None
    text: Text | None = None
    clauses: Clauses = ()


class Admissibility(Model):
    time_limit: TimeLimit | None = None
    definition_test: Statement | None = None
    internal_first: Statement | None = None
    refusal: Refusal | None = None
    clauses: Clauses = ()


class RoleSpec(Model):
    label: Text
    description: Text | None = None
    clauses: Clauses = ()


class Condition(Model):
    """A test on the case's facts; every given field must hold."""

    subject_role: Role | None = None
    involved: Role | None = None
    nature: NonEmpty | None = None
    category: NonEmpty | None = None
    kind: Kind | None = None
    channel: Channel | None = None
    #: The programme the complainant follows at the organisation (WerkPro's UWV trajectory, WP-20: `uwv`).
    trajectory: NonEmpty | None = None


class RoutingRule(Model):
    when: Condition
    assign: Role
    colleague: bool = False
    label: Text | None = None
    clauses: Clauses = ()


class Routing(Model):
    rules: tuple[RoutingRule, ...] = ()
    independent: bool = False
    #: A complaint about a unit goes to that unit's own manager (WP-02): managing the unit complained about is then
    #: no conflict by itself, only being involved in the event is (WP-04).
    unit_manager: bool = False
    clauses: Clauses = ()


class Transition(Model):
    goes_to: Key | None = None
    closes: bool = False


class Hearing(Model):
    """Both sides heard before the action (XS-09, WP-05, WH-03, XS-23): `events` must have happened first; where the
    document allows exceptions, `exceptions: true` lets the action go ahead with a reason (`hearing_skipped_reason`),
    warned and recorded."""

    events: Annotated[tuple[Event, ...], Field(min_length=1)]
    exceptions: bool = False
    clauses: Clauses = ()


class Action(Model):
    event: Event
    by: Annotated[tuple[Actor, ...], Field(min_length=1)]
    label: Text | None = None
    after: tuple[Event, ...] = ()
    or_when_missed: tuple[Key, ...] = ()
    repeatable: bool = False
    when_closed: bool = False
    outcomes: tuple[Outcome, ...] = ()
    goes_to: Key | None = None
    closes: bool = False
    then: dict[Outcome, Transition] = Field(default_factory=dict)
    #: What the action's data must contain (a decision's explanation, apology, action taken, reasons: WU-18, WH-08).
    requires: tuple[Key, ...] = ()
    #: Both sides heard first (XS-09, WP-05, WH-03, XS-23).
    hearing: Hearing | None = None
    clauses: Clauses = ()

    def transition(self, outcome: str | None) -> Transition:
        if outcome is not None and outcome in self.then:
            return self.then[outcome]
        return Transition(goes_to=self.goes_to, closes=self.closes)


class Stage(Model):
    key: Key
    label: Text
    kind: StageKind
    description: Text | None = None
    handled_by: Annotated[tuple[Role, ...], Field(min_length=1)]
    routing: Routing | None = None
    actions: tuple[Action, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    final: bool = False
    external_body: Key | None = None
    clauses: Clauses = ()

    @cached_property
    def action_by_event(self) -> dict[str, Action]:
        return {action.event: action for action in self.actions}


class AppliesWhen(Model):
    """When a started term counts: all given tests must hold, else the term is not_applicable."""

    happened: tuple[Event, ...] = ()
    not_happened: tuple[Event, ...] = ()
    kinds: tuple[Kind, ...] = ()
    anchor_outcome: tuple[Outcome, ...] = ()
    facts: Condition | None = None


class OnMissed(Model):
    letter: Key | None = None
    opens: Key | None = None
    text: Text | None = None
    clauses: Clauses = ()


class Extension(Model):
    max_count: Annotated[int, Field(ge=1, strict=True)] | None = None
    max_total: DurationField
    reasons_required: bool = True
    notify_complainant: bool = True
    letter: Key | None = None
    by: Annotated[tuple[Role, ...], Field(min_length=1)]
    clauses: Clauses = ()


class Term(Model):
    key: Key
    label: Text
    must: Text | None = None
    party: TermParty = "organisation"
    anchor: Event
    occurrence: Literal["first", "latest"] = "first"
    stage: Key | None = None
    duration: DurationField
    met_by: Annotated[tuple[Event, ...], Field(min_length=1)]
    applies_when: AppliesWhen | None = None
    warn_only: bool = False
    on_missed: OnMissed | None = None
    extension: Extension | None = None
    pausable: bool = False
    clauses: Clauses = ()


class Letter(Model):
    key: Key
    label: Text
    when: Event | None = None
    outcomes: tuple[Outcome, ...] = ()
    stage: Key | None = None
    form: Literal["written", "written_or_oral"] = "written"
    sent_by: tuple[Actor, ...] = ()
    to: Annotated[tuple[Recipient, ...], Field(min_length=1)]
    copy_to: tuple[Recipient, ...] = ()
    must_contain: tuple[LetterContent, ...] = ()
    encloses: tuple[Enclosure, ...] = ()
    clauses: Clauses = ()


class Contact(Model):
    attention: str | None = None
    address: tuple[NonEmpty, ...] = ()
    email: str | None = None
    phone: str | None = None
    website: str | None = None


class Article(Model):
    """The article that goes before a name inside a sentence ("the Legal Ombudsman", "het College"); empty: none."""

    en: str = "the"
    nl: str = "de"

    def get(self, lang: Lang = "en") -> str:
        return self.nl if lang == "nl" else self.en


class ExternalTimeLimit(Model):
    """The time the complainant has to go to an external body (WP-15, WH-09), counted like a term from an event of
    the case (`internal_closed`) or from the incident or the complainant's awareness of it."""

    duration: DurationField
    counted_from: Annotated[str, _vocabulary_check("unknown_event", v.EVENTS + v.INCIDENT_ANCHORS)]
    text: Text | None = None
    #: What a filing after the limit means: `warn` (default) flags it on the case, with the clauses, and the body
    #: judges; `refuse` refuses the `external_filed` action.
    effect: Literal["warn", "refuse"] = "warn"
    #: The consequence the document states for a late filing, for the warning ("the committee decides whether it
    #: still takes the complaint").
    when_late: Text | None = None
    clauses: Clauses = ()


class ExternalBody(Model):
    key: Key
    name: Text
    article: Article = Field(default_factory=Article)
    description: Text | None = None
    contact: Contact | None = None
    available_when: Text | None = None
    #: The case's facts that must hold for the complainant to go there (WP-20: `{trajectory: uwv}`); `external_filed`
    #: with `body: <key>` is refused otherwise. `available_when` says it in words.
    available_if: Condition | None = None
    time_limits: tuple[ExternalTimeLimit, ...] = ()
    binding: bool | None = None
    stage: Key | None = None
    clauses: Clauses = ()


class Report(Model):
    key: Key
    label: Text
    every: Literal["month", "quarter", "year"]
    by: Annotated[tuple[Role, ...], Field(min_length=1)]
    to: Annotated[tuple[Recipient, ...], Field(min_length=1)]
    anonymised: bool = False
    per: Literal["organisation", "client_organisation", "commissioning_party", "unit"] = "organisation"
    contents: tuple[
        Literal[
            "count",
            "kind",
            "category",
            "subject",
            "cause",
            "outcome",
            "handling_time",
            "terms_missed",
            "measures",
            "recommendations",
        ],
        ...,
    ] = ()
    note: Text | None = None
    clauses: Clauses = ()


class Commitment(Model):
    key: Key
    text: Text
    clauses: Clauses = ()


class Retention(Model):
    """How long a closed case keeps personal data (GDPR art. 5(1)(e)), counted from the day the case closed.

    `anonymise_parties_after`: the parties' names and contacts and every free text are replaced by a marker, so the
    case still counts in statistics (kind, categories, dates, outcome, terms). `delete_documents_after`: the case's
    documents are deleted (anonymising deletes them too). Calendar durations only (days, weeks, months, years).
    """

    anonymise_parties_after: DurationField | None = None
    delete_documents_after: DurationField | None = None
    note: Text | None = None
    clauses: Clauses = ()


class Procedure(Model):
    """One version of one organisation's complaints procedure."""

    id: ProcedureId
    version: Annotated[int, Field(ge=1, strict=True)]
    valid_from: date
    valid_until: date | None = None
    title: Text
    implements: Implements
    calendar: CalendarSpec
    contact: Contact | None = None
    accepts: Accepts
    admissibility: Admissibility = Field(default_factory=Admissibility)
    roles: dict[Role, RoleSpec]
    stages: Annotated[tuple[Stage, ...], Field(min_length=1)]
    actions: tuple[Action, ...] = ()
    terms: tuple[Term, ...] = ()
    letters: tuple[Letter, ...] = ()
    external_bodies: tuple[ExternalBody, ...] = ()
    reporting: tuple[Report, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    retention: Retention | None = None

    # Lookups, computed once per parsed procedure (models are frozen, so caching is safe).

    @cached_property
    def stage_by_key(self) -> dict[str, Stage]:
        return {stage.key: stage for stage in self.stages}

    @cached_property
    def term_by_key(self) -> dict[str, Term]:
        return {term.key: term for term in self.terms}

    @cached_property
    def letter_by_key(self) -> dict[str, Letter]:
        return {letter.key: letter for letter in self.letters}

    @cached_property
    def external_body_by_key(self) -> dict[str, ExternalBody]:
        return {body.key: body for body in self.external_bodies}

    @cached_property
    def kind_by_name(self) -> dict[str, KindSpec]:
        return {spec.kind: spec for spec in self.accepts.kinds}

    @cached_property
    def working_calendar(self) -> Calendar:
        return Calendar(self.calendar.rules())

    def entry_stage(self, kind: str) -> Stage:
        spec = self.kind_by_name.get(kind)
        if spec is not None and spec.starts_at is not None:
            return self.stage_by_key[spec.starts_at]
        return self.stages[0]

    def role_label(self, role: str, lang: Lang = "en") -> str:
        spec = self.roles.get(role)
        return spec.label.get(lang) if spec is not None else role
