"""Security writes, each audited in its own transaction (docs/audit.md): API tokens, the second factor (enrolling an
authenticator app, new recovery codes, a device changed or removed by an administrator).

Views, the API and the admin call these; `plaint.access.mfa` holds the mechanics they use. `actor` is who made the
change (the person themself, or an administrator); `user` is whose token or device it is.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from plaint.access import mfa
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User


def _audit(
    user: AbstractBaseUser, action: str, *, actor: AbstractBaseUser | None, source: AuditSource | None, **details: Any
) -> None:
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        target_type="user",
        target_id=user.pk,
        details=details,
        source=source,
    )


def _kind(device: Device) -> str:
    return "authenticator_app" if isinstance(device, TOTPDevice) else "recovery_codes"


# API tokens


def api_token_issue(*, user: User, actor: User | None = None, source: AuditSource | None = None) -> Token:
    """The user's API token, made on first use (one per user). Audited: `api_token.issued` (`new`: made now)."""
    with transaction.atomic():
        token, created = Token.objects.get_or_create(user=user)
        _audit(user, "api_token.issued", actor=actor or user, source=source, new=created)
    return token


def api_token_revoke(*, user: User, actor: User | None = None, source: AuditSource | None = None) -> bool:
    """Delete the user's API token; False when they had none. Audited: `api_token.revoked`."""
    with transaction.atomic():
        deleted, _by_model = Token.objects.filter(user=user).delete()
        if deleted:
            _audit(user, "api_token.revoked", actor=actor or user, source=source)
    return bool(deleted)


# The second factor


def second_factor_enrol(
    *, user: User, device: TOTPDevice, code: str, source: AuditSource | None = None
) -> list[str] | None:
    """Confirm the user's new authenticator app with its first code; returns the new recovery codes, or None when
    the code is wrong (nothing changes then). Audited: `mfa.enrolled`."""
    with transaction.atomic():
        codes = mfa.totp_enrolment_confirm(device, code)
        if codes is not None:
            _audit(user, "mfa.enrolled", actor=user, source=source, device=device.pk, recovery_codes=len(codes))
    return codes


def recovery_codes_renew(*, user: User, actor: User | None = None, source: AuditSource | None = None) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working). Audited: `mfa.recovery_codes_replaced`."""
    with transaction.atomic():
        codes = mfa.recovery_codes_replace(user_id=user.pk)
        _audit(user, "mfa.recovery_codes_replaced", actor=actor or user, source=source, count=len(codes))
    return codes


def second_factor_device_save(*, device: Device, actor: User | None, source: AuditSource | None = None) -> Device:
    """Save a device as an administrator changed it (its name, whether it is confirmed). Audited: `mfa.device_saved`."""
    with transaction.atomic():
        device.save()
        _audit(
            device.user,
            "mfa.device_saved",
            actor=actor,
            source=source,
            device=device.pk,
            kind=_kind(device),
            confirmed=bool(device.confirmed),
        )
    return device


def second_factor_device_remove(*, device: Device, actor: User | None, source: AuditSource | None = None) -> None:
    """Remove a device (a lost phone: the person enrols again at their next login). Audited: `mfa.device_removed`."""
    with transaction.atomic():
        _audit(device.user, "mfa.device_removed", actor=actor, source=source, device=device.pk, kind=_kind(device))
        device.delete()
