"""Configuration writes are services and are audited: memberships and roles, procedure adoptions, in the services
and through the admin (which calls the same services)."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.organisations import services
from plaint.organisations.models import Membership, Role
from plaint.procedures.models import ProcedureAdoption
from plaint.procedures.services import procedure_adopt
from tests.organisations.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    bundle_procedures,
)

pytestmark = pytest.mark.django_db


def _records(prefix: str) -> list[tuple[str, str, dict]]:
    return [
        (record.action, record.actor_description, record.details)
        for record in AuditRecord.objects.filter(action__startswith=prefix).order_by("sequence")
    ]


def test_membership_and_role_changes_are_audited_by_the_services():
    # Given an administrator and a person joining an organisation
    actor = UserFactory(username="boss")
    organisation = OrganisationFactory()
    person = PersonFactory()
    # When the membership is created with a role, a role is added and one taken away, and the membership removed
    membership = services.membership_create(person=person, organisation=organisation, roles=["handler"], actor=actor)
    services.membership_set_roles(membership=membership, roles=["manager"], actor=actor)
    services.membership_grant_role(membership=membership, role="manager", actor=actor)  # held already: nothing
    services.membership_delete(membership=membership, actor=actor)
    # Then each change is one record, by the administrator, naming the person and the role, never more
    assert _records("membership.") == [
        ("membership.created", "boss", {"person": person.pk, "fields": []}),
        ("membership.role_granted", "boss", {"person": person.pk, "role": "handler"}),
        ("membership.role_revoked", "boss", {"person": person.pk, "role": "handler"}),
        ("membership.role_granted", "boss", {"person": person.pk, "role": "manager"}),
        ("membership.deleted", "boss", {"person": person.pk, "roles": ["manager"]}),
    ]
    assert {record.organisation_id for record in AuditRecord.objects.filter(action__startswith="membership.")} == {
        organisation.pk
    }


def test_a_line_manager_change_is_audited_with_the_field_only():
    membership = MembershipFactory()
    colleague = MembershipFactory(organisation=membership.organisation).person
    services.membership_set_line_manager(membership=membership, line_manager=colleague)
    assert _records("membership.") == [
        ("membership.changed", "system", {"person": membership.person_id, "fields": ["line_manager_id"]})
    ]


def test_adopting_a_procedure_is_audited_and_ends_the_open_adoption(monkeypatch, tmp_path):
    bundle_procedures(monkeypatch, tmp_path / "bundled", "xs2more")
    organisation = OrganisationFactory()
    actor = UserFactory(username="boss")
    first = procedure_adopt(organisation=organisation, procedure_id="xs2more", active_from=dt.date(2025, 1, 1))
    second = procedure_adopt(
        organisation=organisation, procedure_id="xs2more", version=2, active_from=dt.date(2026, 1, 1), actor=actor
    )
    common = {"procedure": "xs2more"}
    assert _records("procedure.") == [
        ("procedure.adopted", "system", {**common, "version": 1, "active_from": "2025-01-01", "active_until": None}),
        (
            "procedure.adoption_changed",
            "boss",
            {
                **common,
                "version": 1,
                "active_from": "2025-01-01",
                "active_until": "2026-01-01",
                "fields": ["active_until"],
            },
        ),
        ("procedure.adopted", "boss", {**common, "version": 2, "active_from": "2026-01-01", "active_until": None}),
    ]
    assert {record.target_id for record in AuditRecord.objects.filter(action__startswith="procedure.")} == {
        str(first.pk),
        str(second.pk),
    }


def test_the_admin_changes_roles_and_adoptions_through_the_audited_services(
    admin_client, admin_user, monkeypatch, tmp_path
):
    # Given a member holding the handler role, and a procedure adoption
    bundle_procedures(monkeypatch, tmp_path / "bundled", "xs2more")
    membership = MembershipFactory(roles=["handler"], unit=None)
    organisation = membership.organisation
    manager = Role.objects.get(code="manager")
    # When a superuser gives them the manager role instead, in the admin
    response = admin_client.post(
        f"/admin/organisations/membership/{membership.pk}/change/",
        {
            "person": membership.person_id,
            "organisation": organisation.pk,
            "unit": "",
            "job_title": "Team lead",
            "line_manager": "",
            "roles": [manager.pk],
            "started_on": "",
            "ended_on": "",
        },
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Then the change and both role changes are recorded, by the superuser, from their address
    records = list(AuditRecord.objects.filter(action__startswith="membership.").order_by("sequence"))
    assert [(record.action, record.details) for record in records] == [
        ("membership.changed", {"person": membership.person_id, "fields": ["job_title"]}),
        ("membership.role_revoked", {"person": membership.person_id, "role": "handler"}),
        ("membership.role_granted", {"person": membership.person_id, "role": "manager"}),
    ]
    assert {(record.actor_id, record.ip_address) for record in records} == {(admin_user.pk, "192.0.2.7")}
    assert list(Membership.objects.get(pk=membership.pk).roles.values_list("code", flat=True)) == ["manager"]
    # When they add an adoption and then delete it in the admin
    response = admin_client.post(
        "/admin/procedures/procedureadoption/add/",
        {"organisation": organisation.pk, "procedure_id": "xs2more", "version": 1, "active_from": "2025-01-01"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    adoption = ProcedureAdoption.objects.get(organisation=organisation)
    response = admin_client.post(f"/admin/procedures/procedureadoption/{adoption.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    # Then both are recorded
    assert [record[0] for record in _records("procedure.")] == ["procedure.adopted", "procedure.adoption_deleted"]
    assert not ProcedureAdoption.objects.filter(organisation=organisation).exists()


def test_a_membership_added_inline_on_the_person_page_is_audited(admin_client):
    # Given a person, when a membership with a role is added on their page
    person = PersonFactory()
    organisation = OrganisationFactory()
    handler = Role.objects.get(code="handler")
    prefix = "memberships"
    response = admin_client.post(
        f"/admin/organisations/person/{person.pk}/change/",
        {
            "name": person.name,
            "email": person.email,
            "phone": "",
            "language": person.language,
            "user": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-organisation": organisation.pk,
            f"{prefix}-0-unit": "",
            f"{prefix}-0-job_title": "Handler",
            f"{prefix}-0-line_manager": "",
            f"{prefix}-0-roles": [handler.pk],
            f"{prefix}-0-started_on": "",
            f"{prefix}-0-ended_on": "",
            f"{prefix}-0-person": person.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # Then the membership and its role are recorded
    assert [record[0] for record in _records("membership.")] == ["membership.created", "membership.role_granted"]
