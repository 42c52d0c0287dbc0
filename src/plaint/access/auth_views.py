"""The staff login, in two steps, and what goes with it: enrolment of an authenticator app, recovery codes, logout
and password reset. Docs: docs/accounts.md; why: docs/adr/0003-accounts-and-second-factor.md.

1. `/accounts/login/`: username and password. django-axes counts failures per username and address. A correct
   password does *not* log in yet: the session only remembers, for a few minutes, who passed the first step.
2. `/accounts/login/code/`: a code from the authenticator app, or a recovery code. Only then `login()` (a new
   session key) and `django_otp.login()` (the session is verified).
   A user without a confirmed authenticator app goes to `/accounts/login/enrol/` instead, sets one up, confirms it
   with a first code, is logged in, and is shown ten recovery codes once.

A session that is logged in but not verified (a login made any other way) counts as anonymous everywhere
(`plaint.access.middleware.SecondFactorMiddleware`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as django_auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from plaint.access import mfa, security_services
from plaint.access.audit_services import audit_source_from_request
from plaint.access.auth_forms import (
    AccessiblePasswordResetForm,
    AccessibleSetPasswordForm,
    EnrolmentForm,
    PasswordStepForm,
    RecoveryCodeForm,
    SecondFactorForm,
)
from plaint.access.models import User
from plaint.core import clock

PENDING_SESSION_KEY = "plaint_access_pending_login"
NEW_RECOVERY_CODES_SESSION_KEY = "plaint_access_new_recovery_codes"
# How long the second step waits for someone who passed the first (enrolment includes installing an app).
PENDING_LOGIN_MAX_AGE = dt.timedelta(minutes=10)

WRONG_CODE = _(
    "That code is not correct, has expired or was used before. After several wrong codes you have to wait a little "
    "longer before each new try."
)


# ----------------------------------------------------------------------------------------------------- helpers


def _next_url(request: HttpRequest, candidate: str | None = None) -> str:
    """Where to go after logging in: `next` when it stays on this site, else LOGIN_REDIRECT_URL."""
    target = candidate if candidate is not None else request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _pending_start(request: HttpRequest, user: User, next_url: str) -> None:
    request.session[PENDING_SESSION_KEY] = {
        "user": str(user.pk),
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "hash": user.get_session_auth_hash(),
        "since": clock.now().timestamp(),
        "next": next_url,
    }


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The person who passed the password step in this session, while that is recent and their password unchanged."""
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    since = dt.datetime.fromtimestamp(float(data.get("since", 0)), tz=dt.UTC)
    if clock.now() - since > PENDING_LOGIN_MAX_AGE:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    user = User._default_manager.filter(pk=str(data.get("user")), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), str(data.get("hash", ""))):
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return user, data


def _start_again(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(_with_next(reverse("accounts:login"), _next_url(request)))


def _complete_login(request: HttpRequest, user: User, data: dict[str, Any], device: Device) -> None:
    """Both factors passed: a fresh session key, then the login and the second factor recorded in the session."""
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.cycle_key()
    login(request, user, backend=str(data.get("backend") or settings.AUTHENTICATION_BACKENDS[-1]))
    otp_login(request, device)


def _page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return render(request, f"access/{template}", context, status=status)


# ------------------------------------------------------------------------------------------------------- login


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password."""
    next_url = _next_url(request)
    if request.user.is_authenticated:  # verified: unverified sessions are anonymous here
        return redirect(next_url)
    form = PasswordStepForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        _pending_start(request, user, next_url)
        step = "accounts:login-code" if mfa.has_second_factor(user) else "accounts:enrol"
        return redirect(_with_next(reverse(step), next_url))
    return _page(request, "login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code", "recovery_code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from the authenticator app, or a recovery code."""
    pending = _pending(request)
    if pending is None:
        return _start_again(request)
    user, data = pending
    if not mfa.has_second_factor(user):
        return redirect(_with_next(reverse("accounts:enrol"), data["next"]))
    code_form, recovery_form = SecondFactorForm(), RecoveryCodeForm()
    if request.method == "POST":
        field = "recovery_code" if "recovery_code" in request.POST else "code"
        form: forms.Form
        if field == "recovery_code":
            form = recovery_form = RecoveryCodeForm(request.POST)
        else:
            form = code_form = SecondFactorForm(request.POST)
        if form.is_valid():
            device = mfa.second_factor_device(user, form.cleaned_data[field])
            if device is not None:
                _complete_login(request, user, data, device)
                return redirect(data["next"])
            form.add_error(field, WRONG_CODE)
    return _page(request, "login_code.html", {"form": code_form, "recovery_form": recovery_form})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with the first code."""
    pending = _pending(request)
    if pending is None:
        return _start_again(request)
    user, data = pending
    if mfa.has_second_factor(user):
        return redirect(_with_next(reverse("accounts:login-code"), data["next"]))
    device = mfa.totp_device_for_enrolment(user)
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = security_services.second_factor_enrol(
            user=user, device=device, code=form.cleaned_data["code"], source=audit_source_from_request(request)
        )
        if codes is not None:
            _complete_login(request, user, data, TOTPDevice.objects.get(pk=device.pk))
            request.session[NEW_RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next(reverse("accounts:recovery-codes"), data["next"]))
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "otpauth_uri": device.config_url,
        "qr_code": mfa.qr_code_data_uri(device.config_url),
        "secret": mfa.totp_secret_base32(device),
    }
    return _page(request, "enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once; afterwards this page only offers to make new ones."""
    codes = request.session.pop(NEW_RECOVERY_CODES_SESSION_KEY, None)
    return _page(request, "recovery_codes.html", {"codes": codes or [], "next": _next_url(request)})


@never_cache
@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes (the old ones stop working) and show the new ones once."""
    request.session[NEW_RECOVERY_CODES_SESSION_KEY] = security_services.recovery_codes_renew(
        user=request.user,  # type: ignore[arg-type]  # login_required
        source=audit_source_from_request(request),
    )
    return redirect(_with_next(reverse("accounts:recovery-codes"), _next_url(request)))


logout = django_auth_views.LogoutView.as_view(next_page=reverse_lazy("accounts:login"))


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page would skip the second factor: it sends people to the staff login instead.
    Someone logged in (with both factors) who is not staff is refused rather than sent round in a circle."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect(_with_next(reverse("accounts:login"), _next_url(request, request.GET.get("next", ""))))


def locked_out(
    request: HttpRequest, original_response: HttpResponseBase | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once a username is locked out from an address: the same page whether or not the
    account exists, naming neither the account nor how many tries were made."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _page(request, "locked_out.html", {"minutes": minutes}, status=429)


# ---------------------------------------------------------------------------------------------- password reset

password_reset = django_auth_views.PasswordResetView.as_view(
    form_class=AccessiblePasswordResetForm,
    template_name="access/password_reset_form.html",
    email_template_name="access/password_reset_email.txt",
    subject_template_name="access/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-sent"),
)
password_reset_sent = django_auth_views.PasswordResetDoneView.as_view(template_name="access/password_reset_sent.html")
# post_reset_login stays False: a new password never logs in; the next login asks for the second factor as always.
password_reset_confirm = django_auth_views.PasswordResetConfirmView.as_view(
    form_class=AccessibleSetPasswordForm,
    template_name="access/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password-reset-complete"),
    post_reset_login=False,
)
password_reset_complete = django_auth_views.PasswordResetCompleteView.as_view(
    template_name="access/password_reset_complete.html"
)
