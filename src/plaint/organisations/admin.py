from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from plaint.core.audit import audit_source
from plaint.organisations import services
from plaint.organisations.models import (
    ExternalBody,
    Language,
    Membership,
    Organisation,
    OrganisationalUnit,
    Person,
    Role,
)


class OrganisationForm(forms.ModelForm[Organisation]):
    supported_languages = forms.MultipleChoiceField(
        label=_("supported languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages of the public pages and letters; must include the default language."),
    )

    class Meta:
        model = Organisation
        # The admin passes the fieldsets' fields; naming only the overridden one keeps import time free of form fields.
        fields = ["supported_languages"]


class UnitInline(admin.TabularInline[OrganisationalUnit, Organisation]):
    model = OrganisationalUnit
    fk_name = "organisation"
    fields = ["name", "kind", "parent", "manager"]
    extra = 0
    show_change_link = True
    autocomplete_fields = ["manager"]

    def get_formset(self, request: HttpRequest, obj: Organisation | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # Only this organisation's units can be a parent.
        parent_field = cast(forms.ModelChoiceField, formset.form.base_fields["parent"])  # type: ignore[type-arg]
        parent_field.queryset = (
            OrganisationalUnit.objects.filter(organisation=obj) if obj else OrganisationalUnit.objects.none()
        )
        return formset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    form = OrganisationForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "reference_prefix",
        "jurisdiction",
        "default_language",
        "served_by",
        "provides_complaints_service",
    ]
    list_filter = ["jurisdiction", "default_language", "provides_complaints_service"]
    search_fields = ["name", "slug", "reference_prefix"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["external_bodies"]
    inlines = [UnitInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "reference_prefix"]}),
        (
            _("Calendar and languages"),
            {"fields": ["jurisdiction", "time_zone", "default_language", "supported_languages"]},
        ),
        (_("Contact details"), {"fields": ["address", "email", "phone", "website"]}),
        (_("Complaints service"), {"fields": ["provides_complaints_service", "served_by", "external_bodies"]}),
    ]


@admin.register(ExternalBody)
class ExternalBodyAdmin(admin.ModelAdmin[ExternalBody]):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "email", "phone", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(admin.ModelAdmin[OrganisationalUnit]):
    list_display = ["name", "kind", "organisation", "parent", "manager"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation", "parent", "manager"]
    autocomplete_fields = ["organisation", "parent", "manager"]


class MembershipInline(admin.TabularInline[Membership, Person]):
    model = Membership
    fk_name = "person"
    fields = ["organisation", "unit", "job_title", "line_manager", "roles", "started_on", "ended_on"]
    extra = 0
    show_change_link = True
    autocomplete_fields = ["organisation", "unit", "line_manager"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["name", "email", "phone", "language", "user"]
    list_filter = ["language", "memberships__organisation"]
    search_fields = ["name", "email", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    inlines = [MembershipInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Memberships and their roles change through the audited services, as everywhere else."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        _memberships_save(request, formset)


def _memberships_save(request: HttpRequest, formset: Any) -> None:
    actor, source = request.user, audit_source(request)
    formset.save(commit=False)  # fills the instances from the forms; the services save them
    for membership in formset.deleted_objects:
        services.membership_delete(membership=membership, actor=actor, source=source)
    for inline_form in formset.forms:
        if inline_form in formset.deleted_forms or not inline_form.has_changed():
            continue
        services.membership_save(
            membership=inline_form.instance, roles=inline_form.cleaned_data.get("roles", []), actor=actor, source=source
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["person", "organisation", "unit", "job_title", "line_manager", "role_list", "ended_on"]
    list_filter = ["organisation", "roles"]
    search_fields = ["person__name", "organisation__name", "job_title"]
    list_select_related = ["person", "organisation", "unit", "line_manager"]
    autocomplete_fields = ["person", "organisation", "unit", "line_manager"]
    filter_horizontal = ["roles"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=_("roles"))
    def role_list(self, obj: Membership) -> str:
        return ", ".join(str(role) for role in obj.roles.all())

    # Writes go through the audited services (docs/audit.md): the membership, then its roles.
    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        services.membership_save(membership=obj, actor=request.user, source=audit_source(request))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        services.membership_set_roles(
            membership=form.instance,
            roles=form.cleaned_data.get("roles", []),
            actor=request.user,
            source=audit_source(request),
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_delete(membership=obj, actor=request.user, source=audit_source(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            self.delete_model(request, membership)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    """The roles are fixed by Plaint (a data migration creates them); the admin shows them only."""

    list_display = ["__str__", "code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Role | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Role | None = None) -> bool:
        return False
