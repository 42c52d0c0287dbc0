"""Logging in with both factors in tests.

`login_verified(client, user)` is `client.force_login(user)` plus a verified second factor: a session that is
logged in but not verified counts as anonymous (plaint.access.middleware.SecondFactorMiddleware). `totp_code`
computes the code an authenticator app would show now (under time-machine: at the travelled-to time).
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.http import HttpRequest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice:
    """The user's authenticator app (a TOTPDevice with a fresh random key)."""
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=confirmed)


def totp_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The six digits the app shows now (`offset_steps` 30-second steps later or earlier)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps)
    return f"{value:0{device.digits}d}"


def login_verified(client: Client, user: Any, device: TOTPDevice | None = None) -> TOTPDevice:
    """Log `user` in on `client` as if they had passed both factors; returns their authenticator app."""
    device = device or TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, device)
    request.session.save()
    return device
