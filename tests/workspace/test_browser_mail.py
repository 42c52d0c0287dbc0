"""The mail quarantine in Debian's chromium, in English and Dutch: axe (WCAG 2.2 AA), no console error or CSP
refusal, a message read as text (its HTML and script never run), and made a case with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plaint.cases.models import Case
from plaint.mailin.models import InboundMessage, Outcome
from tests.cases.factories import organisation_running, staff
from tests.workspace.test_browser import sign_in
from tests.workspace.test_mail_quarantine import ADDRESS, kept_aside

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_quarantine_a_message_as_text_and_make_it_a_case_with_the_keyboard(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("xs2more", name="Xs2more", complaints_email=ADDRESS)
    intake = staff(org, "intake_staff", "complaints_officer", name="Ida Intake")
    message = kept_aside(html=True)
    kept_aside(message_id="<q9@example.nl>", subject="Tweede bericht")
    page = browse.page
    sign_in(browse, live_server.url, intake, prefix)

    browse.goto(f"{live_server.url}{prefix}/workspace/mail/")
    expect(page.locator("#quarantine tbody tr")).to_have_count(2)
    browse.check(f"quarantine {language}")

    page.locator(f"a[href$='/workspace/mail/{message.pk}/']").click()
    expect(page.locator("#message-text")).to_contain_text("Mijn coach kwam niet.")
    assert page.locator("main script, main img").count() == 0
    browse.check(f"message {language}")

    page.locator("form[action$='/case/'] button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    case = Case.objects.get(organisation=org)
    assert InboundMessage.objects.get(pk=message.pk).outcome == Outcome.CASE_CREATED
    expect(page.locator("h1")).to_contain_text(case.reference)
    expect(page.locator("#case-language")).to_be_visible()
    browse.check(f"case from quarantine {language}")


def test_a_wrong_reference_is_said_in_an_error_summary(browse, live_server):
    org = organisation_running("xs2more", name="Xs2more", complaints_email=ADDRESS)
    intake = staff(org, "intake_staff", "complaints_officer", name="Ida Intake")
    message = kept_aside()
    page = browse.page
    sign_in(browse, live_server.url, intake, "/nl")
    browse.goto(f"{live_server.url}/nl/workspace/mail/{message.pk}/")
    browse.expect_error_status(f"/workspace/mail/{message.pk}/attach/")  # the form again, answered 400
    page.locator("#id_reference").fill("XS-2099-0001")
    with page.expect_navigation():
        page.locator("form[action$='/attach/'] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Er is geen zaak met dit kenmerk")
    browse.check("wrong reference nl")
