"""Logins, failed logins and logouts are recorded; a failed login does not tell whether the account exists."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from plaint.access.audit_signals import attempted_username_hash
from plaint.access.models_audit import AuditRecord
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db


def logins() -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action__startswith="log").order_by("sequence"))


def test_a_login_and_a_logout_are_recorded_with_their_user():
    # Given a user
    user = UserFactory(username="officer")
    client = Client()
    # when they log in and out
    client.force_login(user)
    client.logout()
    # then both are recorded with the user
    assert [(row.action, row.actor_id, row.actor_description, row.target_id) for row in logins()] == [
        ("login.succeeded", user.pk, "officer", str(user.pk)),
        ("logout", user.pk, "officer", str(user.pk)),
    ]


def test_failed_logins_look_the_same_whether_or_not_the_account_exists():
    # Given an existing account
    UserFactory(username="officer")
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="curl/8")
    # when someone tries a wrong password for it, and then a name nobody has
    assert authenticate(request, username="officer", password="wrong") is None
    assert authenticate(request, username="nobody", password="wrong") is None
    # then both are recorded alike: no actor, no name, only a keyed hash of the name tried, and where from
    first, second = logins()
    for row, name in ((first, "officer"), (second, "nobody")):
        assert (row.action, row.actor_id, row.actor_description, row.target_id) == ("login.failed", None, "public", "")
        assert row.details == {"username_hmac": attempted_username_hash(name)}
        assert name not in str(row.details)
        assert (row.ip_address, row.user_agent) == ("198.51.100.4", "curl/8")
    assert attempted_username_hash("Officer ") == attempted_username_hash("officer")
