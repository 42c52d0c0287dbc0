"""Activating a procedure version in Debian's chromium, in English and Dutch: axe (WCAG 2.2 AA) on the form, the
preview and the refusal, no console error or CSP refusal, confirmed with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plaint.core import clock
from plaint.procedures.models import ProcedureAdoption
from tests.cases.factories import organisation_running, staff
from tests.workspace.test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "nl"])
def test_activate_a_version_with_the_keyboard(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("xs2more", name="Xs2more")
    admin = staff(org, "administrator")
    page = browse.page
    sign_in(browse, live_server.url, admin, prefix)
    browse.goto(f"{live_server.url}{prefix}/workspace/procedures/")
    page.locator("a[href$='/procedures/activate/']").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browse.check(f"activate {language}")
    day = clock.today_for(org)
    page.locator("#id_procedure").select_option("werkpro:1")
    page.locator("#id_active_from_0").fill(str(day.day))
    page.locator("#id_active_from_1").fill(str(day.month))
    page.locator("#id_active_from_2").fill(str(day.year - 1))
    with page.expect_navigation():
        page.locator("main form[method=post] button.govuk-button").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    browse.check(f"activate refused {language}")
    page.locator("#id_active_from_2").fill(str(day.year + 1))
    with page.expect_navigation():
        page.locator("main form[method=post] button.govuk-button").click()
    expect(page.locator("#preview")).to_be_visible()
    browse.check(f"activate preview {language}")
    page.locator("#id_confirm").focus()
    page.keyboard.press("Space")
    page.locator("main form[method=post] button.govuk-button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    browse.check(f"activated {language}")
    assert ProcedureAdoption.objects.filter(organisation=org, procedure_id="werkpro").exists()
