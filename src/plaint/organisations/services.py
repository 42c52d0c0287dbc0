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


@transaction.atomic
def membership_create(
    *,
    person: Person,
    organisation: Organisation,
    unit: OrganisationalUnit | None = None,
    job_title: str = "",
    line_manager: Person | None = None,
    roles: Iterable[str] = (),
) -> Membership:
    """Make `person` a member of `organisation`, with the roles named by their codes (`Role.Code`)."""
    membership = Membership(
        person=person, organisation=organisation, unit=unit, job_title=job_title, line_manager=line_manager
    )
    full_clean_or_refuse(membership)
    membership.save()
    for code in roles:
        membership_grant_role(membership=membership, role=code)
    return membership


def membership_set_line_manager(*, membership: Membership, line_manager: Person | None) -> Membership:
    """Name the member's line manager: a member of the same organisation, never themself, no loops (WU-07, WU-09)."""
    membership.line_manager = line_manager
    full_clean_or_refuse(membership)
    membership.save(update_fields=["line_manager"])
    return membership


def _role_row(role: str | Role) -> Role:
    if isinstance(role, Role):
        return role
    if role not in Role.Code.values:
        raise InvalidInput(
            lazy_format(_("There is no role %(role)s."), role=role), errors={"role": [_("Unknown role.")]}
        )
    return Role.objects.get(code=role)


def membership_grant_role(*, membership: Membership, role: str | Role) -> Role:
    """Give the member a role; granting a role they already hold changes nothing. `InvalidInput` for an unknown one."""
    role_row = _role_row(role)
    membership.roles.add(role_row)
    return role_row


def membership_revoke_role(*, membership: Membership, role: str | Role) -> None:
    role_row = _role_row(role)
    membership.roles.remove(role_row)
