"""The admin of organisations, people, roles and procedure adoptions, in English and Dutch."""

from __future__ import annotations

import pytest

from tests.organisations.factories import (
    AdoptionFactory,
    ExternalBodyFactory,
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    bundle_procedures,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "organisations/organisation",
    "organisations/organisationalunit",
    "organisations/externalbody",
    "organisations/person",
    "organisations/membership",
    "organisations/role",
    "procedures/procedureadoption",
    "access/user",
]
ADDABLE = [model for model in MODELS if model != "organisations/role"]  # roles are fixed by a data migration


@pytest.fixture
def populated(monkeypatch, tmp_path):
    bundle_procedures(monkeypatch, tmp_path / "bundled", "xs2more")
    organisation = OrganisationFactory(name="Xs2more", provider=True)
    organisation.external_bodies.add(ExternalBodyFactory(name="College voor Klachten en Arbitrage van Blik op Werk"))
    unit = UnitFactory(organisation=organisation)
    MembershipFactory(organisation=organisation, unit=unit, roles=["handler", "manager"])
    AdoptionFactory(organisation=organisation)
    return organisation


@pytest.mark.parametrize("prefix", ["", "/nl"])
@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_change_form_render(admin_client, populated, prefix, model):
    # Given some data, when a superuser opens the list in English or Dutch, then it renders
    response = admin_client.get(f"{prefix}/admin/{model}/")
    assert response.status_code == 200
    # and so does the page of the first row
    first = response.context["cl"].result_list[0]
    assert admin_client.get(f"{prefix}/admin/{model}/{first.pk}/change/").status_code == 200


@pytest.mark.parametrize("prefix", ["", "/nl"])
@pytest.mark.parametrize("model", ADDABLE)
def test_add_form_renders(admin_client, populated, prefix, model):
    assert admin_client.get(f"{prefix}/admin/{model}/add/").status_code == 200


def test_roles_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get("/admin/organisations/role/add/").status_code == 403


def test_dutch_admin_uses_the_glossary_words(admin_client, populated):
    # Given the Dutch admin, when the index, the membership list and the organisation form are opened
    index = admin_client.get("/nl/admin/").content.decode()
    memberships = admin_client.get("/nl/admin/organisations/membership/").content.decode()
    organisation = admin_client.get(f"/nl/admin/organisations/organisation/{populated.pk}/change/").content.decode()
    # then the labels are Dutch
    for label in ["Organisaties", "Externe instanties", "Organisatieonderdelen", "Personen", "Lidmaatschappen"]:
        assert label in index
    assert "Vastgestelde procedures" in index
    assert "behandelaar" in memberships  # the role "handler"
    for label in ["Voorvoegsel dossiernummer", "Rechtsgebied", "Tijdzone", "Klachtenvoorziening door", "Nederland"]:
        assert label in organisation
    # while the English admin stays English
    english = admin_client.get(f"/admin/organisations/organisation/{populated.pk}/change/").content.decode()
    assert "Reference prefix" in english
    assert "Voorvoegsel dossiernummer" not in english


def test_admin_form_refuses_a_unit_under_another_organisations_unit(admin_client, populated):
    # Given a unit of another organisation, when a unit of Xs2more is saved under it in the admin
    foreign = UnitFactory()
    response = admin_client.post(
        "/admin/organisations/organisationalunit/add/",
        {"organisation": populated.pk, "parent": foreign.pk, "kind": "team", "name": "Team"},
    )
    # then the form comes back with the error instead of saving
    assert response.status_code == 200
    assert "must be in the same organisation" in response.content.decode()


def test_admin_procedure_choices_are_the_bundled_files(admin_client, populated):
    response = admin_client.get("/admin/procedures/procedureadoption/add/")
    assert '<option value="xs2more">xs2more</option>' in response.content.decode()
