"""The staff login: password, then a code from an authenticator app or a recovery code; enrolment; sessions.

Real database, no mocks: TOTP codes are computed from the device's key (tests/access/helpers.py), time moves with
time-machine.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plaint.access import mfa
from plaint.access.models import User
from tests.access.helpers import login_verified, totp_code, totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery 42"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff():
    return User.objects.create_user(username="handler", email="handler@example.org", password=PASSWORD, is_staff=True)


def log_in_with_password(client, username=None, password=PASSWORD, next_url="/admin/"):
    return client.post("/accounts/login/", {"username": username or "handler", "password": password, "next": next_url})


def is_logged_in(client) -> bool:
    """Whether the client's session reaches the admin index (which needs both factors)."""
    return client.get("/admin/").status_code == 200


def test_a_full_login_takes_a_password_then_a_code(client, staff, traveller):
    # Given staff with an authenticator app
    device = totp_device(staff)
    # when they give their username and password
    response = log_in_with_password(client)
    # then they are asked for a code, and are not logged in yet
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/?next=%2Fadmin%2F"
    assert not is_logged_in(client)
    # when they enter the code their app shows
    response = client.post("/accounts/login/code/", {"code": totp_code(device)})
    # then they are logged in, verified, and taken where they were going
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert is_logged_in(client)


def test_the_login_page_is_accessible_in_english_and_dutch(client):
    # When the login page is opened in English and in Dutch
    english = client.get("/accounts/login/").content.decode()
    dutch = client.get("/nl/accounts/login/").content.decode()
    # then each is in its own language, with one h1, labelled inputs and the right autocomplete hints
    assert '<html lang="en">' in english and "Log in" in english
    assert '<html lang="nl">' in dutch and "Inloggen" in dutch and "Wachtwoord vergeten?" in dutch
    for page in (english, dutch):
        assert page.count("<h1>") == 1
        assert '<label for="id_username">' in page and '<label for="id_password">' in page
        assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page


def test_the_code_page_asks_for_a_numeric_one_time_code(client, staff):
    # Given someone who passed the password step
    totp_device(staff)
    log_in_with_password(client)
    # when the code page is shown, then its input is a one-time code typed on a numeric keypad
    page = client.get("/accounts/login/code/").content.decode()
    code_input = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'autocomplete="one-time-code"' in code_input and 'inputmode="numeric"' in code_input
    assert '<label for="id_recovery_code">' in page


def test_a_wrong_code_is_refused_and_described_to_assistive_technology(client, staff, traveller):
    # Given someone who passed the password step
    device = totp_device(staff)
    log_in_with_password(client)
    # when they enter a wrong code
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/login/code/", {"code": wrong})
    # then they are not logged in, and the error is tied to the input
    assert response.status_code == 200
    page = response.content.decode()
    assert "That code is not correct" in page
    assert 'aria-describedby="id_code_errors"' in page and 'aria-invalid="true"' in page
    assert '<ul id="id_code_errors">' in page
    assert not is_logged_in(client)
    # and once the device's throttle has passed, the right code still works
    traveller.shift(dt.timedelta(seconds=31))
    assert client.post("/accounts/login/code/", {"code": totp_code(device)}).status_code == 302
    assert is_logged_in(client)


def test_a_code_is_accepted_only_once(client, staff, traveller):
    # Given someone who logged in with a code
    device = totp_device(staff)
    code = totp_code(device)
    log_in_with_password(client)
    client.post("/accounts/login/code/", {"code": code})
    assert is_logged_in(client)
    # when the same code is used again in another session
    other = client.__class__()
    log_in_with_password(other)
    response = other.post("/accounts/login/code/", {"code": code})
    # then it is refused
    assert "That code is not correct" in response.content.decode()
    assert not is_logged_in(other)


def test_a_recovery_code_works_once(client, staff, traveller):
    # Given staff with an authenticator app and recovery codes
    totp_device(staff)
    codes = mfa.recovery_codes_replace(user_id=staff.pk)
    assert len(codes) == 10 and len(set(codes)) == 10
    # when they log in with a recovery code instead of the app (typed in capitals, without the hyphen)
    log_in_with_password(client)
    response = client.post("/accounts/login/code/", {"recovery_code": codes[0].replace("-", "").upper()})
    # then they are logged in, and that code is used up
    assert response.status_code == 302
    assert is_logged_in(client)
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    # when they log out and try the same code again
    client.post("/accounts/logout/")
    assert not is_logged_in(client)
    traveller.shift(dt.timedelta(seconds=5))
    log_in_with_password(client)
    response = client.post("/accounts/login/code/", {"recovery_code": codes[0]})
    # then it is refused
    assert "That code is not correct" in response.content.decode()
    assert 'aria-describedby="id_recovery_code_errors"' in response.content.decode()
    assert not is_logged_in(client)


