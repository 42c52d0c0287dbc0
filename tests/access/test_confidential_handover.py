"""Hand-over of a firm's confidential case whose handler left (WV-03, WA-11, WP-21; docs/access.md, "Hand-over").

When the officer handling a client's confidential case leaves the firm (membership ended, role revoked, login
deactivated), the routing check marks the case "no eligible handler" (reason `handler_left`), records it in the
history and the audit trail, and tells the firm's officers the procedure lets work on the stage; they then see the
case, without its sensitive sections, and may only name a new handler. The one who left no longer sees it."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Case, CaseEvent, Effect, NoEligibleHandler
from plaint.cases.routing_services import RoutingRefused
from plaint.cases.services import case_act
from plaint.cases.sweep_services import cases_sweep
from plaint.organisations.models import Membership
from plaint.organisations.services import membership_revoke_role, membership_save
from tests.access.test_confidential_firm_cases import _sees
from tests.api.conftest import Api, at
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def world():
    """A firm (three complaints officers, a committee member, its administrator) serving a client that follows Werk
    in vertrouwen, the client's own staff, and a confidential case of the client handled by the first officer."""
    with at(DAY):
        firm = OrganisationFactory(provider=True)
        client = organisation_running("werk-in-vertrouwen", served_by=firm)
        users = {
            "officer": staff(firm, "complaints_officer"),
            "other_officer": staff(firm, "complaints_officer"),
            "third_officer": staff(firm, "complaints_officer"),
            "member": staff(firm, "committee_member"),
            "firm_admin": staff(firm, "administrator"),
            "client_desk": staff(client, "intake_staff"),
            "client_manager": staff(client, "manager"),
            "client_admin": staff(client, "administrator"),
        }
        case = register(client, users["client_desk"], confidentiality="confidential")
        case = case_act(
            case=case,
            actor=users["officer"],
            action="handler_assigned",
            data={"handler": person_of(users["officer"]).pk},
        )
        return firm, users, case


def _leave(firm, user, django_capture_on_commit_callbacks) -> None:
    membership = Membership.objects.get(person=person_of(user), organisation=firm)
    membership.ended_on = DAY
    with django_capture_on_commit_callbacks(execute=True):
        membership_save(membership=membership)


@pytest.mark.clause("WV-03", "WA-11", "WP-21")
def test_a_handler_whose_membership_ended_marks_the_case_for_hand_over(world, django_capture_on_commit_callbacks):
    firm, users, case = world
    with at(DAY):
        assert not _sees(users["other_officer"], case)
        # When the handling officer's membership of the firm ends
        _leave(firm, users["officer"], django_capture_on_commit_callbacks)
        case.refresh_from_db()
        # Then the routing check marks the case: no eligible handler, because the handler left
        assert case.no_eligible_handler == NoEligibleHandler.HANDLER_LEFT
        # it is in the case's history, with who left and who was told
        (left,) = CaseEvent.objects.filter(case=case, kind="handler_left")
        told = sorted(person_of(users[name]).pk for name in ("other_officer", "third_officer"))
        assert left.data["people"] == [person_of(users["officer"]).pk] and left.data["notified"] == told
        # and in the audit trail
        record = AuditRecord.objects.filter(action="case.routing.no_eligible_handler", target_id=case.pk).get()
        assert record.details["reason"] == "handler_left" and record.details["left"] == [person_of(users["officer"]).pk]
        # the firm's other officers are told (the procedure lets them work on the stage), nobody else
        (notice,) = Effect.objects.filter(case=case, kind="notification.no_eligible_handler")
        assert notice.payload["people"] == told and notice.payload["reason"] == "handler_left"


