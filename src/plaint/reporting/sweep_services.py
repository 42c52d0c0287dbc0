"""What the sweep does for reporting, once a day: remind the owners of overdue improvements, and prepare the reports
the procedures' `reporting:` duties make due, telling the people responsible (through the outbox). Idempotent: a
second run the same day sends nothing again and prepares nothing twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plaint.core import clock
from plaint.correspondence.services import email_queue
from plaint.engine.definition import Report
from plaint.organisations.models import Organisation, Person
from plaint.organisations.selectors import people_with_role
from plaint.procedures.selectors import procedure_definition, procedure_for
from plaint.reporting import periods
from plaint.reporting.models import Improvement, ImprovementStatus, ReportDuty, ReportKind
from plaint.reporting.services import ReportRequest, report_make

#: An overdue improvement's owner is reminded at most this often.
REMIND_EVERY = dt.timedelta(days=7)


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    prepared: int


def reporting_sweep(*, today: dt.date | None = None) -> SweepResult:
    today = today or clock.now().date()
    return SweepResult(reminded=improvements_remind(today=today), prepared=reports_prepare(today=today))


def improvements_remind(*, today: dt.date) -> int:
    """Tell the owner of each open improvement past its due date, once a week until it is done (XS-17)."""
    count = 0
    due = Improvement.objects.filter(
        status__in=[ImprovementStatus.OPEN, ImprovementStatus.IN_PROGRESS], due_on__lt=today
    ).select_related("organisation", "owner")
    for improvement in due.iterator(chunk_size=200):
        if improvement.reminded_on is not None and improvement.reminded_on > today - REMIND_EVERY:
            continue
        owner = improvement.owner
        with transaction.atomic():
            if owner.email:
                language = improvement.organisation.default_language
                with translation.override(language):
                    subject = _("Improvement overdue: %(title)s") % {"title": improvement.title}
                    body = _(
                        "The improvement “%(title)s” of %(organisation)s was due on %(due)s and is not done yet. "
                        "Please complete it or record its status in the improvement register."
                    ) % {
                        "title": improvement.title,
                        "organisation": improvement.organisation.name,
                        "due": date_format(improvement.due_on, "j F Y"),
                    }
                email_queue(
                    organisation=improvement.organisation,
                    kind="improvement_overdue",
                    dedupe_key=f"improvement:{improvement.pk}:{today.isoformat()}",
                    recipient_email=owner.email,
                    recipient_name=owner.name,
                    recipient=owner,
                    language=language,
                    subject=subject,
                    body_text=body,
                )
            Improvement.objects.filter(pk=improvement.pk).update(reminded_on=today)
        count += 1
    return count


def last_complete_period(every: str, today: dt.date) -> periods.Period:
    """The last whole month, quarter or year before `today`."""
    if every == "year":
        return periods.year(today.year - 1)
    if every == "quarter":
        start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - relativedelta(months=3)
        return periods.quarter(f"{start.year}-Q{(start.month - 1) // 3 + 1}")
    start = today.replace(day=1) - relativedelta(months=1)
    return periods.span(start, today.replace(day=1) - dt.timedelta(days=1))


def reports_prepare(*, today: dt.date) -> int:
    """Prepare each report a duty made due (the last whole period), once, and tell the people it is for."""
    count = 0
    for organisation in Organisation.objects.order_by("pk"):
        adoption = procedure_for(organisation=organisation, on=today)
        if adoption is None or adoption.organisation_id != organisation.pk:
            continue  # a client of a firm: the firm's own duty covers it (WV-07)
        procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
        for duty in procedure.reporting:
            period = last_complete_period(duty.every, today)
            if adoption.active_from > period.end:
                continue
            if ReportDuty.objects.filter(organisation=organisation, duty=duty.key, period_start=period.start).exists():
                continue
            _prepare(organisation, duty, period)
            count += 1
    return count


def _prepare(organisation: Organisation, duty: Report, period: periods.Period) -> None:
    quarterly = duty.anonymised or duty.per == "commissioning_party"
    request = ReportRequest(
        kind=ReportKind.QUARTERLY if quarterly else ReportKind.ANNUAL,
        organisation=organisation,
        period=period,
        language=organisation.default_language,
        format="pdf",
        duty=duty.key,
    )
    report, _content = report_make(actor=None, request=request)
    responsible: list[Person] = []
    for role in duty.by:
        responsible += [person for person in people_with_role(organisation=organisation, role=role) if person.email]
    language = organisation.default_language
    with transaction.atomic():
        for person in responsible:
            with translation.override(language):
                label = duty.label.nl if language == "nl" else duty.label.en
                subject = _("Report ready: %(label)s, %(period)s") % {"label": label, "period": period.label}
                body = _(
                    "The report “%(label)s” of %(organisation)s for %(period)s is ready (report %(number)s). "
                    "It is yours to check and hand on, as the procedure says. Get the file with: "
                    "plaint report regenerate --id %(number)s --output FILE"
                ) % {"label": label, "organisation": organisation.name, "period": period.label, "number": report.pk}
            email_queue(
                organisation=organisation,
                kind="report_ready",
                dedupe_key=f"report:{report.pk}:{person.pk}",
                recipient_email=person.email,
                recipient_name=person.name,
                recipient=person,
                language=language,
                subject=subject,
                body_text=body,
            )
        ReportDuty.objects.create(
            organisation=organisation,
            duty=duty.key,
            period_start=period.start,
            period_end=period.end,
            report=report,
            told=sorted({person.pk for person in responsible}),
            prepared_at=clock.now(),
        )
