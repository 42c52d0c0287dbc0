"""htmx on the inbox in Debian's chromium, in English and Dutch: typing a search or choosing a filter updates the
results and the count in place (no page load; the address follows, so it can be bookmarked and saved), the saved
view saves what is shown; axe (WCAG 2.2 AA) on the updated page, no console error or CSP refusal (htmx runs without
inline script or eval). Without JavaScript the same form is a plain GET (`test_browser.py`'s no-JavaScript walk)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plaint.workspace.models import SavedView
from tests.cases.factories import organisation_running, register, staff
from tests.workspace.test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_inbox_updates_in_place(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("xs2more", name="Xs2more")
    intake = staff(org, "intake_staff", name="Ida Intake")
    register(org, intake, summary="Coach absent", description="Mijn coach kwam niet opdagen.")
    register(org, intake, summary="Invoice wrong", description="The invoice was wrong twice.")
    page = browse.page
    sign_in(browse, live_server.url, intake, prefix)
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    rows = page.locator("#inbox-results table tbody tr")
    expect(rows).to_have_count(2)
    clear = page.locator("#inbox-clear a")
    expect(clear).to_have_count(0)  # no filter given yet
    # Typing a search: the results follow after a pause, without a page load
    with page.expect_response(lambda response: "search=invoice" in response.url):
        page.locator("#id_search").press_sequentially("invoice")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Invoice wrong")
    expect(page.locator("#inbox-count")).to_contain_text("1 case" if language == "en" else "1 zaak")
    expect(page).to_have_url(re.compile(r"search=invoice"))
    # "Clear the filters" came with the results (out of band), and leads to the unfiltered inbox
    expect(clear).to_have_text("Clear the filters" if language == "en" else "Filters wissen")
    browse.check(f"inbox searched in place {language}")
    assert loads == []  # no page was loaded: htmx put the results in place
    # Saving the view saves what is shown (the form's hidden query followed the search)
    page.locator("#id_name").fill("Invoices")
    page.locator("form[action$='/workspace/views/'] button").click()
    expect(page.locator("a[href*='/workspace/views/']", has_text="Invoices")).to_be_visible()
    assert SavedView.objects.get(name="Invoices").query.get("search") == "invoice"
    browse.check(f"inbox view saved {language}")
