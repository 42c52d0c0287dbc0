"""`/workspace/analysis/`: the annual analysis of an organisation, with its charts and tables (issue 12; the figures
and charts come from `plaint.reporting`), each count linked to the inbox filtered to exactly the cases behind it,
and the report's downloads. docs/workspace.md."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from plaint.access.models import User
from plaint.access.roles import actor_case_roles
from plaint.access.rules import STAFF_ROLES
from plaint.cases.models import Category
from plaint.core import clock
from plaint.core.errors import Forbidden, InvalidInput, NotFound
from plaint.organisations.models import Organisation, OrganisationalUnit
from plaint.reporting.exports import csv_cell
from plaint.reporting.models import GeneratedReport, ReportKind
from plaint.reporting.periods import Period, quarter, year
from plaint.reporting.presenters import analysis_page as analysis_presented
from plaint.reporting.presenters import percentage, quarterly_tables
from plaint.reporting.selectors import (
    SUPPRESS_BELOW,
    analysis_organisation,
    commissioning_parties,
    improvements_of,
)
from plaint.reporting.services import ReportRequest, report_figures, report_make
from plaint.web.forms import GovukForm

FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
#: The tables whose rows are one value of an inbox filter, by the filter's parameter.
LINKED_TABLES = {
    "kind": "kind",
    "category": "category",
    "cause": "cause",
    "channel": "channel",
    "stage": "stage",
    "outcome": "outcome",
    "subject_unit": "unit",
}
#: The rows of the totals table, by the inbox filter that selects their cases (None: not one filter of the inbox).
TOTALS_FILTERS: dict[str, dict[str, str] | None] = {
    "received": {},
    "complaints": {"kind": "complaint"},
    "compliments": {"kind": "compliment"},
    "suggestions": {"kind": "suggestion"},
    "still_open": {"status": "open"},
    "closed_in_period": None,  # closed in the period (closed_from, closed_to), whenever received
}


class AnalysisForm(GovukForm):
    organisation = forms.ChoiceField(label=_("Organisation"))
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=9999)
    quarter = forms.ChoiceField(
        label=_("Quarter"),
        required=False,
        choices=[("", _("The whole year"))] + [(str(n), f"Q{n}") for n in range(1, 5)],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    unit = forms.ChoiceField(label=_("Subject unit"), required=False)
    commissioner = forms.ChoiceField(
        label=_("Commissioning party"),
        required=False,
        help_text=_("Who commissioned the complainant's trajectory, such as a municipality (WP-22)."),
    )
    format = forms.ChoiceField(required=False, choices=[(key, key) for key in FORMATS], widget=forms.HiddenInput)
    # Which report a download is: the annual analysis, or the quarter's anonymised registration (WP-22).
    report = forms.ChoiceField(
        required=False, choices=[("", ""), *[(kind, kind) for kind in ReportKind.values]], widget=forms.HiddenInput
    )
    register = forms.ChoiceField(required=False, choices=[("", ""), ("csv", "csv")], widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _organisation_choices(organisations)  # type: ignore[attr-defined]
        ids = [item.pk for item in organisations]
        nl = (translation.get_language() or "en").startswith("nl")
        categories = {
            item.code: item.name("nl" if nl else "en")
            for item in Category.objects.filter(organisation_id__in=ids).order_by("code")
        }
        self.fields["category"].choices = [("", _("Any")), *categories.items()]  # type: ignore[attr-defined]
        units = OrganisationalUnit.objects.filter(organisation_id__in=ids).order_by("name")
        self.fields["unit"].choices = [("", _("Any"))] + [(str(unit.pk), unit.name) for unit in units]  # type: ignore[attr-defined]
        parties = commissioning_parties(organisations=organisations)
        self.fields["commissioner"].choices = [("", _("Any"))] + [(party, party) for party in parties]  # type: ignore[attr-defined]
        self.fields["year"].widget.attrs.update({"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"})


def _organisation_choices(organisations: list[Organisation]) -> list[Any]:
    """The organisations to choose from; a complaints-officer firm's client organisations grouped under it (WV-02,
    WV-07), so a firm's staff can choose one client's analysis."""
    shown = {item.pk for item in organisations}
    firms = {item.served_by_id for item in organisations if item.served_by_id in shown}
    choices: list[Any] = []
    for item in organisations:
        if item.served_by_id in firms:
            continue
        if item.pk in firms:
            clients = [(client.slug, client.name) for client in organisations if client.served_by_id == item.pk]
            group = _("%(firm)s and its client organisations") % {"firm": item.name}
            choices.append((group, [(item.slug, item.name), *clients]))
        else:
            choices.append((item.slug, item.name))
    return choices


def _analysed_organisations(user: User) -> list[Organisation]:
    """The organisations whose figures the person may see (analysts, management, the complaints officer)."""
    return [
        organisation
        for organisation in Organisation.objects.order_by("name")
        if user.has_perm("cases.view_anonymised", organisation)
    ]


def _links(report: dict[str, Any], slug: str, period: Period, filters: dict[str, Any]) -> dict[tuple[str, int], str]:
    """The inbox address behind each count of this period (table key, row index), where there is one: counts under
    five (small enough to point at a person) and counts no inbox filter selects exactly have none. `filters` are the
    page's own (category, unit, commissioning party), carried into every link."""
    base: dict[str, Any] = {"scope": "all", "organisation": slug, **filters}
    received = {"received_from": period.start, "received_to": period.end}
    closed = {"closed_from": period.start, "closed_to": period.end}
    inbox = reverse("workspace:inbox")
    links: dict[tuple[str, int], str] = {}
    current, previous = report["current"], report["previous"]

    def add(table: str, index: int, count: Any, query: dict[str, Any]) -> None:
        if isinstance(count, int) and count >= SUPPRESS_BELOW:
            links[(table, index)] = f"{inbox}?{urlencode(base | query)}"

    for index, (key, query) in enumerate(TOTALS_FILTERS.items()):
        add("totals", index, current["totals"][key], closed if query is None else received | query)
    for table, parameter in LINKED_TABLES.items():
        rows = current["counts"][table]
        now = {row["key"]: row["count"] for row in rows}
        keys = [row["key"] for row in rows]
        keys += [row["key"] for row in previous["counts"][table] if row["key"] not in now]
        for index, key in enumerate(keys):
            if key:
                add(table, index, now.get(key, 0), received | {parameter: key})
    for index, row in enumerate(current.get("handling_buckets", [])):
        days = {"handled_min": row["low"]} | ({"handled_max": row["high"]} if row["high"] is not None else {})
        add("handling_buckets", index, row["count"], closed | days)
    return links


