"""Security writes are services and are audited: API tokens, enrolling an authenticator app, new recovery codes, and
an administrator changing or removing someone's device in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from plaint.access import security_services
from plaint.access.audit_services import AuditSource
from plaint.access.models_audit import AuditRecord
from tests.access.helpers import totp_code, totp_device
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db

SOURCE = AuditSource(ip_address="192.0.2.8", user_agent="test", request_id="r1")


def _records() -> list[tuple[str, str, str, dict]]:
    return [
        (record.action, record.actor_description, record.target_id, record.details)
        for record in AuditRecord.objects.filter(action__regex=r"^(api_token|mfa)\.").order_by("sequence")
    ]


def test_api_tokens_issued_and_revoked_are_audited():
    # Given a user, when they obtain a token twice and revoke it twice
    user = UserFactory(username="sam")
    first = security_services.api_token_issue(user=user, source=SOURCE)
    again = security_services.api_token_issue(user=user, source=SOURCE)
    assert again.key == first.key
    assert security_services.api_token_revoke(user=user, source=SOURCE) is True
    assert security_services.api_token_revoke(user=user, source=SOURCE) is False
    # Then each hand-out is recorded (new or not) and the one real revocation, never the key itself
    uid = str(user.pk)
    assert _records() == [
        ("api_token.issued", "sam", uid, {"new": True}),
        ("api_token.issued", "sam", uid, {"new": False}),
        ("api_token.revoked", "sam", uid, {}),
    ]
    assert not Token.objects.filter(user=user).exists()
    assert AuditRecord.objects.filter(action="api_token.issued").first().ip_address == "192.0.2.8"


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_enrolling_an_authenticator_app_and_new_recovery_codes_are_audited():
    # Given a user with an unconfirmed authenticator app
    user = UserFactory(username="sam")
    device = totp_device(user, confirmed=False)
    # When a wrong code is given, then nothing is recorded
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    assert security_services.second_factor_enrol(user=user, device=device, code=wrong) is None
    assert _records() == []
    # When, after the wait a wrong code costs, the right code confirms it, and later new recovery codes are made
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 1, tzinfo=dt.UTC), tick=False):
        device.refresh_from_db()
        codes = security_services.second_factor_enrol(user=user, device=device, code=totp_code(device), source=SOURCE)
    assert codes is not None and len(codes) == 10
    security_services.recovery_codes_renew(user=user, source=SOURCE)
    # Then both are recorded, with counts only
    uid = str(user.pk)
    assert _records() == [
        ("mfa.enrolled", "sam", uid, {"device": device.pk, "recovery_codes": 10}),
        ("mfa.recovery_codes_replaced", "sam", uid, {"count": 10}),
    ]


def test_an_administrator_removing_a_device_in_the_admin_is_audited(admin_client, admin_user):
    # Given a member of staff with an authenticator app
    user = UserFactory(username="sam")
    device = totp_device(user)
    # When a superuser deletes it in the admin (a lost phone)
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    # Then it is gone and the removal is recorded against the member, by the superuser
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert _records() == [
        ("mfa.device_removed", admin_user.username, str(user.pk), {"device": device.pk, "kind": "authenticator_app"})
    ]


def test_an_administrator_revoking_a_token_in_the_admin_is_audited(admin_client, admin_user):
    user = UserFactory(username="sam")
    security_services.api_token_issue(user=user)
    response = admin_client.post(f"/admin/authtoken/tokenproxy/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()
    assert _records()[-1] == ("api_token.revoked", admin_user.username, str(user.pk), {})
