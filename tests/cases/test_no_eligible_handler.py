"""When nobody may handle a case (issue 14, docs/access.md "No eligible handler"): everyone holding the role the stage
is routed to is in conflict with the case, or nobody holds it. The case is marked with the reason, the organisation's
administrators are told through the effect path (`notification.no_eligible_handler`), both audited; the mark is
cleared when someone may handle it again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Case, Effect
from plaint.cases.routing_services import case_routing_recheck
from plaint.cases.services import PartyInput, case_act, cases_sweep
from tests.cases.factories import organisation_running, person_of, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 4, 20, 8, 0, tzinfo=dt.UTC)


def _about(organisation, desk, *people, involved=()):
    subjects = tuple(PartyInput(role="subject", person_id=person_of(user).pk) for user in people)
    subjects += tuple(PartyInput(role="subject", person_id=person_of(user).pk, involved=True) for user in involved)
    return register(organisation, desk, subjects=subjects)


@time_machine.travel(DAY, tick=False)
@pytest.mark.clause("WP-04", "XS-14")
def test_wp04_a_complaint_about_the_only_manager_is_marked_and_the_administrator_told(
    django_capture_on_commit_callbacks,
):
    """WP-04: a colleague manager takes over from a manager involved; when the manager complained about is the only
    one, nobody may handle the case: it says so, with the reason, and the administrator is told."""
    # Given WerkPro with one manager, an administrator and a complaints officer
    werkpro = organisation_running("werkpro")
    manager = staff(werkpro, "manager")
    admin = staff(werkpro, "administrator")
    officer = staff(werkpro, "complaints_officer")
    # When a complaint about that manager is registered
    with django_capture_on_commit_callbacks(execute=True):
        case = _about(werkpro, admin, involved=(manager,))
    case.refresh_from_db()
    # Then the case is marked: everyone who holds the routed role is in conflict
    assert case.stage == "manager"
    assert case.no_eligible_handler == "conflicted"
    # and the administrator and the complaints officer (not the manager complained about) are told
    notice = Effect.objects.get(case=case, kind="notification.no_eligible_handler")
    assert notice.payload["people"] == sorted([person_of(admin).pk, person_of(officer).pk])
    assert notice.payload["reason"] == "conflicted" and notice.payload["roles"] == ["manager"]
    # and it is in the audit trail with the effect it wrote
    record = AuditRecord.objects.get(action="case.routing.no_eligible_handler", target_id=case.pk)
    assert record.details["reason"] == "conflicted"
    assert record.details["effects"] == [{"id": notice.pk, "kind": "notification.no_eligible_handler"}]
    # and a second check changes nothing (no second notice, no second record)
    case_routing_recheck(case=case)
    assert Effect.objects.filter(case=case, kind="notification.no_eligible_handler").count() == 1
    assert AuditRecord.objects.filter(action="case.routing.no_eligible_handler", target_id=case.pk).count() == 1


@time_machine.travel(DAY, tick=False)
@pytest.mark.clause("WP-04")
def test_wp04_a_colleague_manager_makes_the_case_handleable_and_the_mark_goes(django_capture_on_commit_callbacks):
    """WP-04: with a colleague manager the case is not marked; a marked case is cleared by the sweep once a colleague
    manager joins, audited."""
    werkpro = organisation_running("werkpro")
    manager = staff(werkpro, "manager")
    admin = staff(werkpro, "administrator")
    with django_capture_on_commit_callbacks(execute=True):
        case = _about(werkpro, admin, involved=(manager,))
    case.refresh_from_db()
    assert case.no_eligible_handler == "conflicted"
    # When a colleague manager joins and the hourly sweep runs
    colleague = staff(werkpro, "manager")
    cases_sweep()
    # Then the mark is gone, audited, and the colleague may take the case
    case.refresh_from_db()
    assert case.no_eligible_handler == ""
    assert AuditRecord.objects.filter(action="case.routing.handler_eligible", target_id=case.pk).exists()
    case = case_act(case=case, actor=colleague, action="handler_assigned", data={"handler": person_of(colleague).pk})
    # And a new complaint about the first manager is not marked at all
    with django_capture_on_commit_callbacks(execute=True):
        second = _about(werkpro, admin, involved=(manager,))
    second.refresh_from_db()
    assert second.no_eligible_handler == ""


@time_machine.travel(DAY, tick=False)
@pytest.mark.clause("WU-07", "XS-14")
def test_wu07_everyone_reporting_to_the_subject_is_in_conflict_too(django_capture_on_commit_callbacks):
    """WU-07, XS-14: a manager who reports to the manager complained about is in conflict like them: when the only
    other manager reports to the subject, nobody may handle it."""
    werkpro = organisation_running("werkpro")
    boss = staff(werkpro, "manager")
    staff(werkpro, "manager", line_manager=person_of(boss))
    admin = staff(werkpro, "administrator")
    with django_capture_on_commit_callbacks(execute=True):
        case = _about(werkpro, admin, boss, involved=(boss,))
    case.refresh_from_db()
    assert case.no_eligible_handler == "conflicted"


@time_machine.travel(DAY, tick=False)
@pytest.mark.clause("WV-06")
def test_wv06_nobody_holding_the_role_is_marked_nobody(django_capture_on_commit_callbacks):
    """WV-06: a client of Werk in vertrouwen whose firm has no complaints officer: nobody holds the role."""
    firm = organisation_running("werk-in-vertrouwen")
    client = organisation_running("werk-in-vertrouwen", served_by=firm)
    desk = staff(client, "administrator")
    with django_capture_on_commit_callbacks(execute=True):
        case = register(client, desk)
    case.refresh_from_db()
    assert case.no_eligible_handler == "nobody"
    notice = Effect.objects.get(case=case, kind="notification.no_eligible_handler")
    assert notice.payload["people"] == [person_of(desk).pk]
    # When the firm takes on a complaints officer, the hourly sweep clears it (the firm's officers handle its
    # clients' cases: WV-02)
    staff(firm, "complaints_officer")
    cases_sweep()
    case.refresh_from_db()
    assert case.no_eligible_handler == ""


@time_machine.travel(DAY, tick=False)
@pytest.mark.clause("WP-04")
def test_the_mark_shows_in_the_api_detail_and_list_and_filters(django_capture_on_commit_callbacks):
    werkpro = organisation_running("werkpro")
    manager = staff(werkpro, "manager")
    admin = staff(werkpro, "administrator")
    with django_capture_on_commit_callbacks(execute=True):
        marked = _about(werkpro, admin, involved=(manager,))
        plain = register(werkpro, admin)
    client = APIClient()
    client.force_authenticate(admin)
    detail = client.get(f"/api/cases/{marked.pk}/", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert detail["no_eligible_handler"]["reason"] == "conflicted"
    assert detail["no_eligible_handler"]["roles"] == ["manager"]
    assert "Geen" in detail["no_eligible_handler"]["text"]
    assert client.get(f"/api/cases/{plain.pk}/").json()["no_eligible_handler"] is None
    listed = client.get("/api/cases/", {"no_eligible_handler": "true"}).json()["results"]
    assert [row["id"] for row in listed] == [marked.pk]
    assert listed[0]["no_eligible_handler"] == "conflicted"
    others = client.get("/api/cases/", {"no_eligible_handler": "false"}).json()["results"]
    assert [row["id"] for row in others] == [plain.pk]
    assert Case.objects.get(pk=plain.pk).no_eligible_handler == ""


@time_machine.travel(DAY, tick=False)
@pytest.mark.clause("WP-04")
def test_the_workspace_case_page_shows_the_mark_in_english_and_dutch(client, django_capture_on_commit_callbacks):
    from tests.access.helpers import login_verified

    werkpro = organisation_running("werkpro")
    manager = staff(werkpro, "manager")
    admin = staff(werkpro, "administrator")
    with django_capture_on_commit_callbacks(execute=True):
        marked = _about(werkpro, admin, involved=(manager,))
        plain = register(werkpro, admin)
    login_verified(client, admin)
    page = client.get(f"/workspace/cases/{marked.pk}/").content.decode()
    assert 'id="no-eligible-handler"' in page and "No eligible handler" in page
    assert "Geen behandelaar mogelijk" in client.get(f"/nl/workspace/cases/{marked.pk}/").content.decode()
    assert 'id="no-eligible-handler"' not in client.get(f"/workspace/cases/{plain.pk}/").content.decode()


@time_machine.travel(DAY, tick=False)
@pytest.mark.clause("WH-07")
def test_wh07_a_review_whose_only_reviewers_took_part_earlier_is_marked():
    """WH-07: someone unconnected reviews; when every holder of the review role took part in an earlier stage,
    nobody may review; an unconnected holder clears the mark."""
    from plaint.cases.routing_services import eligibility
    from plaint.cases.selectors import case_view
    from plaint.procedures.selectors import procedure_definition
    from tests.cases.test_routing import _review_case

    workare, case, decider = _review_case()
    view = case_view(case=case)
    procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
    from plaint.cases.history_services import engine_events

    roles = eligibility(case=case, procedure=procedure, view=view, events=engine_events(case)).roles
    assert roles
    # Given only the decider holds the review roles (the others leave)
    from plaint.organisations.models import Membership, Role

    for membership in Membership.objects.filter(organisation=workare).exclude(person__user=decider):
        membership.roles.remove(*Role.objects.filter(code__in=roles))
    Membership.objects.get(person__user=decider, organisation=workare).roles.add(*Role.objects.filter(code__in=roles))
    # Then the review has nobody eligible: everyone holding the role is connected
    assert case_routing_recheck(case=case) == "conflicted"
    # When an unconnected person is given the role, the mark goes
    staff(workare, *roles)
    assert case_routing_recheck(case=case) == ""
