"""The access rules (docs/access.md): the predicates and the list filter agree; conflicts of interest, routing past
a line manager (WU-07), confidentiality (WA-11, WP-21), delegation (XS-19), firms serving clients (WV-02), sensitive
documents (WA-11), representatives' consent (WA-10), anonymised data (WA-12, WP-22), and the audit trail."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from plaint.access.models_audit import AuditRecord
from plaint.cases.errors import CaseNotFound, StaleCase
from plaint.cases.models import Attachment, Case, Party
from plaint.cases.party_services import party_consent_record, party_consent_withdraw
from plaint.cases.selectors import (
    anonymised_rows,
    case_attachments,
    case_read,
    cases_anonymised,
    cases_visible_to,
    representative_may_receive,
)
from plaint.cases.services import PartyInput, case_act
from plaint.core.errors import Conflict, Forbidden
from tests.api.conftest import at
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import OrganisationFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def world():
    """Two organisations and a firm serving a client, people in many positions, and cases about some of them."""
    with at(DAY):
        union = organisation_running("workers-union")
        desk = staff(union, "intake_staff")
        board = staff(union, "board_member")
        senior = staff(union, "senior_manager", line_manager=person_of(board))
        manager = staff(union, "manager", line_manager=person_of(senior))
        team_manager = staff(union, "manager", line_manager=person_of(manager))
        worker = staff(union, "handler", line_manager=person_of(team_manager))
        unit_head = staff(union, "handler")
        unit = UnitFactory(organisation=union, manager=person_of(unit_head))
        analyst = staff(union, "analyst")
        administrator = staff(union, "administrator")
        no_role = staff(union)
        expert = PersonFactory(with_login=True)
        firm = OrganisationFactory(provider=True)
        client = organisation_running("xs2more", served_by=firm)
        officer = staff(firm, "complaints_officer")
        client_desk = staff(client, "intake_staff")
        outsider = staff(organisation_running("xs2more"), "senior_manager")
        cases = [
            register(union, desk),
            register(union, desk, confidentiality="confidential"),
            register(union, desk, subjects=(PartyInput(role="subject", person_id=person_of(worker).pk),)),
            register(union, desk, subjects=(PartyInput(role="subject", unit_id=unit.pk),)),
            register(client, client_desk),
            register(client, client_desk, confidentiality="confidential"),
        ]
        about_team_manager = register(
            union, desk, subjects=(PartyInput(role="subject", person_id=person_of(team_manager).pk),)
        )
        cases.append(case_act(case=about_team_manager, actor=desk, action="formal_requested"))
        formal_confidential = register(union, desk, confidentiality="confidential")
        cases.append(case_act(case=formal_confidential, actor=desk, action="formal_requested"))
        Party.objects.create(case=cases[1], role="expert", person=expert)
        users = {
            "desk": desk,
            "board": board,
            "senior": senior,
            "manager": manager,
            "team_manager": team_manager,
            "worker": worker,
            "unit_head": unit_head,
            "analyst": analyst,
            "administrator": administrator,
            "no_role": no_role,
            "expert": expert.user,
            "officer": officer,
            "client_desk": client_desk,
            "outsider": outsider,
        }
        return users, cases


def test_the_predicate_and_the_list_filter_agree(world):
    """For every user and case: `has_perm("cases.view_case", case)` is `case in cases_visible_to(user)`."""
    users, cases = world
    with at(DAY):
        for name, user in users.items():
            listed = set(cases_visible_to(actor=user).values_list("pk", flat=True))
            for case in cases:
                fresh = Case.objects.get(pk=case.pk)
                assert user.has_perm("cases.view_case", fresh) == (case.pk in listed), (name, case.reference)


@pytest.mark.clause("WU-07", "WP-04", "XS-14", "WA-11", "WP-21", "WV-02")
def test_who_sees_what(world):
    users, cases = world
    _normal, confidential, about_worker, about_unit, client_normal, client_confidential, about_tm, formal_conf = cases
    with at(DAY):

        def sees(name, case):
            return users[name].has_perm("cases.view_case", Case.objects.get(pk=case.pk))

        # a subject and the manager of a subject unit never see their case (XS-14, WP-04)
        assert not sees("worker", about_worker) and sees("manager", about_worker)
        assert not sees("unit_head", about_unit) and sees("worker", about_unit)
        # about a manager: routed to the senior manager; the line manager in between is routed past (WU-07)
        assert not sees("team_manager", about_tm) and not sees("manager", about_tm)
        assert sees("senior", about_tm) and sees("board", about_tm) and sees("desk", about_tm)
        # who reports to the subject, directly or further down, is in conflict like the subject (WU-07, issue 14)
        assert not sees("worker", about_tm)
        assert not users["worker"].has_perm("cases.act_on_case", Case.objects.get(pk=about_tm.pk))
        # confidential: the registrant, an expert linked to it, and the roles of its current stage only
        assert sees("desk", confidential) and sees("expert", confidential) and sees("manager", confidential)
        assert sees("worker", confidential)  # a handler: the first stage is worked on by handlers
        assert not sees("administrator", confidential) and not sees("analyst", confidential)
        assert not sees("worker", formal_conf) and sees("manager", formal_conf) and sees("board", formal_conf)
        assert not users["expert"].has_perm("cases.act_on_case", Case.objects.get(pk=confidential.pk))
        # the firm's complaints officer sees its client's cases (WV-02); an outsider sees nothing
        assert sees("officer", client_normal)
        # ...but a confidential one only in a stage a complaints officer works on (Xs2more's first stage is not)
        assert not sees("officer", client_confidential)
        assert not any(sees("outsider", case) for case in cases)
        # analysts and members without a role see no case at all
        assert not any(sees("analyst", case) or sees("no_role", case) for case in cases)


@pytest.mark.clause("XS-19")
def test_a_delegate_sees_the_confidential_case_delegated_to_them(world):
    users, cases = world
    formal_conf = cases[7]
    with at(DAY):
        assert not users["worker"].has_perm("cases.view_case", Case.objects.get(pk=formal_conf.pk))
        Case.objects.filter(pk=formal_conf.pk).update(delegate=person_of(users["worker"]))
        case = Case.objects.get(pk=formal_conf.pk)
        assert users["worker"].has_perm("cases.view_case", case)
        assert users["worker"].has_perm("cases.view_sensitive", case)
        assert case in cases_visible_to(actor=users["worker"])


@pytest.mark.clause("WA-11")
def test_sensitive_documents_only_for_the_handler_and_the_stage_roles(world):
    users, cases = world
    normal = cases[0]
    with at(DAY):
        for sensitive in (False, True):
            Attachment.objects.create(
                case=normal,
                file=ContentFile(b"x", name="a.txt"),
                original_name=f"{'medical' if sensitive else 'letter'}.pdf",
                content_type="application/pdf",
                size=1,
                sensitive=sensitive,
                uploaded_by=users["desk"],
                uploaded_at=dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC),
            )
        # the first stage is worked on by intake staff, handlers and managers: they see both
        assert len(case_attachments(actor=users["worker"], case=normal)) == 2
        # the administrator and the complaints officer see the case, but not the medical record
        administrator = case_attachments(actor=users["administrator"], case=normal)
        assert [a.original_name for a in administrator] == ["letter.pdf"]


@pytest.mark.clause("WA-10")
def test_a_representative_receives_nothing_without_written_consent_and_nothing_after_withdrawal(world):
    users, _cases = world
    with at(DAY):
        union = users["desk"].person.memberships.get().organisation
        case = register(
            union, users["desk"], representative=PartyInput(role="representative", name="Rep", authorisation="Union")
        )
        party = case.parties.get(role="representative")
        complainant = case.parties.get(role="complainant")
        assert not representative_may_receive(case=case, party=party)
        party = party_consent_record(case=case, party=party, given_on=DAY, actor=users["manager"])
        assert representative_may_receive(case=case, party=party)
        assert not representative_may_receive(case=case, party=complainant)
        party = party_consent_withdraw(case=case, party=party, withdrawn_on=DAY, actor=users["manager"])
        assert not representative_may_receive(case=case, party=party)
        with pytest.raises(Conflict):
            party_consent_withdraw(case=case, party=party, withdrawn_on=DAY, actor=users["manager"])
        assert list(
            AuditRecord.objects.filter(case_id=case.pk, action__startswith="case.consent")
            .order_by("sequence")
            .values_list("action", flat=True)
        ) == ["case.consent.recorded", "case.consent.withdrawn"]
        # someone who may not see the case cannot change it, nor learn that it exists
        with pytest.raises(CaseNotFound):
            party_consent_record(case=case, party=party, given_on=DAY, actor=users["expert"])


@pytest.mark.clause("WA-12", "WP-22", "XS-20")
def test_analysts_see_anonymised_rows_only(world):
    users, cases = world
    with at(DAY):
        union = cases[0].organisation
        rows = anonymised_rows(cases_anonymised(actor=users["analyst"], organisation=union))
        assert len(rows) == Case.objects.filter(organisation=union).count()
        assert {row.received_month for row in rows} == {"2025-03"}
        text = repr(rows)
        assert "Sam Taylor" not in text and "coach" not in text and cases[0].reference not in text
        with pytest.raises(Forbidden):
            cases_anonymised(actor=users["worker"], organisation=union)


def test_registration_action_and_read_are_audited_and_refusals_logged(world, caplog):
    users, cases = world
    normal = cases[0]
    with at(DAY):
        assert AuditRecord.objects.filter(case_id=normal.pk, action="case.registered").count() == 1
        assert AuditRecord.objects.filter(case_id=cases[6].pk, action="case.action.formal_requested").count() == 1
        case_read(actor=users["manager"], case_id=normal.pk)
        assert AuditRecord.objects.filter(case_id=normal.pk, action="case.viewed", actor=users["manager"]).exists()
        with caplog.at_level(logging.WARNING, logger="plaint.access"), pytest.raises(CaseNotFound):
            case_read(actor=users["outsider"], case_id=normal.pk)
        assert "access denied" in caplog.text
        denied = AuditRecord.objects.get(action="access.denied", actor=users["outsider"])
        assert (denied.case_id, denied.details) == (normal.pk, {"permission": "cases.view_case"})
        assert not AuditRecord.objects.filter(action="case.viewed", actor=users["outsider"]).exists()


def test_a_rolled_back_action_leaves_no_audit_record(world):
    users, cases = world
    normal = cases[0]
    with at(DAY):
        before = AuditRecord.objects.filter(case_id=normal.pk).count()
        with pytest.raises(RuntimeError), transaction.atomic():
            case_act(case=normal, actor=users["desk"], action="formal_requested")
            raise RuntimeError("the request failed after the action")
        assert AuditRecord.objects.filter(case_id=normal.pk).count() == before
        with pytest.raises(StaleCase):
            case_act(case=normal, actor=users["desk"], action="formal_requested", expected_version=99)
        assert AuditRecord.objects.filter(case_id=normal.pk).count() == before
