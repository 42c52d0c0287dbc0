from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from plaint.core.audit import audit_source
from plaint.procedures import services
from plaint.procedures.models import ProcedureAdoption, ProcedureVersion, bundled_procedure_ids


class ProcedureAdoptionForm(forms.ModelForm[ProcedureAdoption]):
    class Meta:
        model = ProcedureAdoption
        fields = ["organisation", "procedure_id", "version", "active_from", "active_until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The bundled files are read when the form is built, so a newly bundled procedure shows up without a restart.
        choices = [(procedure_id, procedure_id) for procedure_id in bundled_procedure_ids()]
        current = self.instance.procedure_id if self.instance.pk else None
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["procedure_id"].widget = forms.Select(choices=[("", "---------"), *choices])


@admin.register(ProcedureAdoption)
class ProcedureAdoptionAdmin(admin.ModelAdmin[ProcedureAdoption]):
    form = ProcedureAdoptionForm
    list_display = ["organisation", "procedure_id", "version", "active_from", "active_until"]
    list_filter = ["procedure_id", "organisation"]
    search_fields = ["organisation__name", "procedure_id"]
    date_hierarchy = "active_from"
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["organisation", "procedure_id", "version"]}),
        (_("In force"), {"fields": ["active_from", "active_until"]}),
    ]

    # Writes go through the audited services (docs/audit.md).
    def save_model(self, request: HttpRequest, obj: ProcedureAdoption, form: Any, change: bool) -> None:
        saved = services.procedure_adoption_save(adoption=obj, actor=request.user, source=audit_source(request))
        obj.pk = saved.pk  # the admin's next page (and its message) names the saved adoption

    def delete_model(self, request: HttpRequest, obj: ProcedureAdoption) -> None:
        services.procedure_adoption_delete(adoption=obj, actor=request.user, source=audit_source(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProcedureAdoption]) -> None:
        for adoption in queryset:
            self.delete_model(request, adoption)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
    """The procedure files administrators uploaded (`/workspace/procedures/`), read-only: a kept version is never
    changed, because cases keep running under the version they started with. Uploading and activating happen in the
    workspace, through the audited services."""

    list_display = ["procedure_id", "version", "organisation", "file_name", "uploaded_at"]
    list_filter = ["organisation", "procedure_id"]
    search_fields = ["procedure_id", "file_name", "organisation__name", "sha256"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["organisation"]
    fields = ("organisation", "procedure_id", "version", "file_name", "sha256", "uploaded_at", "source")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        return False
