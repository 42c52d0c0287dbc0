"""The commands the privacy app changes cases through: only inside the transaction that locked the case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from plaint.cases.models import Case
from plaint.cases.retention_services import CaseNotLocked, case_legal_hold_write, case_lock, case_personal_data_erase
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_retention_commands_refuse_to_run_outside_a_transaction():
    # Given a case, outside any transaction
    organisation = organisation_running("xs2more")
    case = register(organisation, staff(organisation, "intake_staff"))
    # When it is locked, held or erased / Then each refuses, and nothing is written
    with pytest.raises(CaseNotLocked):
        case_lock(case=case)
    with pytest.raises(CaseNotLocked):
        case_legal_hold_write(case=case, held=True, reason="claim")
    with pytest.raises(CaseNotLocked):
        case_personal_data_erase(case=case, today=dt.date(2026, 1, 1))
    assert Case.objects.get(pk=case.pk).legal_hold is False


def test_legal_hold_write_reports_whether_it_changed_anything():
    organisation = organisation_running("xs2more")
    case = register(organisation, staff(organisation, "intake_staff"))
    with transaction.atomic():
        locked = case_lock(case=case)
        assert case_legal_hold_write(case=locked, held=True, reason="claim") is True
    with transaction.atomic():
        locked = case_lock(case=case)
        assert case_legal_hold_write(case=locked, held=True, reason="claim") is False
        assert case_legal_hold_write(case=locked, held=False, reason="settled") is True
    assert (Case.objects.get(pk=case.pk).legal_hold, Case.objects.get(pk=case.pk).legal_hold_reason) == (
        False,
        "settled",
    )
