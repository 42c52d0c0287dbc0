"""Who holds which role, who manages whom, which units sit under which."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.organisations import selectors, services
from tests.organisations.factories import MembershipFactory, OrganisationFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_people_with_role_lists_current_members_only():
    # Given two handlers, one of whom left, and a manager
    organisation = OrganisationFactory()
    current = MembershipFactory(organisation=organisation, roles=["handler"]).person
    MembershipFactory(organisation=organisation, roles=["handler"], ended_on=dt.date(2025, 1, 1))
    MembershipFactory(organisation=organisation, roles=["manager"])
    MembershipFactory(roles=["handler"])  # another organisation
    # when the handlers are asked for on a day after the departure
    handlers = selectors.people_with_role(organisation=organisation, role="handler", on=dt.date(2025, 6, 1))
    # then only the current one is listed
    assert list(handlers) == [current]
    # and before the departure both were
    assert selectors.people_with_role(organisation=organisation, role="handler", on=dt.date(2024, 6, 1)).count() == 2


def test_roles_of_a_person():
    membership = MembershipFactory(roles=["handler", "analyst"])
    assert selectors.roles_of(person=membership.person, organisation=membership.organisation) == {"handler", "analyst"}
    assert selectors.roles_of(person=PersonFactory(), organisation=membership.organisation) == set()


def _hierarchy():
    organisation = OrganisationFactory(uk=True)
    board = MembershipFactory(organisation=organisation, roles=["board_member"])
    senior = MembershipFactory(organisation=organisation, roles=["senior_manager"], line_manager=board.person)
    manager = MembershipFactory(organisation=organisation, roles=["manager"], line_manager=senior.person)
    staff = MembershipFactory(organisation=organisation, roles=["handler"], line_manager=manager.person)
    return organisation, board.person, senior.person, manager.person, staff.person


def test_wu09_line_manager_of_a_staff_member():
    # Given a staff member whose line manager is the manager (WU-09: conclusions are discussed with both)
    organisation, _board, _senior, manager, staff = _hierarchy()
    # when their line manager is asked for, then it is the manager
    assert selectors.line_manager_of(person=staff, organisation=organisation) == manager
    # and someone who is not a member has none
    assert selectors.line_manager_of(person=PersonFactory(), organisation=organisation) is None


def test_wu07_line_management_chain_routes_up_to_the_board():
    # Given staff < manager < senior manager < board member
    organisation, board, senior, manager, staff = _hierarchy()
    # when the chain above each is asked for (WU-07: about the manager -> senior manager; about them -> the board)
    # then it runs upwards to the board
    assert selectors.line_management_chain(person=staff, organisation=organisation) == [manager, senior, board]
    assert selectors.line_management_chain(person=manager, organisation=organisation) == [senior, board]
    assert selectors.line_management_chain(person=senior, organisation=organisation) == [board]
    assert selectors.line_management_chain(person=board, organisation=organisation) == []


def test_wu07_chain_skips_nothing_but_stops_at_a_manager_who_left():
    # Given the senior manager has left
    organisation, _board, senior, manager, staff = _hierarchy()
    senior.memberships.update(ended_on=dt.date(2025, 1, 1))
    # when the chain is asked for afterwards, then it ends with the manager
    chain = selectors.line_management_chain(person=staff, organisation=organisation, on=dt.date(2025, 2, 1))
    assert chain == [manager]


def test_wp02_units_under_and_unit_manager():
    # Given WerkPro-like units: department > location > team, and a project without a manager of its own
    organisation = OrganisationFactory()
    head = MembershipFactory(organisation=organisation, roles=["senior_manager"]).person
    location_manager = MembershipFactory(organisation=organisation, roles=["manager"]).person
    department = UnitFactory(organisation=organisation, kind="department", name="Werkbedrijven", manager=head)
    location = services.unit_create(
        organisation=organisation, kind="location", name="Kringloop", parent=department, manager=location_manager
    )
    team = services.unit_create(organisation=organisation, kind="team", name="Team kringloop", parent=location)
    project = services.unit_create(organisation=organisation, kind="project", name="Woonkans", parent=department)
    UnitFactory(organisation=organisation, name="Welzijn")  # a sibling tree
    # when the units under the department are asked for, then the whole subtree comes, breadth first
    assert selectors.units_under(unit=department) == [department, location, project, team]
    assert selectors.units_under(unit=location, include_self=False) == [team]
    assert selectors.unit_ancestors(unit=team) == [location, department]
    # and a complaint about the team goes to the location's manager, about the project to the department's (WP-02)
    assert selectors.unit_manager(unit=team) == location_manager
    assert selectors.unit_manager(unit=project) == head
