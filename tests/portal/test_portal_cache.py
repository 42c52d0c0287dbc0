"""What the public form keeps per process (bench/README.md, "The public form against django-helpdesk"): the
organisation and its procedure, the blank page, the receipt in a signed cookie instead of a session. Every change
to what they show is seen."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache

from plaint.cases.models import Case
from plaint.portal import selectors
from plaint.portal.models import PortalBranding
from plaint.procedures.models import ProcedureAdoption
from tests.portal.helpers import form_data, portal_organisation

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def organisation():
    return portal_organisation()


def _page(client, path="/complaints/twu/new/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_changed_organisation_name_and_contact_details_show_at_once(client, organisation):
    assert "The Workers Union" in _page(client)
    organisation.name = "The Drivers Union"
    organisation.phone = "020 7946 0000"
    organisation.save()
    html = _page(client)
    assert "The Drivers Union" in html and "The Workers Union" not in html
    assert "020 7946 0000" in html


def test_a_new_adoption_governs_the_next_case_and_a_removed_one_closes_the_form(client, organisation):
    with time_machine.travel(NOW, tick=True):
        _page(client)  # the organisation and its procedure are now kept
        ProcedureAdoption.objects.filter(organisation=organisation).update(active_until=dt.date(2026, 3, 1))
        ProcedureAdoption.objects.create(
            organisation=organisation, procedure_id="workare", version=1, active_from=dt.date(2026, 3, 2)
        )
        response = client.post("/complaints/twu/new/", form_data(submission="b" * 32))
        assert response.status_code == 303
        assert Case.objects.get().procedure_id == "workare"
        ProcedureAdoption.objects.filter(organisation=organisation).delete()
        assert client.get("/complaints/twu/new/").status_code == 404


def test_a_branding_change_is_seen(client, organisation):
    _page(client)
    assert not hasattr(selectors.portal_organisation(slug="twu")[0], "portal_branding")  # none yet, and kept so
    PortalBranding.objects.create(organisation=organisation, brand_colour="#1d4f91", link_colour="#1d4f91")
    kept, _procedure = selectors.portal_organisation(slug="twu")
    assert kept.portal_branding.brand_colour == "#1d4f91"


def test_another_process_change_is_seen_within_a_second_through_the_shared_generation(
    client, organisation, monkeypatch
):
    """Another worker's save bumps the shared cache's generation number (Redis with REDIS_URL); this process reads
    it at most once a second."""
    kept, _procedure = selectors.portal_organisation(slug="twu")
    assert selectors.portal_organisation(slug="twu")[0] is kept  # kept, not read again
    # Another process renamed it: the row changed, and the generation number with it (no signal in this process).
    type(organisation).objects.filter(pk=organisation.pk).update(name="Renamed elsewhere")
    cache.add(selectors.INTAKE_GENERATION_KEY, 0, timeout=None)
    cache.incr(selectors.INTAKE_GENERATION_KEY)
    later = time.monotonic() + 1.5
    monkeypatch.setattr(selectors.time, "monotonic", lambda: later)
    assert selectors.portal_organisation(slug="twu")[0].name == "Renamed elsewhere"


def test_kept_at_most_the_time_limit_without_a_shared_cache(client, organisation, monkeypatch, settings):
    settings.PLAINT_PORTAL_INTAKE_SECONDS = 10
    kept, _procedure = selectors.portal_organisation(slug="twu")
    type(organisation).objects.filter(pk=organisation.pk).update(name="Renamed elsewhere")
    assert selectors.portal_organisation(slug="twu")[0] is kept
    later = time.monotonic() + 11
    monkeypatch.setattr(selectors.time, "monotonic", lambda: later)
    assert selectors.portal_organisation(slug="twu")[0].name == "Renamed elsewhere"


def test_the_procedure_is_looked_up_again_on_the_organisations_next_day(client, organisation):
    with time_machine.travel(dt.datetime(2026, 3, 1, 22, 59, tzinfo=dt.UTC)):  # 23:59 in London (UTC+0 in March)
        _organisation, first = selectors.portal_intake(slug="twu")
    with time_machine.travel(dt.datetime(2026, 3, 2, 0, 1, tzinfo=dt.UTC)):
        _organisation, second = selectors.portal_intake(slug="twu")
    assert (first.day, second.day) == (dt.date(2026, 3, 1), dt.date(2026, 3, 2))


@pytest.mark.parametrize("path", ["/complaints/twu/new/", "/nl/complaints/twu/new/?kind=suggestion"])
def test_the_kept_blank_page_is_the_page_the_templates_render(client, organisation, settings, path):
    """Only the CSRF token and the submission key differ between visitors; the page is what DEBUG (no keeping)
    renders through the templates."""

    def normalised(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
        return re.sub(r'name="submission" value="[0-9a-f]{32}"', "KEY", html)

    first, second = _page(client, path), _page(client, path)
    assert first != second and normalised(first) == normalised(second)
    settings.DEBUG = True
    assert normalised(_page(client, path)) == normalised(first)


def test_an_unknown_query_renders_through_the_templates(client, organisation):
    html = _page(client, "/complaints/twu/new/?kind=nonsense&x=<script>")
    assert "<script>" not in html
    assert 'name="csrfmiddlewaretoken"' in html and re.search(r'name="submission" value="[0-9a-f]{32}"', html)


def test_the_csrf_cookie_is_set_by_the_kept_page_and_the_post_needs_it(organisation):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    html = browser.get("/complaints/twu/new/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    key = re.search(r'name="submission" value="([0-9a-f]{32})"', html).group(1)
    assert "csrftoken" in browser.cookies
    with time_machine.travel(NOW, tick=True):
        sent = browser.post("/complaints/twu/new/", form_data(submission=key, csrfmiddlewaretoken=token))
        assert sent.status_code == 303
        stranger = Client(enforce_csrf_checks=True)
        refused = stranger.post("/complaints/twu/new/", form_data(submission="c" * 32, csrfmiddlewaretoken=token))
    assert refused.status_code == 403
    assert Case.objects.count() == 1


def test_the_receipt_is_a_signed_cookie_and_no_session_is_stored(client, organisation):
    with time_machine.travel(NOW, tick=True):
        response = client.post("/complaints/twu/new/", form_data())
        assert response.status_code == 303
        cookie = response.cookies["plaint_receipt"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        assert "sessionid" not in response.cookies and Session.objects.count() == 0
        case = Case.objects.get()
        html = client.get(response["Location"]).content.decode()
        assert case.reference in html and "/track/" in html
        # Changed by hand (another case's number): not a receipt, a 404, never someone else's case.
        value = cookie.value
        client.cookies["plaint_receipt"] = value.replace(f"{case.pk}:", f"{case.pk + 1}:", 1)
        assert client.get(response["Location"]).status_code == 404
        client.cookies["plaint_receipt"] = "nonsense"
        assert client.get(response["Location"]).status_code == 404


def test_a_form_sent_again_is_the_same_case_and_keeps_the_first_receipt(client, organisation):
    with time_machine.travel(NOW, tick=True):
        first = client.post("/complaints/twu/new/", form_data())
        again = client.post("/complaints/twu/new/", form_data())
        assert first.status_code == again.status_code == 303
        assert "plaint_receipt" in first.cookies and "plaint_receipt" not in again.cookies
        assert Case.objects.count() == 1
        assert Case.objects.get().reference in client.get(again["Location"]).content.decode()
