"""An anonymised case is closed for good: no action, not even one its procedure would allow, changes it (issue 5).

Anonymising erased what was said in the case (docs/privacy.md); reopening it or filing it externally would add to a
history that no longer says who or what it was about.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from plaint.access.models import AuditRecord
from plaint.cases.errors import CaseAnonymised
from plaint.cases.models import Case, CaseEvent
from plaint.cases.selectors import case_view
from plaint.cases.services import case_act
from plaint.privacy.services import case_anonymise
from tests.access.helpers import login_verified
from tests.cases.factories import organisation_running, staff
from tests.privacy.factories import at, xs2more_case

pytestmark = pytest.mark.django_db

CLOSED = dt.date(2026, 3, 13)
LATER = dt.date(2026, 4, 1)


@pytest.fixture
def xs(db):
    """Xs2more with a receiving employee, a senior manager and an administrator (who may anonymise)."""
    organisation = organisation_running("xs2more", reference_prefix="XS")
    people = {
        "intake": staff(organisation, "intake_staff"),
        "manager": staff(organisation, "senior_manager"),
        "admin": staff(organisation, "administrator"),
    }
    return organisation, people


@pytest.fixture
def anonymised(xs) -> tuple[Case, dict]:
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    with at(LATER):
        case = case_anonymise(case=case, actor=people["admin"], reason="Erasure request")
    assert case.anonymised_on == LATER
    return case, people


def _history(case: Case) -> tuple[int, int, int]:
    case.refresh_from_db()
    return (
        CaseEvent.objects.filter(case=case).count(),
        case.version,
        AuditRecord.objects.filter(case_id=case.pk, action__startswith="case.action.").count(),
    )


@pytest.mark.parametrize("action", ["reopened", "external_filed"])
def test_no_action_is_taken_on_an_anonymised_case(anonymised, action):
    # Given a closed Xs2more case anonymised through the privacy service; `external_filed` is what the procedure
    # still allows the senior manager on a closed case, `reopened` what a late review would ask for
    case, people = anonymised
    with at(LATER):
        before = _history(case)
        # When the senior manager takes the action
        with pytest.raises(CaseAnonymised) as refused:
            case_act(case=case, actor=people["manager"], action=action, expected_version=case.version)
        # Then it is refused as a conflict that says why, and nothing is appended
        assert refused.value.status == 409
        assert refused.value.code == "case_anonymised"
        assert "anonymised" in refused.value.text("en")
        assert _history(case) == before


def test_the_procedure_would_have_allowed_it(xs):
    # Given the same case closed but not anonymised / Then the engine still allows filing it externally
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    with at(LATER):
        view = case_view(case=case)
        assert "external_filed" in {action for actions in view.allowed.values() for action in actions}


def test_the_api_answers_409_with_the_reason(anonymised, client: Client):
    # Given the anonymised case and its senior manager logged in
    case, people = anonymised
    login_verified(client, people["manager"])
    with at(LATER), translation.override("en"):
        before = _history(case)
        # When they record a reopening through the API
        response = client.post(
            f"/api/cases/{case.pk}/actions/reopened/",
            {"version": case.version},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    # Then 409 with the reason, and the case is as it was
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "case_anonymised"
    assert "anonymised" in body["detail"]
    assert _history(case) == before


def test_the_case_detail_offers_no_action_on_an_anonymised_case(anonymised, client: Client):
    # Given the anonymised case, whose procedure would still let the senior manager reopen it
    case, people = anonymised
    login_verified(client, people["manager"])
    # When they open it
    with at(LATER):
        detail = client.get(f"/api/cases/{case.pk}/").json()
    # Then it offers them, and every other role, nothing to do
    assert detail["my_actions"] == [] and detail["allowed"] == {}
