"""Writes of the organisations app. Every function validates (`full_clean`) before it saves, and refuses with
Plaint's `InvalidInput` (400, the message per field), never Django's `ValidationError`.

Other apps, the admin's actions and the demo loader create organisations, units, people, memberships and roles only
through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint.core.audit import Actor, AuditSource, audit
from plaint.core.errors import InvalidInput, full_clean_or_refuse, invalid_input_from, lazy_format
from plaint.organisations.models import (
    ExternalBody,
    Membership,
    Organisation,
    OrganisationalUnit,
    Person,
    Role,
)

if TYPE_CHECKING:
    from plaint.access.models import User


def external_body_create(
    *,
    name: str,
    kind: str = ExternalBody.Kind.OTHER,
    address: str = "",
    email: str = "",
    phone: str = "",
    website: str = "",
) -> ExternalBody:
    body = ExternalBody(name=name, kind=kind, address=address, email=email, phone=phone, website=website)
    full_clean_or_refuse(body)
    body.save()
    return body


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    jurisdiction: str,
    time_zone: str,
    reference_prefix: str,
    default_language: str = "en",
    supported_languages: Sequence[str] | None = None,
    address: str = "",
    email: str = "",
    phone: str = "",
    website: str = "",
    provides_complaints_service: bool = False,
    served_by: Organisation | None = None,
    external_bodies: Iterable[ExternalBody] = (),
) -> Organisation:
    """Create an organisation. `supported_languages` defaults to the default language alone."""
    organisation = Organisation(
        name=name,
        slug=slug,
        jurisdiction=jurisdiction,
        time_zone=time_zone,
        reference_prefix=reference_prefix,
        default_language=default_language,
        supported_languages=list(supported_languages) if supported_languages else [default_language],
        address=address,
        email=email,
        phone=phone,
        website=website,
        provides_complaints_service=provides_complaints_service,
        served_by=served_by,
    )
    full_clean_or_refuse(organisation)
    organisation.save()
    organisation.external_bodies.set(list(external_bodies))
    return organisation


def organisation_set_served_by(*, organisation: Organisation, served_by: Organisation | None) -> Organisation:
    """Make `served_by` (a complaints-officer firm) provide `organisation`'s complaints service, or stop it (WV-02)."""
    organisation.served_by = served_by
    full_clean_or_refuse(organisation)
    organisation.save(update_fields=["served_by"])
    return organisation


def unit_create(
    *,
    organisation: Organisation,
    kind: str,
    name: str,
    parent: OrganisationalUnit | None = None,
    manager: Person | None = None,
) -> OrganisationalUnit:
    """Add a department, location, project or team under `parent` (or directly under the organisation)."""
    unit = OrganisationalUnit(organisation=organisation, kind=kind, name=name, parent=parent, manager=manager)
    full_clean_or_refuse(unit)
    unit.save()
    return unit


def unit_set_manager(*, unit: OrganisationalUnit, manager: Person | None) -> OrganisationalUnit:
    unit.manager = manager
    full_clean_or_refuse(unit)
    unit.save(update_fields=["manager"])
    return unit


def person_create(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    language: str = "en",
    user: User | None = None,
) -> Person:
    person = Person(name=name, email=email, phone=phone, language=language, user=user)
    full_clean_or_refuse(person)
    person.save()
    return person


def login_create(*, username: str, password: str, email: str = "", language: str = "en", **fields: Any) -> User:
    """Create a staff login whose password passes the configured validators (raises `InvalidInput` if not)."""
    user = get_user_model()(username=username, email=email, language=language, is_staff=True, **fields)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise InvalidInput(invalid_input_from(error).detail, errors={"password": error.messages}) from error
    user.set_password(password)
    full_clean_or_refuse(user)
    user.save()
    return user


# Memberships and roles: who may do what. Every change is audited (docs/audit.md) in its own transaction; `actor` is
# the user who made it (None for the system: the demo loader, a command), `source` where the request came from.

_MEMBERSHIP_FIELDS = ("unit_id", "job_title", "line_manager_id", "started_on", "ended_on")


def _audit(
    membership: Membership,
    action: str,
    *,
    actor: Actor,
    source: AuditSource | None,
    **details: Any,
) -> None:
    audit(
        actor=actor,
        action=action,
        target_type="membership",
        target_id=membership.pk,
        organisation=membership.organisation,
        details={"person": membership.person_id, **details},
        source=source,
    )


