"""Staff intake and procedure administration pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import audit_source_from_request
from plaint.access.models import User
from plaint.access.rules import person_of
from plaint.cases.attachment_services import attachment_add
from plaint.cases.models import Category
from plaint.cases.selectors import organisations_for_registration
from plaint.cases.services import PartyInput, Registration, case_register
from plaint.core import clock
from plaint.core.errors import PlaintError
from plaint.engine.render.diagram import procedure_diagram_svg
from plaint.engine.render.policy import procedure_policy_html
from plaint.organisations.models import Membership, Organisation, Person
from plaint.procedures.models import ProcedureVersion
from plaint.procedures.selectors import adoptions_of, procedure_definition, procedure_for, stored_versions_of
from plaint.procedures.services import procedure_version_store
from plaint.workspace import procedure_check as procedure_check_module
from plaint.workspace.forms import IntakeForm, ProcedureCheckForm
from plaint.workspace.intake import intake_preview
from plaint.workspace.procedure_check import diagram_data_url, procedure_check
from plaint.workspace.views import _base, _user


def _intake_form(request: HttpRequest, data: Any = None, files: Any = None) -> tuple[IntakeForm, list[Organisation]]:
    user = _user(request)
    organisations = list(organisations_for_registration(actor=user).order_by("name"))
    ids = [organisation.pk for organisation in organisations]
    lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    people = (
        Person.objects.filter(memberships__in=Membership.objects.filter(organisation_id__in=ids))
        .distinct()
        .order_by("name")
    )
    categories = Category.objects.filter(organisation_id__in=ids, active=True).select_related("organisation")
    form = IntakeForm(
        data,
        files,
        organisations=[(org.slug, org.name) for org in organisations],
        people=[(str(person.pk), person.name) for person in people],
        categories=[
            (f"{category.organisation.slug}:{category.code}", f"{category.name(lang)} ({category.organisation.name})")
            for category in categories
        ],
    )
    return form, organisations


def _registration(form: IntakeForm, organisation: Organisation) -> Registration:
    data = form.cleaned_data
    received_at = None
    if data.get("received_on"):
        moment = dt.datetime.combine(data["received_on"], data.get("received_time") or dt.time(9, 0))
        received_at = moment.replace(tzinfo=ZoneInfo(organisation.time_zone))
    subjects = []
    if data.get("subject_person") or data.get("subject_name"):
        subjects.append(
            PartyInput(
                role="subject",
                person_id=int(data["subject_person"]) if data.get("subject_person") else None,
                name=data.get("subject_name") or "",
            )
        )
    category = data.get("category") or ""
    slug, _sep, code = category.partition(":")
    return Registration(
        kind=data["kind"],
        channel=data["channel"],
        description=data["description"],
        summary=data.get("summary") or "",
        received_at=received_at,
        complainant=PartyInput(
            role="complainant",
            name=data["complainant_name"],
            email=data.get("complainant_email") or "",
            phone=data.get("complainant_phone") or "",
            address=data.get("complainant_address") or "",
        ),
        subjects=tuple(subjects),
        category_codes=(code,) if code and slug == organisation.slug else (),
        confidentiality="confidential" if data.get("confidential") else "normal",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def intake_page(request: HttpRequest) -> HttpResponse:
    """Two steps on one page: "Check" shows the warnings and the routing the registration would give; "Register"
    saves it (with the scan, if one was uploaded)."""
    user = _user(request)
    if request.method != "POST":
        form, organisations = _intake_form(request)
        return _render_intake(request, form, organisations)
    form, organisations = _intake_form(request, request.POST, request.FILES)
    if not form.is_valid():
        return _render_intake(request, form, organisations)
    organisation = next(org for org in organisations if org.slug == form.cleaned_data["organisation"])
    registration = _registration(form, organisation)
    if request.POST.get("step") != "register":
        try:
            preview = intake_preview(actor=user, organisation=organisation, registration=registration)
        except PlaintError as error:
            _add_errors(form, error)
            return _render_intake(request, form, organisations)
        return _render_intake(request, form, organisations, preview=preview)
    source = audit_source_from_request(request)
    try:
        case = case_register(organisation=organisation, registration=registration, actor=user, source=source)
    except PlaintError as error:
        _add_errors(form, error)
        return _render_intake(request, form, organisations)
    scan = form.cleaned_data.get("scan")
    if scan is not None:
        try:
            attachment_add(case=case, actor=user, file=scan, description=_("Scan of the letter"), source=source)
        except PlaintError as error:
            messages.error(
                request, _("The case is registered, but its scan was not kept: %(why)s") % {"why": error.text()}
            )
    messages.success(request, _("Registered as %(reference)s.") % {"reference": case.reference})
    return redirect("workspace:case", case_id=case.pk)


def _add_errors(form: IntakeForm, error: PlaintError) -> None:
    mapped = {"complainant": "complainant_name", "subjects": "subject_person", "categories": "category"}
    for field, problems in error.errors.items():
        name = mapped.get(field, field)
        for problem in problems:
            form.add_error(name if name in form.fields else None, str(problem))
    if not error.errors:
        form.add_error(None, error.text())


def _render_intake(
    request: HttpRequest, form: IntakeForm, organisations: list[Organisation], *, status: int = 200, preview: Any = None
) -> HttpResponse:
    person = person_of(request.user)
    taker = person.name if person is not None else request.user.get_username()
    context = {
        **_base(request),
        "form": form,
        "preview": preview,
        "may_register": bool(organisations),
        "taker": taker,
    }
    return render(request, "workspace/intake.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def procedures_page(request: HttpRequest) -> HttpResponse:
    """The procedures in force for the person's organisations, each with its policy text in both languages."""
    user = _user(request)
    organisations = list(organisations_for_registration(actor=user).order_by("name"))
    rows = []
    lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    for organisation in organisations:
        for adoption in adoptions_of(organisation=organisation):
            procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
            rows.append(
                {
                    "organisation": organisation,
                    "adoption": adoption,
                    "procedure": procedure,
                    # In the page (as the check page does), not a second request per diagram: each request
                    # saves the session (SESSION_SAVE_EVERY_REQUEST), and parallel saves lock SQLite's test database.
                    "diagram": diagram_data_url(procedure, lang=lang),
                    "policy_en": procedure_policy_html(procedure, lang="en"),
                    "policy_nl": procedure_policy_html(procedure, lang="nl"),
                }
            )
    administered = _administered(user, organisations)
    form = ProcedureCheckForm(organisations=[(org.slug, org.name) for org in administered]) if administered else None
    uploaded = stored_versions_of(organisations=administered) if administered else []
    context = {**_base(request), "rows": rows, "check_form": form, "uploaded": uploaded}
    return render(request, "workspace/procedures.html", context)


