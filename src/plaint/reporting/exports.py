"""A report's tables as PDF (WeasyPrint, tagged PDF/UA-1), CSV, XLSX or JSON. All four read the same tables
(`presenters.report_tables`), so they show the same numbers."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from plaint.reporting.charts import table_chart
from plaint.reporting.presenters import Table, percentage, report_tables

PDF_VARIANT = "pdf/ua-1"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_EPOCH = dt.datetime(2000, 1, 1)  # noqa: DTZ001 - XlsxWriter wants a naive datetime


class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"A report loads no external resources ({url[:40]}).")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting with = + - @, a tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


#: How a PDF is rendered. 1: fractions as stored (0.5833); 2: the columns that hold a fraction as percentages
#: ("58%", "58 %" in Dutch). A stored report keeps the version it was made with, so it regenerates byte for byte.
RENDER_VERSION = 2


def render(report: dict[str, Any], *, fmt: str, language: str, version: int = RENDER_VERSION) -> bytes:
    tables = report_tables(report, language)
    if fmt == "json":
        return render_json(report, tables)
    if fmt == "csv":
        return render_csv(tables)
    if fmt == "xlsx":
        return render_xlsx(tables)
    return render_pdf(report, tables, language, version=version)


def _with_percentages(table: Table, language: str) -> Table:
    if not table.percent:
        return table
    rows = [
        [percentage(value, language) if n in table.percent else value for n, value in enumerate(row)]
        for row in table.rows
    ]
    return dataclasses.replace(table, rows=rows)


def render_json(report: dict[str, Any], tables: list[Table]) -> bytes:
    body = {
        "kind": report["kind"],
        "organisation": report["organisation"],
        "period": report["period"],
        "previous_period": report.get("previous_period"),
        "commissioner": report.get("commissioner"),
        "tables": [table.as_dict() for table in tables],
    }
    # Sorted keys: the stored figures come back from a JSON column (PostgreSQL jsonb reorders keys), and a
    # regenerated report must be the same bytes.
    return (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def render_csv(tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for table in tables:
        writer.writerow([csv_cell(table.title)])
        writer.writerow([csv_cell(column) for column in table.columns])
        for row in table.rows:
            writer.writerow([csv_cell(value) for value in row])
        if table.note:
            writer.writerow([csv_cell(table.note)])
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")


def render_xlsx(tables: list[Table]) -> bytes:
    out = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    workbook = xlsxwriter.Workbook(out, options)
    # A fixed creation date, so that the same figures give the same file.
    workbook.set_properties({"created": _EPOCH})
    bold = workbook.add_format({"bold": True})
    for number, table in enumerate(tables, start=1):
        sheet = workbook.add_worksheet(f"{number:02d} {table.title}"[:31].replace("/", "-"))
        sheet.write_string(0, 0, table.title, bold)
        for column, name in enumerate(table.columns):
            sheet.write_string(1, column, name, bold)
        for row_number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, int | float):
                    sheet.write_string(row_number, column, str(value))
                else:
                    sheet.write_number(row_number, column, value)
        if table.note:
            sheet.write_string(len(table.rows) + 3, 0, table.note)
    workbook.close()
    return out.getvalue()


def render_html(report: dict[str, Any], tables: list[Table], language: str, version: int = RENDER_VERSION) -> str:
    with translation.override(language):
        figures = [
            {
                "table": _with_percentages(table, language) if version >= 2 else table,
                "svg": mark_safe(svg) if (svg := table_chart(table, language)) else None,  # noqa: S308 - our own vl-convert output
            }
            for table in tables
        ]
        return render_to_string("reporting/report.html", {"report": report, "figures": figures, "language": language})


def render_pdf(report: dict[str, Any], tables: list[Table], language: str, version: int = RENDER_VERSION) -> bytes:
    html = render_html(report, tables, language, version)
    pdf = HTML(string=html, url_fetcher=_NoFetching()).write_pdf(pdf_variant=PDF_VARIANT)
    assert isinstance(pdf, bytes)
    return pdf
