"""People and roles in Debian's chromium: the list, adding a person and ending a membership pass axe (WCAG 2.2 AA)
in English and Dutch, with no console error or CSP refusal; a person is added with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plaint.organisations.models import Membership
from plaint.organisations.services import unit_create
from tests.cases.factories import organisation_running, staff
from tests.workspace.test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "nl"])
def test_people_and_roles_in_english_and_dutch_with_the_keyboard(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("xs2more", name="Xs2more")
    admin = staff(org, "administrator", name="Ada Admin")
    handler = staff(org, "handler", name="Hugo Handler")
    unit_create(organisation=org, kind="team", name="Coaching")
    page = browse.page
    base = live_server.url
    sign_in(browse, base, admin, prefix)
    browse.goto(f"{base}{prefix}/workspace/people/")
    assert page.locator("#people tbody tr").count() == 2
    browse.check(f"people {language}")
    # Add a person with the keyboard alone: tab from the "Add a person" button through the form
    page.locator("a.govuk-button[href*='people/add']").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browse.check(f"add a person {language}")
    page.locator("#id_name").focus()
    page.keyboard.type("Nina Nieuw")
    page.keyboard.press("Tab")
    page.keyboard.type("nina@example.org")
    page.locator("#id_roles_1").focus()  # handler
    page.keyboard.press("Space")
    page.locator("form[method=post] button[type=submit]").last.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert page.locator("#people tbody tr").count() == 3
    browse.check(f"person added {language}")
    # A form with an error keeps what was typed
    browse.goto(f"{base}{prefix}/workspace/people/add/")
    page.locator("#id_username").fill("nobody")
    with page.expect_navigation():
        page.locator("form[method=post] button[type=submit]").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.locator("#id_username").input_value() == "nobody"
    browse.check(f"add a person with errors {language}")
    # A member's page, then ending the membership after confirming
    membership = Membership.objects.get(person__user=handler)
    browse.goto(f"{base}{prefix}/workspace/people/{membership.pk}/")
    browse.check(f"member {language}")
    page.locator(f"a[href$='/people/{membership.pk}/end/']").click()
    page.wait_for_url(re.compile(r"/end/$"))
    browse.check(f"end membership {language}")
    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.locator("button.govuk-button--warning").click()
    membership.refresh_from_db()
    assert membership.ended_on is not None
    browse.check(f"membership ended {language}")
