"""A firm's confidential case (WV-03, WA-11, WP-21): once someone is named to handle it, only the people assigned to
it see and act on it, not the firm's other officers nor the client organisation's staff (docs/access.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Case
from plaint.cases.party_services import case_party_add
from plaint.cases.selectors import cases_visible_to
from plaint.cases.services import PartyInput, case_act
from tests.api.conftest import Api, at
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def firm_world():
    """A firm (two complaints officers, two committee members, its administrator) serving a client that follows
    Werk in vertrouwen, the client's own staff, and one confidential and one normal case of the client."""
    with at(DAY):
        firm = OrganisationFactory(provider=True)
        client = organisation_running("werk-in-vertrouwen", served_by=firm)
        users = {
            "officer": staff(firm, "complaints_officer"),
            "other_officer": staff(firm, "complaints_officer"),
            "member": staff(firm, "committee_member"),
            "other_member": staff(firm, "committee_member"),
            "firm_admin": staff(firm, "administrator"),
            "client_desk": staff(client, "intake_staff"),
            "client_manager": staff(client, "manager"),
            "client_admin": staff(client, "administrator"),
            "client_board": staff(client, "board_member"),
        }
        confidential = register(client, users["client_desk"], confidentiality="confidential")
        normal = register(client, users["client_desk"])
        return users, confidential, normal


def _sees(user, case) -> bool:
    fresh = Case.objects.select_related("organisation").get(pk=case.pk)
    by_rule = user.has_perm("cases.view_case", fresh)
    listed = cases_visible_to(actor=user).filter(pk=case.pk).exists()
    assert by_rule == listed  # the predicate and the list filter agree
    return by_rule


def _assign(case, actor, person_user):
    return case_act(case=case, actor=actor, action="handler_assigned", data={"handler": person_of(person_user).pk})


@pytest.mark.clause("WA-11", "WP-21", "WV-02")
def test_before_anyone_is_named_the_firms_officers_see_it_by_role_and_the_clients_staff_do_not(firm_world):
    users, confidential, normal = firm_world
    with at(DAY):
        assert _sees(users["officer"], confidential) and _sees(users["other_officer"], confidential)
        # the client's staff: only who took it down (WU-06, XS-02); not its manager, administrator or board
        assert _sees(users["client_desk"], confidential)
        for name in ("client_manager", "client_admin", "client_board", "firm_admin", "member"):
            assert not _sees(users[name], confidential), name
        # a normal case of the client is seen by the client's staff and the firm's (WV-02)
        assert _sees(users["client_manager"], normal) and _sees(users["other_officer"], normal)


@pytest.mark.clause("WV-03", "WA-11", "WP-21", "WV-02")
def test_once_assigned_to_one_officer_only_that_officer_sees_and_acts(firm_world):
    users, confidential, _normal = firm_world
    with at(DAY):
        _assign(confidential, users["officer"], users["officer"])
        assert Case.objects.get(pk=confidential.pk).handler_id == person_of(users["officer"]).pk
        assert _sees(users["officer"], confidential)
        fresh = Case.objects.get(pk=confidential.pk)
        assert users["officer"].has_perm("cases.act_on_case", fresh)
        assert users["officer"].has_perm("cases.view_sensitive", fresh)
        # the firm's other officer: no longer by role alone, neither seeing, acting nor reading sensitive sections
        other = users["other_officer"]
        assert not _sees(other, confidential)
        assert not other.has_perm("cases.act_on_case", fresh) and not other.has_perm("cases.view_sensitive", fresh)
        for name in ("client_manager", "client_admin", "client_board", "firm_admin", "member"):
            assert not _sees(users[name], confidential), name
        # the assignment is in the audit trail
        assert AuditRecord.objects.filter(action="case.action.handler_assigned", target_id=confidential.pk).exists()


@pytest.mark.clause("WV-03", "WA-11", "WP-21")
def test_the_api_hides_an_assigned_confidential_case_from_the_other_officer(firm_world):
    users, confidential, normal = firm_world
    with at(DAY):
        _assign(confidential, users["officer"], users["officer"])
        api = Api()
        assert api.as_user(users["officer"]).detail(confidential.pk).status_code == 200
        assert api.as_user(users["other_officer"]).detail(confidential.pk).status_code == 404
        version = Case.objects.get(pk=confidential.pk).version
        refused = api.as_user(users["other_officer"]).act(confidential.pk, "acknowledged", {"version": version})
        assert refused.status_code == 404
        allowed = api.as_user(users["officer"]).act(confidential.pk, "acknowledged", {"version": version})
        assert allowed.status_code == 200
        listed = {row["id"] for row in api.as_user(users["other_officer"]).list().json()["results"]}
        assert confidential.pk not in listed and normal.pk in listed
        assert api.as_user(users["client_manager"]).detail(confidential.pk).status_code == 404


@pytest.mark.clause("WV-03", "WA-11", "WP-21")
def test_reassigning_moves_the_case_to_the_new_officer(firm_world):
    users, confidential, _normal = firm_world
    with at(DAY):
        _assign(confidential, users["officer"], users["officer"])
        _assign(Case.objects.get(pk=confidential.pk), users["officer"], users["other_officer"])
        assert _sees(users["other_officer"], confidential)
        assert not _sees(users["officer"], confidential)
        records = AuditRecord.objects.filter(action="case.action.handler_assigned", target_id=confidential.pk)
        assert records.count() == 2


@pytest.mark.clause("WV-03", "WA-11", "WP-21")
def test_a_committee_formed_for_the_case_sees_it_by_person(firm_world):
    users, confidential, _normal = firm_world
    with at(DAY):
        _assign(confidential, users["officer"], users["officer"])
        case = case_act(case=Case.objects.get(pk=confidential.pk), actor=users["officer"], action="formal_requested")
        assert case.stage == "committee"
        # committee stage: the firm's committee members are not shown the case by role once it has a handler
        assert not _sees(users["member"], confidential) and not _sees(users["other_member"], confidential)
        case_party_add(
            case=Case.objects.get(pk=confidential.pk),
            actor=users["officer"],
            party=PartyInput(role="committee_member", person_id=person_of(users["member"]).pk),
        )
        assert _sees(users["member"], confidential)
        assert users["member"].has_perm("cases.view_sensitive", Case.objects.get(pk=confidential.pk))
        assert not _sees(users["other_member"], confidential) and not _sees(users["other_officer"], confidential)


@pytest.mark.clause("WA-11", "WP-21")
def test_a_superuser_sees_it_for_installation_administration(firm_world, django_user_model):
    users, confidential, _normal = firm_world
    with at(DAY):
        _assign(confidential, users["officer"], users["officer"])
        root = django_user_model.objects.create_superuser(username="root", password="x", email="root@example.org")
        assert _sees(root, confidential)
