"""Making reports (stored, audited, regenerable), the improvement register's follow-up and the scheduled reports.

A report's figures are computed once (`selectors`), stored with the report, and rendered from what was stored: the
same report renders to the same bytes again (`report_regenerate`), whatever happened to the cases since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from plaint.access.audit_services import audit_record
from plaint.access.models import User
from plaint.core import clock
from plaint.organisations.models import Organisation
from plaint.procedures.models import ProcedureAdoption
from plaint.reporting import exports
from plaint.reporting.calendar_services import working_days_ensure
from plaint.reporting.models import GeneratedReport, ReportKind
from plaint.reporting.periods import Period
from plaint.reporting.selectors import (
    Scope,
    analyses,
    analysis,
    analysis_bundle_clients,
    analysis_calendar,
    registration,
)


@dataclass(frozen=True)
class ReportRequest:
    kind: str  # annual | quarterly
    organisation: Organisation
    period: Period
    language: str = "en"
    format: str = "pdf"
    commissioner: str | None = None
    duty: str = ""
    category: str | None = None  # only the cases of this category (a code), for the workspace's analysis page
    unit: int | None = None  # only the cases about this subject unit (its id)


def report_figures(*, actor: User | None, request: ReportRequest, today: dt.date | None = None) -> dict[str, Any]:
    """Every figure a report shows, as plain data (what is stored with it).

    On PostgreSQL the queries run with JIT compilation off: each is a short aggregate, and compiling it took longer
    than running it (4 s of JIT for a 0.3 s query at half a million cases, bench/README.md)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                # Room to group by hashing: the planner overestimates the groups (a few hundred) and would otherwise
                # sort every row of the period to group them (bench/README.md).
                cursor.execute("SET LOCAL work_mem = '64MB'")
        return _report_figures(actor=actor, request=request, today=today)


def _report_figures(*, actor: User | None, request: ReportRequest, today: dt.date | None) -> dict[str, Any]:
    organisation, period = request.organisation, request.period
    base: dict[str, Any] = {
        "kind": request.kind,
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "period": period.as_dict(),
        "commissioner": request.commissioner,
        "language": request.language,
    }
    if request.category is not None or request.unit is not None:
        base["filters"] = {"category": request.category, "unit": request.unit}
    if request.kind == ReportKind.QUARTERLY:
        current = registration(organisation=organisation, period=period, commissioner=request.commissioner)
        return base | {"current": current}
    previous = period.previous()
    rules = analysis_calendar(organisation=organisation, on=period.end)
    today = today or clock.today_in(organisation.time_zone)
    # Cases close after their period ends: the table reaches a year past today.
    key = working_days_ensure(rules=rules, first=previous.start, last=max(period.end, today) + dt.timedelta(days=366))

    def scope(target: Organisation) -> Scope:
        return Scope(
            organisation=target,
            period=period,
            commissioner=request.commissioner,
            category=request.category,
            unit=request.unit,
        )

    clients = [
        analysis(scope=scope(client), calendar=key, today=today, full=False)
        for client in analysis_bundle_clients(actor=actor, firm=organisation)
    ]
    current, before = analyses(scope=scope(organisation), previous=previous, calendar=key, today=today)
    # The procedures whose stage and term names label the tables: those the cases analysed follow (counted with
    # them, no pass of their own) and those the organisation (or its firm) adopted, for terms of older cases.
    adopted = ProcedureAdoption.objects.filter(
        organisation_id__in=[organisation.pk, *([organisation.served_by_id] if organisation.served_by_id else [])]
    ).values_list("procedure_id", "version")
    procedures = sorted(
        {(procedure_id, version) for procedure_id, version in [*current["procedures"], *before["procedures"]]}
        | set(adopted)
    )
    return base | {
        "previous_period": previous.as_dict(),
        "procedures": [list(item) for item in procedures],
        "current": current,
        "previous": before,
        "clients": clients,
    }


def report_make(
    *, actor: User | None, request: ReportRequest, today: dt.date | None = None
) -> tuple[GeneratedReport, bytes]:
    """Compute, render, store and audit a report; return it and its file."""
    figures = report_figures(actor=actor, request=request, today=today)
    content = exports.render(figures, fmt=request.format, language=request.language, version=exports.RENDER_VERSION)
    with transaction.atomic():
        report = GeneratedReport.objects.create(
            kind=request.kind,
            organisation=request.organisation,
            period_start=request.period.start,
            period_end=request.period.end,
            language=request.language,
            format=request.format,
            commissioner=request.commissioner or "",
            duty=request.duty,
            figures=figures,
            sha256=hashlib.sha256(content).hexdigest(),
            render_version=exports.RENDER_VERSION,
            created_by=actor,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="reporting.report_made",
            target_type="report",
            target_id=report.pk,
            organisation=request.organisation,
            details={
                "kind": request.kind,
                "period": request.period.label,
                "format": request.format,
                "language": request.language,
                "commissioner": "yes" if request.commissioner else "",
            },
        )
    return report, content


def report_regenerate(*, report: GeneratedReport) -> bytes:
    """The report's file again, from its stored figures: byte for byte the file first handed out."""
    return exports.render(report.figures, fmt=report.format, language=report.language, version=report.render_version)
