"""The workspace's analysis page (issue 12, XS-20, XS-22, WU-15, WA-13): the annual analysis of an organisation with
its charts and tables, each count of five or more linking to the inbox filtered to exactly the cases behind it, and
the annual report's downloads."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine

from plaint.cases.models import Category
from plaint.reporting.models import GeneratedReport
from tests.access.helpers import login_verified
from tests.cases.factories import staff
from tests.reporting.world import build, generated_specs

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC)
LINK = re.compile(r'<td class="govuk-table__cell"><a class="govuk-link" href="([^"]+)">(\d+)</a></td>')
PLAIN_COUNT = re.compile(r'<td class="govuk-table__cell">(\d+)</td>')


@pytest.fixture
def world():
    return build(
        generated_specs(year=2026, count=122) + generated_specs(year=2025, count=40, seed=3), slug="xs", name="XS2more"
    )


def page(client, user, query: str = "?organisation=xs&year=2026"):
    with time_machine.travel(FROZEN, tick=False):
        login_verified(client, user)
        return client.get(f"/workspace/analysis/{query}")


@pytest.mark.clause("XS-20", "WU-15", "WA-13")
@pytest.mark.parametrize(
    ("extra", "label", "start", "end"),
    [
        ("", "2026", "2026-01-01", "2026-12-31"),
        ("&quarter=2", "2026-Q2", "2026-04-01", "2026-06-30"),
        ("&category=CATEGORY", "2026", "2026-01-01", "2026-12-31"),
        ("&unit=UNIT", "2026", "2026-01-01", "2026-12-31"),
    ],
    ids=["year", "quarter", "category", "unit"],
)
def test_each_count_links_to_exactly_the_cases_behind_it(client, world, extra, label, start, end):
    # Given the complaints officer of an organisation with a year of cases
    officer = staff(world.organisation, "complaints_officer")
    category = Category.objects.filter(organisation=world.organisation).order_by("code").first()
    extra = extra.replace("CATEGORY", category.code).replace("UNIT", str(world.units[0].pk))
    # When they open the analysis of 2026 (or of its second quarter, or of one category)
    response = page(client, officer, f"?organisation=xs&year=2026{extra}")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"XS2more, {label}" in text and "<svg" in text
    # Then counts of five or more link to the inbox with its own filters
    links = [(html.unescape(href), int(count)) for href, count in LINK.findall(text)]
    assert len(links) > (3 if extra else 20)
    assert all(count >= 5 for _, count in links)
    tables = {urlsplit(href).query for href, _ in links}
    # every kind of count links: by subject unit, the cases closed in the period, the handling-time buckets
    if not extra:
        assert any("unit=" in query for query in tables)
        assert any("closed_from=" in query and "received_from" not in query for query in tables)
        assert any("handled_min=" in query for query in tables)
    # and smaller counts are shown without a link
    assert any(int(count) < 5 for count in PLAIN_COUNT.findall(text))
    # and each link's list holds exactly as many cases as the count said
    for href, count in links:
        assert urlsplit(href).path == "/workspace/"
        params = dict(parse_qsl(urlsplit(href).query))
        if "closed_from" in params:
            assert (params["closed_from"], params["closed_to"]) == (start, end)
        else:
            assert (params["received_from"], params["received_to"]) == (start, end)
        if "category" in extra:
            assert params["category"] == category.code
        if "unit" in extra:
            assert params["unit"] == str(world.units[0].pk)
        with time_machine.travel(FROZEN, tick=False):
            listed = client.get(href)
        assert listed.status_code == 200
        shown = re.search(r'id="inbox-count"[^>]*>\s*(\d+) case', listed.content.decode())
        assert shown is not None and int(shown.group(1)) == count, (href, count)


@pytest.mark.clause("XS-20", "WU-15")
def test_shares_read_as_percentages_in_both_languages(client, world):
    # Given the complaints officer; when the analysis is shown in English and in Dutch
    officer = staff(world.organisation, "complaints_officer")
    english = page(client, officer).content.decode()
    dutch = page(client, officer, "?organisation=xs&year=2026").content.decode()
    with time_machine.travel(FROZEN, tick=False):
        dutch = client.get("/nl/workspace/analysis/?organisation=xs&year=2026").content.decode()
    # then the share of terms kept reads "58%" / "58 %", never as a fraction like 0.5833 or 0,5833
    assert re.search(r">\d{1,3}%<", english)
    assert re.search(r">\d{1,3}\u00a0%<", dutch)
    assert not re.search(r">0[.,]\d{2,4}<", english + dutch)


@pytest.mark.clause("WP-22")
def test_a_commissioning_party_narrows_the_figures_and_its_links(client, world):
    from plaint.cases.models import Case

    # Given cases of which some were commissioned by a municipality, some by UWV, some by nobody
    cases = Case.objects.filter(organisation=world.organisation, received_on__year=2026)
    expected = cases.filter(commissioning_party="Gemeente Utrecht").count()
    assert 5 <= expected < cases.count()
    officer = staff(world.organisation, "complaints_officer")
    # When the analysis is asked for that commissioning party
    text = page(client, officer).content.decode()
    assert '<option value="Gemeente Utrecht">' in text
    response = page(client, officer, "?organisation=xs&year=2026&commissioner=Gemeente+Utrecht")
    assert response.status_code == 200
    text = response.content.decode()
    # then only its cases are counted, and the links carry it to the inbox, where the counts agree
    received = re.search(
        r'<th scope="row" class="govuk-table__header">received</th><td class="govuk-table__cell">'
        r'(?:<a class="govuk-link" href="([^"]+)">)?(\d+)',
        text,
    )
    assert received is not None and int(received.group(2)) == expected
    href = html.unescape(received.group(1))
    assert dict(parse_qsl(urlsplit(href).query))["commissioner"] == "Gemeente Utrecht"
    with time_machine.travel(FROZEN, tick=False):
        listed = client.get(href).content.decode()
    assert re.search(rf'id="inbox-count"[^>]*>\s*{expected} case', listed)
    # and an unknown commissioning party is a clear message, not a 500
    bad = page(client, officer, "?organisation=xs&year=2026&commissioner=Nobody")
    assert bad.status_code == 400 and "Select a valid choice." in bad.content.decode()


def test_analysts_see_figures_without_links_to_cases(client, world):
    analyst = staff(world.organisation, "analyst")
    response = page(client, analyst)
    assert response.status_code == 200
    text = response.content.decode()
    assert not LINK.findall(text)
    assert "You see the figures only" in text


@pytest.mark.clause("XS-20", "WU-15")
@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("csv", "text/csv", b""),
        ("json", "application/json", b"{"),
        ("xlsx", "application/vnd.openxmlformats", b"PK"),
    ],
)
def test_the_annual_report_downloads_from_the_page(client, world, fmt, content_type, start):
    officer = staff(world.organisation, "complaints_officer")
    assert f"format={fmt}" in page(client, officer).content.decode()
    # When a download is asked for, then the report is made, stored and handed out as a file
    response = page(client, officer, f"?organisation=xs&year=2026&format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="analysis-xs-2026-en.{fmt}"'
    assert response.content.startswith(start)
    assert GeneratedReport.objects.get().format == fmt


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?organisation=xs&year=abc", "Enter a whole number."),
        ("?organisation=xs&year=20270", "Ensure this value is less than or equal to 9999."),
        ("?organisation=elsewhere&year=2026", "Select a valid choice."),
        ("?organisation=xs&year=2027&quarter=5", "Select a valid choice."),
    ],
)
def test_bad_input_is_a_clear_message(client, world, query, message):
    officer = staff(world.organisation, "complaints_officer")
    response = page(client, officer, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_year_without_cases_is_an_honest_empty_page(client, world):
    officer = staff(world.organisation, "complaints_officer")
    response = page(client, officer, "?organisation=xs&year=2019")
    assert response.status_code == 200
    assert "No cases in this period." in response.content.decode()


def test_people_without_figures_are_refused(client, world):
    handler = staff(world.organisation, "handler")
    assert page(client, handler).status_code == 403


@pytest.mark.browser
@pytest.mark.clause("XS-20", "WU-15")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_analysis_page_in_a_browser(browse, live_server, language):
    from tests.workspace.test_browser import sign_in

    # Given the complaints officer of an organisation with a year of cases
    world = build(generated_specs(year=2026, count=60) + generated_specs(year=2025, count=20, seed=3), slug="xs")
    officer = staff(world.organisation, "complaints_officer")
    prefix = "" if language == "en" else "/nl"
    sign_in(browse, live_server.url, officer, prefix)
    page = browse.page
    # When they follow the navigation to the analysis and ask for 2026, without JavaScript being needed for the form
    page.locator("#workspace-navigation a", has_text="Analysis" if language == "en" else "Analyse").click()
    page.locator("#id_year").fill("2026")
    with page.expect_navigation():
        page.locator("form.workspace-analysis-form button[type=submit]").click()
    # Then the figures, charts and downloads are there, and the page passes axe
    assert page.locator("section.workspace-analysis-table").count() > 5
    assert page.locator("figure.workspace-chart svg").count() >= 3
    browse.check(f"analysis {language}")
    # and a count's link opens the inbox with exactly those cases
    link = page.locator("td.govuk-table__cell a.govuk-link").first
    count = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert page.locator("#inbox-count").inner_text().startswith(count)
    browse.check(f"analysis linked inbox {language}")


@pytest.mark.clause("WV-02", "WV-07")
def test_a_firms_client_organisations_are_chosen_under_the_firm(client):
    # Given a complaints-officer firm serving two client organisations
    firm = build(generated_specs(year=2026, count=5), procedure_id="werk-in-vertrouwen", slug="wiv", provider=True)
    build(generated_specs(year=2026, count=20), slug="client-a", name="Client A", served_by=firm.organisation)
    build(generated_specs(year=2026, count=12, seed=2), slug="client-b", name="Client B", served_by=firm.organisation)
    officer = staff(firm.organisation, "complaints_officer")
    # When the firm's complaints officer opens the analysis
    text = page(client, officer, "?organisation=wiv&year=2026").content.decode()
    # then the clients are listed under the firm
    group = re.search(r'<optgroup label="([^"]+)">(.*?)</optgroup>', text, re.S)
    assert group is not None and html.unescape(group.group(1)).endswith("and its client organisations")
    assert [value for value in re.findall(r'<option value="([^"]+)"', group.group(2))] == [
        "wiv",
        "client-a",
        "client-b",
    ]
    # and choosing one client shows that client's own figures
    response = page(client, officer, "?organisation=client-a&year=2026")
    assert response.status_code == 200
    assert "Client A, 2026" in response.content.decode()


def _improvement(world, **fields):
    from plaint.reporting.models import Improvement
    from tests.cases.factories import person_of

    owner = person_of(staff(world.organisation, "senior_manager"))
    item = Improvement.objects.create(
        organisation=world.organisation,
        kind=fields.pop("kind", "preventive"),
        title=fields.pop("title", "Plan coaches' holidays"),
        owner=owner,
        due_on=fields.pop("due_on", dt.date(2027, 3, 1)),
        **fields,
    )
    item.cases.set(world.organisation.cases.order_by("reference")[:2])
    return item, owner


@pytest.mark.clause("WP-22")
def test_the_quarters_anonymised_registration_is_shown_and_downloads(client, world):
    officer = staff(world.organisation, "complaints_officer")
    # Given the analysis of a year: each quarter's registration is one link away
    text = page(client, officer).content.decode()
    assert "Quarterly anonymised registration per commissioning party" in text
    assert html.escape("?organisation=xs&year=2026&quarter=2#registration") in text
    # When a quarter is chosen, then its registration per commissioning party is on the page, small cells suppressed
    text = page(client, officer, "?organisation=xs&year=2026&quarter=2").content.decode()
    section = text[text.index('id="registration"') :]
    assert "Gemeente Utrecht" in section and "UWV" in section
    assert "&lt;5" in section
    assert re.search(r"so that nobody can be recognised: \d+ cells? (is|are) suppressed", section)
    # and downloads as a file of its own, stored as the quarterly registration
    response = page(client, officer, "?organisation=xs&year=2026&quarter=2&format=csv&report=quarterly")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="registration-xs-2026-Q2-en.csv"'
    assert GeneratedReport.objects.get().kind == "quarterly"
    assert "Team North" not in response.content.decode("utf-8-sig")  # no unit's name, only its kind
    # A registration asked for without a quarter is a clear message
    response = page(client, officer, "?organisation=xs&year=2026&format=csv&report=quarterly")
    assert response.status_code == 400
    assert "Choose a quarter for the anonymised registration." in response.content.decode()


@pytest.mark.clause("XS-17", "XS-20", "WU-15")
def test_the_improvement_register_is_shown_linked_and_downloads(client, world):
    officer = staff(world.organisation, "complaints_officer")
    item, owner = _improvement(world)
    references = sorted(item.cases.values_list("reference", flat=True))
    text = page(client, officer).content.decode()
    section = text[text.index('id="improvements"') :]
    # The register shows the measure, its owner, due date, status and the cases that led to it, linked to them
    assert "Plan coaches&#x27; holidays" in section and owner.name in section
    assert "1 March 2027" in section and "open" in section
    for case in item.cases.all():
        assert f'href="/workspace/cases/{case.pk}/">{case.reference}</a>' in section
    # and downloads as CSV
    response = page(client, officer, "?organisation=xs&year=2026&register=csv")
    assert response["Content-Disposition"] == 'attachment; filename="improvements-xs-en.csv"'
    body = response.content.decode("utf-8-sig")
    assert "Plan coaches' holidays" in body and " ".join(references) in body
    # An analyst sees the register, the cases' references without links
    analyst = staff(world.organisation, "analyst")
    client.logout()
    text = page(client, analyst).content.decode()
    section = text[text.index('id="improvements"') :]
    assert references[0] in section and "/workspace/cases/" not in section


def test_the_registration_and_register_in_dutch(client, world):
    officer = staff(world.organisation, "complaints_officer")
    _improvement(world)
    text = page(client, officer, "?organisation=xs&year=2026&quarter=2").content.decode()
    with time_machine.travel(FROZEN, tick=False):
        text = client.get("/nl/workspace/analysis/?organisation=xs&year=2026&quarter=2").content.decode()
    assert "Geanonimiseerde kwartaalregistratie per opdrachtgever" in text
    assert "Verbeterregister" in text and "1 maart 2027" in text
    assert "Verbeterregister als CSV" in text


@pytest.mark.browser
@pytest.mark.clause("WP-22", "XS-17", "WU-15")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_registration_and_improvement_register_in_a_browser(browse, live_server, language):
    from playwright.sync_api import expect

    from tests.workspace.test_browser import sign_in

    # Given the complaints officer of an organisation with a year of cases and an improvement
    world = build(
        generated_specs(year=2026, count=60) + generated_specs(year=2025, count=20, seed=3), slug="xs", name="XS2more"
    )
    _improvement(world)
    officer = staff(world.organisation, "complaints_officer")
    prefix = "" if language == "en" else "/nl"
    sign_in(browse, live_server.url, officer, prefix)
    page = browse.page
    page.goto(f"{live_server.url}{prefix}/workspace/analysis/?organisation=xs&year=2026")
    browse.settle()
    # When they reach the second quarter's registration with the keyboard
    quarter = page.locator("#registration ~ ul a, section.workspace-analysis-registration ul a").nth(1)
    quarter.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Then the registration per commissioning party is shown, small cells suppressed and said so, and passes axe
    registration = page.locator("section.workspace-analysis-registration")
    expect(registration.locator("table").first).to_be_visible()
    expect(registration).to_contain_text("<5")
    expect(registration).to_contain_text("2026-0")
    browse.check(f"registration {language}")
    # and the improvement register with its owner, due date and linked cases
    register = page.locator("section.workspace-analysis-improvements")
    expect(register).to_contain_text("Plan coaches' holidays")
    expect(register.locator("td a.govuk-link").first).to_be_visible()
    register.scroll_into_view_if_needed()
    browse.check(f"improvement register {language}")


@pytest.mark.browser
def test_the_registration_works_without_javascript(browse_nojs, live_server):
    from playwright.sync_api import expect

    from tests.workspace.test_browser import sign_in

    world = build(generated_specs(year=2026, count=60), slug="xs", name="XS2more")
    officer = staff(world.organisation, "complaints_officer")
    sign_in(browse_nojs, live_server.url, officer, "")
    page = browse_nojs.page
    page.goto(f"{live_server.url}/workspace/analysis/?organisation=xs&year=2026")
    page.locator("#id_quarter").select_option("2")
    with page.expect_navigation():
        page.locator("form.workspace-analysis-form button[type=submit]").click()
    expect(page.locator("section.workspace-analysis-registration table").first).to_be_visible()
    browse_nojs.check("registration without javascript")
