"""The case page's letters, notifications and emails under way in Debian's chromium, in English and Dutch: axe
(WCAG 2.2 AA), no console error or CSP refusal, and "Send again" with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plaint.cases.services import case_act
from plaint.correspondence.models import EmailStatus, OutboundEmail
from tests.cases.factories import organisation_running, register, staff
from tests.workspace.test_browser import sign_in
from tests.workspace.test_case_outbox import _email

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "nl"])
def test_emails_under_way_and_send_again_with_the_keyboard(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("xs2more", name="Xs2more")
    intake = staff(org, "intake_staff", "complaints_officer", name="Ida Intake")
    case = case_act(case=register(org, intake, summary="Coach absent"), actor=intake, action="acknowledged")
    _email(case, EmailStatus.SENT, 1)
    failed = _email(case, EmailStatus.FAILED, 2)
    page = browse.page
    sign_in(browse, live_server.url, intake, prefix)
    browse.goto(f"{live_server.url}{prefix}/workspace/cases/{case.pk}/#outbox")
    # the acknowledgement letter's own email and the two made here
    assert page.locator("#emails li").count() == OutboundEmail.objects.filter(case=case).count() == 3
    browse.check(f"case outbox {language}")
    page.locator("#emails button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    browse.check(f"email sent again {language}")
    assert OutboundEmail.objects.get(pk=failed.pk).status != EmailStatus.FAILED
