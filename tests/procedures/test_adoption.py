"""Procedure adoptions: which bundled procedure, in which version, an organisation's new cases follow (WP-23, WV-02)."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.core.errors import InvalidInput
from plaint.organisations import selectors as organisation_selectors
from plaint.procedures.selectors import adoption_in_force, adoptions_of, bundled_procedure_ids, procedure_for
from plaint.procedures.services import procedure_adopt
from tests.organisations.factories import OrganisationFactory, bundle_procedures

pytestmark = pytest.mark.django_db

JAN_1 = dt.date(2025, 1, 1)


@pytest.fixture
def bundled(monkeypatch, tmp_path):
    return bundle_procedures(monkeypatch, tmp_path / "bundled", "werk-in-vertrouwen", "werkpro", "xs2more")


def test_bundled_procedure_ids_are_the_yaml_file_stems(bundled):
    # Given a bundled directory with three procedure files and a stray text file
    (bundled / "README.txt").write_text("not a procedure")
    # when the ids are listed, then they are the stems of the .yaml files, sorted
    assert bundled_procedure_ids() == ["werk-in-vertrouwen", "werkpro", "xs2more"]


def test_an_unknown_procedure_cannot_be_adopted(bundled):
    # Given an organisation, when it adopts a procedure that is not bundled, then that is refused
    organisation = OrganisationFactory()
    with pytest.raises(InvalidInput) as error:
        procedure_adopt(organisation=organisation, procedure_id="no-such-procedure", active_from=JAN_1)
    assert "procedure_id" in error.value.errors
    assert adoptions_of(organisation=organisation) == []


def test_wp23_a_new_version_applies_from_its_start_and_the_old_one_before(bundled):
    # Given WerkPro's regulation, version 1 from 1 February 2022 (WP-23: valid indefinitely, may be amended)
    werkpro = OrganisationFactory(name="WerkPro")
    first = procedure_adopt(organisation=werkpro, procedure_id="werkpro", version=1, active_from=dt.date(2022, 2, 1))
    # when version 2 is adopted from 1 July 2025
    second = procedure_adopt(organisation=werkpro, procedure_id="werkpro", version=2, active_from=dt.date(2025, 7, 1))
    # then version 1 now ends the day version 2 starts
    first.refresh_from_db()
    assert first.active_until == dt.date(2025, 7, 1)
    # and each date gets the version in force on it: old cases keep v1, new cases get v2
    assert adoption_in_force(organisation=werkpro, on=dt.date(2022, 1, 31)) is None
    assert adoption_in_force(organisation=werkpro, on=dt.date(2022, 2, 1)) == first
    assert adoption_in_force(organisation=werkpro, on=dt.date(2025, 6, 30)) == first
    assert adoption_in_force(organisation=werkpro, on=dt.date(2025, 7, 1)) == second
    assert procedure_for(organisation=werkpro, on=dt.date(2030, 1, 1)) == second
    assert adoptions_of(organisation=werkpro) == [second, first]


def test_wp23_adoptions_of_one_organisation_may_not_overlap(bundled):
    # Given version 1 in force during 2025 only
    organisation = OrganisationFactory()
    procedure_adopt(
        organisation=organisation, procedure_id="xs2more", active_from=JAN_1, active_until=dt.date(2026, 1, 1)
    )
    # when another adoption would start inside that period, then it is refused
    with pytest.raises(InvalidInput) as error:
        procedure_adopt(organisation=organisation, procedure_id="xs2more", version=2, active_from=dt.date(2025, 6, 1))
    assert "active_from" in error.value.errors
    # and an adoption ending before it starts is refused too
    with pytest.raises(InvalidInput):
        procedure_adopt(
            organisation=organisation,
            procedure_id="xs2more",
            version=3,
            active_from=dt.date(2027, 1, 1),
            active_until=dt.date(2026, 1, 1),
        )
    # while the next period is free
    procedure_adopt(organisation=organisation, procedure_id="xs2more", version=2, active_from=dt.date(2026, 1, 1))


def test_wv02_a_client_with_its_own_regulation_uses_it(bundled):
    # Given Werk in vertrouwen, which serves client organisations, and a client with a regulation of its own
    firm = OrganisationFactory(name="Werk in vertrouwen", provider=True)
    procedure_adopt(organisation=firm, procedure_id="werk-in-vertrouwen", active_from=JAN_1)
    client = OrganisationFactory(name="Stichting Welzijn De Linde", served_by=firm)
    own = procedure_adopt(organisation=client, procedure_id="werkpro", active_from=JAN_1)
    # when the procedure for a complaint received at the client is asked for
    # then the client's own regulation applies (WV-02)
    assert procedure_for(organisation=client, on=dt.date(2025, 3, 1)) == own
    assert organisation_selectors.organisation_for_procedure(organisation=client, on=dt.date(2025, 3, 1)) == client


def test_wv02_a_client_without_a_regulation_uses_the_firms(bundled):
    # Given Werk in vertrouwen's regulation and a client without one
    firm = OrganisationFactory(name="Werk in vertrouwen", provider=True)
    firms = procedure_adopt(organisation=firm, procedure_id="werk-in-vertrouwen", active_from=JAN_1)
    client = OrganisationFactory(name="Bakkerij Het Korenblad", served_by=firm)
    # when the procedure for a complaint received at the client is asked for
    # then Werk in vertrouwen's regulation applies (WV-02)
    assert procedure_for(organisation=client, on=dt.date(2025, 3, 1)) == firms
    assert organisation_selectors.organisation_for_procedure(organisation=client, on=dt.date(2025, 3, 1)) == firm
    # and before the firm's regulation was in force there was none
    assert procedure_for(organisation=client, on=dt.date(2024, 12, 31)) is None


def test_wv02_a_clients_own_regulation_counts_only_while_in_force(bundled):
    # Given a client whose own regulation starts later than the firm's
    firm = OrganisationFactory(provider=True)
    firms = procedure_adopt(organisation=firm, procedure_id="werk-in-vertrouwen", active_from=JAN_1)
    client = OrganisationFactory(served_by=firm)
    own = procedure_adopt(organisation=client, procedure_id="xs2more", active_from=dt.date(2025, 9, 1))
    # when asked before and after that start, then the firm's applies before and the client's after (WV-02, WP-23)
    assert procedure_for(organisation=client, on=dt.date(2025, 8, 31)) == firms
    assert procedure_for(organisation=client, on=dt.date(2025, 9, 1)) == own


def test_an_organisation_without_adoption_or_provider_has_no_procedure(bundled):
    organisation = OrganisationFactory()
    assert procedure_for(organisation=organisation, on=JAN_1) is None
    assert organisation_selectors.organisation_for_procedure(organisation=organisation, on=JAN_1) is None
