"""People and roles (`/workspace/people/`): an organisation's administrators list its people, add one (and invite
them to sign in), change their job title, unit, line manager and roles, and end a membership. Thin: every change is
one call of `plaint.organisations.services`, which validates and audits it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import audit_source_from_request
from plaint.access.rules import person_of
from plaint.core import clock
from plaint.core.errors import PlaintError
from plaint.organisations.models import Membership, Organisation, OrganisationalUnit, Person, Role
from plaint.organisations.services import login_create, membership_create, membership_save, person_create
from plaint.workspace import people
from plaint.workspace.people_forms import ConfirmForm, MembershipForm, PersonAddForm
from plaint.workspace.views import _base, _user


def _forbidden(request: HttpRequest) -> HttpResponse:
    message = _("Only administrators of an organisation manage its people and roles.")
    return render(request, "workspace/forbidden.html", {**_base(request), "message": message}, status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/not_found.html", _base(request), status=404)


def _organisation(request: HttpRequest, administered: list[Organisation]) -> Organisation | None:
    slug = request.GET.get("organisation") or request.POST.get("organisation") or ""
    if not slug:
        return administered[0] if administered else None
    return next((org for org in administered if org.slug == slug), None)


def _membership(request: HttpRequest, membership_id: int) -> Membership | None:
    """The membership, if it is of an organisation the person administers (else None: a 404, never revealed)."""
    administered = people.administered_organisations(actor=_user(request))
    return (
        Membership.objects.select_related("person", "person__user", "organisation", "unit", "line_manager")
        .filter(pk=membership_id, organisation__in=[org.pk for org in administered])
        .first()
    )


def _add_errors(form: Any, error: PlaintError) -> None:
    for field, problems in error.errors.items():
        name = {"person": "name", "user": "username"}.get(field, field)
        for problem in problems:
            form.add_error(name if name in form.fields else None, str(problem))
    if not error.errors:
        form.add_error(None, error.text())


def _people_url(organisation: Organisation) -> str:
    return f"{reverse('workspace:people')}?organisation={organisation.slug}"


@login_required
@require_http_methods(["GET", "HEAD"])
def people_page(request: HttpRequest) -> HttpResponse:
    administered = people.administered_organisations(actor=_user(request))
    if not administered:
        return _forbidden(request)
    organisation = _organisation(request, administered)
    if organisation is None:
        return _not_found(request)
    today = clock.today_for(organisation)
    rows = [
        {"membership": membership, "active": people.membership_is_active(membership, today)}
        for membership in people.members_of(organisation=organisation)
    ]
    context = {**_base(request), "organisations": administered, "organisation": organisation, "rows": rows}
    return render(request, "workspace/people.html", context)


def _unit(organisation: Organisation, value: str) -> OrganisationalUnit | None:
    return OrganisationalUnit.objects.filter(organisation=organisation, pk=int(value)).first() if value else None


def _person(value: str) -> Person | None:
    return Person.objects.filter(pk=int(value)).first() if value else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_add(request: HttpRequest) -> HttpResponse:
    """Add a person to the organisation with their roles; with a username, a login and an email inviting them to
    choose their password. All or nothing: a refusal leaves no person, membership or login behind."""
    user = _user(request)
    administered = people.administered_organisations(actor=user)
    if not administered:
        return _forbidden(request)
    organisation = _organisation(request, administered)
    if organisation is None:
        return _not_found(request)
    choices = {"units": people.unit_choices(organisation), "managers": people.manager_choices(organisation)}
    # The new person's language defaults to the page's: an administrator on the Dutch pages is most likely adding
    # a Dutch reader.
    page_language = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    form = PersonAddForm(
        request.POST if request.method == "POST" else None, initial={"language": page_language}, **choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = audit_source_from_request(request)
        try:
            with transaction.atomic():
                login = None
                if data["username"]:
                    login = login_create(
                        username=data["username"],
                        password=people.new_login_password(),
                        email=data["email"],
                        language=data["language"],
                    )
                person = person_create(name=data["name"], email=data["email"], language=data["language"], user=login)
                membership_create(
                    person=person,
                    organisation=organisation,
                    unit=_unit(organisation, data["unit"]),
                    job_title=data["job_title"],
                    line_manager=_person(data["line_manager"]),
                    roles=data["roles"],
                    actor=user,
                    source=source,
                )
        except PlaintError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": person.name})
            if login is not None:
                _invite(request, login, organisation, data["language"])
            return redirect(_people_url(organisation))
    context = {**_base(request), "form": form, "organisation": organisation}
    return render(request, "workspace/person_add.html", context)


def _invite(request: HttpRequest, login: Any, organisation: Organisation, language: str) -> None:
    try:
        people.invitation_send(request=request, user=login, organisation=organisation, language=language)
    except OSError as error:
        messages.error(
            request,
            _("The invitation could not be sent (%(why)s); send it again from the person's page.") % {"why": error},
        )
    else:
        messages.success(request, _("An invitation to sign in was sent to %(email)s.") % {"email": login.email})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Change a member's job title, unit, line manager and roles: one `membership_save`, audited per change."""
    user = _user(request)
    membership = _membership(request, membership_id)
    if membership is None:
        return _not_found(request)
    organisation = membership.organisation
    choices = {
        "units": people.unit_choices(organisation),
        "managers": people.manager_choices(organisation, besides=membership.person),
    }
    held = sorted(membership.roles.values_list("code", flat=True))
    initial = {
        "job_title": membership.job_title,
        "unit": str(membership.unit_id or ""),
        "line_manager": str(membership.line_manager_id or ""),
        "roles": held,
    }
    form = MembershipForm(request.POST if request.method == "POST" else None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        own = person_of(user)
        own_role_taken = (
            own is not None
            and own.pk == membership.person_id
            and Role.Code.ADMINISTRATOR in held
            and Role.Code.ADMINISTRATOR not in data["roles"]
        )
        if own_role_taken:
            form.add_error(
                "roles", _("You cannot take the administrator role from yourself; another administrator can.")
            )
        if not form.errors:
            membership.job_title = data["job_title"]
            membership.unit = _unit(organisation, data["unit"])
            membership.line_manager = _person(data["line_manager"])
            try:
                membership_save(
                    membership=membership, roles=data["roles"], actor=user, source=audit_source_from_request(request)
                )
            except PlaintError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The changes to %(name)s are saved.") % {"name": membership.person.name})
                return redirect(_people_url(organisation))
    today = clock.today_for(organisation)
    context = {
        **_base(request),
        "form": form,
        "membership": membership,
        "organisation": organisation,
        "active": people.membership_is_active(membership, today),
        "may_invite": membership.person.user is not None
        and membership.person.user.last_login is None
        and bool(membership.person.user.email),
    }
    return render(request, "workspace/membership_edit.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    """End a membership from today, after a confirmation: the person keeps their history but no longer holds a
    role in the organisation. Never one's own (another administrator does that)."""
    user = _user(request)
    membership = _membership(request, membership_id)
    if membership is None:
        return _not_found(request)
    organisation = membership.organisation
    today = clock.today_for(organisation)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    refusal = ""
    own = person_of(user)
    if own is not None and own.pk == membership.person_id:
        refusal = _("You cannot end your own membership; another administrator can.")
    elif not people.membership_is_active(membership, today):
        refusal = _("This membership has already ended.")
    if request.method == "POST" and not refusal and form.is_valid():
        membership.ended_on = today
        try:
            membership_save(membership=membership, actor=user, source=audit_source_from_request(request))
        except PlaintError as error:
            refusal = error.text()
        else:
            messages.success(request, _("The membership of %(name)s has ended.") % {"name": membership.person.name})
            return redirect(_people_url(organisation))
    context = {**_base(request), "form": form, "membership": membership, "organisation": organisation}
    context["refusal"] = refusal
    return render(request, "workspace/membership_end.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_invite(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Send the invitation to sign in again (the link of the first one lasts an hour)."""
    membership = _membership(request, membership_id)
    if membership is None:
        return _not_found(request)
    if request.method == "POST":
        login = membership.person.user
        if login is None or not login.email or login.last_login is not None:
            messages.error(
                request, _("Only a person with a login and an email address who never signed in is invited.")
            )
        else:
            _invite(request, login, membership.organisation, membership.person.language)
    return redirect("workspace:person", membership_id=membership.pk)
