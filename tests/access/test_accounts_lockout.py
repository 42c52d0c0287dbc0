"""Lockout after repeated failed logins (django-axes), telling nobody whether an account exists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt

from plaint.access.models import User
from tests.access.helpers import totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery 42"


def attempt(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/admin/"})


def comparable(response, username: str) -> tuple[int, str]:
    """Status and page, without what differs by design: the CSRF token and the username typed back."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return response.status_code, page.replace(username, "USERNAME")


def test_failures_lock_out_alike_for_existing_and_unknown_accounts(client, settings):
    # Given an account, and a username no account has (the limit is 5 failures)
    assert settings.AXES_FAILURE_LIMIT == 5
    User.objects.create_user(username="handler", password=PASSWORD, is_staff=True)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        # when both get wrong passwords, then every answer is the same for the two
        for number in range(1, 6):
            existing = comparable(attempt(client, "handler", "wrong password"), "handler")
            unknown = comparable(attempt(client, "nobody-here", "wrong password"), "nobody-here")
            assert existing == unknown
            if number < 5:
                assert existing[0] == 200
                assert "The username or password is not correct." in existing[1]
        # and the fifth failure locks both out, with one page that names neither account
        assert existing[0] == 429
        assert "Too many attempts" in existing[1] and "30 minutes" in existing[1]
        assert "USERNAME" not in existing[1]
        # when the right password is given during the lockout, then it is still refused
        response = attempt(client, "handler", PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        # when the lockout has passed, then the right password leads to the second step
        traveller.shift(dt.timedelta(minutes=31))
        totp_device(User.objects.get(username="handler"))
        response = attempt(client, "handler", PASSWORD)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/code/")


def test_the_lockout_is_per_username_and_address(client, settings):
    # Given a username locked out from one address (limit lowered to 2 for this test)
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.create_user(username="handler", password=PASSWORD, is_staff=True)
    for _ in range(2):
        attempt(client, "handler", "wrong password")
    assert attempt(client, "handler", PASSWORD).status_code == 429
    # when the same person logs in from another address, then they are not locked out there
    other = client.__class__(REMOTE_ADDR="10.0.0.7")
    assert other.post("/accounts/login/", {"username": "handler", "password": PASSWORD}).status_code == 302
    assert AccessAttempt.objects.filter(username="handler", ip_address="127.0.0.1").exists()


def test_the_address_behind_a_proxy_is_the_one_the_proxy_saw(client, settings):
    # Given one reverse proxy in front, and a client that forges an X-Forwarded-For entry of its own
    settings.PLAINT_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 1
    User.objects.create_user(username="handler", password=PASSWORD)
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.9"}
    # when it fails once, then the attempt is recorded against the address the proxy appended
    client.post("/accounts/login/", {"username": "handler", "password": "wrong"}, **forged)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.9"]


def test_the_lockout_page_is_dutch_on_the_dutch_site(client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    response = client.post("/nl/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()


def token_request(client, username: str, password: str):
    body = {"username": username, "password": password}
    return client.post("/api/auth/token/", body, content_type="application/json")


def test_the_token_endpoint_answers_a_locked_out_account_with_429_in_json(client, settings):
    # Given an account with an authenticator app
    user = User.objects.create_user(username="handler", password=PASSWORD, is_staff=True)
    totp_device(user)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        # when its password is guessed wrong five times through the API
        answers = [
            client.post(
                "/api/auth/token/", {"username": "handler", "password": "wrong"}, content_type="application/json"
            )
            for _ in range(5)
        ]
        # then the first four are refused as invalid, and the fifth locks it out like the login page: 429, in JSON
        assert [answer.status_code for answer in answers] == [400, 400, 400, 400, 429]
        # and the right password during the lockout is refused the same way, with when to try again
        right = token_request(client, "handler", PASSWORD)
        assert right.status_code == 429
        body = right.json()
        assert (body["code"], body["errors"], body["retry_after"]) == ("locked_out", {}, 30 * 60)
        assert right["Retry-After"] == str(30 * 60)
        # as the login page does for an unknown account
        unknown = [
            client.post(
                "/api/auth/token/", {"username": "nobody", "password": "wrong"}, content_type="application/json"
            )
            for _ in range(5)
        ]
        assert unknown[-1].status_code == 429
        assert unknown[-1].json() == body
