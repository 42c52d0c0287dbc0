"""Activating a version of a procedure from a date (`/workspace/procedures/activate/`, administrators of the
organisation): choose a bundled procedure version, or one the organisation uploaded and kept
(`procedures.services.procedure_version_store`), and the first day it applies, see what it changes compared with the
version in force and the plan of a case received that day, confirm, and it is adopted through
`procedures.services.procedure_adopt` (audited `procedure.adopted`, and `procedure.adoption_changed` for the version it
ends). New cases only (WP-23): cases already received keep their version, and the day is today or later."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import audit_source_from_request
from plaint.cases.selectors import organisations_for_registration
from plaint.core import clock
from plaint.core.errors import PlaintError
from plaint.engine import EngineInputError
from plaint.engine.plan import plan
from plaint.procedures.models import ProcedureVersion
from plaint.procedures.selectors import bundled_versions, procedure_definition, procedure_for, stored_versions_of
from plaint.procedures.services import procedure_adopt
from plaint.web.forms import DateField, GovukForm
from plaint.workspace.intake_views import _administered
from plaint.workspace.procedure_check import differences
from plaint.workspace.views import _base, _user


class ActivationForm(GovukForm):
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"))
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure and version"))
    active_from = DateField(
        label=gettext_lazy("In force for cases received from"),
        help_text=gettext_lazy("Today or later. Cases received before keep the version they have."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, activate this version from that day"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]],
        lang: str,
        uploaded: list[ProcedureVersion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organisation"].choices = organisations
        fields["procedure"].choices = [
            (f"{p.id}:{p.version}", f"{p.title.get(lang)} ({p.id}, {_('version')} {p.version})")  # type: ignore[arg-type]
            for p in bundled_versions()
        ] + [
            (
                f"{row.procedure_id}:{row.version}",
                _("%(procedure)s version %(version)s, uploaded for %(organisation)s")
                % {"procedure": row.procedure_id, "version": row.version, "organisation": row.organisation.name},
            )
            for row in uploaded
        ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_activate_page(request: HttpRequest) -> HttpResponse:
    """Two steps on one form: without the confirmation it shows what the version changes; with it, it adopts."""
    user = _user(request)
    administered = _administered(user, list(organisations_for_registration(actor=user).order_by("name")))
    if not administered:
        message = _("Only administrators of an organisation activate a version of its procedure.")
        return render(request, "workspace/forbidden.html", {**_base(request), "message": message}, status=403)
    lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    choices = [(org.slug, org.name) for org in administered]
    uploaded = stored_versions_of(organisations=administered)
    initial = {key: request.GET[key] for key in ("organisation", "procedure") if key in request.GET}
    form = ActivationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=choices,
        lang=lang,
        uploaded=uploaded,
    )
    preview: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next(org for org in administered if org.slug == data["organisation"])
        procedure_id, _sep, version = data["procedure"].partition(":")
        new = procedure_definition(procedure_id=procedure_id, version=int(version))
        today = clock.today_for(organisation)
        owner = next(
            (row.organisation_id for row in uploaded if row.procedure_id == new.id and row.version == new.version), None
        )
        if owner is not None and owner != organisation.pk:
            form.add_error("procedure", _("This version was uploaded by another organisation."))
        elif data["active_from"] < today:
            form.add_error("active_from", _("Choose today or a later day: a new version applies to new cases only."))
        else:
            adoption = procedure_for(organisation=organisation, on=data["active_from"])
            old = (
                procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version) if adoption else None
            )
            try:
                planned = [(term.label.get(lang), term.due) for term in plan(new, data["active_from"])]  # type: ignore[arg-type]
            except EngineInputError:
                planned = []
            preview = {
                "organisation": organisation,
                "procedure": new,
                "in_force": old,
                "differences": differences(old, new, lang) if old is not None else [],
                "plan": planned,
                "active_from": data["active_from"],
            }
            if data["confirm"]:
                try:
                    procedure_adopt(
                        organisation=organisation,
                        procedure_id=new.id,
                        version=new.version,
                        active_from=data["active_from"],
                        actor=user,
                        source=audit_source_from_request(request),
                    )
                except PlaintError as error:
                    form.add_error(None, error.text())
                else:
                    messages.success(
                        request,
                        _("%(procedure)s version %(version)s is in force for cases received from %(day)s.")
                        % {
                            "procedure": new.title.get(lang),  # type: ignore[arg-type]
                            "version": new.version,
                            "day": date_format(data["active_from"], "j F Y"),
                        },
                    )
                    return redirect("workspace:procedures")
    context = {**_base(request), "form": form, "preview": preview}
    return render(request, "workspace/procedure_activate.html", context)
