"""Set-ups for case tests: an organisation running a bundled procedure, and staff holding given roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.cases.selectors import case_view
from plaint.cases.services import PartyInput, Registration, case_act, case_register
from plaint.core import clock
from plaint.engine import case_path
from plaint.engine.paths import PARTIES, step_data, who_takes
from plaint.organisations.models import Organisation, Person
from plaint.procedures.selectors import procedure_definition, procedure_for
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


def case_in_stage(organisation: Organisation, stage: str, *, status: str = "open", kind: str = "complaint") -> Case:
    """A case of `organisation` brought to `stage` (and `status`: "open", "closed" or "closed-<outcome>") by the
    shortest run of actions its procedure allows (`engine.case_path`), each taken through `case_act` by a member
    holding the role that may take it, or recorded by intake staff on a party's behalf."""
    adoption = procedure_for(organisation=organisation, on=clock.today_in(organisation.time_zone))
    assert adoption is not None, f"{organisation} runs no procedure"
    procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
    intake = staff(organisation, "intake_staff")
    case = register(organisation, intake, kind=kind)
    actors: dict[str, User] = {}
    for step in case_path(procedure, stage, kind=kind, status=status):
        who = who_takes(case_view(case=case), step.event, procedure.roles)
        assert who is not None, f"nobody may take {step.event}"
        if who in PARTIES:
            actor, on_behalf_of = intake, who
        else:
            actor, on_behalf_of = actors.setdefault(who, staff(organisation, who)), None
        data = step_data(step, handler=person_of(actor).pk)
        case = case_act(case=case, actor=actor, action=step.event, data=data, on_behalf_of=on_behalf_of)
    return case
