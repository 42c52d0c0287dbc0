"""The workspace's pages. Thin: read a form, call one selector or service, render. Refusals of the services
(`PlaintError`) become a message in the person's language, never a 500.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from plaint.access.audit_services import audit_source_from_request
from plaint.access.models import User
from plaint.cases.errors import CaseNotFound, StaleCase
from plaint.cases.services import case_act
from plaint.core.errors import InvalidInput, PlaintError
from plaint.workspace.action_forms import ActionContext, action_form_class
from plaint.workspace.case_page import CasePage, OfferedAction, case_page, event_label, offered_action
from plaint.workspace.forms import ClassifyForm, ConsentForm, DocumentForm, InboxForm, PartyForm, SavedViewForm
from plaint.workspace.outbox import case_outbox
from plaint.workspace.selectors import (
    follow_up_list,
    inbox,
    inbox_choices,
    may_administer,
    saved_view,
    saved_views_of,
)
from plaint.workspace.services import SAVED_KEYS, saved_view_delete, saved_view_save


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _base(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {"show_admin_link": may_administer(actor=user)}


def htmx_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_required`, but an htmx request from a tab left open after signing out loads the sign-in page as a whole
    page (`HX-Redirect`), instead of htmx placing it inside the inbox's results."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "htmx", False) and not request.user.is_authenticated:
            shown = urlsplit(request.headers.get("HX-Current-URL", ""))  # the page the tab shows, to come back to
            current = f"{shown.path}?{shown.query}" if shown.path else request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(current).url)
        return login_required(view)(request, *args, **kwargs)

    return wrapper


# The inbox


def _filters_given(query: dict[str, str]) -> bool:
    """Whether the inbox shows "Clear the filters": a filter or search is given (the scope alone is not a filter)."""
    return any(key != "scope" for key in query)


@htmx_login_required
@require_http_methods(["GET", "HEAD"])
def inbox_page(request: HttpRequest) -> HttpResponse:
    from plaint.workspace.settings_views import land_in_preferred_language  # it builds on this module

    if (moved := land_in_preferred_language(request)) is not None:
        return moved
    user = _user(request)
    choices = inbox_choices(actor=user)
    form = InboxForm(request.GET or None, choices=choices)
    page = None
    if not request.GET:
        form = InboxForm({"scope": "all"}, choices=choices)
    if form.is_valid():
        page = inbox(actor=user, query=form.query())
    query = {key: request.GET[key] for key in SAVED_KEYS if request.GET.get(key)}
    partial = bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    if partial:
        if page is None:  # the filters have a mistake: the whole page, with its error summary and what was typed
            return HttpResponseClientRedirect(request.get_full_path())
        # htmx (the form's hx-get): only the results, the count and the saved-view form's query (docs/workspace.md)
        partial_context = {"page": page, "query_string": urlencode(query), "filters_given": _filters_given(query)}
        response = render(request, "workspace/inbox_partial.html", partial_context)
        response["Vary"] = "HX-Request"
        return response
    context = {
        **_base(request),
        "form": form,
        "page": page,
        "saved_views": saved_views_of(actor=user),
        "saved_view_form": SavedViewForm(),
        "query_string": urlencode(query),
        "filters_given": _filters_given(query),
    }
    response = render(request, "workspace/inbox.html", context)
    response["Vary"] = "HX-Request"  # the same address answers htmx with the results only
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("workspace:inbox")
    form = SavedViewForm(request.POST)
    query = {key: request.POST.get(key, "") for key in SAVED_KEYS}
    if form.is_valid():
        try:
            saved_view_save(actor=_user(request), name=form.cleaned_data["name"], query=query)
        except PlaintError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, _("The view is saved."))
    else:
        messages.error(request, _("Give the view a name of at most 100 characters."))
    kept = {key: value for key, value in query.items() if value}
    return redirect(f"{reverse('workspace:inbox')}?{urlencode(kept)}" if kept else reverse("workspace:inbox"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("workspace:inbox")
    try:
        saved_view_delete(actor=_user(request), view_id=view_id)
    except PlaintError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The view is removed."))
    return redirect("workspace:inbox")


@login_required
@require_http_methods(["GET", "HEAD"])
def saved_view_open(request: HttpRequest, view_id: int) -> HttpResponse:
    view = saved_view(actor=_user(request), view_id=view_id)
    if view is None:
        return render(request, "workspace/not_found.html", _base(request), status=404)
    return redirect(f"{reverse('workspace:inbox')}?{urlencode(dict(view.query))}")


# A case


def _forms_for(page: CasePage, *, bound: tuple[str, Any] | None = None) -> list[tuple[OfferedAction, Any]]:
    forms = []
    for offered in page.offered:
        form_class = action_form_class(offered.action, offered.context)
        if bound is not None and bound[0] == offered.slug:
            form = bound[1]
        else:
            form = form_class(
                initial={"version": page.case.version, "on_behalf_of": offered.on_behalf_of},
                prefix=offered.slug,
            )
        forms.append((offered, form))
    return forms


def _render_case(
    request: HttpRequest,
    page: CasePage,
    *,
    status: int = 200,
    bound: tuple[str, Any] | None = None,
    refusal: str = "",
) -> HttpResponse:
    from plaint.workspace.record_views import classification_choices, party_choices  # they build on this module

    case = page.case
    categories, causes = list(case.categories.all()), list(case.causes.all())  # each read once
    classify_form = ClassifyForm(
        initial={"categories": [item.code for item in categories], "causes": [item.code for item in causes]},
        categories=classification_choices(case, "categories", categories),
        causes=classification_choices(case, "causes", causes),
    )
    lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    context = {
        **_base(request),
        "page": page,
        "case": case,
        "outbox": case_outbox(actor=_user(request), case=case, procedure=page.procedure, lang=lang),
        "action_forms": _forms_for(page, bound=bound),
        "refusal": refusal,
        "classify_form": classify_form,
        "document_form": DocumentForm(),
        "party_form": PartyForm(people=party_choices(case)),
        "consent_forms": [
            (party, ConsentForm(initial={"party": party.pk}, auto_id=f"consent-{party.pk}-%s"))
            for party in page.parties
            if party.role in ("representative", "surviving_relative")
            and (party.consent_given_on is None or party.consent_withdrawn_on is not None)
        ],
    }
    return render(request, "workspace/case.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def case_detail_page(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        page = case_page(actor=_user(request), case_id=case_id, source=audit_source_from_request(request))
    except CaseNotFound:
        return render(request, "workspace/not_found.html", _base(request), status=404)
    return _render_case(request, page)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_action(request: HttpRequest, case_id: int, slug: str) -> HttpResponse:
    """Take one action. Refusals show on the refreshed case: a stale version (someone acted first), an action the
    procedure does not allow (its message), a field's error (the form keeps what was typed).

    A GET (the login sends a signed-out tab's form back here after signing in again) goes to the case, saying that
    nothing was done."""
    if request.method != "POST":
        messages.info(request, _("You were signed out, so nothing was done. Here is the case as it is now."))
        return HttpResponseRedirect(reverse("workspace:case", args=[case_id]))
    user = _user(request)
    source = audit_source_from_request(request)
    try:
        page = case_page(actor=user, case_id=case_id, source=source)
    except CaseNotFound:
        return render(request, "workspace/not_found.html", _base(request), status=404)
    action, _sep, party = slug.partition("--")
    offered = offered_action(page, slug) or OfferedAction(action, action, party, ActionContext())
    form = action_form_class(offered.action, offered.context)(request.POST, prefix=slug)
    if not form.is_valid():
        return _render_case(request, page, bound=(slug, form))
    try:
        case_act(
            case=page.case,
            actor=user,
            action=offered.action,
            data=form.event_data(),
            expected_version=form.cleaned_data["version"],
            on_behalf_of=form.cleaned_data.get("on_behalf_of") or None,
            note=form.cleaned_data.get("note") or "",
            source=source,
        )
    except StaleCase as error:
        fresh = case_page(actor=user, case_id=case_id, source=source)
        text = _("Someone else acted on this case first; here it is as it is now. Nothing of yours was saved.")
        return _render_case(request, fresh, refusal=f"{text} {error.text()}")
    except InvalidInput as error:
        for field, problems in error.errors.items():
            name = "with_" if field == "with" else field
            target = name if name in form.fields else None
            for problem in problems:
                form.add_error(target, str(problem))
        if not error.errors:
            form.add_error(None, error.text())
        return _render_case(request, page, bound=(slug, form))
    except PlaintError as error:
        fresh = case_page(actor=user, case_id=case_id, source=source)
        return _render_case(request, fresh, refusal=error.text())
    lang = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    label = event_label(offered.action, page.procedure, page.case.stage, lang)  # type: ignore[arg-type]
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return HttpResponseRedirect(reverse("workspace:case", args=[case_id]))


# Follow-up


@login_required
@require_http_methods(["GET", "HEAD"])
def follow_up_page(request: HttpRequest) -> HttpResponse:
    listing = follow_up_list(actor=_user(request))
    return render(request, "workspace/follow_up.html", {**_base(request), "listing": listing})
