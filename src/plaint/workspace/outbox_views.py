"""The case page's "Send again" (an email that failed or whose sending is unconfirmed) and "Try again" (a failed
effect): a person's decision, for those who may act on the case, through `email_resend` and `effect_retry` (both
audited). A refusal says what is allowed and shows the case again; never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plaint.access.audit_services import audit_source_from_request
from plaint.cases.effects import effect_retry
from plaint.cases.selectors import case_permissions
from plaint.core.errors import PlaintError
from plaint.correspondence.services import email_resend
from plaint.workspace.outbox import effect_of, email_of
from plaint.workspace.record_views import _visible_case
from plaint.workspace.views import _user


def _back(case_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("workspace:case", args=[case_id]) + "#outbox")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_send_again(request: HttpRequest, case_id: int, email_id: int) -> HttpResponse:
    if request.method != "POST":
        return _back(case_id)
    user = _user(request)
    source = audit_source_from_request(request)
    case = _visible_case(request, user, case_id, source)
    if isinstance(case, HttpResponse):
        return case
    email = email_of(actor=user, case=case, email_id=email_id)
    if email is None:
        messages.error(request, _("That email is not one of this case's."))
    elif not case_permissions(case=case, actor=user)["act"]:
        messages.error(request, _("Only those who may act on this case send its emails again."))
    else:
        try:
            email_resend(email=email, actor=user, source=source)
        except PlaintError as error:
            messages.error(
                request,
                _("%(why)s Only a failed email, or one whose sending is unconfirmed, is sent again.")
                % {"why": error.text()},
            )
        else:
            messages.success(
                request, _("The email to %(to)s is queued to be sent again.") % {"to": email.recipient_email}
            )
    return _back(case_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def effect_try_again(request: HttpRequest, case_id: int, effect_id: int) -> HttpResponse:
    if request.method != "POST":
        return _back(case_id)
    user = _user(request)
    source = audit_source_from_request(request)
    case = _visible_case(request, user, case_id, source)
    if isinstance(case, HttpResponse):
        return case
    effect = effect_of(case=case, effect_id=effect_id)
    if effect is None:
        messages.error(request, _("That is not one of this case's letters or notifications."))
    elif not case_permissions(case=case, actor=user)["act"]:
        messages.error(request, _("Only those who may act on this case try its letters and notifications again."))
    elif not effect_retry(effect=effect, actor=user, source=source):
        messages.error(request, _("Only a failed letter or notification is tried again; this one is not failed."))
    else:
        messages.success(request, _("It is tried again."))
    return _back(case_id)
