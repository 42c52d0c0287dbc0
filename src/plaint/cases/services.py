"""Commands on cases. The engine decides; these services lock, append the event, update the snapshots, commit.

Every change goes through `case_register` (the first event, `received`) or `case_act` (every later event), so each
action is allowed only when the case's procedure says so, and each is recorded in the append-only history. What is
not a step of the procedure is a record event (`case_record_event`), written by the services beside this module:
parties (`party_services`), classification (`classification_services`), documents (`attachment_services`) and
sensitive sections (`sensitive_services`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils.translation import gettext_lazy as _

from plaint import engine
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.rules import access_denied
from plaint.cases.errors import (
    ActionNotAllowed,
    CaseAnonymised,
    CaseNotFound,
    EngineText,
    InvalidInput,
    NoProcedure,
    StaleCase,
)
from plaint.cases.models import (
    Case,
    CaseEvent,
    Category,
    Classification,
    FollowUp,
    FollowUpKind,
    Party,
    PartyRole,
    ReferenceSequence,
    Term,
    TermState,
)
from plaint.core import clock
from plaint.core.errors import Conflict, Forbidden, lazy_format
from plaint.organisations.models import Organisation, OrganisationalUnit, Person
from plaint.organisations.selectors import roles_of
from plaint.procedures.selectors import procedure_definition, procedure_for

HOLIDAYS_VERSION = package_version("holidays")

#: Term states that still ask for something: the earliest of their due dates is the case's next due date.
#: Paused terms do not run, and warn-only terms (WA-07's ten working days) never make a case overdue.
NEXT_DUE_STATES = (TermState.PENDING, TermState.EXTENDED, TermState.MISSED)


ClassificationT = TypeVar("ClassificationT", bound=Classification)


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


#: Parties whose actions staff may record on their behalf (a complainant asks for a review by letter, say).
PARTIES = ("complainant", "subject", "external_body")


@dataclass(frozen=True)
class PartyInput:
    """A party as given at registration or later: a person of the organisation, a unit, or a name and contacts."""

    role: str
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    person_id: int | None = None
    unit_id: int | None = None
    group: str = ""
    internal: bool = False
    involved: bool = False
    authorisation: str = ""
    consent_given_on: dt.date | None = None


@dataclass(frozen=True)
class Registration:
    """Everything known when a complaint, compliment or suggestion comes in."""

    kind: str
    channel: str
    description: str
    complainant: PartyInput
    summary: str = ""
    received_at: dt.datetime | None = None
    language: str | None = None
    incident_date: dt.date | None = None
    nature: str = ""
    category_codes: Sequence[str] = ()
    subjects: Sequence[PartyInput] = ()
    representative: PartyInput | None = None
    confidentiality: str = "normal"
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


# Registration


def case_register(
    *,
    organisation: Organisation,
    registration: Registration,
    actor: User | None,
    idempotency_key: str | None = None,
    source: AuditSource | None = None,
) -> Case:
    """Register a case from any channel (WU-02, WU-06, XS-02). A repeated idempotency key returns the first case.

    A staff member needs `cases.register_case` for the organisation (403 otherwise); `actor=None` is the public
    (intake forms) or the system. The registration is recorded in the audit trail (`case.registered`).
    """
    if actor is not None and not actor.has_perm("cases.register_case", organisation):
        access_denied(actor=actor, permission="cases.register_case", organisation=organisation, source=source)
        raise Forbidden(_("You may not register cases for this organisation."))
    if idempotency_key and actor is not None:
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_request(existing, organisation, registration)
    try:
        return _register(organisation, registration, actor, idempotency_key, source)
    except IntegrityError:
        if idempotency_key and actor is not None:
            existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_request(existing, organisation, registration)
        raise


def _same_request(existing: Case, organisation: Organisation, registration: Registration) -> Case:
    """A retry returns the case it created; the same key with another request is a mistake the client must see."""
    same = (
        existing.organisation_id == organisation.pk
        and existing.kind == registration.kind
        and existing.channel == registration.channel
        and existing.description == registration.description
    )
    if not same:
        raise IdempotencyKeyReused(_("This Idempotency-Key was already used for a different request."))
    return existing


def _register(
    organisation: Organisation,
    registration: Registration,
    actor: User | None,
    idempotency_key: str | None,
    source: AuditSource | None,
) -> Case:
    zone = ZoneInfo(organisation.time_zone)
    received_at = registration.received_at or clock.now()
    if received_at.tzinfo is None:
        raise InvalidInput(_("The moment of receipt needs a time zone."), errors={"received_at": [_("No time zone.")]})
    if received_at > clock.now():
        raise InvalidInput(_("A case cannot be received in the future."), errors={"received_at": [_("In the future.")]})
    received_on = received_at.astimezone(zone).date()
    adoption = procedure_for(organisation=organisation, on=received_on)
    if adoption is None:
        raise NoProcedure(
            lazy_format(
                _("%(organisation)s has no complaints procedure in force on %(day)s."),
                organisation=organisation.name,
                day=received_on.isoformat(),
            )
        )
    procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
    _validate_registration(organisation, registration)
    language = registration.language or organisation.default_language
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation,
            reference=_next_reference(organisation, received_on.year),
            kind=registration.kind,
            procedure_id=procedure.id,
            procedure_version=procedure.version,
            channel=registration.channel,
            received_at=received_at,
            received_on=received_on,
            language=language,
            summary=registration.summary,
            description=registration.description,
            incident_date=registration.incident_date,
            nature=registration.nature,
            confidentiality=registration.confidentiality,
            created_by=actor,
            idempotency_key=idempotency_key or None,
            version=0,
        )
        if registration.category_codes:
            case.categories.set(categories_by_code(organisation, registration.category_codes))
        parties = [registration.complainant, *registration.subjects]
        if registration.representative is not None:
            parties.append(registration.representative)
        for party in parties:
            party_row_create(case, party)
        data: dict[str, Any] = {
            "kind": registration.kind,
            "channel": registration.channel,
            "facts": case_facts(case),
            **dict(registration.extra),
        }
        if registration.complainant.group:
            data["complainant_group"] = registration.complainant.group  # who may complain (WP-24, XS-21, WA-09)
        if registration.incident_date is not None:
            data["incident_date"] = registration.incident_date.isoformat()
        decision = engine.decide(procedure, [], "received", _staff_roles(case, actor), received_on, data)
        if not decision.accepted:
            raise ActionNotAllowed(decision.errors, allowed=())
        event = _apply(case, procedure, decision, actor, registration.note, expected_version=0)
        audit_record(
            actor=actor,
            action="case.registered",
            target_type="case",
            target_id=case.pk,
            organisation=organisation,
            reference=case.reference,
            details={"event": event.sequence, "kind": case.kind, "channel": case.channel},
            source=source,
        )
    case.refresh_from_db()
    return case


def _validate_registration(organisation: Organisation, registration: Registration) -> None:
    errors: dict[str, list[Any]] = {}
    if not registration.description.strip():
        errors["description"] = [_("Describe the complaint, compliment or suggestion.")]
    if registration.complainant.role != PartyRole.COMPLAINANT:
        errors["complainant"] = [_("The first party must be the complainant.")]
    if registration.representative is not None and registration.representative.role not in (
        PartyRole.REPRESENTATIVE,
        PartyRole.SURVIVING_RELATIVE,
    ):
        errors["representative"] = [_("A representative is a representative or a surviving relative.")]
    if any(subject.role != PartyRole.SUBJECT for subject in registration.subjects):
        errors["subjects"] = [_("Every subject must have the role subject.")]
    if registration.incident_date is not None and registration.incident_date > clock.today_in(organisation.time_zone):
        errors["incident_date"] = [_("The event cannot be in the future.")]
    if errors:
        raise InvalidInput(_("The case could not be registered; see the errors per field."), errors=errors)


def _next_reference(organisation: Organisation, year: int) -> str:
    """XS-2027-0042: the organisation's prefix, the year of receipt, a number per organisation and year."""
    sequence, _created = ReferenceSequence.objects.select_for_update().get_or_create(
        organisation=organisation, year=year
    )
    ReferenceSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db(fields=["last_number"])
    return f"{organisation.reference_prefix}-{year}-{sequence.last_number:04d}"


