"""The portal in a real browser (Debian's chromium): every page state in English and Dutch passes axe (WCAG 2.2 AA)
with no console error and no CSP refusal; the keyboard alone gets through; the form works without JavaScript.
Screenshots: var/screenshots/test_portal_browser/<test>/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from plaint.cases.models import Case
from plaint.correspondence.models import OutboundEmail
from tests.portal.helpers import make_letter, portal_organisation

pytestmark = pytest.mark.browser

TEXT = {
    "en": {
        "send": "Send",
        "problem": "There is a problem",
        "received": "We have received it",
        "withdraw": "Withdraw my complaint",
    },
    "nl": {
        "send": "Versturen",
        "problem": "Er is een probleem",
        "received": "We hebben het ontvangen",
        "withdraw": "Mijn klacht intrekken",
    },
}


@pytest.fixture
def organisation(transactional_db):
    return portal_organisation()


@pytest.mark.clause("WU-16", "XS-02", "WA-13")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_complain_follow_and_withdraw(browse, live_server, organisation, language):
    page = browse.page
    prefix = "" if language == "en" else "/nl"
    text = TEXT[language]
    browse.goto(f"{live_server.url}{prefix}/complaints/twu/")
    browse.check(f"how to complain {language}")

    page.locator("a.govuk-button--start").click()
    browse.check(f"empty form {language}")

    page.locator("button.govuk-button", has_text=text["send"]).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(text["problem"])
    browse.check(f"form with errors {language}")

    page.locator("#id_kind_0").check()
    page.locator("#id_description").fill("The coach did not turn up three times.")
    page.locator("#id_name").fill("Sam Taylor")
    page.locator("#id_email").fill("sam@example.org")
    page.locator(f"#id_language_{0 if language == 'en' else 1}").check()
    page.locator("button.govuk-button", has_text=text["send"]).click()
    page.wait_for_url(re.compile(r"/received/(#.*)?$"))
    expect(page.locator("h1")).to_contain_text(text["received"])
    browse.check(f"receipt {language}")

    case = Case.objects.get()
    assert case.language == language
    link = re.search(r"https?://[^/]+(/\S*track/[^/\s]+/)", OutboundEmail.objects.get(case=case).body_text).group(1)
    browse.goto(live_server.url + link)
    browse.check(f"tracking {language}")

    page.locator("button", has_text=text["withdraw"]).click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    browse.check(f"withdrawn {language}")
    assert case.events.filter(kind="withdrawn").exists()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_track_request_unknown_link_and_too_many(browse, live_server, organisation, settings, language):
    page = browse.page
    prefix = "" if language == "en" else "/nl"
    browse.goto(f"{live_server.url}{prefix}/track/")
    browse.check(f"ask for a link {language}")
    page.locator("#id_reference").fill("TWU-2026-0001")
    page.locator("#id_email").fill("sam@example.org")
    page.locator("button.govuk-button").click()
    page.wait_for_load_state()
    browse.check(f"link asked {language}")
    browse.expect_error_status("/track/no-such-link/")
    browse.goto(f"{live_server.url}{prefix}/track/no-such-link/")
    browse.check(f"unknown link {language}")
    settings.PLAINT_PORTAL_LINK_RATE = "0/h"
    browse.expect_error_status("/track/")
    browse.goto(f"{live_server.url}{prefix}/track/")
    page.locator("#id_reference").fill("TWU-2026-0001")
    page.locator("#id_email").fill("sam@example.org")
    page.locator("button.govuk-button").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() in ("Too many attempts", "Te veel pogingen")
    browse.check(f"too many {language}")


@pytest.mark.clause("WU-16")
def test_keyboard_alone_sends_a_compliment(browse, live_server, organisation):
    page = browse.page
    browse.goto(f"{live_server.url}/complaints/twu/new/?kind=compliment")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.classList.contains('govuk-skip-link')")
    page.keyboard.press("Enter")
    page.locator("#id_description").focus()
    page.keyboard.type("Kind and quick help at the front desk.")
    page.locator("#id_name").focus()
    page.keyboard.type("Ada Lovelace")
    page.keyboard.press("Tab")
    page.keyboard.type("ada@example.org")
    page.locator("#id_language_0").focus()
    page.keyboard.press("Space")
    page.locator("button.govuk-button", has_text="Send").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/received/(#.*)?$"))
    browse.check("compliment received by keyboard")
    assert Case.objects.get().kind == "compliment"


def test_form_works_without_javascript(browse_nojs, live_server, organisation):
    page = browse_nojs.page
    browse_nojs.goto(f"{live_server.url}/complaints/twu/new/")
    page.locator("button.govuk-button", has_text="Send").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    browse_nojs.check("errors without javascript")
    page.locator("#id_kind_0").check()
    page.locator("#id_description").fill("Nobody answered the phone for a week.")
    page.locator("#id_name").fill("Sam Taylor")
    page.locator("#id_email").fill("sam@example.org")
    page.locator("#id_language_0").check()
    page.locator("button.govuk-button", has_text="Send").click()
    page.wait_for_url(re.compile(r"/received/(#.*)?$"))
    browse_nojs.check("receipt without javascript")
    assert Case.objects.count() == 1


@pytest.mark.clause("WA-09", "WA-10")
def test_on_behalf_of_someone_with_an_authorisation_and_a_document_in_dutch(
    browse, live_server, organisation, tmp_path
):
    from tests.cases.attachment_samples import PDF, PNG

    authorisation = tmp_path / "machtiging.pdf"
    authorisation.write_bytes(PDF)
    photo = tmp_path / "foto.png"
    photo.write_bytes(PNG)
    page = browse.page
    browse.goto(f"{live_server.url}/nl/complaints/twu/new/")
    page.locator("#id_kind_0").check()
    page.locator("#id_description").fill("Mijn moeder kreeg drie keer geen antwoord.")
    day = dt.date.today() - dt.timedelta(days=2)  # recent: no time-limit warning
    page.locator("#id_incident_date_0").fill(str(day.day))
    page.locator("#id_incident_date_1").fill(str(day.month))
    page.locator("#id_incident_date_2").fill(str(day.year))
    page.locator("#id_name").fill("Sam de Vries")
    page.locator("#id_email").fill("sam@example.org")
    page.locator("#id_language_1").check()
    page.locator("#id_on_behalf").check()
    page.locator("#id_represented_name").fill("Anna de Vries")
    page.locator("#id_relationship").fill("zoon")
    page.locator("#id_authorisation").set_input_files(str(authorisation))
    page.locator("#id_documents").set_input_files(str(photo))
    browse.check("on behalf filled in nl")
    page.locator("button.govuk-button", has_text="Versturen").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # the consent statement is missing
    browse.check("on behalf without consent nl")
    page.locator("#id_consent").check()
    page.locator("#id_authorisation").set_input_files(str(authorisation))
    page.locator("#id_documents").set_input_files(str(photo))
    page.locator("button.govuk-button", has_text="Versturen").click()
    page.wait_for_url(re.compile(r"/received/(#.*)?$"))
    browse.check("on behalf received nl")
    case = Case.objects.get()
    assert case.parties.get(role="representative").consent_given_on is not None
    assert case.attachments.count() == 2


@pytest.mark.clause("WA-10")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_follow_the_case_by_reference_and_one_time_code(browse, live_server, organisation, client, language):
    """Ask for a code at /track/, enter it, and the case opens: each page passes axe in both languages."""
    from tests.portal.helpers import form_data

    prefix = "" if language == "en" else "/nl"
    client.post(f"{prefix}/complaints/twu/new/", form_data(language=language))
    case = Case.objects.get()
    letter = make_letter(
        case, title={"en": "We have received your complaint", "nl": "Wij hebben uw klacht ontvangen"}[language]
    )
    page = browse.page
    browse.goto(f"{live_server.url}{prefix}/track/")
    browse.check(f"ask for a code {language}")
    page.locator("#id_reference").fill(case.reference)
    page.locator("#id_email").fill("sam@example.org")
    page.locator("button.govuk-button").click()
    page.wait_for_url(re.compile(r"/track/code/\?asked=1$"))
    browse.check(f"enter the code {language}")
    page.locator("#id_code").fill("12")
    page.locator("button.govuk-button").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    browse.check(f"code with errors {language}")
    body = OutboundEmail.objects.get(case=case, kind="portal_code").body_text
    page.locator("#id_code").fill(re.search(r"^\s+(\d{6})$", body, re.MULTILINE).group(1))
    page.locator("button.govuk-button").click()
    page.wait_for_url(re.compile(r"/track/case/$"))
    expect(page.locator("h1")).to_contain_text(case.reference)
    row = page.locator(".govuk-table__row", has_text=letter.title)
    assert {"en": "22 April 2025, by email", "nl": "22 april 2025, per e-mail"}[language] in row.inner_text()
    browse.check(f"case opened by code with a letter {language}")
    with page.expect_download() as download:
        row.locator("a").click()
    assert download.value.suggested_filename == f"{case.reference}-acknowledgement.pdf"


@pytest.mark.clause("WA-10")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_complainant_withdraws_and_gives_consent_by_code(browse, live_server, organisation, client, language):
    from plaint.cases.models import Party
    from tests.portal.helpers import form_data

    prefix = "" if language == "en" else "/nl"
    data = form_data(language=language, on_behalf="on", represented_name="Anna", relationship="son", consent="on")
    client.post(f"{prefix}/complaints/twu/new/", data)
    case = Case.objects.get()
    Party.objects.filter(case=case, role="complainant").update(email="anna@example.org")
    page = browse.page
    browse.goto(f"{live_server.url}{prefix}/track/")
    page.locator("#id_reference").fill(case.reference)
    page.locator("#id_email").fill("anna@example.org")
    page.locator("button.govuk-button").click()
    page.wait_for_url(re.compile(r"/track/code/\?asked=1$"))
    body = OutboundEmail.objects.get(case=case, kind="portal_code").body_text
    page.locator("#id_code").fill(re.search(r"^\s+(\d{6})$", body, re.MULTILINE).group(1))
    page.locator("button.govuk-button").click()
    page.wait_for_url(re.compile(r"/track/case/$"))
    browse.check(f"consent given {language}")
    page.locator("button.govuk-button--warning", has_text={"en": "consent", "nl": "toestemming"}[language]).click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    browse.check(f"consent withdrawn {language}")
    assert case.parties.get(role="representative").consent_withdrawn_on is not None
