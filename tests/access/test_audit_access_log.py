"""Who looked at a case: visible to an administrator of the case's organisation, and to nobody else but superusers."""

from __future__ import annotations

import pytest

from plaint.cases.audit_selectors import case_access_log
from plaint.core.errors import Forbidden, NotFound
from tests.access.audit_support import record
from tests.cases.factories import organisation_running, register, staff
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    organisation = organisation_running("xs2more")
    administrator = staff(organisation, "administrator")
    handler = staff(organisation, "handler", name="Handler")
    case = register(organisation, handler)
    other_case = register(organisation, handler)
    # the handler read the case, then a document of it; someone else read another case
    record(actor=handler, organisation=organisation, target_id=case.pk, reference=case.reference)
    record(
        "case.attachment.read",
        actor=handler,
        organisation=organisation,
        target_type="attachment",
        target_id=7,
        case_id=case.pk,
    )
    record(actor=administrator, organisation=organisation, target_id=other_case.pk)
    return organisation, administrator, handler, case


def test_the_organisations_administrator_sees_who_looked_newest_first(setting):
    _organisation, administrator, handler, case = setting
    # when the administrator asks who looked at the case
    log = list(case_access_log(actor=administrator, case_id=case.pk))
    # then the reads of the case and of its documents are listed, newest first, and no other case's
    assert [(row.action, row.actor_id) for row in log[:2]] == [
        ("case.attachment.read", handler.pk),
        ("case.viewed", handler.pk),
    ]
    assert all(row.case_id == case.pk for row in log)


def test_a_superuser_sees_the_log(setting):
    _organisation, _administrator, _handler, case = setting
    assert len(case_access_log(actor=UserFactory(is_superuser=True), case_id=case.pk)) >= 2


def test_a_handler_of_the_organisation_may_not_see_the_log(setting):
    _organisation, _administrator, handler, case = setting
    with pytest.raises(Forbidden):
        case_access_log(actor=handler, case_id=case.pk)


def test_another_organisations_administrator_is_told_there_is_no_such_case(setting):
    _organisation, _administrator, _handler, case = setting
    outsider = staff(organisation_running("xs2more"), "administrator")
    with pytest.raises(NotFound):
        case_access_log(actor=outsider, case_id=case.pk)
    with pytest.raises(NotFound):
        case_access_log(actor=outsider, case_id=case.pk + 1000)
