"""One role resolver (issue 9): a person's roles for a case, the serving firm's included (WV-02), each membership
judged on its organisation's own day, read once per request and fresh after a change."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from plaint.access.roles import actor_case_roles, case_roles_of
from plaint.organisations.models import Membership, Role
from tests.cases.factories import organisation_running, person_of, staff
from tests.organisations.factories import MembershipFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.clause("WV-02")
def test_the_firms_roles_count_for_its_clients_cases():
    # Given a firm serving a client, and a case officer of the firm who holds no role at the client
    firm = OrganisationFactory(time_zone="Europe/Amsterdam")
    client = organisation_running("werk-in-vertrouwen", served_by=firm, time_zone="Europe/Amsterdam")
    officer = staff(firm, "complaints_officer")
    # then the officer's roles for the client's cases are the firm's, and for another organisation's none
    assert actor_case_roles(officer, client) == ("complaints_officer",)
    assert case_roles_of(person_of(officer), client) == {"complaints_officer"}
    assert actor_case_roles(officer, OrganisationFactory()) == ()


def test_a_membership_ends_at_the_organisations_midnight_not_utcs():
    # Given a member in Amsterdam whose membership ends on 11 June 2026 (the first day no longer a member)
    organisation = OrganisationFactory(time_zone="Europe/Amsterdam")
    person = PersonFactory(with_login=True)
    MembershipFactory(person=person, organisation=organisation, roles=["intake_staff"], ended_on=dt.date(2026, 6, 11))
    # at 23:30 on 10 June in Amsterdam they still hold the role; at 00:30 on the 11th (22:30 UTC on the 10th) not
    with time_machine.travel(dt.datetime(2026, 6, 10, 21, 30, tzinfo=dt.UTC), tick=False):
        assert case_roles_of(person, organisation) == {"intake_staff"}
    with time_machine.travel(dt.datetime(2026, 6, 10, 22, 30, tzinfo=dt.UTC), tick=False):
        assert case_roles_of(person, organisation) == frozenset()
        assert actor_case_roles(person.user, organisation) == ()


def test_roles_are_read_once_per_request_and_fresh_after_a_change(django_assert_num_queries):
    organisation = organisation_running("xs2more")
    user = staff(organisation, "intake_staff")
    actor_case_roles(user, organisation)
    # Asked again for the same user object (the same request): no query
    with django_assert_num_queries(0):
        assert actor_case_roles(user, organisation) == ("intake_staff",)
        assert user.has_perm("cases.register_case", organisation)
    # When a role is added, the next question reads them again
    Membership.objects.get(person=person_of(user)).roles.add(Role.objects.get(code="manager"))
    assert actor_case_roles(user, organisation) == ("intake_staff", "manager")