def _administered(user: User, organisations: list[Organisation]) -> list[Organisation]:
    """The organisations whose procedures this person administers: all for a superuser, else those where they hold
    the administrator role."""
    if user.is_superuser:
        return organisations
    ids = set(
        Membership.objects.active_on(clock.now().date())
        .filter(person__user=user, roles__code="administrator")
        .values_list("organisation_id", flat=True)
    )
    return [organisation for organisation in organisations if organisation.pk in ids]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_check_page(request: HttpRequest) -> HttpResponse:
    """An administrator checks a new version of their organisation's procedure file: its mistakes as
    `file:line: message`, or its diagram, policy text in both languages, the plan for a sample date and what differs
    from the version in force. With "Check and keep" a file without mistakes is also stored
    (`procedure_version_store`, audited) so it can be activated from a date (docs/workspace.md)."""
    user = _user(request)
    administered = _administered(user, list(organisations_for_registration(actor=user).order_by("name")))
    if not administered:
        message = _("Only administrators of an organisation check its procedure files.")
        return render(request, "workspace/forbidden.html", {**_base(request), "message": message}, status=403)
    if request.method != "POST":
        return redirect("workspace:procedures")
    form = ProcedureCheckForm(request.POST, request.FILES, organisations=[(org.slug, org.name) for org in administered])
    if not form.is_valid():
        context = {**_base(request), "form": form, "check_form": form, "result": None}
        return render(request, "workspace/procedure_check.html", context)
    organisation = next(org for org in administered if org.slug == form.cleaned_data["organisation"])
    today = clock.today_in(organisation.time_zone)
    adoption = procedure_for(organisation=organisation, on=today)
    in_force = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version) if adoption else None
    upload = form.cleaned_data["file"]
    lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    result = procedure_check(
        raw=upload.read(procedure_check_module.MAX_BYTES + 1),
        file_name=upload.name or "procedure.yaml",
        lang=lang,
        sample_day=form.cleaned_data.get("sample_day") or today,
        in_force=in_force,
    )
    stored = None
    if "keep" in request.POST and result.procedure is not None and not result.problems:
        upload.seek(0)
        try:
            stored = procedure_version_store(
                organisation=organisation,
                raw=upload.read(procedure_check_module.MAX_BYTES + 1),
                file_name=upload.name or "procedure.yaml",
                actor=user,
                source=audit_source_from_request(request),
            )
        except PlaintError as error:
            result.problems.append(error.text())
    context = {
        **_base(request),
        "form": form,
        "result": result,
        "in_force": in_force,
        "organisation": organisation,
        "stored": stored,
        # A file with mistakes: the form again, so the corrected file is one step away (a browser keeps no file).
        "check_form": form if result.problems else None,
    }
    return render(request, "workspace/procedure_check.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def procedure_diagram(request: HttpRequest, procedure_id: str, version: int) -> HttpResponse:
    lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    try:
        procedure = procedure_definition(procedure_id=procedure_id, version=version)
    except ValueError:
        return render(request, "workspace/not_found.html", _base(request), status=404)
    # Bundled procedures are public (the portal shows them); an uploaded version only to the staff of its
    # organisation or of the firm serving it, as if it did not exist for anyone else.
    uploaded_by = (
        ProcedureVersion.objects.filter(procedure_id=procedure_id, version=version)
        .values_list("organisation_id", flat=True)
        .first()
    )
    if (
        uploaded_by is not None
        and not organisations_for_registration(actor=_user(request)).filter(pk=uploaded_by).exists()
    ):
        return render(request, "workspace/not_found.html", _base(request), status=404)
    return HttpResponse(procedure_diagram_svg(procedure, lang=lang), content_type="image/svg+xml")
