"""What staff record on a case besides the procedure's steps: its classification, documents; and reading its
sensitive sections. Each calls the cases service or selector the API calls too."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import AuditSource, audit_source_from_request
from plaint.access.models import User
from plaint.cases.attachment_services import attachment_add
from plaint.cases.classification_services import case_classify
from plaint.cases.errors import CaseNotFound
from plaint.cases.models import Case
from plaint.cases.party_services import case_party_add, party_consent_record
from plaint.cases.selectors import case_party, case_sensitive_sections, case_visible
from plaint.cases.services import PartyInput
from plaint.core.errors import Forbidden, PlaintError
from plaint.workspace.forms import ClassifyForm, ConsentForm, DocumentForm, PartyForm
from plaint.workspace.views import _base, _user


def _back(case_id: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("workspace:case", args=[case_id]) + anchor)


def _visible_case(request: HttpRequest, user: User, case_id: int, source: AuditSource) -> Case | HttpResponse:
    """The case a form is posted for, if the person may see it (the service then judges the act itself); else the
    not-found page, the refusal audited by the selector. Only the case row: the services read what they need."""
    try:
        return case_visible(user, case_id, source)
    except CaseNotFound:
        return render(request, "workspace/not_found.html", _base(request), status=404)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def classify(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        return _back(case_id, "#classification")
    source = audit_source_from_request(request)
    case = _visible_case(request, user, case_id, source)
    if isinstance(case, HttpResponse):
        return case
    form = ClassifyForm(
        request.POST,
        categories=classification_choices(case, "categories"),
        causes=classification_choices(case, "causes"),
    )
    if not form.is_valid():
        messages.error(request, _("Choose from the lists shown."))
        return _back(case_id, "#classification")
    try:
        case_classify(
            case=case,
            actor=user,
            categories=form.cleaned_data["categories"],
            causes=form.cleaned_data["causes"],
            note=form.cleaned_data["note"],
            source=source,
        )
    except PlaintError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The classification is saved."))
    return _back(case_id, "#classification")


def classification_choices(case: Case, which: str, chosen: list[Any] | None = None) -> list[tuple[str, str]]:
    """The organisation's active categories or causes, plus those the case already has (retired ones included;
    `chosen` when the caller has read them already)."""
    lang = "nl" if (translation.get_language() or "en").startswith("nl") else "en"
    items = getattr(case.organisation, which).filter(active=True)
    chosen = chosen if chosen is not None else list(getattr(case, which).all())
    found = {item.code: item.name(lang) for item in [*items, *chosen]}
    return sorted(found.items(), key=lambda pair: pair[1].lower())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_add(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        return _back(case_id, "#documents")
    source = audit_source_from_request(request)
    case = _visible_case(request, user, case_id, source)
    if isinstance(case, HttpResponse):
        return case
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to add."))
        return _back(case_id, "#documents")
    try:
        attachment_add(
            case=case,
            actor=user,
            file=form.cleaned_data["file"],
            sensitive=form.cleaned_data["sensitive"],
            description=form.cleaned_data["description"],
            source=source,
        )
    except PlaintError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The document is added."))
    return _back(case_id, "#documents")


@login_required
@require_http_methods(["GET", "HEAD"])
def sensitive_sections(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's sensitive sections (WA-11), for those allowed; every read is recorded in the audit trail."""
    user = _user(request)
    try:
        sections = case_sensitive_sections(actor=user, case_id=case_id, source=audit_source_from_request(request))
    except CaseNotFound:
        return render(request, "workspace/not_found.html", _base(request), status=404)
    except Forbidden as error:
        return render(request, "workspace/forbidden.html", {**_base(request), "message": error.text()}, status=403)
    context = {**_base(request), "sections": sections, "case_id": case_id}
    return render(request, "workspace/sensitive.html", context)


def party_choices(case: Case) -> list[tuple[str, str]]:
    from plaint.workspace.case_page import _people

    return [(str(pk), name) for pk, name in _people(case, None)]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def party_add(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        return _back(case_id, "#parties")
    source = audit_source_from_request(request)
    case = _visible_case(request, user, case_id, source)
    if isinstance(case, HttpResponse):
        return case
    form = PartyForm(request.POST, people=party_choices(case))
    if not form.is_valid():
        messages.error(request, _("Choose a role, and a person or a name."))
        return _back(case_id, "#parties")
    data = form.cleaned_data
    try:
        case_party_add(
            case=case,
            actor=user,
            party=PartyInput(
                role=data["role"],
                person_id=int(data["person"]) if data.get("person") else None,
                name=data.get("name") or "",
                email=data.get("email") or "",
                involved=bool(data.get("involved")),
            ),
            source=source,
        )
    except PlaintError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The party is added."))
    return _back(case_id, "#parties")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consent_record(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        return _back(case_id, "#parties")
    source = audit_source_from_request(request)
    case = _visible_case(request, user, case_id, source)
    if isinstance(case, HttpResponse):
        return case
    form = ConsentForm(request.POST)
    raw = str(request.POST.get("party", ""))
    party = case_party(case=case, party_id=int(raw)) if raw.isdigit() and len(raw) < 19 else None
    if not form.is_valid() or party is None:
        messages.error(request, _("Give the date of the written consent."))
        return _back(case_id, "#parties")
    try:
        party_consent_record(case=case, party=party, given_on=form.cleaned_data["given_on"], actor=user, source=source)
    except PlaintError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The consent is recorded."))
    return _back(case_id, "#parties")
