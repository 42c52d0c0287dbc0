"""Logins, failed logins and logouts in the audit trail, from Django's auth signals.

These signals fire inside the request, synchronously (not after a commit), so each record is written in a
transaction of its own right where the event happens. A failed login stores only a keyed hash of the name tried:
the trail does not say whether such an account exists, yet an investigator holding the secret key can test a name.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from plaint.access.audit_services import audit_record, audit_source_from_request


def attempted_username_hash(username: str) -> str:
    """A keyed SHA-256 (HMAC with SECRET_KEY) of the case-folded username tried."""
    return salted_hmac("plaint.access.audit.login", username.strip().casefold(), algorithm="sha256").hexdigest()


def _source(request: HttpRequest | None) -> Any:
    return audit_source_from_request(request) if request is not None else None


def on_logged_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=user, action="login.succeeded", target_type="user", target_id=user.pk, source=_source(request)
        )


def on_logged_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if user is None or not user.is_authenticated:  # the session had already ended
        return
    with transaction.atomic():
        audit_record(actor=user, action="logout", target_type="user", target_id=user.pk, source=_source(request))


def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str((credentials or {}).get("username", ""))
    with transaction.atomic():
        audit_record(
            actor=None,
            action="login.failed",
            target_type="user",
            target_id=None,
            details={"username_hmac": attempted_username_hash(username)} if username else {},
            source=_source(request),
        )


def connect() -> None:
    """Called once from `AccessConfig.ready()`."""
    user_logged_in.connect(on_logged_in, dispatch_uid="plaint.access.audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="plaint.access.audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="plaint.access.audit.login_failed")
