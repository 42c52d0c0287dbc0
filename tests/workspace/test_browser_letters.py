"""The letters pages in Debian's chromium, in English and Dutch: axe (WCAG 2.2 AA), no console error or CSP refusal;
a second person approves a letter with the keyboard alone, and it is then on the "to be posted" list (issue #10)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plaint.cases.effects import effects_sweep
from plaint.cases.services import PartyInput, case_act
from plaint.correspondence.letters.approval import letter_approval_rule_set
from plaint.correspondence.models import Letter, LetterApproval
from tests.cases.factories import organisation_running, register, staff
from tests.workspace.test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "nl"])
def test_approve_a_letter_with_the_keyboard_then_it_is_to_be_posted(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("xs2more", name="Xs2more")
    admin = staff(org, "administrator")
    writer = staff(org, "intake_staff", "complaints_officer", name="Ida Intake")
    approver = staff(org, "intake_staff", "complaints_officer", name="Abe Approver")
    letter_approval_rule_set(
        organisation=org, procedure_id="xs2more", letter_key="acknowledgement", required=True, actor=admin
    )
    case = register(
        org,
        writer,
        language=language,
        summary="Coach absent",
        complainant=PartyInput(role="complainant", name="Joke Jansen", address="Kerkstraat 12\nAmersfoort"),
    )
    case_act(case=case, actor=writer, action="acknowledged")
    effects_sweep()
    letter = Letter.objects.get(case=case)
    page = browse.page
    sign_in(browse, live_server.url, approver, prefix)
    browse.goto(f"{live_server.url}{prefix}/workspace/letters/")
    expect(page.locator("#waiting + table")).to_contain_text(case.reference)
    browse.check(f"letters waiting {language}")
    browse.goto(f"{live_server.url}{prefix}/workspace/letters/drafts/{letter.effect_id}/")
    expect(page.locator("main")).to_contain_text("Joke Jansen")
    browse.check(f"letter draft {language}")
    page.locator("main button[type=submit]").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.locator("#to-post ~ table")).to_contain_text("Kerkstraat 12")
    browse.check(f"letters to post {language}")
    assert Letter.objects.get(pk=letter.pk).approval == LetterApproval.APPROVED


@pytest.mark.parametrize("language", ["en", "nl"])
def test_letter_templates_list_and_preview(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("workare", name="Workare")
    admin = staff(org, "administrator", name="Ada Admin")
    page = browse.page
    sign_in(browse, live_server.url, admin, prefix)
    browse.goto(f"{live_server.url}{prefix}/workspace/letters/templates/?organisation={org.slug}")
    expect(page.locator("main table").first).to_be_visible()
    browse.check(f"letter templates {language}")
    browse.goto(
        f"{live_server.url}{prefix}/workspace/letters/templates/workare/outcome/{language}/?organisation={org.slug}"
    )
    page.locator("button[value=preview]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#preview")).to_be_visible()
    browse.check(f"letter template preview {language}")