def categories_by_code(organisation: Organisation, codes: Iterable[str]) -> list[Category]:
    return classifications_by_code(Category, organisation, codes, field="categories")


def classifications_by_code(
    model: type[ClassificationT], organisation: Organisation, codes: Iterable[str], *, field: str
) -> list[ClassificationT]:
    """The organisation's active categories or causes with these codes; an unknown or retired code is a 400."""
    wanted = set(codes)
    found = list(model._default_manager.filter(organisation=organisation, code__in=wanted, active=True))
    missing = wanted - {item.code for item in found}
    if missing:
        unknown = _("Unknown category.") if model is Category else _("Unknown cause.")
        template = _("No active category %(code)s.") if model is Category else _("No active cause %(code)s.")
        raise InvalidInput(unknown, errors={field: [lazy_format(template, code=code) for code in sorted(missing)]})
    return found


def party_row_create(case: Case, party: PartyInput) -> Party:
    person = None
    if party.person_id is not None:
        person = Person.objects.filter(pk=party.person_id).first()
        if person is None:
            raise InvalidInput(_("Unknown person."), errors={"person": [_("No such person.")]})
    unit = None
    if party.unit_id is not None:
        unit = OrganisationalUnit.objects.filter(pk=party.unit_id, organisation=case.organisation).first()
        if unit is None:
            raise InvalidInput(_("Unknown unit."), errors={"unit": [_("No such unit in this organisation.")]})
    if not (party.name or person or unit):
        raise InvalidInput(
            _("A party needs a name, a person or a unit."), errors={"name": [_("Give a name, a person or a unit.")]}
        )
    return Party.objects.create(
        case=case,
        role=party.role,
        person=person,
        unit=unit,
        name=party.name,
        email=party.email,
        phone=party.phone,
        address=party.address,
        group=party.group,
        internal=party.internal,
        involved=party.involved or party.role == PartyRole.SUBJECT,
        authorisation=party.authorisation,
        consent_given_on=party.consent_given_on,
    )


