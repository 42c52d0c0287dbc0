"""Registering a case (the first event, `received`) from any channel: the procedure in force, the reference, the
parties, the first terms, its effects, in one transaction; an idempotency key makes a retry return the first case.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from plaint import engine
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.roles import actor_case_roles
from plaint.access.rules import access_denied
from plaint.cases import effects
from plaint.cases.errors import (
    ActionNotAllowed,
    InvalidInput,
    NoProcedure,
)
from plaint.cases.history_services import decision_apply, effect_audit_details
from plaint.cases.models import (
    Case,
    Category,
    Classification,
    Party,
    PartyRole,
    ReferenceSequence,
)
from plaint.cases.routing_services import routing_check_on_commit
from plaint.core import clock
from plaint.core.errors import Conflict, Forbidden, lazy_format
from plaint.core.inserts import insert_row
from plaint.organisations.models import Organisation, OrganisationalUnit, Person
from plaint.organisations.selectors import roles_of_many
from plaint.procedures.selectors import procedure_definition, procedure_for

ClassificationT = TypeVar("ClassificationT", bound=Classification)


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


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
    in_force: InForce | None = None,
) -> Case:
    """Register a case from any channel (WU-02, WU-06, XS-02). A repeated idempotency key returns the first case.

    A staff member needs `cases.register_case` for the organisation (403 otherwise); `actor=None` is the public
    (intake forms) or the system. The registration is recorded in the audit trail (`case.registered`).
    """
    return case_register_once(
        organisation=organisation,
        registration=registration,
        actor=actor,
        idempotency_key=idempotency_key,
        source=source,
        in_force=in_force,
    ).case


class InForce(NamedTuple):
    """The procedure the caller already found in force for the organisation on `day` (`procedure_for`): the
    registration uses it when the case is received on that day and looks it up again otherwise (a request that
    crosses midnight in the organisation's time zone, a `received_at` in the past)."""

    day: dt.date
    procedure: engine.Procedure


class Registered(NamedTuple):
    case: Case
    created: bool  # False: a retry with the same idempotency key, answered with the case it created
    #: What the procedure says about the new case on its day of receipt (its terms, its dates), as the registration
    #: decided it; None when an earlier call had created the case.
    view: engine.CaseView | None = None


def case_register_once(
    *,
    organisation: Organisation,
    registration: Registration,
    actor: User | None,
    idempotency_key: str | None = None,
    source: AuditSource | None = None,
    in_force: InForce | None = None,
    savepoint: bool = True,
) -> Registered:
    """`case_register`, saying whether this call created the case or found the one an earlier call with the same
    idempotency key created (also when both ran at once: the unique key decides). The same key with a different
    request raises `IdempotencyKeyReused` (409). `savepoint=False`: inside a caller's transaction, no savepoint of
    its own (the caller rolls everything back on any error: the portal's form); without an idempotency key only."""
    if actor is not None and not actor.has_perm("cases.register_case", organisation):
        access_denied(actor=actor, permission="cases.register_case", organisation=organisation, source=source)
        raise Forbidden(_("You may not register cases for this organisation."))
    if idempotency_key and actor is not None:
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return Registered(_same_request(existing, organisation, registration), created=False)
    try:
        case, view = _register(
            organisation,
            registration,
            actor,
            idempotency_key,
            source,
            in_force,
            savepoint=savepoint or bool(idempotency_key),
        )
        return Registered(case, created=True, view=view)
    except IntegrityError:
        if idempotency_key and actor is not None:
            existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
            if existing is not None:
                return Registered(_same_request(existing, organisation, registration), created=False)
        raise


def _same_request(existing: Case, organisation: Organisation, registration: Registration) -> Case:
    """A retry returns the case it created; the same key with another request is a mistake the client must see."""
    same = (
        existing.organisation_id == organisation.pk
        and existing.kind == registration.kind
        and existing.channel == registration.channel
        and existing.description == registration.description
        and existing.summary == registration.summary
        and existing.incident_date == registration.incident_date
        and (registration.received_at is None or existing.received_at == registration.received_at)
    )
    if not same:
        raise IdempotencyKeyReused(_("This Idempotency-Key was already used for a different request."))
    existing.organisation = organisation  # the same row: the caller needs no second read of it
    return existing


def _register(
    organisation: Organisation,
    registration: Registration,
    actor: User | None,
    idempotency_key: str | None,
    source: AuditSource | None,
    in_force: InForce | None = None,
    *,
    savepoint: bool = True,
) -> tuple[Case, engine.CaseView]:
    zone = ZoneInfo(organisation.time_zone)
    received_at = registration.received_at or clock.now()
    if received_at.tzinfo is None:
        raise InvalidInput(_("The moment of receipt needs a time zone."), errors={"received_at": [_("No time zone.")]})
    if received_at > clock.now():
        raise InvalidInput(_("A case cannot be received in the future."), errors={"received_at": [_("In the future.")]})
    received_on = received_at.astimezone(zone).date()
    if in_force is not None and in_force.day == received_on:
        procedure = in_force.procedure
    else:
        adoption = procedure_for(organisation=organisation, on=received_on)
        if adoption is None:
            raise NoProcedure(
                lazy_format(
                    _("%(organisation)s has no complaints procedure in force on %(day)s."),
                    organisation=organisation.name,
                    day=lazy(date_format, str)(received_on, "j F Y"),
                )
            )
        procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
    _validate_registration(organisation, registration)
    language = registration.language or organisation.default_language
    parties = [registration.complainant, *registration.subjects]
    if registration.representative is not None:
        parties.append(registration.representative)
    roles = actor_case_roles(actor, organisation)
    with transaction.atomic(savepoint=savepoint):
        # The reference number is taken last (`_take_reference`, in the case's one snapshot UPDATE): until then the
        # case holds a placeholder unique to this transaction, and the number's row is locked only from there to
        # the commit, not through everything before it.
        case = Case(
            organisation=organisation,
            reference=f"~{uuid.uuid4().hex[:30]}",  # a reference holds at most 32 characters
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
        insert_row(case)
        categories = (
            categories_by_code(organisation, registration.category_codes) if registration.category_codes else []
        )
        if categories:
            through = Case.categories.through
            through.objects.bulk_create([through(case_id=case.pk, category_id=category.pk) for category in categories])
        rows = party_rows_create(case, parties)
        data: dict[str, Any] = {
            "kind": registration.kind,
            "channel": registration.channel,
            "facts": _facts(case, rows, [category.code for category in categories]),
            **dict(registration.extra),
        }
        if registration.complainant.group:
            data["complainant_group"] = registration.complainant.group  # who may complain (WP-24, XS-21, WA-09)
        if registration.incident_date is not None:
            data["incident_date"] = registration.incident_date.isoformat()
        decision = engine.decide(procedure, [], "received", roles, received_on, data)
        if not decision.accepted:
            raise ActionNotAllowed(decision.errors, allowed=())
        event = decision_apply(
            case,
            procedure,
            decision,
            actor,
            registration.note,
            expected_version=0,
            new=True,
            columns=lambda: {"reference": _take_reference(organisation, received_on.year)},
        )
        written = effects.effects_write(
            case=case, event=event, actor=actor, specs=effects.decision_effects(event=event, decision=decision)
        )
        if decision.view.status == "open" and decision.view.stage is not None:
            routing_check_on_commit(case_id=case.pk)  # anyone eligible to handle it? (docs/access.md)
        audit_record(
            actor=actor,
            action="case.registered",
            target_type="case",
            target_id=case.pk,
            organisation=organisation,
            reference=case.reference,
            details={
                "event": event.sequence,
                "kind": case.kind,
                "channel": case.channel,
                **effect_audit_details(written),
            },
            source=source,
        )
    return case, decision.view


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
    if registration.incident_date is not None and registration.incident_date > clock.today_for(organisation):
        errors["incident_date"] = [_("The event cannot be in the future.")]
    if errors:
        raise InvalidInput(_("The case could not be registered; see the errors per field."), errors=errors)


def _take_reference(organisation: Organisation, year: int) -> str:
    """XS-2027-0042: the organisation's prefix, the year of receipt, a number per organisation and year. One
    statement (an upsert returning the new number) that locks the year's row until the caller's transaction ends."""
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (organisation_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [organisation.pk, year],
        )
        (number,) = cursor.fetchone()
    return f"{organisation.reference_prefix}-{year}-{number:04d}"


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
    (row,) = party_rows_create(case, [party])
    return row


def party_rows_create(case: Case, parties: Sequence[PartyInput]) -> list[Party]:
    """The case's new parties, written at once: the people and units they name read in one query each."""
    person_ids = {party.person_id for party in parties if party.person_id is not None}
    unit_ids = {party.unit_id for party in parties if party.unit_id is not None}
    people = Person.objects.in_bulk(person_ids) if person_ids else {}
    units = (
        OrganisationalUnit.objects.select_related("manager").filter(organisation=case.organisation).in_bulk(unit_ids)
        if unit_ids
        else {}
    )
    rows = []
    for party in parties:
        person = people.get(party.person_id) if party.person_id is not None else None
        if party.person_id is not None and person is None:
            raise InvalidInput(_("Unknown person."), errors={"person": [_("No such person.")]})
        unit = units.get(party.unit_id) if party.unit_id is not None else None
        if party.unit_id is not None and unit is None:
            raise InvalidInput(_("Unknown unit."), errors={"unit": [_("No such unit in this organisation.")]})
        if not (party.name or person or unit):
            raise InvalidInput(
                _("A party needs a name, a person or a unit."),
                errors={"name": [_("Give a name, a person or a unit.")]},
            )
        rows.append(
            Party(
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
        )
    if len(rows) == 1:
        return [insert_row(rows[0])]  # the usual one: a prepared INSERT, no compiling
    return Party.objects.bulk_create(rows)  # more: one statement


def case_facts(case: Case) -> dict[str, Any]:
    """What routing rules test (engine conditions): kind, channel, nature, categories, the subjects' roles."""
    parties = list(case.parties.select_related("person", "unit__manager"))
    return _facts(case, parties, list(case.categories.values_list("code", flat=True)))


def _facts(case: Case, parties: Sequence[Party], category_codes: Sequence[str]) -> dict[str, Any]:
    """`case_facts` from the parties and category codes in hand (the roles of the people they name: one query)."""
    named: list[tuple[Party, Person]] = []
    for party in parties:
        if party.person is not None:
            named.append((party, party.person))
        if party.unit is not None and party.unit.manager is not None and party.role == PartyRole.SUBJECT:
            named.append((party, party.unit.manager))  # a complaint about a team involves its manager (WP-02, WP-04)
    held = roles_of_many(people=[person for _party, person in named], organisation=case.organisation)
    subject_roles: set[str] = set()
    involved_roles: set[str] = set()
    for party, person in named:
        roles = held.get(person.pk, set())
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
        "category": sorted(category_codes),
        "subject_role": sorted(subject_roles),
        "involved": sorted(involved_roles),
    }