@pytest.mark.clause("WV-03", "WA-11", "WP-21")
def test_during_hand_over_each_kind_of_person_sees_what_they_may(world, django_capture_on_commit_callbacks):
    firm, users, case = world
    with at(DAY):
        _leave(firm, users["officer"], django_capture_on_commit_callbacks)
        fresh = Case.objects.get(pk=case.pk)
        # the firm's officers see it to hand it over, but not its sensitive sections
        for name in ("other_officer", "third_officer"):
            assert _sees(users[name], case), name
            assert not users[name].has_perm("cases.view_sensitive", fresh), name
        # the officer who left no longer sees it; the firm's administrator, committee member and the client's
        # manager and administrator (the procedure does not name them for the stage) do not either
        for name in ("officer", "firm_admin", "member", "client_manager", "client_admin"):
            assert not _sees(users[name], case), name
        # who registered it still does (WU-06, XS-02)
        assert _sees(users["client_desk"], case)


@pytest.mark.clause("WV-03", "WA-11", "WP-21")
def test_during_hand_over_the_only_action_is_naming_a_new_handler(world, django_capture_on_commit_callbacks):
    firm, users, case = world
    with at(DAY):
        _leave(firm, users["officer"], django_capture_on_commit_callbacks)
        fresh = Case.objects.get(pk=case.pk)
        # Any other action is refused, naming the rule
        with pytest.raises(RoutingRefused) as refused:
            case_act(case=fresh, actor=users["other_officer"], action="acknowledged")
        assert refused.value.rule == "hand_over_first"
        api = Api()
        answer = api.as_user(users["other_officer"]).act(case.pk, "acknowledged", {"version": fresh.version})
        assert answer.status_code == 409 and answer.json()["rule"] == "hand_over_first"
        # When an officer names a new handler
        with django_capture_on_commit_callbacks(execute=True):
            handed = case_act(
                case=fresh,
                actor=users["other_officer"],
                action="handler_assigned",
                data={"handler": person_of(users["third_officer"]).pk},
            )
        handed.refresh_from_db()
        # Then the mark clears (audited), and the case is the new officer's alone again
        assert handed.no_eligible_handler == ""
        assert AuditRecord.objects.filter(action="case.routing.handler_eligible", target_id=case.pk).exists()
        assert _sees(users["third_officer"], case)
        assert users["third_officer"].has_perm("cases.view_sensitive", Case.objects.get(pk=case.pk))
        assert not _sees(users["other_officer"], case) and not _sees(users["officer"], case)
        kinds = list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True))
        assert kinds[-2:] == ["handler_left", "handler_assigned"]


@pytest.mark.clause("WV-03", "WA-11")
def test_a_revoked_role_and_a_deactivated_login_count_as_leaving(world, django_capture_on_commit_callbacks):
    firm, users, case = world
    with at(DAY):
        membership = Membership.objects.get(person=person_of(users["officer"]), organisation=firm)
        with django_capture_on_commit_callbacks(execute=True):
            membership_revoke_role(membership=membership, role="complaints_officer")
        case.refresh_from_db()
        assert case.no_eligible_handler == NoEligibleHandler.HANDLER_LEFT
        # a second case, handled by another officer whose login is deactivated
        other = register(case.organisation, users["client_desk"], confidentiality="confidential")
        other = case_act(
            case=other,
            actor=users["other_officer"],
            action="handler_assigned",
            data={"handler": person_of(users["other_officer"]).pk},
        )
        login = users["other_officer"]
        login.is_active = False
        with django_capture_on_commit_callbacks(execute=True):
            login.save()
        other.refresh_from_db()
        assert other.no_eligible_handler == NoEligibleHandler.HANDLER_LEFT
        assert _sees(users["third_officer"], other)


@pytest.mark.clause("WV-03", "WA-11")
def test_a_membership_ending_on_a_later_day_is_found_by_the_sweep(world):
    firm, users, case = world
    with at(DAY):
        membership = Membership.objects.get(person=person_of(users["officer"]), organisation=firm)
        membership.ended_on = DAY + dt.timedelta(days=7)
        membership_save(membership=membership)  # no commit callbacks: nothing announced it
        cases_sweep(today=DAY)
        case.refresh_from_db()
        assert case.no_eligible_handler == ""  # still a member today
    with at(DAY + dt.timedelta(days=7)):
        cases_sweep()
        case.refresh_from_db()
        assert case.no_eligible_handler == NoEligibleHandler.HANDLER_LEFT