def case_facts(case: Case) -> dict[str, Any]:
    """What routing rules test (engine conditions): kind, channel, nature, categories, the subjects' roles."""
    subject_roles: set[str] = set()
    involved_roles: set[str] = set()
    for party in case.parties.select_related("person", "unit__manager"):
        people = [party.person] if party.person is not None else []
        if party.unit is not None and party.unit.manager is not None and party.role == PartyRole.SUBJECT:
            people.append(party.unit.manager)  # a complaint about a team involves its manager (WP-02, WP-04)
        for person in people:
            roles = roles_of(person=person, organisation=case.organisation)
            if party.role == PartyRole.SUBJECT and party.person is not None:
                subject_roles |= roles
            if party.involved:
                involved_roles |= roles
    nature = {"clinical": ["clinical"], "operational": ["operational"]}.get(case.nature, [])
    if case.nature == "clinical_and_operational":
        nature = ["clinical", "operational"]
    return {
        "kind": case.kind,
        "channel": case.channel,
        "nature": nature,
        "category": sorted(case.categories.values_list("code", flat=True)),
        "subject_role": sorted(subject_roles),
        "involved": sorted(involved_roles),
    }


# Actions


def case_act(
    *,
    case: Case,
    actor: User,
    action: str,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    on_behalf_of: str | None = None,
    on: dt.date | None = None,
    note: str = "",
    source: AuditSource | None = None,
) -> Case:
    """Take one action on a case, if its procedure allows it now and for this person; record it as an event.

    The actor needs `cases.act_on_case` (docs/access.md): `CaseNotFound` (404) for a case they may not see,
    `Forbidden` (403) for one they see but may not act on; both are logged and recorded (`access.denied`). The
    action is recorded in the audit trail (`case.action.<event>`) in the same transaction as the event.

    `expected_version` is the case version the actor saw; when another action came first, `StaleCase` (409)
    tells the actor to reload. `on_behalf_of` records a party's action (complainant, subject, external body) taken
    down by staff. `on` is the day it happened (default today in the organisation's time zone; never in the future).
    """
    from plaint.cases import sensitive_services  # it builds on this module

    data = dict(data or {})
    authorise_act(case=case, actor=actor, source=source)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:  # its history was erased (docs/privacy.md): nothing more happens to it
            raise CaseAnonymised()
        if expected_version is not None and locked.version != expected_version:
            raise StaleCase(expected=expected_version, current=locked.version)
        today = clock.today_in(locked.organisation.time_zone)
        day = on or today
        if day > today:
            raise InvalidInput(_("An action cannot be dated in the future."), errors={"on": [_("In the future.")]})
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        events = engine_events(locked)
        roles = _roles_for(locked, actor, on_behalf_of)
        view = engine.evaluate(procedure, events, day)
        data = _prepare(locked, view, action, data, roles)
        # A report of a conversation is an interview record, kept apart (WA-11): the event keeps only its id.
        data = sensitive_services.report_set_apart(case=locked, actor=actor, action=action, data=data)
        decision = engine.decide(procedure, events, action, roles, day, data)
        if not decision.accepted:
            _raise_refusal(decision, roles)
        event = _apply(locked, procedure, decision, actor, note, expected_version=locked.version)
        _effects(locked, action, data, event)
        sensitive_services.report_link(case=locked, event=event, actor=actor, source=source)
        audit_record(
            actor=actor,
            action=f"case.action.{event.kind}",
            target_type="case",
            target_id=locked.pk,
            organisation=locked.organisation,
            reference=locked.reference,
            details={"event": event.sequence, "role": event.actor_role, "version": locked.version + 1},
            source=source,
        )
    case.refresh_from_db()
    return case


