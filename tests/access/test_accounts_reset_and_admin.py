"""Password reset never skips the second factor, and neither does the Django admin."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from plaint.access.models import User
from tests.access.helpers import login_verified, totp_code, totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery 42"
NEW_PASSWORD = "a brand new passphrase 7"


@pytest.fixture
def staff():
    return User.objects.create_user(username="handler", email="handler@example.org", password=PASSWORD, is_staff=True)


def comparable(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


def test_a_reset_request_looks_the_same_for_known_and_unknown_addresses(client, staff):
    # When a reset is asked for a known address and for an address no account has
    known = client.post("/accounts/password-reset/", {"email": "handler@example.org"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    # then both answers are the same redirect to the same page
    assert comparable(known) == comparable(unknown) == (302, "/accounts/password-reset/sent/")
    sent = client.get("/accounts/password-reset/sent/").content.decode()
    assert "If there is an account with that email address" in sent
    # and only the known address gets mail
    assert [message.to for message in mail.outbox] == [["handler@example.org"]]


def test_a_new_password_does_not_log_in_and_the_code_is_still_asked(client, staff):
    # Given staff with an authenticator app who asked for a reset link
    device = totp_device(staff)
    client.post("/accounts/password-reset/", {"email": "handler@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    # when they open the link and choose a new password
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # then the password is changed, but they are not logged in
    assert response["Location"] == "/accounts/reset/done/"
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    # when they log in with the new password, then the second step is asked as always
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        response = client.post("/accounts/login/", {"username": "handler", "password": NEW_PASSWORD})
        assert response["Location"].startswith("/accounts/login/code/")
        assert client.get("/admin/").status_code == 302
        client.post("/accounts/login/code/", {"code": totp_code(device)})
        assert client.get("/admin/").status_code == 200


def test_the_reset_form_marks_a_mismatch_for_assistive_technology(client, staff):
    client.post("/accounts/password-reset/", {"email": "handler@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    url = client.get(link, follow=True).redirect_chain[-1][0]
    page = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": "something else 99"}).content.decode()
    assert '<ul id="id_new_password2_errors">' in page
    assert re.search(r'<input[^>]*aria-describedby="id_new_password2_errors id_new_password2_helptext"', page)


def test_the_admin_needs_the_second_factor(client, staff):
    # Given staff logged in with a password only (as the admin's own login form would have done)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    # when they open the admin, then they are sent to the staff login, which starts with the password
    response = client.get("/admin/", follow=True)
    assert [url for url, _ in response.redirect_chain] == [
        "/admin/login/?next=/admin/",
        "/accounts/login/?next=%2Fadmin%2F",
    ]
    # and the /ops/ endpoints treat them as anonymous too
    assert client.post("/ops/queue-probes").status_code == 401
    # when they have passed the second factor, then the admin opens
    login_verified(client, staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/nl/admin/access/user/").status_code == 200


def test_the_dutch_admin_sends_to_the_dutch_login(client):
    response = client.get("/nl/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/nl/accounts/login/?next=%2Fnl%2Fadmin%2F"


def test_someone_logged_in_who_is_not_staff_is_refused_by_the_admin(client):
    person = User.objects.create_user(username="reader", password=PASSWORD)
    login_verified(client, person)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
