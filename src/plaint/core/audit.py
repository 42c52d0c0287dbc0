"""The audit trail as the apps below `access` reach it: organisations and procedures record their configuration
changes (memberships, roles, procedure adoptions) through `audit`, their admin pages name the request's origin
with `audit_source`.

The trail itself (the hash chain, `audit_record`, docs/audit.md) is in `plaint.access`, which builds on those apps
and so cannot be imported by them (import-linter's layers contract). `access` installs its two functions here when
Django starts (`AccessConfig.ready`); the rules are audit_record's: call `audit` inside the transaction of the change
it records. Without `plaint.access` installed there is no audit trail, and `audit` refuses rather than skip a record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


@dataclass(frozen=True)
class AuditSource:
    """Where an action came from: the client's address, its user agent and the request's id."""

    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


#: Who made a change: a user, an anonymous visitor (the public), or None for the system.
Actor = AbstractBaseUser | AnonymousUser | None

_record: Callable[..., Any] | None = None
_source: Callable[[HttpRequest], AuditSource] | None = None


def audit_trail_install(
    *, record: Callable[..., Any], source_from_request: Callable[[HttpRequest], AuditSource]
) -> None:
    """Called once by `plaint.access` when Django starts."""
    global _record, _source
    _record, _source = record, source_from_request


def audit(
    *,
    actor: Any,
    action: str,
    target_type: str,
    target_id: int | str | None,
    organisation: Any = None,
    reference: str = "",
    details: dict[str, Any] | None = None,
    source: AuditSource | None = None,
) -> None:
    """Append one record to the audit trail in the caller's transaction (`access.audit_services.audit_record`)."""
    if _record is None:
        raise ImproperlyConfigured("plaint.access is not installed, so nothing can write the audit trail.")
    _record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        organisation=organisation,
        reference=reference,
        details=details,
        source=source,
    )


def audit_source(request: HttpRequest) -> AuditSource:
    """Where a request came from, as the audit trail records it (`access.audit_services.audit_source_from_request`)."""
    if _source is None:
        raise ImproperlyConfigured("plaint.access is not installed, so nothing can write the audit trail.")
    return _source(request)