def case_complainant_act(
    *,
    case: Case,
    action: str,
    data: Mapping[str, Any] | None = None,
    note: str = "",
    source: AuditSource | None = None,
) -> Case:
    """The complainant's own action (withdraw, ask for a review, escalate), taken through the portal's private link:
    no staff actor, the role `complainant`. The procedure decides as for any action; a refusal (`ActionNotAllowed`,
    409) says why. Recorded as an event and in the audit trail (`case.action.<event>`, actor none)."""
    data = dict(data or {})
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            raise CaseAnonymised()
        day = clock.today_in(locked.organisation.time_zone)
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        events = engine_events(locked)
        roles = ("complainant",)
        view = engine.evaluate(procedure, events, day)
        data = _prepare(locked, view, action, data, roles)
        decision = engine.decide(procedure, events, action, roles, day, data)
        if not decision.accepted:
            _raise_refusal(decision, roles)
        event = _apply(locked, procedure, decision, None, note, expected_version=locked.version)
        _effects(locked, action, data, event)
        audit_record(
            actor=None,
            action=f"case.action.{event.kind}",
            target_type="case",
            target_id=locked.pk,
            organisation=locked.organisation,
            reference=locked.reference,
            details={"event": event.sequence, "role": event.actor_role, "version": locked.version + 1},
            source=source,
        )
    case.refresh_from_db()
    return case


def authorise_act(*, case: Case, actor: User, source: AuditSource | None = None) -> None:
    """Refuse, log and record an actor who may not act on the case: 404 when they may not even see it, else 403."""
    if actor.has_perm("cases.act_on_case", case):
        return
    visible = actor.has_perm("cases.view_case", case)
    permission = "cases.act_on_case" if visible else "cases.view_case"
    access_denied(actor=actor, permission=permission, case=case, source=source)
    if not visible:
        raise CaseNotFound()
    raise Forbidden(_("You may see this case but not act on it."))


#: Engine refusals that are about a value the person gave (400 on that field), not about the state of the case (409).
FIELD_REFUSALS = {
    "outcome_required": "outcome",
    "outcome_not_allowed": "outcome",
    "extension_term_required": "term",
    "bad_extension_duration": "by",
    "extension_reason_required": "reason",
    "kind_not_accepted": "kind",
}


def _raise_refusal(decision: engine.Decision, roles: Sequence[str]) -> NoReturn:
    if decision.errors and all(error.code in FIELD_REFUSALS for error in decision.errors):
        errors: dict[str, list[Any]] = {}
        for error in decision.errors:
            errors.setdefault(FIELD_REFUSALS[error.code], []).append(EngineText([error]))
        raise InvalidInput(EngineText(decision.errors), errors=errors)
    raise ActionNotAllowed(decision.errors, allowed=_allowed_for(decision.view, roles))


def _roles_for(case: Case, actor: User, on_behalf_of: str | None) -> tuple[str, ...]:
    staff = _staff_roles(case, actor)
    if not staff:
        raise Forbidden(_("You hold no role in this case's organisation."))
    if on_behalf_of is None:
        return staff
    if on_behalf_of not in PARTIES:
        raise InvalidInput(
            lazy_format(_("Staff can record actions of %(parties)s only."), parties=", ".join(PARTIES)),
            errors={"on_behalf_of": [_("Unknown party.")]},
        )
    return (on_behalf_of,)