@transaction.atomic
def membership_create(
    *,
    person: Person,
    organisation: Organisation,
    unit: OrganisationalUnit | None = None,
    job_title: str = "",
    line_manager: Person | None = None,
    roles: Iterable[str] = (),
    actor: Actor = None,
    source: AuditSource | None = None,
) -> Membership:
    """Make `person` a member of `organisation`, with the roles named by their codes (`Role.Code`)."""
    membership = Membership(
        person=person, organisation=organisation, unit=unit, job_title=job_title, line_manager=line_manager
    )
    return membership_save(membership=membership, roles=roles, actor=actor, source=source)


@transaction.atomic
def membership_save(
    *,
    membership: Membership,
    roles: Iterable[str | Role] | None = None,
    actor: Actor = None,
    source: AuditSource | None = None,
) -> Membership:
    """Validate and save a new or changed membership (the admin passes the one its form filled in); with `roles`,
    the member then holds exactly those. Audited: `membership.created` or `membership.changed` (the fields)."""
    before = (
        Membership.objects.filter(pk=membership.pk).values(*_MEMBERSHIP_FIELDS).first()
        if membership.pk is not None
        else None
    )
    full_clean_or_refuse(membership)
    membership.save()
    if before is None:
        fields = [field for field in _MEMBERSHIP_FIELDS if getattr(membership, field) not in (None, "")]
        _audit(membership, "membership.created", actor=actor, source=source, fields=fields)
    else:
        fields = [field for field in _MEMBERSHIP_FIELDS if getattr(membership, field) != before[field]]
        if fields:
            _audit(membership, "membership.changed", actor=actor, source=source, fields=fields)
    if roles is not None:
        membership_set_roles(membership=membership, roles=roles, actor=actor, source=source)
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership, actor: Actor = None, source: AuditSource | None = None) -> None:
    """End a membership by removing it, with its roles. Audited: `membership.deleted` (with the roles it held)."""
    roles = sorted(membership.roles.values_list("code", flat=True))
    _audit(membership, "membership.deleted", actor=actor, source=source, roles=roles)
    membership.delete()


def membership_set_line_manager(
    *,
    membership: Membership,
    line_manager: Person | None,
    actor: Actor = None,
    source: AuditSource | None = None,
) -> Membership:
    """Name the member's line manager: a member of the same organisation, never themself, no loops (WU-07, WU-09)."""
    membership.line_manager = line_manager
    return membership_save(membership=membership, actor=actor, source=source)


def _role_row(role: str | Role) -> Role:
    if isinstance(role, Role):
        return role
    if role not in Role.Code.values:
        raise InvalidInput(
            lazy_format(_("There is no role %(role)s."), role=role), errors={"role": [_("Unknown role.")]}
        )
    return Role.objects.get(code=role)


@transaction.atomic
def membership_grant_role(
    *,
    membership: Membership,
    role: str | Role,
    actor: Actor = None,
    source: AuditSource | None = None,
) -> Role:
    """Give the member a role; granting a role they already hold changes nothing. `InvalidInput` for an unknown one.
    Audited: `membership.role_granted`."""
    role_row = _role_row(role)
    if not membership.roles.filter(pk=role_row.pk).exists():
        membership.roles.add(role_row)
        _audit(membership, "membership.role_granted", actor=actor, source=source, role=role_row.code)
    return role_row


@transaction.atomic
def membership_revoke_role(
    *,
    membership: Membership,
    role: str | Role,
    actor: Actor = None,
    source: AuditSource | None = None,
) -> None:
    """Take a role from the member (nothing when they do not hold it). Audited: `membership.role_revoked`."""
    role_row = _role_row(role)
    if membership.roles.filter(pk=role_row.pk).exists():
        membership.roles.remove(role_row)
        _audit(membership, "membership.role_revoked", actor=actor, source=source, role=role_row.code)


@transaction.atomic
def membership_set_roles(
    *,
    membership: Membership,
    roles: Iterable[str | Role],
    actor: Actor = None,
    source: AuditSource | None = None,
) -> None:
    """Make the member hold exactly `roles`: each grant and each revocation is its own audit record."""
    wanted = {_role_row(role).code: _role_row(role) for role in roles}
    held = {role.code: role for role in membership.roles.all()}
    for code in sorted(held.keys() - wanted.keys()):
        membership_revoke_role(membership=membership, role=held[code], actor=actor, source=source)
    for code in sorted(wanted.keys() - held.keys()):
        membership_grant_role(membership=membership, role=wanted[code], actor=actor, source=source)


def person_set_language(*, person: Person, language: str) -> Person:
    """The language the person reads Plaint and its emails in (`en` or `nl`); `InvalidInput` for another."""
    person.language = language
    full_clean_or_refuse(person, exclude=["user"])
    person.save(update_fields=["language"])
    return person
