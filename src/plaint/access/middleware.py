"""Request handling of the `access` app: the second factor is required everywhere, and the security headers.

In settings.MIDDLEWARE, `SecurityHeadersMiddleware` comes right after django-csp's `CSPMiddleware`, and
`SecondFactorMiddleware` right after django-otp's `OTPMiddleware` (itself after `AuthenticationMiddleware`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject


def _verified_or_anonymous(user: Any) -> Any:
    if user.is_authenticated and not user.is_verified():
        anonymous = AnonymousUser()
        anonymous.otp_device = None  # type: ignore[attr-defined]
        anonymous.is_verified = lambda: False  # type: ignore[attr-defined]
        return anonymous
    return user


class SecondFactorMiddleware:
    """A session that is logged in but has not passed the second factor counts as anonymous, on every page, the
    admin, /ops/ and the API's session authentication alike. Plaint's own login only logs in after both factors;
    this catches every other way a session could have been logged in (the admin's password-only form, an old
    session, `force_login` in tests)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        request.user = SimpleLazyObject(lambda: _verified_or_anonymous(user))  # type: ignore[assignment]
        auser = getattr(request, "auser", None)
        if auser is not None:

            async def verified_auser() -> Any:
                found = await auser()
                return await sync_to_async(_verified_or_anonymous)(found)

            request.auser = verified_auser
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """`Permissions-Policy` (settings.PERMISSIONS_POLICY), which Django does not send, and a narrow exception to the
    content security policy: the API documentation pages (Swagger UI, Redoc) style themselves with inline styles,
    so the views named in settings.CSP_INLINE_STYLE_VIEWS may use them. Scripts stay 'self' everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )
        self.inline_style_views = frozenset(getattr(settings, "CSP_INLINE_STYLE_VIEWS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in self.inline_style_views:
            from csp.constants import SELF, UNSAFE_INLINE

            response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE]}  # type: ignore[attr-defined]
        return response


def client_ip_address(request: Any) -> str | None:
    """The client's address for django-axes. Behind `PLAINT_PROXY_COUNT` reverse proxies (each appending to
    X-Forwarded-For) it is the entry that many from the right; otherwise REMOTE_ADDR. Never an address a client
    can choose by sending its own X-Forwarded-For header."""
    meta = getattr(request, "META", {})
    proxies = int(getattr(settings, "PLAINT_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    address = meta.get("REMOTE_ADDR")
    return str(address) if address else None
