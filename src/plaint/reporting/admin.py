from __future__ import annotations

from django.contrib import admin

from plaint.reporting.models import GeneratedReport, Improvement, ReportDuty


@admin.register(Improvement)
class ImprovementAdmin(admin.ModelAdmin[Improvement]):
    """The improvement register: measures and structural recommendations, their owner, due date and status."""

    list_display = ("title", "organisation", "kind", "owner", "due_on", "status", "completed_on")
    list_filter = ("status", "kind", "organisation")
    search_fields = ("title",)
    raw_id_fields = ("cases", "report", "owner")
    readonly_fields = ("reminded_on", "created_at")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin[GeneratedReport]):
    """Reports as they were made: read only (regenerate one with `plaint report regenerate --id N`)."""

    list_display = ("id", "kind", "organisation", "period_start", "period_end", "format", "created_by", "created_at")
    list_filter = ("kind", "format", "organisation")
    exclude = ("figures",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ReportDuty)
class ReportDutyAdmin(admin.ModelAdmin[ReportDuty]):
    list_display = ("duty", "organisation", "period_start", "period_end", "report", "prepared_at")
    list_filter = ("duty", "organisation")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
