"""A person's language (English or Dutch): chosen on `/workspace/settings/`, kept on their login and their person
(which Plaint's emails read); after signing in the workspace opens in it. Bad input is a message, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_logged_in
from django.test import RequestFactory

from plaint.access.models import User
from plaint.organisations.models import Person
from tests.access.helpers import login_verified
from tests.cases.factories import organisation_running, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return staff(organisation_running("xs2more"), "handler")


def test_choose_dutch_and_the_workspace_and_emails_follow(client, user):
    login_verified(client, user)
    assert "Your language" in client.get("/workspace/settings/").content.decode()
    response = client.post("/workspace/settings/", {"language": "nl"})
    assert response.status_code == 302 and response["Location"] == "/nl/workspace/settings/"
    assert "Uw taal is bewaard." in client.get(response["Location"]).content.decode()
    assert User.objects.get(pk=user.pk).language == "nl"
    assert Person.objects.get(user=user).language == "nl"  # the emails read it


def test_after_signing_in_the_inbox_opens_in_the_person_s_language(client, user):
    User.objects.filter(pk=user.pk).update(language="nl")
    user.refresh_from_db()
    login_verified(client, user)
    request = RequestFactory().get("/")
    request.session = client.session
    user_logged_in.send(sender=User, request=request, user=user)
    request.session.save()
    response = client.get("/workspace/?scope=mine")
    assert response.status_code == 302 and response["Location"] == "/nl/workspace/?scope=mine"
    # once: a person who then switches to English stays there
    assert client.get("/workspace/").status_code == 200


@pytest.mark.parametrize("value", ["de", "", "<script>", "x" * 10_000])
def test_another_language_is_refused_with_a_message(client, user, value):
    login_verified(client, user)
    response = client.post("/workspace/settings/", {"language": value})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert User.objects.get(pk=user.pk).language == "en"


def test_signing_in_on_the_dutch_pages_keeps_dutch(client, user):
    login_verified(client, user)  # prefers English
    assert client.get("/nl/workspace/").status_code == 200
