"""The second factor: a TOTP authenticator app (django-otp's TOTPDevice) and one-time recovery codes (StaticDevice).

Every login asks for one of them after the password (`plaint.access.auth_views`), and so must every other way in:
an API token endpoint calls `verify_second_factor(user, code)` before it hands out a token. Devices throttle
themselves (each failure doubles the wait before the next try), a TOTP code is accepted once, and a recovery code
is deleted when used.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
_SEPARATORS = re.compile(r"[\s-]+")


def normalise_code(code: str) -> str:
    """What a person typed, without spaces or hyphens and in lower case (recovery codes are shown as `abcd-efgh`)."""
    return _SEPARATORS.sub("", code or "").lower()


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def has_second_factor(user: AbstractBaseUser) -> bool:
    """Whether the user has a confirmed authenticator app (recovery codes alone do not count)."""
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def second_factor_device(user: AbstractBaseUser, code: str) -> Device | None:
    """The confirmed device that accepts `code`, or None. A TOTP code (all digits) is checked against the user's
    authenticator apps only, anything else against the recovery codes only, so a mistyped code of one kind never
    throttles the other. A recovery code that matches is used up."""
    token = normalise_code(code)
    if not token or len(token) > 16:
        return None
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if token.isdigit() else StaticDevice
    with transaction.atomic():
        devices = model.objects.filter(user_id=user.pk, confirmed=True).select_for_update().order_by("pk")
        for device in devices:
            if device.verify_token(token):
                return device
    return None


def verify_second_factor(user: AbstractBaseUser, code: str) -> bool:
    """True when `code` is a current TOTP code of one of the user's authenticator apps or one of their unused
    recovery codes (which is then used up). For the API token endpoint and anything else that authenticates."""
    return second_factor_device(user, code) is not None


def totp_device_for_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """The user's unconfirmed authenticator app, created with a fresh secret the first time."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user_id=user.pk, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm an authenticator app with its first code; returns the new recovery codes, or None when the code is
    wrong (nothing changes then)."""
    token = normalise_code(code)
    if not token.isdigit():
        return None
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if locked.confirmed or not locked.verify_token(token):
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=locked.user_id, confirmed=False).delete()
        return recovery_codes_replace(user_id=locked.user_id)


def recovery_codes_replace(*, user_id: Any) -> list[str]:
    """Throw away the user's recovery codes and make `RECOVERY_CODE_COUNT` new ones; returned once, for showing."""
    with transaction.atomic():
        StaticDevice.objects.filter(user_id=user_id).delete()
        device = StaticDevice.objects.create(user_id=user_id, name=RECOVERY_DEVICE_NAME, confirmed=True)
        tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in tokens)
    return [format_recovery_code(token) for token in tokens]


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app by hand."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_code_data_uri(text: str) -> str:
    """`text` (an otpauth:// URI) as an SVG QR code in a `data:` URI for an <img>: no image library, no script,
    no request to anyone else, and allowed by the content security policy (img-src data:)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8, border=2)
    svg: bytes | str = image.to_string(encoding="unicode")
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