@login_required
@require_http_methods(["GET", "HEAD"])
def analysis_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    organisations = _analysed_organisations(user)
    if not organisations:
        return render(
            request,
            "workspace/forbidden.html",
            {"message": _("You may not see the figures of any organisation.")},
            status=403,
        )
    today = clock.today_in(organisations[0].time_zone)
    data = request.GET if request.GET else {"organisation": organisations[0].slug, "year": today.year}
    form = AnalysisForm(data, organisations=organisations)
    context: dict[str, Any] = {"form": form, "formats": list(FORMATS)}
    if not form.is_valid():
        return render(request, "workspace/analysis.html", context, status=400)
    language = "nl" if (translation.get_language() or "en").startswith("nl") else "en"
    try:
        organisation = analysis_organisation(actor=user, slug=form.cleaned_data["organisation"])
        number, part = form.cleaned_data["year"], form.cleaned_data.get("quarter")
        period = quarter(f"{number}-Q{part}") if part else year(number)
    except (Forbidden, NotFound, InvalidInput) as error:
        form.add_error(None, str(error))
        return render(request, "workspace/analysis.html", context, status=400)
    category = form.cleaned_data.get("category") or None
    unit = int(form.cleaned_data["unit"]) if form.cleaned_data.get("unit") else None
    commissioner = form.cleaned_data.get("commissioner") or None
    report_request = ReportRequest(
        kind=ReportKind.ANNUAL,
        organisation=organisation,
        period=period,
        language=language,
        format=form.cleaned_data.get("format") or "pdf",
        category=category,
        unit=unit,
        commissioner=commissioner,
    )
    if form.cleaned_data.get("register"):
        return _register_csv(user, organisation, language)
    if form.cleaned_data.get("format"):
        if form.cleaned_data.get("report") == ReportKind.QUARTERLY:
            if not part:
                form.add_error("quarter", _("Choose a quarter for the anonymised registration."))
                return render(request, "workspace/analysis.html", context, status=400)
            report_request = replace(report_request, kind=ReportKind.QUARTERLY, category=None, unit=None)
        _report, content = report_make(actor=user, request=report_request)
        response = HttpResponse(content, content_type=FORMATS[report_request.format])
        prefix = "registration" if report_request.kind == ReportKind.QUARTERLY else "analysis"
        name = f"{prefix}-{organisation.slug}-{period.label}-{language}.{report_request.format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    report = report_figures(actor=user, request=report_request)
    presented = analysis_presented(report, language)
    # Links to cases for those who work on the organisation's cases (a staff role there); analysts see figures only.
    may_open_cases = bool(set(actor_case_roles(user, organisation)) & STAFF_ROLES)
    filters = {"category": category, "unit": unit, "commissioner": commissioner}
    chosen = {key: value for key, value in filters.items() if value is not None}
    links = _links(report, organisation.slug, period, chosen) if may_open_cases else {}
    query = {
        key: value
        for key, value in request.GET.items()
        if key in ("organisation", "year", "quarter", "category", "unit", "commissioner") and value
    }
    context |= {
        "organisation": organisation,
        "period": period,
        "tables": [
            {
                **item,
                "rows": [
                    [
                        (
                            percentage(cell, language) if position in item["table"].percent else cell,
                            links.get((item["table"].key, index)) if position == 1 else None,
                        )
                        for position, cell in enumerate(row)
                    ]
                    for index, row in enumerate(item["table"].rows)
                ],
            }
            for item in presented["tables"]
        ],
        "may_open_cases": may_open_cases,
        "downloads": [(fmt, f"?{urlencode(query | {'format': fmt})}") for fmt in FORMATS],
        "registration": _registration(user, report_request, query) if part else None,
        "quarters": [
            (n, f"?{urlencode({key: value for key, value in query.items() if key != 'quarter'} | {'quarter': n})}")
            for n in range(1, 5)
        ],
        "improvements": _improvements(user, organisation, may_open_cases),
        "register_download": f"?{urlencode(query | {'register': 'csv'})}",
    }
    return render(request, "workspace/analysis.html", context)


