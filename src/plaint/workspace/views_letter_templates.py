"""The organisation's letter templates (`/workspace/letters/templates/`, its administrators and superusers): every
letter of the procedures it adopted, in English and Dutch, its own text or the bundled one, and whether it needs a
second person's approval; editing one with a preview on the sample case and the check on save (what the letter must
contain, the sandbox); using the bundled text again. Thin: each POST is one call of the correspondence services,
which check and audit it (docs/letters.md, "Your own templates")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import audit_source_from_request
from plaint.core.errors import PlaintError
from plaint.correspondence.letters.approval import letter_approval_rule_set, letters_requiring_approval
from plaint.correspondence.letters.catalogue import bundled_procedure
from plaint.correspondence.letters.templates_services import (
    letter_template_preview,
    letter_template_reset,
    letter_template_save,
    letter_template_source,
)
from plaint.correspondence.models import LetterTemplate
from plaint.engine.messages import Lang
from plaint.organisations.models import Organisation
from plaint.procedures.models import ProcedureAdoption
from plaint.workspace import people
from plaint.workspace.views import _base, _user


def _organisation(request: HttpRequest) -> Organisation | None:
    administered = people.administered_organisations(actor=_user(request))
    slug = request.GET.get("organisation") or request.POST.get("organisation") or ""
    if not slug:
        return administered[0] if administered else None
    return next((org for org in administered if org.slug == slug), None)


def _forbidden(request: HttpRequest) -> HttpResponse:
    message = _("Only administrators of an organisation change its letters.")
    return render(request, "workspace/forbidden.html", {**_base(request), "message": message}, status=403)


def _list_url(organisation: Organisation) -> str:
    return f"{reverse('workspace:letter-templates')}?organisation={organisation.slug}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def templates_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    if organisation is None:
        return _forbidden(request)
    if request.method == "POST":  # the approval rule of one letter
        try:
            letter_approval_rule_set(
                organisation=organisation,
                procedure_id=request.POST.get("procedure", ""),
                letter_key=request.POST.get("letter", ""),
                required=request.POST.get("required") == "yes",
                actor=_user(request),
                source=audit_source_from_request(request),
            )
        except PlaintError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, _("Saved: which letters need a second person's approval."))
        return HttpResponseRedirect(_list_url(organisation))
    lang: Lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    own = set(
        LetterTemplate.objects.filter(organisation=organisation).values_list("procedure_id", "letter_key", "language")
    )
    approval = letters_requiring_approval(organisation=organisation)
    procedures: list[dict[str, Any]] = []
    ids = ProcedureAdoption.objects.filter(organisation=organisation).values_list("procedure_id", flat=True)
    for procedure_id in sorted(set(ids)):
        procedure = bundled_procedure(procedure_id)
        if procedure is None:
            continue
        letters = [
            {
                "key": letter.key,
                "label": letter.label.get(lang),
                "own": {language: (procedure_id, letter.key, language) in own for language in ("en", "nl")},
                "approval": (procedure_id, letter.key) in approval,
            }
            for letter in procedure.letters
        ]
        procedures.append({"id": procedure_id, "title": procedure.title.get(lang), "letters": letters})
    context = {**_base(request), "organisation": organisation, "procedures": procedures}
    return render(request, "workspace/letters/templates.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_edit_page(request: HttpRequest, procedure_id: str, letter_key: str, language: str) -> HttpResponse:
    organisation = _organisation(request)
    if organisation is None:
        return _forbidden(request)
    procedure = bundled_procedure(procedure_id)
    letter = procedure.letter_by_key.get(letter_key) if procedure is not None else None
    if procedure is None or letter is None or language not in ("en", "nl"):
        return render(request, "workspace/not_found.html", _base(request), status=404)
    _name, current = letter_template_source(
        organisation=organisation, procedure_id=procedure_id, letter_key=letter_key, language=language
    )
    source = request.POST.get("source", current or "") if request.method == "POST" else current or ""
    error = ""
    preview = None
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        user = _user(request)
        try:
            if decision == "save":
                letter_template_save(
                    organisation=organisation,
                    procedure_id=procedure_id,
                    letter_key=letter_key,
                    language=language,
                    source=source,
                    actor=user,
                    audit_source=audit_source_from_request(request),
                )
                messages.success(request, _("Saved: the organisation's letters use this text from now on."))
                return HttpResponseRedirect(_list_url(organisation))
            if decision == "reset":
                letter_template_reset(
                    organisation=organisation,
                    procedure_id=procedure_id,
                    letter_key=letter_key,
                    language=language,
                    actor=user,
                    audit_source=audit_source_from_request(request),
                )
                messages.success(request, _("The bundled text applies again."))
                return HttpResponseRedirect(_list_url(organisation))
            preview = letter_template_preview(
                organisation=organisation,
                procedure_id=procedure_id,
                letter_key=letter_key,
                language=language,
                source=source,
            )
        except PlaintError as refusal:
            error = refusal.text()
    own = LetterTemplate.objects.filter(
        organisation=organisation, procedure_id=procedure_id, letter_key=letter_key, language=language
    ).exists()
    lang: Lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    context = {
        **_base(request),
        "organisation": organisation,
        "procedure_id": procedure_id,
        "letter_key": letter_key,
        "language": language,
        "label": letter.label.get(lang),
        "must_contain": letter.must_contain,
        "source": source,
        "error": error,
        "preview": preview,
        "own": own,
    }
    return render(request, "workspace/letters/template_edit.html", context)
