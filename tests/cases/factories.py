"""Set-ups for case tests: an organisation running a bundled procedure, and staff holding given roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.cases.services import PartyInput, Registration, case_register
from plaint.organisations.models import Organisation, Person
from tests.organisations.factories import AdoptionFactory, MembershipFactory, OrganisationFactory, PersonFactory


def organisation_running(procedure_id: str, **fields: Any) -> Organisation:
    """An organisation whose cases follow the bundled procedure `procedure_id` (version 1) since 2025."""
    uk = procedure_id.startswith(("workers-union", "workare"))
    organisation = OrganisationFactory(uk=uk, **fields)
    AdoptionFactory(organisation=organisation, procedure_id=procedure_id, version=1, active_from=dt.date(2025, 1, 1))
    return organisation


def staff(organisation: Organisation, *roles: str, line_manager: Person | None = None, name: str = "") -> User:
    """A login whose person holds `roles` in `organisation`."""
    person = PersonFactory(with_login=True, **({"name": name} if name else {}))
    MembershipFactory(person=person, organisation=organisation, roles=list(roles), line_manager=line_manager)
    assert person.user is not None
    return person.user


def person_of(user: User) -> Person:
    return Person.objects.get(user=user)


def register(
    organisation: Organisation,
    actor: User | None,
    *,
    kind: str = "complaint",
    channel: str = "in_writing",
    subjects: tuple[PartyInput, ...] = (),
    **fields: Any,
) -> Case:
    registration = Registration(
        kind=kind,
        channel=channel,
        description=fields.pop("description", "The coach did not turn up three times."),
        complainant=fields.pop(
            "complainant", PartyInput(role="complainant", name="Sam Taylor", email="sam@example.org")
        ),
        subjects=subjects,
        **fields,
    )
    return case_register(organisation=organisation, registration=registration, actor=actor)