def _registration(user: User, annual: ReportRequest, query: dict[str, Any]) -> dict[str, Any]:
    """The quarter's anonymised registration per commissioning party (WP-22): tables with cells under five
    suppressed (and said so), and its downloads."""
    request = replace(annual, kind=ReportKind.QUARTERLY, category=None, unit=None)
    figures = report_figures(actor=user, request=request)
    tables = quarterly_tables(figures, annual.language)
    return {
        "tables": tables,
        "suppressed": figures["current"]["suppressed"],
        "suppress_below": SUPPRESS_BELOW,
        "downloads": [(fmt, f"?{urlencode(query | {'format': fmt, 'report': 'quarterly'})}") for fmt in FORMATS],
    }


def _improvements(user: User, organisation: Organisation, may_open_cases: bool) -> list[dict[str, Any]]:
    """The improvement register (XS-17, XS-20, WU-15): measures and recommendations, owner, due date, status, the
    cases that led to them (linked for those who work on the cases) and the report that recommended them."""
    rows = []
    for item in improvements_of(actor=user, organisation=organisation):
        rows.append(
            {
                "item": item,
                "cases": [
                    (case.reference, reverse("workspace:case", args=[case.pk]) if may_open_cases else None)
                    for case in sorted(item.cases.all(), key=lambda case: case.reference)
                ],
            }
        )
    return rows


def _register_csv(user: User, organisation: Organisation, language: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    with translation.override(language):
        writer.writerow(
            [str(name) for name in (_("kind"), _("title"), _("owner"), _("due on"), _("status"), _("completed on"))]
            + [str(_("cases")), str(_("recommended in report"))]
        )
        for item in improvements_of(actor=user, organisation=organisation):
            writer.writerow(
                [
                    csv_cell(str(item.get_kind_display())),
                    csv_cell(item.title),
                    csv_cell(item.owner.name),
                    item.due_on.isoformat(),
                    csv_cell(str(item.get_status_display())),
                    item.completed_on.isoformat() if item.completed_on else "",
                    " ".join(sorted(case.reference for case in item.cases.all())),
                    _report_label(item.report) if item.report else "",
                ]
            )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="improvements-{organisation.slug}-{language}.csv"'
    return response


def _report_label(report: GeneratedReport) -> str:
    kind = _("Annual analysis") if report.kind == ReportKind.ANNUAL else _("Anonymised complaints registration")
    return f"{kind} {report.period_start.isoformat()}/{report.period_end.isoformat()} ({report.format.upper()})"
