"""Reporting: the working-day calendar the analyses join on, the reports made, and the improvement register.

Nothing here is a case's truth: the analyses read cases, terms and events (`selectors.py`); these rows record what was
reported and what was recommended, so that a report can be regenerated identically and its measures followed up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingDay(models.Model):
    """One day of one calendar (the engine's `CalendarRules`, named by `calendar`), with two running counts.

    `ordinal` is the day's proleptic ordinal and `index` the number of working days up to and including it, so the
    calendar and working days from A to B (counted as the engine counts: after A, up to and including B) are the
    differences of two joined rows, computed by the database for every case at once.
    """

    calendar = models.CharField(_("calendar"), max_length=200)
    day = models.DateField(_("day"))
    ordinal = models.PositiveIntegerField(_("ordinal"))
    index = models.PositiveIntegerField(_("working-day index"))
    working = models.BooleanField(_("working day"))

    class Meta:
        verbose_name = _("working day")
        verbose_name_plural = _("working days")
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="working_day_unique")]

    def __str__(self) -> str:
        return f"{self.calendar} {self.day}"


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("annual analysis")
    QUARTERLY = "quarterly", _("quarterly anonymised registration")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


class GeneratedReport(models.Model):
    """A report as it was made: who, which organisation and period, and the figures themselves.

    The figures are stored (JSON), so the report can be rendered again byte for byte (`report_regenerate`), also
    after the cases changed; `sha256` is the digest of the file handed out.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    language = models.CharField(_("language"), max_length=8, default="en")
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    commissioner = models.CharField(_("commissioning party"), max_length=200, blank=True)
    duty = models.CharField(_("reporting duty"), max_length=64, blank=True)
    figures = models.JSONField(_("figures"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # How the file was rendered (`exports.RENDER_VERSION`): a report made before percentages were shown in the PDF
    # (1) regenerates as it was.
    render_version = models.PositiveSmallIntegerField(_("render version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["organisation", "kind", "period_start"], name="report_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation_id} {self.period_start}–{self.period_end}"


class ImprovementKind(models.TextChoices):
    CORRECTIVE = "corrective", _("corrective measure")
    PREVENTIVE = "preventive", _("preventive measure")
    RECOMMENDATION = "recommendation", _("structural recommendation")


class ImprovementStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Improvement(models.Model):
    """An entry of the improvement register: a measure or structural recommendation, its owner, due date and
    status, the complaints that led to it and the report that recommended it (XS-17, XS-20, WU-15, WA-13)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="improvements",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImprovementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=ImprovementStatus.choices, default=ImprovementStatus.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="+", verbose_name=_("cases"))
    report = models.ForeignKey(
        GeneratedReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvements",
        verbose_name=_("recommended in report"),
    )
    reminded_on = models.DateField(_("owner last reminded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("improvement")
        verbose_name_plural = _("improvement register")
        indexes = [models.Index(fields=["status", "due_on"], name="improvement_due")]

    def __str__(self) -> str:
        return self.title


class ReportDuty(models.Model):
    """A report a procedure's `reporting:` duty made due, prepared by the sweep once per organisation, duty and
    period, with the responsible person told."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    duty = models.CharField(_("reporting duty"), max_length=64)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    report = models.ForeignKey(GeneratedReport, on_delete=models.PROTECT, related_name="+", verbose_name=_("report"))
    told = models.JSONField(_("people told"), default=list)
    prepared_at = models.DateTimeField(_("prepared at"))

    class Meta:
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "duty", "period_start"], name="report_duty_unique")
        ]

    def __str__(self) -> str:
        return f"{self.duty} {self.period_start}"


class MonthSummary(models.Model):
    """The additive figures of one organisation's cases received in one month (`reporting.summaries`), so the
    annual analysis adds up months instead of reading every row about every case. Checked against the cases of its
    month each time it is read (count, sum of versions, events since `event_mark`) and made again when wrong."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    month = models.DateField(_("month of receipt"), help_text=_("The first day of the month."))
    shape = models.PositiveSmallIntegerField(_("shape"), default=1)
    calendar = models.CharField(_("calendar"), max_length=200)
    cases = models.PositiveIntegerField(_("cases received"))
    versions = models.BigIntegerField(_("sum of the cases' versions"))
    event_mark = models.BigIntegerField(_("checked against the events up to"))
    made_at = models.DateTimeField(_("made at"))
    figures = models.JSONField(_("figures"))
    # Per category and subject unit: the complaints and a keyed digest of each complainant (not additive).
    recurring = models.JSONField(_("recurring themes"), default=list)

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="month_summary_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"
