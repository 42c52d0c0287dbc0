"""`plaint report annual|quarterly`: the files, the stored and audited report, regeneration and bad input."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pypdf
import pytest
import time_machine
from django.core.management import CommandError, call_command

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Category
from plaint.reporting.models import GeneratedReport
from tests.cases.factories import staff
from tests.reporting.world import build, generated_specs

pytestmark = [pytest.mark.django_db]

FROZEN = dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC)


@pytest.fixture
def world():
    return build(
        generated_specs(year=2026, count=122) + generated_specs(year=2025, count=40, seed=3),
        slug="xs",
        name="XS2more",
    )


def make(tmp_path, *args: str, name: str = "out") -> bytes:
    output = tmp_path / name
    with time_machine.travel(FROZEN, tick=False):
        call_command("report", *args, "--output", str(output), stderr=io.StringIO())
    return output.read_bytes()


def table(body: dict, key: str) -> dict:
    return next(item for item in body["tables"] if item["key"] == key)


@pytest.mark.clause("XS-20", "WU-15")
def test_json_prints_the_figures_the_pdf_shows(world, tmp_path):
    # Given a year of cases; when the annual analysis is made as JSON and as PDF
    body = json.loads(make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--format", "json"))
    pdf = make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--format", "pdf", name="a.pdf")
    # then the JSON holds the tables, compared with the previous year
    totals = {row[0]: row[1:] for row in table(body, "totals")["rows"]}
    assert totals["received"] == [122, 40, 82]
    assert body["previous_period"]["label"] == "2025"
    # and the PDF shows the same tables and numbers
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for item in body["tables"]:
        assert item["title"] in text
    terms = table(body, "terms")
    for row in terms["rows"]:
        assert str(row[1]) in text and str(row[2]) in text
    # a tagged PDF (PDF/UA-1), with charts drawn as vector graphics
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_the_report_in_dutch(world, tmp_path):
    body = json.loads(
        make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--format", "json", "--lang", "nl")
    )
    assert table(body, "kind")["title"] == "Naar soort"
    assert any(row[0] == "klacht" for row in table(body, "kind")["rows"])
    pdf = make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--lang", "nl", name="nl.pdf")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Jaaranalyse van klachten" in text


@pytest.mark.clause("XS-20")
def test_each_report_is_stored_audited_and_regenerated_identically(world, tmp_path):
    for fmt in ("pdf", "xlsx", "csv", "json"):
        first = make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--format", fmt, name=f"r.{fmt}")
        report = GeneratedReport.objects.latest("id")
        assert (report.kind, report.format, report.period_start, report.period_end) == (
            "annual",
            fmt,
            dt.date(2026, 1, 1),
            dt.date(2026, 12, 31),
        )
        record = AuditRecord.objects.filter(action="reporting.report_made").latest("sequence")
        assert record.target_id == str(report.pk) and record.organisation_id == world.organisation.pk
        assert record.details["period"] == "2026"
        # The cases change afterwards; the stored report does not.
        world.organisation.cases.filter(kind="suggestion").delete()
        again = make(tmp_path, "regenerate", "--id", str(report.pk), name=f"again.{fmt}")
        assert again == first


def test_csv_and_xlsx_never_turn_text_into_formulas(world, tmp_path):
    Category.objects.filter(organisation=world.organisation, code="cat1").update(name_en='=HYPERLINK("http://x")')
    csv_text = make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--format", "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    xlsx = make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--format", "xlsx", name="r.xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "=HYPERLINK" in strings
    assert not any("<f>" in sheet for sheet in sheets)


@pytest.mark.clause("WP-22", "WA-12")
def test_the_quarterly_registration_is_anonymous_by_month_and_suppresses_small_counts(world, tmp_path):
    body = json.loads(make(tmp_path, "quarterly", "--organisation", "xs", "--quarter", "2026-Q2", "--format", "json"))
    text = json.dumps(body)
    # No names, email addresses, free text or days
    for spec in world.specs:
        assert spec.complainant not in text.lower()
    assert "@example.org" not in text and "Generated." not in text and "Train the team" not in text
    for unit in world.units:
        assert unit.name not in text
    months = table(body, "months")
    assert {row[1] for row in months["rows"]} == {"2026-04", "2026-05", "2026-06"}
    # Q2 2026: received every third day, split over three commissioning parties: small cells are suppressed, and said
    assert "<5" in [row[3] for row in months["rows"]]
    assert "<5" in months["note"]
    # One commissioning party only
    one = json.loads(
        make(
            tmp_path,
            "quarterly",
            "--organisation",
            "xs",
            "--quarter",
            "2026-Q2",
            "--commissioner",
            "UWV",
            "--format",
            "json",
        )
    )
    assert {row[0] for row in table(one, "months")["rows"]} == {"UWV"}
    pdf = make(tmp_path, "quarterly", "--organisation", "xs", "--quarter", "2026-Q2", name="q.pdf")
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("quarterly", "--organisation", "xs", "--quarter", "2027-Q5"), "is not a quarter"),
        (("annual", "--organisation", "xs", "--year", "20x7"), "is not a year"),
        (("annual", "--organisation", "nowhere", "--year", "2026"), "No such organisation"),
        (("annual", "--organisation", "xs", "--year", "2026", "--format", "pdf"), "--output FILE is needed"),
    ],
)
def test_bad_input_is_one_clear_line(world, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        call_command("report", *args, "--format", "json" if "--format" not in args else args[-1], stderr=io.StringIO())
    assert caught.value.returncode == 2


def test_an_organisation_the_person_may_not_see(world, tmp_path):
    other = build([], slug="other", name="Other")
    outsider = staff(other.organisation, "analyst")
    with pytest.raises(CommandError, match="No such organisation, or you may not see its figures"):
        make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--by", outsider.username)
    analyst = staff(world.organisation, "analyst")
    assert make(
        tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--format", "json", "--by", analyst.username
    )


def test_a_year_without_cases_is_an_honest_empty_report(world, tmp_path):
    body = json.loads(make(tmp_path, "annual", "--organisation", "xs", "--year", "2019", "--format", "json"))
    assert table(body, "totals")["rows"][0][1:] == [0, 0, 0]
    assert table(body, "kind")["rows"] == []
    assert make(tmp_path, "annual", "--organisation", "xs", "--year", "2019", name="empty.pdf").startswith(b"%PDF")


def test_the_workspace_page_gets_tables_and_csp_safe_inline_charts(world):
    from plaint.reporting.periods import year
    from plaint.reporting.presenters import analysis_page
    from plaint.reporting.services import ReportRequest, report_figures

    # Given the figures the workspace's analysis page asks for (same selector and access rule as the command line)
    with time_machine.travel(FROZEN, tick=False):
        figures = report_figures(
            actor=None, request=ReportRequest(kind="annual", organisation=world.organisation, period=year(2026))
        )
    # When they are presented in Dutch
    page = analysis_page(figures, "nl")
    # Then every table is there, and the charted ones carry an SVG without style, script or Vega's English ARIA text
    charted = [item for item in page["tables"] if item["svg"]]
    assert {item["table"].key for item in charted} == {"category", "cause", "outcome", "handling_buckets", "terms"}
    for item in charted:
        svg = item["svg"]
        assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg and "<style" not in svg
        assert "aria-roledescription" not in svg and svg.startswith('<svg aria-hidden="true"')
    assert "Categorie 1" in next(item["svg"] for item in charted if item["table"].key == "category")


@pytest.mark.clause("WV-07", "WV-02")
def test_a_firms_annual_report_bundles_the_year_per_client_organisation(tmp_path):
    # Given a complaints-officer firm serving two client organisations, each with its own year of cases
    firm = build(generated_specs(year=2026, count=5), procedure_id="werk-in-vertrouwen", slug="wiv", provider=True)
    build(generated_specs(year=2026, count=20), slug="client-a", name="Client A", served_by=firm.organisation)
    build(generated_specs(year=2026, count=12, seed=2), slug="client-b", name="Client B", served_by=firm.organisation)
    # When the firm's annual report is made
    body = json.loads(make(tmp_path, "annual", "--organisation", "wiv", "--year", "2026", "--format", "json"))
    # Then it holds a row per client, with the client's own figures
    clients = {row[0]: row[1:] for row in table(body, "clients")["rows"]}
    assert clients["Client A"][0] == 20
    assert clients["Client B"][0] == 12
    assert table(body, "totals")["rows"][0][1] == 5  # the firm's own cases apart


@pytest.mark.clause("XS-20")
@pytest.mark.parametrize(("language", "shown"), [("en", "%"), ("nl", "\u00a0%")])
def test_the_pdf_shows_shares_as_percentages_and_an_older_report_regenerates_as_it_was(
    world, tmp_path, language, shown
):
    from plaint.reporting import exports
    from plaint.reporting.services import report_regenerate

    # Given an annual analysis made now (render version 2)
    pdf = make(tmp_path, "annual", "--organisation", "xs", "--year", "2026", "--lang", language, name="p.pdf")
    report = GeneratedReport.objects.latest("id")
    assert report.render_version == exports.RENDER_VERSION == 2
    terms = next(
        t
        for t in json.loads(exports.render(report.figures, fmt="json", language=language))["tables"]
        if t["key"] == "terms"
    )
    share = next(row[5] for row in terms["rows"] if row[5] is not None)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    # then the share of terms kept reads as a percentage, not as a fraction
    assert f"{round(share * 100)}%" in text.replace(shown, "%")
    assert str(share) not in text
    assert report_regenerate(report=report) == pdf
    # and a report stored before percentages were shown (render version 1) regenerates byte for byte as it was
    old = exports.render(report.figures, fmt="pdf", language=language, version=1)
    GeneratedReport.objects.filter(pk=report.pk).update(render_version=1)
    report.refresh_from_db()
    assert report_regenerate(report=report) == old != pdf
    old_text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(old)).pages)
    assert (str(share) if language == "en" else str(share).replace(".", ",")) in old_text  # Dutch: 0,8917
