"""Letters in the workspace (docs/workspace.md, "Letters"): the letters waiting for a person (a second person's
approval, a rewrite after they were returned, the reasons of a missed term's letter) with approve / return with a
comment / write again, and the "to be posted" list with each letter's printable PDF and "mark as posted". Thin: each
POST is one call of `correspondence.letters.approval` or `letter_record_delivered`, which check and audit it. Plain
forms; a refusal or a field's error shows the page again with its message (200), never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import audit_source_from_request
from plaint.cases.models import Effect
from plaint.core.errors import PlaintError
from plaint.correspondence.letters.approval import (
    letter_approve,
    letter_draft_of,
    letter_return,
    letter_write,
    letters_waiting,
    may_approve,
)
from plaint.correspondence.letters.sending import letter_record_delivered
from plaint.correspondence.models import Letter
from plaint.correspondence.selectors import letters_to_post
from plaint.workspace.views import _base, _user


@login_required
@require_http_methods(["GET", "HEAD"])
def letters_page(request: HttpRequest) -> HttpResponse:
    context = {
        **_base(request),
        "waiting": letters_waiting(actor=_user(request)),
        "to_post": letters_to_post(actor=_user(request)),
    }
    return render(request, "workspace/letters/letters.html", context)


def _draft_or_404(request: HttpRequest, effect_id: int) -> Any:
    effect = Effect.objects.select_related("case", "case__organisation").filter(pk=effect_id).first()
    if effect is None or not _user(request).has_perm("cases.view_case", effect.case):
        raise Http404
    return effect


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def letter_draft_page(request: HttpRequest, effect_id: int) -> HttpResponse:
    user = _user(request)
    effect = _draft_or_404(request, effect_id)
    errors: dict[str, str] = {}
    refusal = ""
    if request.method == "POST":
        source = audit_source_from_request(request)
        decision = request.POST.get("decision", "")
        try:
            if decision == "approve":
                letter_approve(effect=effect, actor=user, source=source)
                messages.success(request, _("Approved: the letter goes out now."))
            elif decision == "return":
                letter_return(effect=effect, actor=user, comment=request.POST.get("comment", ""), source=source)
                messages.success(request, _("Returned with your comment: nothing went out."))
            elif decision == "write":
                new_due = _date(request.POST.get("new_due", ""))
                if new_due is False:
                    errors["new_due"] = _("Enter a real date, for example 20 4 2026.")
                    raise _Invalid
                letter_write(
                    effect=effect,
                    actor=user,
                    words=request.POST.get("words", ""),
                    new_due=new_due if isinstance(new_due, dt.date) else None,
                    source=source,
                )
                messages.success(request, _("The letter was written."))
            else:
                refusal = _("Choose what to do with the letter.")
        except _Invalid:
            pass
        except PlaintError as error:
            for field, problems in error.errors.items():
                if field in ("comment", "words", "new_due") and problems:
                    errors[field] = str(problems[0])
            refusal = error.text()
        else:
            if not refusal:
                return HttpResponseRedirect(reverse("workspace:letters"))
    draft = letter_draft_of(effect=effect)
    if draft is None and request.method != "POST":
        messages.info(request, _("This letter is not waiting for anyone."))
        return HttpResponseRedirect(reverse("workspace:letters"))
    context = {
        **_base(request),
        "effect": effect,
        "draft": draft,
        "may_approve": draft is not None and may_approve(draft=draft, actor=user),
        "errors": errors,
        "refusal": refusal,
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "workspace/letters/draft.html", context)


class _Invalid(Exception):
    pass


# Django's own date field parses what a person types (`YYYY-MM-DD` or `D M YYYY`); an impossible day is not a date.
_DAY_FIELD = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d %m %Y", "%d-%m-%Y", "%d/%m/%Y"])


def _date(text: str) -> dt.date | bool | None:
    """A date typed by a person (None: none given, False: not a date)."""
    try:
        day: dt.date | None = _DAY_FIELD.clean(text.strip())
        return day
    except ValidationError:
        return False


def _letter_or_404(request: HttpRequest, letter_id: int) -> Letter:
    letter = Letter.objects.select_related("case", "organisation").filter(pk=letter_id).first()
    if letter is None or not _user(request).has_perm("cases.view_case", letter.case):
        raise Http404
    return letter


@login_required
@require_http_methods(["GET", "HEAD"])
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = _letter_or_404(request, letter_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.case.reference or "letter"}-{letter.key}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def letter_posted(request: HttpRequest, letter_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseRedirect(reverse("workspace:letters") + "#to-post")
    letter = _letter_or_404(request, letter_id)
    day = _date(request.POST.get("on", ""))
    if day is False:
        messages.error(request, _("Enter the day it was posted or handed over: today or earlier."))
    else:
        try:
            letter_record_delivered(
                letter=letter,
                actor=_user(request),
                on=day if isinstance(day, dt.date) else None,
                source=audit_source_from_request(request),
            )
        except PlaintError as error:
            messages.error(request, error.text())
        else:
            messages.success(
                request,
                _("Recorded as posted: “%(title)s” to %(name)s.")
                % {"title": letter.title, "name": letter.recipient_name},
            )
    return HttpResponseRedirect(reverse("workspace:letters") + "#to-post")
