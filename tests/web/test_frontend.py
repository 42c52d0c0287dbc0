"""The shared page parts: what we ship of GOV.UK Frontend (rebranded), the form renderer, the date input, and the
browser-test fixtures themselves (axe, console, CSP) on a page built only from them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

import plaint
from plaint.web import vendored
from tests.web.example import ExampleForm

WEB = Path(plaint.__file__).parent / "web"
SHIPPED_SUFFIXES = {".css", ".js", ".html", ".svg", ".png", ".ico", ".woff", ".woff2", ".txt"}


def _shipped_files() -> list[Path]:
    package = Path(plaint.__file__).parent
    return [p for p in package.rglob("*") if p.is_file() and p.suffix in SHIPPED_SUFFIXES]


def test_nothing_we_ship_carries_the_gds_transport_font_or_the_crown():
    """GDS Transport's licence is for GOV.UK only; the crown and the crest are GOV.UK's. Neither ships with Plaint."""
    offending = []
    for path in _shipped_files():
        name = path.name.lower()
        if "crest" in name or "crown" in name or "gds" in name:
            offending.append(str(path))
            continue
        if path.suffix in {".png", ".ico", ".woff", ".woff2"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"GDS Transport|govuk-crest|govuk-logo-crown|crown", text, re.IGNORECASE):
            offending.append(str(path))
    assert offending == []


def test_the_vendored_files_are_where_the_templates_look_and_say_where_they_came_from():
    for folder in (vendored.GOVUK_FRONTEND, vendored.HTMX):
        base = WEB / "static" / folder
        assert (base / "VENDORED.md").exists()
        assert (base / "LICENSE").exists()
        notes = (base / "VENDORED.md").read_text()
        assert "sha256" in notes
        for built in base.glob("*.min.*"):
            import hashlib

            assert hashlib.sha256(built.read_bytes()).hexdigest() in notes, built.name
    css = (WEB / "static" / vendored.GOVUK_FRONTEND / "govuk-frontend.min.css").read_text()
    assert "system-ui" in css and "@font-face" not in css


def test_date_field_takes_a_real_past_date_and_explains_every_other():
    def clean(day, month, year):
        form = ExampleForm({"when_0": day, "when_1": month, "when_2": year})
        form.is_valid()
        return form.cleaned_data.get("when"), form.errors.get("when")

    with time_machine.travel(dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC), tick=False):
        assert clean("27", "3", "2026") == (dt.date(2026, 3, 27), None)
        assert clean("30", "2", "2026")[1] == ["Enter a real date: that day does not exist."]
        assert clean("5", "", "2026")[1] == ["Enter the day, the month and the year."]
        assert clean("five", "3", "2026")[1] == ["Enter the date as numbers, for example 27 3 2026."]
        assert clean("1", "1", "2027")[1] == ["The date must be today or in the past."]
        assert clean("", "", "")[1] == ["This field is required."]


def test_a_field_with_an_error_is_described_by_its_message_and_the_summary_links_to_it(client, settings):
    settings.ROOT_URLCONF = "tests.web.example"
    response = client.post("/example/", {"name": "", "kind": "", "when_0": "31", "when_1": "2", "when_2": "2026"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_name"' in html and 'href="#id_kind_0"' in html and 'href="#id_when_0"' in html
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-describedby="id_name_error"' in name_input and "govuk-input--error" in name_input
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_when_helptext id_when_error"' in html  # on the date's fieldset
    assert 'value="31"' in html  # what was typed is kept


def test_the_dutch_page_is_in_dutch(client, settings):
    settings.ROOT_URLCONF = "tests.web.example"
    html = client.post("/nl/example/", {}).content.decode()
    assert '<html lang="nl"' in html
    assert "Er is een probleem" in html and "Dag" in html and "Maand" in html and "Jaar" in html
    assert 'hreflang="en" href' not in html and 'href="/example/"' in html  # the switch back to English


@pytest.mark.browser
@pytest.mark.urls("tests.web.example")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_example_page_passes_axe_with_and_without_errors_and_sends(browse, live_server, language):
    prefix = "" if language == "en" else "/nl"
    page = browse.page
    browse.goto(f"{live_server.url}{prefix}/example/")
    browse.check(f"empty {language}")

    page.locator("button.govuk-button").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    # GOV.UK Frontend's script moves focus to the error summary, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    browse.check(f"errors {language}")

    page.locator("#id_name").fill("Ada")
    page.locator("#id_kind_0").check()
    page.locator("#id_when_0").fill("3")
    page.locator("#id_when_1").fill("2")
    page.locator("#id_when_2").fill("2020")
    page.locator("#id_what").fill("Something")
    page.locator("#id_agree").check()
    page.locator("button.govuk-button").click()
    page.wait_for_url(re.compile(r"/example/done/"))
    expect(page.locator(".govuk-panel__body")).to_contain_text("Ada, 2020-02-03")
    browse.check(f"sent {language}")


@pytest.mark.browser
@pytest.mark.urls("tests.web.example")
def test_example_form_works_without_javascript(browse_nojs, live_server):
    page = browse_nojs.page
    browse_nojs.goto(f"{live_server.url}/example/")
    page.locator("button.govuk-button").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    browse_nojs.check("errors without javascript")
