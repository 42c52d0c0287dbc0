"""Load the demo installation of `demo/data.py` through the services.

Idempotent: what exists (matched by slug, name or username) is left as it is, only what is missing is created, so a
second run changes nothing. A procedure adoption whose file is not bundled is skipped with a warning and added by a
later run once the file exists.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from plaint.demo import data
from plaint.organisations import services
from plaint.organisations.models import ExternalBody, Membership, Organisation, OrganisationalUnit, Person
from plaint.procedures.models import ProcedureAdoption, bundled_procedure_ids
from plaint.procedures.services import procedure_adopt


@dataclass
class DemoLogin:
    username: str
    organisation: str
    roles: list[str]


@dataclass
class DemoResult:
    created: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _email(name: str, slug: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = re.sub(r"[^a-z]+", ".", ascii_name.lower()).strip(".")
    return f"{local}@{slug}.example"


@transaction.atomic
def demo_load() -> DemoResult:
    result = DemoResult()
    user_model = get_user_model()

    bodies: dict[str, ExternalBody] = {}
    for body in data.EXTERNAL_BODIES:
        existing = ExternalBody.objects.filter(name=body["name"]).first()
        if existing is None:
            existing = services.external_body_create(**body)
            result.created += 1
        bodies[body["name"]] = existing

    organisations: dict[str, Organisation] = {}
    people: dict[str, Person] = {}
    for spec in data.ORGANISATIONS:
        organisation = _organisation(spec, bodies, organisations, result)
        organisations[spec["slug"]] = organisation
        units = _units(spec, organisation, result)
        by_role: dict[str, Person] = {}
        prefix = organisation.reference_prefix
        rows = sorted(spec["people"], key=lambda row: data.ROLE_ORDER.index(row[0]))
        for role, name, job_title, unit_key in rows:
            username = data.username_for(prefix, role)
            person = _person(username, name, spec, user_model, result)
            people[username] = person
            by_role[role] = person
            manager_role = data.LINE_MANAGER_ROLE[role]
            _membership(
                person,
                organisation,
                unit=units[unit_key] if unit_key else None,
                job_title=job_title,
                line_manager=by_role.get(manager_role) if manager_role else None,
                roles=[role],
                result=result,
            )
            result.logins.append(DemoLogin(username, organisation.name, [role]))
        for username, roles, name, job_title, unit_key, manager_role in spec.get("colleagues", []):
            person = _person(username, name, spec, user_model, result)
            people[username] = person
            _membership(
                person,
                organisation,
                unit=units[unit_key] if unit_key else None,
                job_title=job_title,
                line_manager=by_role.get(manager_role) if manager_role else None,
                roles=roles,
                result=result,
            )
            result.logins.append(DemoLogin(username, organisation.name, list(roles)))
        for username, roles, job_title in spec.get("guests", []):
            _membership(
                people[username],
                organisation,
                unit=None,
                job_title=job_title,
                line_manager=None,
                roles=roles,
                result=result,
            )
            result.logins.append(DemoLogin(username, organisation.name, list(roles)))
        for key, _kind, _name, _parent, manager_role in spec["units"]:
            unit = units[key]
            if manager_role and unit.manager_id is None:
                services.unit_set_manager(unit=unit, manager=by_role[manager_role])
        _adoptions(spec, organisation, result)

    if not user_model.objects.filter(username=data.SUPERUSER["username"]).exists():
        user = services.login_create(
            username=data.SUPERUSER["username"],
            password=data.DEMO_PASSWORD,
            email=data.SUPERUSER["email"],
            is_superuser=True,
        )
        services.person_create(name=data.SUPERUSER["name"], email=data.SUPERUSER["email"], user=user)
        result.created += 1
    result.logins.insert(0, DemoLogin(data.SUPERUSER["username"], "-", ["superuser"]))
    return result


def _organisation(
    spec: dict[str, Any], bodies: dict[str, ExternalBody], known: dict[str, Organisation], result: DemoResult
) -> Organisation:
    existing = Organisation.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    result.created += 1
    return services.organisation_create(
        name=spec["name"],
        slug=spec["slug"],
        jurisdiction=spec["jurisdiction"],
        time_zone=spec["time_zone"],
        reference_prefix=spec["reference_prefix"],
        default_language=spec["default_language"],
        supported_languages=spec["supported_languages"],
        address=spec.get("address", ""),
        email=spec.get("email", ""),
        phone=spec.get("phone", ""),
        website=spec.get("website", ""),
        provides_complaints_service=spec.get("provides_complaints_service", False),
        served_by=known[spec["served_by"]] if spec.get("served_by") else None,
        external_bodies=[bodies[name] for name in spec.get("external_bodies", [])],
    )


def _units(spec: dict[str, Any], organisation: Organisation, result: DemoResult) -> dict[str, OrganisationalUnit]:
    units: dict[str, OrganisationalUnit] = {}
    for key, kind, name, parent_key, _manager_role in spec["units"]:
        parent = units[parent_key] if parent_key else None
        existing = OrganisationalUnit.objects.filter(organisation=organisation, parent=parent, name=name).first()
        if existing is None:
            existing = services.unit_create(organisation=organisation, kind=kind, name=name, parent=parent)
            result.created += 1
        units[key] = existing
    return units


def _person(username: str, name: str, spec: dict[str, Any], user_model: Any, result: DemoResult) -> Person:
    user = user_model.objects.filter(username=username).first()
    language = spec["default_language"]
    email = _email(name, spec["slug"])
    if user is None:
        first_name, _, last_name = name.partition(" ")
        user = services.login_create(
            username=username,
            password=data.DEMO_PASSWORD,
            email=email,
            language=language,
            first_name=first_name,
            last_name=last_name,
        )
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = services.person_create(name=name, email=email, language=language, user=user)
        result.created += 1
    return person


def _membership(
    person: Person,
    organisation: Organisation,
    *,
    unit: OrganisationalUnit | None,
    job_title: str,
    line_manager: Person | None,
    roles: list[str],
    result: DemoResult,
) -> Membership:
    existing = Membership.objects.filter(person=person, organisation=organisation).first()
    if existing is not None:
        return existing
    result.created += 1
    return services.membership_create(
        person=person,
        organisation=organisation,
        unit=unit,
        job_title=job_title,
        line_manager=line_manager,
        roles=roles,
    )


def _adoptions(spec: dict[str, Any], organisation: Organisation, result: DemoResult) -> None:
    bundled = set(bundled_procedure_ids())
    for adoption in spec["adoptions"]:
        if ProcedureAdoption.objects.filter(
            organisation=organisation, procedure_id=adoption["procedure_id"], version=adoption["version"]
        ).exists():
            continue
        if adoption["procedure_id"] not in bundled:
            result.warnings.append(
                f"{organisation.name}: procedure '{adoption['procedure_id']}' is not bundled yet; adoption skipped"
            )
            continue
        procedure_adopt(
            organisation=organisation,
            procedure_id=adoption["procedure_id"],
            version=adoption["version"],
            active_from=dt.date.fromisoformat(adoption["active_from"]),
        )
        result.created += 1
