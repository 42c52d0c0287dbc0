"""The workspace in Debian's chromium: sign in with both factors and land on the inbox; every page visited passes
axe (WCAG 2.2 AA) in English and Dutch with no console error or CSP refusal, with a screenshot of each
(var/screenshots/test_browser/...); an action taken with the keyboard; the same kind of action without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from plaint.cases.models import Case
from tests.access.helpers import totp_code, totp_device
from tests.cases.factories import organisation_running, person_of, register, staff

pytestmark = pytest.mark.browser

PASSWORD = "Plaint-test-2025"  # tests.organisations.factories.UserFactory's


def world() -> dict[str, Any]:
    org = organisation_running("xs2more", name="Xs2more")
    intake = staff(org, "intake_staff", name="Ina Intake")
    management = staff(org, "senior_manager", "administrator", name="Mo Manager")
    handler = staff(org, "handler", name="Hugo Handler")
    cases = [
        register(org, intake, summary="Coach absent", description="Mijn coach kwam drie keer niet opdagen."),
        register(org, intake, summary="Invoice wrong", description="The invoice was wrong twice."),
    ]
    return {"org": org, "intake": intake, "management": management, "handler": handler, "cases": cases}


def sign_in(browse: Any, base: str, user: Any, prefix: str = "") -> None:
    """Both factors through the sign-in pages, as a person would, landing on the inbox. The sign-in pages belong to
    `access` and are not the workspace's (they are checked in their own tests): they are walked in a second tab of
    the same browser, whose console is not the workspace's."""
    device = totp_device(user)
    login = browse.page.context.new_page()
    login.goto(f"{base}{prefix}/accounts/login/")
    login.locator("#id_username").fill(user.get_username())
    login.locator("#id_password").fill(PASSWORD)
    login.locator("button[type=submit]").first.click()
    login.wait_for_url(re.compile(r"/login/code/"))
    login.locator("#id_code").fill(totp_code(device))
    login.locator("button[type=submit]").first.click()
    login.wait_for_url(re.compile(rf"{prefix}/workspace/$"))  # staff land on the workspace, not the admin
    login.close()
    browse.goto(f"{base}{prefix}/workspace/")


@pytest.mark.clause("WU-06", "XS-01")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_workspace_page_in_english_and_dutch(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    data = world()
    page = browse.page
    base = live_server.url
    # When intake staff sign in, they land on the inbox (not the admin)
    sign_in(browse, base, data["intake"], prefix)
    assert page.locator("h1").inner_text() == ("Inbox" if language == "en" else "Postvak")
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(2)
    browse.check(f"inbox {language}")
    # A search narrows the list
    page.locator("#id_search").fill("opdagen")
    with page.expect_navigation():
        page.locator("form[method=get] button[type=submit]").click()
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(1)
    browse.check(f"inbox searched {language}")
    # The case page, with its actions
    page.locator("table.govuk-table tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/workspace/cases/\d+/$"))
    browse.check(f"case {language}")
    actions = page.locator("details[id^=action-]")
    assert actions.count() >= 1
    for index in range(actions.count()):
        details = actions.nth(index)
        details.locator("summary").click()
        browse.check(f"action form {details.get_attribute('id')} {language}")
        details.locator("summary").click()
    # Acknowledge with the keyboard: focus the summary, open it, tab to the button, press Enter
    acknowledge = page.locator("#action-acknowledged")
    acknowledge.locator("summary").focus()
    page.keyboard.press("Enter")
    acknowledge.locator("button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    browse.check(f"acknowledged {language}")
    case = Case.objects.get(pk=data["cases"][0].pk)
    assert case.events.filter(kind="acknowledged").exists()
    # Staff intake: check first (warnings, routing), then register
    browse.goto(f"{base}{prefix}/workspace/intake/")
    browse.check(f"intake {language}")
    page.locator("#id_channel").select_option("phone")
    page.locator("#id_description").fill("Called: nobody answered my letter.")
    page.locator("#id_complainant_name").fill("Piet Klager")
    page.locator("#id_subject_person").select_option(str(person_of(data["handler"]).pk))
    with page.expect_navigation():
        page.locator("button[value=check]").click()
    expect(page.locator("#preview")).to_be_visible()
    browse.check(f"intake checked {language}")
    page.locator("button[value=register]").click()
    page.wait_for_url(re.compile(r"/workspace/cases/\d+/$"))
    browse.check(f"registered {language}")
    # A form with errors keeps what was typed and says what is wrong
    browse.goto(f"{base}{prefix}/workspace/intake/")
    page.locator("#id_complainant_name").fill("Keep me")
    with page.expect_navigation():
        page.locator("button[value=check]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.locator("#id_complainant_name").input_value() == "Keep me"
    browse.check(f"intake errors {language}")
    for name, path in (("follow-up", "follow-up/"), ("procedures", "procedures/")):
        browse.goto(f"{base}{prefix}/workspace/{path}")
        browse.check(f"{name} {language}")


def test_the_second_of_two_people_sees_the_refreshed_case(browse, live_server):
    data = world()
    page = browse.page
    sign_in(browse, live_server.url, data["intake"])
    case = data["cases"][0]
    browse.goto(f"{live_server.url}/workspace/cases/{case.pk}/")
    # Meanwhile a colleague acknowledges the same case
    from plaint.cases.services import case_act

    colleague = staff(data["org"], "intake_staff")
    case_act(case=case, actor=colleague, action="acknowledged")
    page.locator("#action-acknowledged summary").click()
    with page.expect_navigation():
        page.locator("#action-acknowledged button[type=submit]").click()
    expect(page.locator("#refusal")).to_contain_text("Someone else acted on this case first")
    browse.check("stale version")
    assert Case.objects.get(pk=case.pk).events.filter(kind="acknowledged").count() == 1


def test_an_action_without_javascript(browse_nojs, live_server):
    data = world()
    page = browse_nojs.page
    sign_in(browse_nojs, live_server.url, data["intake"])
    case = data["cases"][1]
    browse_nojs.goto(f"{live_server.url}/workspace/cases/{case.pk}/")
    page.locator("#action-acknowledged summary").click()
    with page.expect_navigation():
        page.locator("#action-acknowledged button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    browse_nojs.check("acknowledged without javascript")
    assert Case.objects.get(pk=case.pk).events.filter(kind="acknowledged").exists()
