"""Mail in, for staff (docs/mail.md): the quarantine of messages kept aside (a list with the reason; one message
read as text, never as rendered HTML; make it a case, add it to a case, or discard it, each audited by the
`mailin.quarantine` services), and correcting a case's language where the email's was guessed wrong. Thin: a form,
one service, a message in the person's language; a refusal is never a 500."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import audit_source_from_request
from plaint.cases.detail_selectors import organisations_for_registration
from plaint.cases.language_services import case_language_correct
from plaint.core.errors import PlaintError
from plaint.mailin.models import InboundMessage
from plaint.mailin.quarantine import (
    message_readable,
    quarantine_attach,
    quarantine_case_make,
    quarantine_discard,
    quarantine_of,
    quarantined_message,
)
from plaint.organisations.models import Organisation
from plaint.web.forms import GovukForm
from plaint.workspace.record_views import _visible_case
from plaint.workspace.views import _base, _user

#: At most this many messages are listed (newest first); the admin lists them all.
LISTED = 200


class AttachForm(GovukForm):
    reference = forms.CharField(
        label=gettext_lazy("Reference of the case"),
        max_length=40,
        help_text=gettext_lazy("For example XS-2026-0042."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": gettext_lazy("Enter the reference of the case to add it to.")},
    )


class CaseForm(GovukForm):
    organisation = forms.ChoiceField(
        label=gettext_lazy("Organisation"),
        error_messages={
            "required": gettext_lazy("Choose the organisation the complaint is for."),
            "invalid_choice": gettext_lazy("Choose the organisation the complaint is for."),
        },
    )

    def __init__(self, *args: object, organisations: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(org.slug, org.name) for org in organisations]


def _organisations(request: HttpRequest, message: InboundMessage) -> list[Organisation]:
    if message.organisation is not None:
        return [message.organisation]
    return list(organisations_for_registration(actor=_user(request)).order_by("name"))


@login_required
@require_http_methods(["GET", "HEAD"])
def quarantine_page(request: HttpRequest) -> HttpResponse:
    kept = list(quarantine_of(actor=_user(request))[:LISTED])
    return render(request, "workspace/mail/quarantine.html", {**_base(request), "kept": kept, "listed": LISTED})


def _message_page(
    request: HttpRequest,
    message: InboundMessage,
    *,
    attach_form: AttachForm | None = None,
    case_form: CaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        **_base(request),
        "message": message,
        "readable": message_readable(message),
        "attach_form": attach_form or AttachForm(),
        "case_form": case_form or CaseForm(organisations=_organisations(request, message)),
        "discard_allowed": message.organisation_id is not None or _user(request).is_superuser,
    }
    return render(request, "workspace/mail/message.html", context, status=status)


def _found(request: HttpRequest, message_id: int) -> InboundMessage | HttpResponse:
    try:
        return quarantined_message(actor=_user(request), message_id=message_id)
    except PlaintError as error:
        messages.error(request, error.text())
        return HttpResponseRedirect(reverse("workspace:mail-quarantine"))


def _posted(request: HttpRequest, message_id: int) -> InboundMessage | HttpResponse:
    """The message a decision is posted for; a GET of a decision's address shows the message."""
    message = _found(request, message_id)
    if isinstance(message, HttpResponse) or request.method == "POST":
        return message
    return _message_page(request, message)


@login_required
@require_http_methods(["GET", "HEAD"])
def message_page(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _found(request, message_id)
    if isinstance(message, HttpResponse):
        return message
    return _message_page(request, message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_case_make(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _posted(request, message_id)
    if isinstance(message, HttpResponse):
        return message
    organisations = _organisations(request, message)
    form = CaseForm(request.POST, organisations=organisations)
    if not form.is_valid():
        return _message_page(request, message, case_form=form, status=400)
    organisation = next(org for org in organisations if org.slug == form.cleaned_data["organisation"])
    try:
        case = quarantine_case_make(
            message=message, actor=_user(request), organisation=organisation, source=audit_source_from_request(request)
        )
    except PlaintError as error:
        messages.error(request, error.text())
        return _message_page(request, message, case_form=form, status=error.status)
    messages.success(request, _("The message is now case %(reference)s.") % {"reference": case.reference})
    return HttpResponseRedirect(reverse("workspace:case", args=[case.pk]))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_attach(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _posted(request, message_id)
    if isinstance(message, HttpResponse):
        return message
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _message_page(request, message, attach_form=form, status=400)
    try:
        case = quarantine_attach(
            message=message,
            actor=_user(request),
            reference=form.cleaned_data["reference"],
            source=audit_source_from_request(request),
        )
    except PlaintError as error:
        for field, problems in error.errors.items():
            if field in form.fields:
                for problem in problems:
                    form.add_error(field, str(problem))
        if not error.errors:
            messages.error(request, error.text())
        return _message_page(request, message, attach_form=form, status=error.status)
    messages.success(
        request, _("The message is added to the history of %(reference)s.") % {"reference": case.reference}
    )
    return HttpResponseRedirect(reverse("workspace:case", args=[case.pk]))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_discard(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _posted(request, message_id)
    if isinstance(message, HttpResponse):
        return message
    try:
        quarantine_discard(message=message, actor=_user(request), source=audit_source_from_request(request))
    except PlaintError as error:
        messages.error(request, error.text())
        return _message_page(request, message, status=error.status)
    messages.success(request, _("The message is discarded. It stays stored, marked discarded."))
    return HttpResponseRedirect(reverse("workspace:mail-quarantine"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_language(request: HttpRequest, case_id: int) -> HttpResponse:
    """Correct the case's language (guessed from an email): the language its letters and emails are written in."""
    back = HttpResponseRedirect(reverse("workspace:case", args=[case_id]) + "#language")
    if request.method != "POST":
        return back
    user = _user(request)
    source = audit_source_from_request(request)
    case = _visible_case(request, user, case_id, source)
    if isinstance(case, HttpResponse):
        return case
    try:
        corrected = case_language_correct(
            case=case, actor=user, language=request.POST.get("language", ""), source=source
        )
    except PlaintError as error:
        messages.error(request, error.text())
    else:
        messages.success(
            request, _("The case's language is now %(language)s.") % {"language": corrected.get_language_display()}
        )
    return back