def _staff_roles(case: Case, actor: User | None) -> tuple[str, ...]:
    """The actor's roles in the case's organisation and in the organisation that serves it (WV-02)."""
    if actor is None:
        return ()
    person = Person.objects.filter(user=actor).first()
    if person is None:
        return ("administrator",) if actor.is_superuser else ()
    roles = roles_of(person=person, organisation=case.organisation)
    if case.organisation.served_by_id is not None and case.organisation.served_by is not None:
        roles |= roles_of(person=person, organisation=case.organisation.served_by)
    return tuple(sorted(roles))


def _allowed_for(view: engine.CaseView, roles: Sequence[str]) -> tuple[str, ...]:
    mine = [action for role in roles for action in view.allowed.get(role, ())]
    return tuple(dict.fromkeys(mine)) or view.allowed_actions()


def _prepare(
    case: Case, view: engine.CaseView, action: str, data: dict[str, Any], roles: Sequence[str]
) -> dict[str, Any]:
    """Check what the action refers to (people, terms, agreements) and add what the engine must know."""
    if action == "handler_assigned":
        person = _member(case, data.get("handler"), field="handler")
        data["handler"] = person.pk
        involved = (
            case.parties.filter(person=person, involved=True).exists()
            or case.parties.filter(role=PartyRole.SUBJECT, unit__manager=person).exists()
        )
        data["involved"] = involved  # the engine refuses an involved handler where routing is independent (XS-14)
        if not data.get("delegate"):
            responsible = {assignment.role for assignment in view.responsible}
            held = roles_of(person=person, organisation=case.organisation)
            if case.organisation.served_by is not None:  # the firm's officers handle its clients' cases (WV-02)
                held |= roles_of(person=person, organisation=case.organisation.served_by)
            if responsible and not responsible & held:
                raise InvalidInput(
                    lazy_format(
                        _("In this stage the case is handled by: %(roles)s. %(person)s holds none of these roles."),
                        roles=", ".join(sorted(responsible)),
                        person=person.name,
                    ),
                    errors={"handler": [_("Not a role that handles this stage.")]},
                )
    elif action in ("agreement_recorded", "measure_recorded"):
        if not str(data.get("description", "")).strip():
            raise InvalidInput(_("Describe the agreement or measure."), errors={"description": [_("Required.")]})
        if data.get("owner") is not None:
            data["owner"] = _member(case, data["owner"], field="owner").pk
    elif action == "measure_completed":
        follow_up_id = data.get("follow_up")
        follow_up = (
            case.follow_ups.filter(pk=follow_up_id, completed_on__isnull=True).first()
            if isinstance(follow_up_id, int)
            else None
        )
        if follow_up is None:
            raise InvalidInput(
                _("Name an open agreement or measure of this case."), errors={"follow_up": [_("No such open item.")]}
            )
    elif action == "term_extended":
        if not str(data.get("reason", "")).strip():
            data.pop("reason", None)
    elif action in ("delay_explained",) and not str(data.get("explanation", "")).strip():
        raise InvalidInput(_("Give the explanation sent to the complainant."), errors={"explanation": [_("Required.")]})
    return data


def _member(case: Case, person_id: Any, *, field: str) -> Person:
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("Name a person by their id."), errors={field: [_("Not a person id.")]}) from None
    person = Person.objects.filter(pk=pk).first()
    organisations = [case.organisation]
    if case.organisation.served_by is not None:
        organisations.append(case.organisation.served_by)
    if person is None or not any(roles_of(person=person, organisation=org) for org in organisations):
        raise InvalidInput(_("That person is not a member of this organisation."), errors={field: [_("Not a member.")]})
    return person


def _effects(case: Case, action: str, data: Mapping[str, Any], event: CaseEvent) -> None:
    """What an accepted action changes beyond the history and the snapshots."""
    if action == "handler_assigned":
        field_name = "delegate" if data.get("delegate") else "handler"
        Case.objects.filter(pk=case.pk).update(**{f"{field_name}_id": data["handler"]})
    elif action in ("agreement_recorded", "measure_recorded"):
        follow_up_on = data.get("follow_up_on")
        FollowUp.objects.create(
            case=case,
            kind=FollowUpKind.AGREEMENT if action == "agreement_recorded" else FollowUpKind.MEASURE,
            description=str(data["description"]),
            owner_id=data.get("owner"),
            follow_up_on=dt.date.fromisoformat(follow_up_on) if isinstance(follow_up_on, str) else None,
            recorded_by_event=event,
        )
    elif action == "measure_completed":
        FollowUp.objects.filter(case=case, pk=data["follow_up"]).update(completed_on=event.on)