def test_someone_without_an_authenticator_app_enrols_one(client, staff, traveller):
    # Given staff who never set up an authenticator app, when they pass the password step
    response = log_in_with_password(client)
    # then they are taken to enrolment, which shows the setup link, its QR code and the secret
    assert response["Location"] == "/accounts/login/enrol/?next=%2Fadmin%2F"
    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert "otpauth://totp/" in page and 'src="data:image/svg+xml;base64,' in page
    assert mfa.totp_secret_base32(device) in page
    assert not is_logged_in(client)
    # when they confirm with a wrong code, then nothing is confirmed
    client.post("/accounts/login/enrol/", {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    # when they confirm with the code their app shows
    traveller.shift(dt.timedelta(seconds=31))
    response = client.post("/accounts/login/enrol/", {"code": totp_code(device)})
    # then the app is confirmed, they are logged in and shown ten recovery codes, once
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/recovery-codes/")
    page = client.get(response["Location"]).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    assert len(shown) == 10
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert is_logged_in(client)
    assert re.findall(r"<li><code>", client.get("/accounts/recovery-codes/").content.decode()) == []
    # and a shown recovery code is one of theirs
    assert mfa.verify_second_factor(staff, shown[3])


def test_the_code_step_needs_the_password_step_first(client, staff):
    # Given staff with an app, when someone goes straight to the code or enrolment page, then they start at step 1
    totp_device(staff)
    for page in ("/accounts/login/code/", "/accounts/login/enrol/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_the_password_step_expires_after_ten_minutes(client, staff, traveller):
    # Given someone who passed the password step and waited eleven minutes
    device = totp_device(staff)
    log_in_with_password(client)
    traveller.shift(dt.timedelta(minutes=11))
    # when they enter a valid code, then they must start again
    response = client.post("/accounts/login/code/", {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not is_logged_in(client)


def test_the_session_key_changes_at_login(client, staff, traveller):
    # Given a visitor with a session (the password step stores who passed it)
    device = totp_device(staff)
    log_in_with_password(client)
    before = client.session.session_key
    assert before and SESSION_KEY not in client.session
    # when they complete the login
    client.post("/accounts/login/code/", {"code": totp_code(device)})
    # then their session has a new key, and the old key is no longer a session
    after = client.session.session_key
    assert after != before
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert not client.session.exists(before)


def test_a_session_expires_when_idle(client, staff, traveller, settings):
    # Given staff logged in (the idle limit is 30 minutes)
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    device = totp_device(staff)
    log_in_with_password(client)
    client.post("/accounts/login/code/", {"code": totp_code(device)})
    # when they keep working, every 20 minutes, then they stay logged in
    for _ in range(3):
        traveller.shift(dt.timedelta(minutes=20))
        assert is_logged_in(client)
    # when they leave it for 31 minutes
    traveller.shift(dt.timedelta(minutes=31))
    response = client.get("/admin/", follow=True)
    # then they are sent to log in again
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"


def test_logging_out_ends_the_session(client, staff):
    # Given staff logged in, when they log out (a POST), then they are anonymous again and sent to the login page
    login_verified(client, staff)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert not is_logged_in(client)


def test_a_verified_person_can_make_new_recovery_codes(client, staff, traveller):
    # Given staff logged in with old recovery codes
    login_verified(client, staff)
    old = mfa.recovery_codes_replace(user_id=staff.pk)
    # when they ask for new ones
    response = client.post("/accounts/recovery-codes/new/", follow=True)
    # then ten new codes are shown, and the old ones stop working
    new = re.findall(r"<li><code>([a-z2-7-]{9})</code></li>", response.content.decode())
    assert len(new) == 10
    assert not mfa.verify_second_factor(staff, old[0])
    traveller.shift(dt.timedelta(seconds=5))  # a wrong code makes the device wait a little before the next try
    assert mfa.verify_second_factor(staff, new[0])


def test_verify_second_factor_for_other_ways_in(staff, traveller):
    # Given staff with an app and recovery codes (what the API token endpoint checks)
    device = totp_device(staff)
    codes = mfa.recovery_codes_replace(user_id=staff.pk)
    # then a current code works once, a recovery code works once, and anything else never
    code = totp_code(device)
    assert mfa.verify_second_factor(staff, code)
    assert not mfa.verify_second_factor(staff, code)
    assert mfa.verify_second_factor(staff, codes[0])
    traveller.shift(dt.timedelta(seconds=5))
    assert not mfa.verify_second_factor(staff, codes[0])
    assert not mfa.verify_second_factor(staff, "")
    assert not mfa.verify_second_factor(staff, "not a code at all, far too long")
    # and an unconfirmed app does not count
    newcomer = User.objects.create_user(username="newcomer", password=PASSWORD)
    unconfirmed = totp_device(newcomer, confirmed=False)
    assert not mfa.verify_second_factor(newcomer, totp_code(unconfirmed))
