"""The actor's scope (issue 17): memberships with roles and line managers, the clients of the firms they work for and
the units they manage, read once (with the API token: no query of its own) and passed to the list filter, which is
built once per set of inputs and kept. A change of any of them shows at once, also on the same user object (one
request): the scope is dropped by the signals of `access.apps` and the kept filter is keyed by what it was built
from."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token

from plaint.access.roles import actor_roles, person_roles
from plaint.api.authentication import PersonTokenAuthentication
from plaint.cases.models import Case
from plaint.cases.selectors import cases_visible_to
from plaint.cases.services import PartyInput
from plaint.organisations.models import Membership
from plaint.organisations.services import membership_set_line_manager, organisation_set_served_by, unit_set_manager
from tests.api.conftest import at
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

MARCH_3 = dt.date(2025, 3, 3)


def _visible(user) -> set[int]:
    return set(cases_visible_to(actor=user).values_list("pk", flat=True))


@pytest.mark.clause("WV-02")
def test_the_scope_read_with_the_token_is_the_scope_read_on_its_own():
    # Given a firm officer serving a client, with a line manager, a role-less membership elsewhere and a unit
    firm = OrganisationFactory(time_zone="Europe/Amsterdam")
    client = organisation_running("werk-in-vertrouwen", served_by=firm, time_zone="Europe/Amsterdam")
    boss = staff(firm, "senior_manager")
    officer = staff(firm, "complaints_officer", line_manager=person_of(boss))
    Membership.objects.create(person=person_of(officer), organisation=OrganisationFactory())
    unit = UnitFactory(organisation=client, manager=person_of(officer))
    token = Token.objects.create(user=officer)
    # When the token authenticates the request
    user, _token = PersonTokenAuthentication().authenticate_credentials(token.key)
    with_token = user._plaint_roles[1]
    # then its scope is the one read on its own, and holds all of it
    assert with_token == person_roles(person_of(officer))
    assert with_token.own == {firm.pk: frozenset({"complaints_officer"})}
    assert with_token.by_case_organisation() == {
        firm.pk: frozenset({"complaints_officer"}),
        client.pk: frozenset({"complaints_officer"}),
    }
    assert with_token.units_managed == (unit.pk,)
    assert {(m.organisation_id, m.line_manager_id) for m in with_token.memberships} >= {(firm.pk, person_of(boss).pk)}
    assert len(with_token.memberships) == 2


@pytest.mark.clause("XS-14")
def test_naming_a_unit_manager_hides_the_complaints_about_the_unit_at_once():
    # Given a case about a unit, seen by a handler of the organisation
    xs = organisation_running("xs2more")
    intake, handler = staff(xs, "intake_staff"), staff(xs, "handler")
    unit = UnitFactory(organisation=xs)
    with at(MARCH_3):
        case = register(xs, intake, subjects=(PartyInput(role="subject", unit_id=unit.pk),))
        assert case.pk in _visible(handler)
        # When the handler is made the unit's manager, the same user object (one request) no longer sees it
        unit_set_manager(unit=unit, manager=person_of(handler))
        assert actor_roles(handler, person_of(handler)).units_managed == (unit.pk,)
        assert case.pk not in _visible(handler)
        assert not handler.has_perm("cases.view_case", case)
        # and when someone else manages it, sees it again
        unit_set_manager(unit=unit, manager=None)
        assert case.pk in _visible(handler)


@pytest.mark.clause("WU-07")
def test_reporting_to_a_subject_hides_the_case_at_once_and_a_new_line_manager_shows_it():
    # Given a case about a colleague, seen by a handler
    xs = organisation_running("xs2more")
    intake, handler, colleague = staff(xs, "intake_staff"), staff(xs, "handler"), staff(xs, "handler")
    with at(MARCH_3):
        case = register(xs, intake, subjects=(PartyInput(role="subject", person_id=person_of(colleague).pk),))
        assert case.pk in _visible(handler)
        membership = Membership.objects.get(person=person_of(handler), organisation=xs)
        # When the handler comes to report to that colleague: hidden (a conflict of interest), on the same user
        membership_set_line_manager(membership=membership, line_manager=person_of(colleague))
        assert case.pk not in _visible(handler)
        # When they report to someone else: seen again
        membership_set_line_manager(membership=membership, line_manager=person_of(intake))
        assert case.pk in _visible(handler)


@pytest.mark.clause("WV-02")
def test_a_firm_starting_and_stopping_to_serve_a_client_shows_and_hides_its_cases_at_once():
    firm = OrganisationFactory(provides_complaints_service=True)
    client = organisation_running("werk-in-vertrouwen")
    officer = staff(firm, "complaints_officer")
    intake = staff(client, "intake_staff")
    with at(MARCH_3):
        case = register(client, intake)
        assert case.pk not in _visible(officer)
        organisation_set_served_by(organisation=client, served_by=firm)
        assert case.pk in _visible(officer)
        organisation_set_served_by(organisation=client, served_by=None)
        assert case.pk not in _visible(officer)


def test_a_role_taken_away_hides_the_cases_at_once_and_the_kept_filter_is_never_a_stale_result():
    xs = organisation_running("xs2more")
    intake, handler = staff(xs, "intake_staff"), staff(xs, "handler")
    with at(MARCH_3):
        first = register(xs, intake)
        assert _visible(handler) == {first.pk}
        # A caller that evaluates the filter it got does not fill the kept one: a case registered later is seen
        list(cases_visible_to(actor=handler))
        second = register(xs, intake)
        assert _visible(handler) == {first.pk, second.pk}
        # When the handler's role is taken away, the same user object sees none of them
        Membership.objects.get(person=person_of(handler), organisation=xs).roles.clear()
        assert _visible(handler) == set()
        assert Case.objects.count() == 2
