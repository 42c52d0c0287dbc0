"""htmx on the inbox: a filter or search answers an htmx request with the results, the count and the saved-view
form's query only (the same address answers a plain GET with the whole page, so the form works without JavaScript);
a mistake in the filters and a tab left open after signing out load a whole page instead (`HX-Redirect`)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/workspace/?scope=all"}


@pytest.fixture
def xs():
    with at(DAY):
        org = organisation_running("xs2more", name="Xs2more")
        intake = staff(org, "intake_staff", name="Ida Intake")
        coach = register(org, intake, summary="Coach absent")
        invoice = register(org, intake, summary="Invoice wrong")
    return {"org": org, "intake": intake, "coach": coach, "invoice": invoice}


@pytest.mark.parametrize("prefix,count", [("", "1 case"), ("/nl", "1 zaak")])
def test_a_search_answers_htmx_with_the_results_only(client, xs, prefix, count):
    login_verified(client, xs["intake"])
    with at(DAY):
        whole = client.get(f"{prefix}/workspace/", {"scope": "all", "search": "invoice"}).content.decode()
        part = client.get(f"{prefix}/workspace/", {"scope": "all", "search": "invoice"}, **HTMX)
    body = part.content.decode()
    assert part.status_code == 200 and "HX-Request" in part["Vary"]
    assert "<html" not in body and xs["invoice"].reference in body and xs["coach"].reference not in body
    assert 'id="inbox-count" hx-swap-oob="innerHTML"' in body and count in body
    assert '<input type="hidden" name="search" value="invoice">' in body  # "Save this view" saves what is shown
    # Without htmx the same address is the whole page, with the form that htmx enhances
    assert "<html" in whole and 'hx-get="' in whole and 'hx-target="#inbox-results"' in whole
    assert xs["invoice"].reference in whole and xs["coach"].reference not in whole


def test_a_mistake_in_the_filters_loads_the_whole_page_with_its_message(client, xs):
    login_verified(client, xs["intake"])
    with at(DAY):
        response = client.get("/workspace/", {"scope": "nonsense", "search": "x" * 10_000}, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/workspace/?scope=nonsense")


def test_a_tab_left_open_after_signing_out_loads_the_sign_in_page(client, xs):
    with at(DAY):
        response = client.get("/workspace/", {"scope": "all", "search": "coach"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/workspace/%3Fscope%3Dall"
    assert "Coach absent" not in response.content.decode()


@pytest.mark.parametrize("prefix,clear", [("", "Clear the filters"), ("/nl", "Filters wissen")])
def test_the_clear_the_filters_link_follows_an_htmx_change(client, xs, prefix, clear):
    login_verified(client, xs["intake"])
    with at(DAY):
        filtered = client.get(f"{prefix}/workspace/", {"scope": "all", "search": "invoice"}, **HTMX).content.decode()
        unfiltered = client.get(f"{prefix}/workspace/", {"scope": "mine"}, **HTMX).content.decode()
        whole = client.get(f"{prefix}/workspace/", {"scope": "all"}).content.decode()
    # a filter given: the link comes in out of band; only the scope: the link goes (its place stays, empty)
    assert 'id="inbox-clear" hx-swap-oob="innerHTML"' in filtered and clear in filtered
    assert 'id="inbox-clear" hx-swap-oob="innerHTML"' in unfiltered and clear not in unfiltered
    assert '<div id="inbox-clear">' in whole and clear not in whole
