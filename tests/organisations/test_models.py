"""Validation of organisations, units and memberships, as the admin and every service apply it: the services refuse
with Plaint's `InvalidInput` (400), the models' `full_clean` with Django's `ValidationError` (for the admin's forms)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plaint.core.errors import InvalidInput
from plaint.organisations import services
from plaint.organisations.models import OrganisationalUnit
from tests.organisations.factories import MembershipFactory, OrganisationFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _create(**overrides: object):
    fields = {
        "name": "Xs2more",
        "slug": "xs2more",
        "jurisdiction": "NL",
        "time_zone": "Europe/Amsterdam",
        "reference_prefix": "XS",
        "default_language": "nl",
    } | overrides
    return services.organisation_create(**fields)  # type: ignore[arg-type]


def test_organisation_create_defaults_supported_languages_to_the_default_language():
    # Given an organisation created with Dutch as its only language, when it is read back
    organisation = _create()
    # then it supports Dutch only
    assert organisation.supported_languages == ["nl"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Europe/Amsterdan"),
        ("time_zone", "CET+1"),
        ("reference_prefix", "xs"),
        ("reference_prefix", "X"),
        ("reference_prefix", "TOOLONG"),
        ("jurisdiction", "BE"),
        ("supported_languages", ["nl", "de"]),
        ("supported_languages", ["en"]),  # without the default language nl
    ],
)
def test_organisation_rejects_invalid_values(field, value):
    # Given one wrong value, when the organisation is created, then validation names that field
    with pytest.raises(InvalidInput) as error:
        _create(**{field: value})
    assert field in error.value.errors


def test_reference_prefix_is_unique():
    # Given an organisation with prefix XS
    _create()
    # when another takes the same prefix, then it is refused
    with pytest.raises(InvalidInput) as error:
        _create(slug="other", name="Other")
    assert "reference_prefix" in error.value.errors


def test_served_by_must_provide_the_complaints_service():
    # Given a firm that does not provide the complaints service to others
    ordinary = OrganisationFactory()
    client = OrganisationFactory()
    # when a client names it, then that is refused; a provider is accepted (WV-02)
    with pytest.raises(InvalidInput) as error:
        services.organisation_set_served_by(organisation=client, served_by=ordinary)
    assert "served_by" in error.value.errors
    firm = OrganisationFactory(provider=True)
    services.organisation_set_served_by(organisation=client, served_by=firm)
    assert list(firm.clients.all()) == [client]


def test_an_organisation_cannot_serve_itself_nor_be_a_served_provider():
    # Given a firm with a client
    firm = OrganisationFactory(provider=True)
    other_firm = OrganisationFactory(provider=True)
    OrganisationFactory(served_by=firm)
    # when it names itself, or another firm, as its provider, then both are refused
    with pytest.raises(InvalidInput):
        services.organisation_set_served_by(organisation=firm, served_by=firm)
    with pytest.raises(InvalidInput):
        services.organisation_set_served_by(organisation=firm, served_by=other_firm)


def test_wp02_unit_parent_must_be_in_the_same_organisation():
    # Given a department of another organisation
    foreign = UnitFactory()
    organisation = OrganisationFactory()
    # when a team of this organisation is put under it, then that is refused
    with pytest.raises(InvalidInput) as error:
        services.unit_create(organisation=organisation, kind="team", name="Team", parent=foreign)
    assert "parent" in error.value.errors


def test_wp02_unit_tree_has_no_cycles():
    # Given department > location > team
    department = UnitFactory(kind="department")
    location = services.unit_create(
        organisation=department.organisation, kind="location", name="Groningen", parent=department
    )
    team = services.unit_create(organisation=department.organisation, kind="team", name="Team", parent=location)
    # when the department is put under its own team, or under itself, then that is refused
    department.parent = team
    with pytest.raises(ValidationError) as error:
        department.full_clean()
    assert "parent" in error.value.message_dict
    department.parent = department
    with pytest.raises(ValidationError):
        department.full_clean()
    # and the database refuses a unit that is its own parent outright
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationalUnit.objects.filter(pk=department.pk).update(parent=department.pk)


def test_unit_manager_must_be_a_member():
    # Given a unit and a person who is not a member of its organisation
    unit = UnitFactory()
    outsider = PersonFactory()
    # when they are made its manager, then that is refused
    with pytest.raises(InvalidInput) as error:
        services.unit_set_manager(unit=unit, manager=outsider)
    assert "manager" in error.value.errors


def test_wu07_line_manager_must_be_a_colleague_and_not_oneself():
    # Given a member, a colleague, and a person of another organisation
    membership = MembershipFactory()
    colleague = MembershipFactory(organisation=membership.organisation).person
    stranger = MembershipFactory().person
    # when the line manager is set to the member themself or to the stranger, then it is refused
    for wrong in (membership.person, stranger):
        with pytest.raises(InvalidInput) as error:
            services.membership_set_line_manager(membership=membership, line_manager=wrong)
        assert "line_manager" in error.value.errors
    # and a colleague is accepted
    services.membership_set_line_manager(membership=membership, line_manager=colleague)
    membership.refresh_from_db()
    assert membership.line_manager == colleague


def test_wu07_line_management_has_no_loops():
    # Given A managed by B, B managed by C
    a = MembershipFactory()
    b = MembershipFactory(organisation=a.organisation)
    c = MembershipFactory(organisation=a.organisation)
    services.membership_set_line_manager(membership=a, line_manager=b.person)
    services.membership_set_line_manager(membership=b, line_manager=c.person)
    # when C would be managed by A, then that is refused
    with pytest.raises(InvalidInput) as error:
        services.membership_set_line_manager(membership=c, line_manager=a.person)
    assert "line_manager" in error.value.errors


def test_membership_is_unique_per_person_and_organisation():
    # Given a membership, when the same person joins the same organisation again, then it is refused
    membership = MembershipFactory()
    with pytest.raises(InvalidInput):
        services.membership_create(person=membership.person, organisation=membership.organisation)


def test_membership_unit_must_be_of_the_same_organisation():
    # Given a unit of another organisation, when a membership names it, then it is refused
    person = PersonFactory()
    with pytest.raises(InvalidInput) as error:
        services.membership_create(person=person, organisation=OrganisationFactory(), unit=UnitFactory())
    assert "unit" in error.value.errors


def test_roles_are_seeded_and_granting_twice_changes_nothing():
    # Given the roles of the data migration and a membership
    membership = MembershipFactory()
    # when a role is granted twice, then the member holds it once
    services.membership_grant_role(membership=membership, role="handler")
    services.membership_grant_role(membership=membership, role="handler")
    assert list(membership.roles.values_list("code", flat=True)) == ["handler"]
    services.membership_revoke_role(membership=membership, role="handler")
    assert not membership.roles.exists()
    # and an unknown role code is refused
    with pytest.raises(InvalidInput):
        services.membership_grant_role(membership=membership, role="king")


def test_all_nine_roles_exist_with_english_and_dutch_names():
    from django.utils import translation

    from plaint.organisations.models import Role

    # Given the seeded roles, when they are shown in English and in Dutch
    codes = list(Role.objects.values_list("code", flat=True))
    assert codes == [
        "intake_staff", "handler", "manager", "senior_manager", "board_member",
        "complaints_officer", "committee_member", "analyst", "administrator",
    ]  # fmt: skip
    role = Role.objects.get(code="complaints_officer")
    with translation.override("en"):
        assert str(role) == "complaints officer"
    # then the Dutch name is the glossary's word
    with translation.override("nl"):
        assert str(role) == "klachtenfunctionaris"
