"""A person's own settings (`/workspace/settings/`): the language they read the workspace and Plaint's emails in.
After signing in, staff land on the inbox in that language (`land_in_preferred_language`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from plaint.core.errors import PlaintError
from plaint.web.forms import GovukForm
from plaint.workspace.services import language_preference_set
from plaint.workspace.views import _base, _user

#: Set at sign-in; the first workspace page then moves to the person's language once.
LANDING_KEY = "workspace_land_in_language"


class LanguageForm(GovukForm):
    language = forms.ChoiceField(
        label=gettext_lazy("Your language"),
        choices=[("en", "English"), ("nl", "Nederlands")],
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "The workspace opens in it after signing in, and Plaint's emails to you are written in it."
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = LanguageForm(request.POST if request.method == "POST" else None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            language_preference_set(actor=user, language=language)
        except PlaintError as error:
            form.add_error("language", error.text())
        else:
            with translation.override(language):
                messages.success(request, _("Your language is saved."))
            return HttpResponseRedirect(translate_url(reverse("workspace:settings"), language))
    return render(request, "workspace/settings.html", {**_base(request), "form": form})


def land_in_preferred_language(request: HttpRequest) -> HttpResponse | None:
    """Once after signing in: the same page in the person's language. Only from the default language's addresses
    (no `/nl/` prefix): someone who signed in on the Dutch pages chose Dutch for this visit."""
    if not request.session.pop(LANDING_KEY, False):
        return None
    user: Any = request.user
    current = "nl" if (request.LANGUAGE_CODE or "en").startswith("nl") else "en"
    default = "nl" if settings.LANGUAGE_CODE.startswith("nl") else "en"
    if current == default and user.language in ("en", "nl") and user.language != current:
        return HttpResponseRedirect(translate_url(request.get_full_path(), user.language))
    return None


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LANDING_KEY] = True
