"""A case's commissioning party (WP-22): set through the API, recorded, and counted in the quarterly registration."""

from __future__ import annotations

import pytest

from plaint.access.models_audit import AuditRecord
from tests.api.conftest import complaint
from tests.cases.factories import organisation_running, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def werkpro():
    return organisation_running("werkpro")


@pytest.mark.clause("WP-22")
def test_the_commissioning_party_is_set_recorded_and_audited(api, werkpro):
    # Given a registered complaint
    api.as_user(staff(werkpro, "intake_staff"))
    response = api.register(complaint(werkpro.slug))
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    version = response.json()["version"]
    # When its commissioning party is set
    response = api.client.post(
        f"/api/cases/{case_id}/commissioning-party/", {"commissioning_party": "  Gemeente   Utrecht "}, format="json"
    )
    # Then the detail shows it, the history and the audit trail record it, and no form went stale
    assert response.status_code == 200, response.json()
    detail = response.json()
    assert detail["commissioning_party"] == "Gemeente Utrecht"
    assert detail["version"] == version
    assert [event["data"] for event in detail["events"] if event["kind"] == "classified"] == [
        {"commissioning_party": {"from": "", "to": "Gemeente Utrecht"}}
    ]
    assert AuditRecord.objects.filter(action="case.classified", target_id=str(case_id)).count() == 1


def test_only_those_who_may_act_set_it_and_a_long_name_is_refused(api, werkpro):
    api.as_user(staff(werkpro, "intake_staff"))
    case_id = api.register(complaint(werkpro.slug)).json()["id"]
    too_long = api.client.post(
        f"/api/cases/{case_id}/commissioning-party/", {"commissioning_party": "x" * 201}, format="json"
    )
    assert too_long.status_code == 400
    api.as_user(staff(organisation_running("xs2more"), "intake_staff"))
    outsider = api.client.post(
        f"/api/cases/{case_id}/commissioning-party/", {"commissioning_party": "UWV"}, format="json"
    )
    assert outsider.status_code in (403, 404)
