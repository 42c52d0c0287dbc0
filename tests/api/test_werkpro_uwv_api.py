"""WP-20 through the API and the workspace case page: WerkPro version 2 offers the route to UWV's labour expert once
the internal handling closed, records it as a filing with that body, and refuses it for a complainant not in a UWV
trajectory; in English and Dutch."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.cases.models import Case, CaseEvent
from plaint.cases.services import case_act
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import register, staff
from tests.organisations.factories import AdoptionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 14)


@pytest.fixture
def closed_case():
    """A WerkPro case under version 2 whose internal handling closed: the manager heard both sides and decided."""
    with at(DAY):
        werkpro = OrganisationFactory(reference_prefix="WP")
        AdoptionFactory(organisation=werkpro, procedure_id="werkpro", version=2, active_from=dt.date(2026, 12, 1))
        desk = staff(werkpro, "intake_staff")
        manager = staff(werkpro, "manager")
        admin = staff(werkpro, "administrator")
        case = register(werkpro, desk)
        assert case.procedure_version == 2
        case = case_act(case=case, actor=manager, action="subject_responded")
        case = case_act(
            case=case, actor=manager, action="decided", data={"outcome": "unfounded", "explanation": "Both heard."}
        )
        case = case_act(case=case, actor=manager, action="internal_closed", data={"outcome": "unresolved"})
        return case, admin


@pytest.mark.clause("WP-20")
def test_wp20_the_api_lists_the_routes_and_records_the_filing_with_uwv(api, closed_case):
    case, admin = closed_case
    with at(DAY):
        detail = api.as_user(admin).detail(case.pk)
        dutch = api.detail(case.pk, HTTP_ACCEPT_LANGUAGE="nl")
        routes = {route["key"]: route for route in detail.json()["routes"]}
        assert sorted(routes) == ["klachtencommissie_md", "uwv_labour_expert"]
        uwv = routes["uwv_labour_expert"]
        assert uwv["label"] == {"en": "UWV labour expert", "nl": "arbeidsdeskundige van UWV"}
        assert uwv["clauses"] == ["WP-20"] and "UWV trajectory" in uwv["available_when"]["en"]
        assert dutch.status_code == 200 and len(dutch.json()["routes"]) == 2
        version = Case.objects.get(pk=case.pk).version
        # Without the trajectory on record, the route is refused, naming the clause
        refused = api.act(case.pk, "external_filed", {"version": version, "body": "uwv_labour_expert"})
        assert refused.status_code == 409, refused.json()
        assert "WP-20" in refused.json()["detail"]
        # When the complainant's UWV trajectory is recorded with the filing, it is accepted
        filed = api.act(
            case.pk,
            "external_filed",
            {"version": version, "body": "uwv_labour_expert", "trajectory": "uwv", "on_behalf_of": "complainant"},
        )
        assert filed.status_code == 200, filed.json()
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == "closed"  # UWV handles it in the trajectory; the case history says where it went
    event = CaseEvent.objects.filter(case=case, kind="external_filed").get()
    assert event.data["body"] == "uwv_labour_expert" and event.data["facts"] == {"trajectory": "uwv"}


@pytest.mark.clause("WP-20")
@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ["UWV labour expert", "The complainant follows a UWV trajectory"]),
        ("/nl", ["Arbeidsdeskundige van UWV", "De klager volgt een UWV-traject"]),
    ],
)
def test_wp20_the_case_page_offers_the_route_in_both_languages(client, closed_case, prefix, words):
    case, admin = closed_case
    with at(DAY):
        login_verified(client, admin)
        page = client.get(f"{prefix}/workspace/cases/{case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/actions/external_filed/" in text
    for word in words:
        assert word in text, word
    with at(DAY):
        login_verified(client, admin)
        case.refresh_from_db()
        response = client.post(
            f"{prefix}/workspace/cases/{case.pk}/actions/external_filed/",
            {
                "external_filed-version": case.version,
                "external_filed-body": "uwv_labour_expert",
                "external_filed-trajectory": "on",
                "external_filed-on_behalf_of": "complainant",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = CaseEvent.objects.filter(case=case, kind="external_filed").get()
    assert event.data["body"] == "uwv_labour_expert" and event.data["facts"] == {"trajectory": "uwv"}
