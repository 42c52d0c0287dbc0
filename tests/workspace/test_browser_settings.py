"""The language setting in Debian's chromium: axe (WCAG 2.2 AA) in English and Dutch, chosen with the keyboard, and
the next sign-in lands in the chosen language."""

from __future__ import annotations

import re

import pytest

from tests.cases.factories import organisation_running, staff
from tests.workspace.test_browser import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def test_choose_dutch_with_the_keyboard_and_land_in_it(browse, live_server):
    user = staff(organisation_running("xs2more"), "handler")
    page = browse.page
    base = live_server.url
    sign_in(browse, base, user)
    browse.goto(f"{base}/workspace/settings/")
    browse.check("settings en")
    page.locator("#id_language_1").focus()
    page.keyboard.press("Space")
    page.locator("form[method=post] button.govuk-button").last.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/nl/workspace/settings/")
    assert "Uw taal is bewaard." in page.locator(".govuk-notification-banner").inner_text()
    browse.check("settings saved nl")
    # Signing in again on the English sign-in page opens the workspace in Dutch
    from tests.access.helpers import totp_code, totp_device

    login = page.context.new_page()
    login.context.clear_cookies()
    login.goto(f"{base}/accounts/login/")
    login.locator("#id_username").fill(user.get_username())
    login.locator("#id_password").fill(PASSWORD)
    login.locator("button[type=submit]").first.click()
    login.wait_for_url(re.compile(r"/login/code/"))
    login.locator("#id_code").fill(totp_code(totp_device(user)))
    login.locator("button[type=submit]").first.click()
    login.wait_for_url(re.compile(r"/nl/workspace/$"))
    login.close()