# Applying a decision


def _apply(
    case: Case,
    procedure: engine.Procedure,
    decision: engine.Decision,
    actor: User | None,
    note: str,
    *,
    expected_version: int,
) -> CaseEvent:
    """Append the decided event and write the snapshots; the caller holds the transaction."""
    assert decision.event is not None
    sequence = case.events.count() + 1
    event = CaseEvent.objects.create(
        case=case,
        sequence=sequence,
        kind=decision.event.kind,
        on=decision.event.at,
        recorded_at=clock.now(),
        actor=actor,
        actor_role=decision.event.actor or "",
        data=_jsonable(dict(decision.event.data)),
        note=note,
    )
    _snapshot(case, procedure, decision.view, expected_version=expected_version)
    return event


def _snapshot(
    case: Case, procedure: engine.Procedure, view: engine.CaseView, *, expected_version: int, bump: bool = True
) -> None:
    """Write the view's stage, status, outcome and terms; bump the version only if nobody else did (409 otherwise)."""
    stored = {term.key: term for term in case.terms.all()}
    today = max(view.today, clock.today_in(case.organisation.time_zone))
    for term_view in view.terms:
        row = stored.get(term_view.key)
        due = term_view.due
        if row is not None and row.started_on == term_view.started_on and row.extensions == term_view.extensions:
            due = row.due  # computed once: a later holiday list or procedure change does not move it
        state = term_view.state
        if state in ("pending", "missed"):
            # Judged today, not on the action's day: a back-dated action must not leave a passed term pending.
            state = "missed" if due < today else "pending"
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
            Term.objects.create(case=case, key=term_view.key, **values)
        elif any(getattr(row, name) != value for name, value in values.items()):
            Term.objects.filter(pk=row.pk).update(**values)
    next_due = (
        Term.objects.filter(case=case, warn_only=False, state__in=NEXT_DUE_STATES).aggregate(Min("due"))["due__min"]
        if view.status == "open"
        else None
    )
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        stage=view.stage or "",
        status=view.status,
        outcome=view.outcome or "",
        closed_on=(case.closed_on or view.today) if view.status == "closed" else None,
        next_due=next_due,
        version=expected_version + 1 if bump else expected_version,
    )
    if updated != 1:
        current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first() or 0
        raise StaleCase(expected=expected_version, current=current)


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


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def engine_events(case: Case) -> list[engine.CaseEvent]:
    """The case's history as the engine reads it, oldest first: its procedure's steps, without the record events."""
    return [
        engine.CaseEvent(kind=event.kind, at=event.on, actor=event.actor_role or None, data=event.data)
        for event in case.events.exclude(kind__in=RECORD_EVENTS).order_by("sequence")
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
        on=clock.today_in(case.organisation.time_zone),
        recorded_at=clock.now(),
        actor=actor,
        actor_role="",
        data=_jsonable(dict(data or {})),
        note=note,
    )


# The sweep


def case_refresh(*, case: Case, today: dt.date | None = None) -> Case:
    """Re-evaluate a case without a new event: terms that passed their due date become missed. Idempotent."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        day = today or clock.today_in(locked.organisation.time_zone)
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        view = engine.evaluate(procedure, engine_events(locked), day)
        # A refresh is nobody's action: it keeps the version, so nobody's open form goes stale.
        _snapshot(locked, procedure, view, expected_version=locked.version, bump=False)
    case.refresh_from_db()
    return case


def cases_sweep(*, today: dt.date | None = None, batch: int = 500) -> int:
    """Mark terms missed on every open case whose next due date has passed; run periodically by the worker."""
    count = 0
    # UTC's date is at most a day off an organisation's; case_refresh then judges each term in the case's own zone.
    pending = Term.objects.filter(
        state__in=[TermState.PENDING, TermState.EXTENDED], due__lt=today or clock.now().date()
    )
    for case in Case.objects.filter(status="open", terms__in=pending).distinct().iterator(chunk_size=batch):
        case_refresh(case=case, today=today)
        count += 1
    return count
