"""Tokens and sessions, the schema and its documentation pages, and real concurrent actions on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from plaint.cases.models import Case
from tests.access.audit_support import audit_transactional_db  # noqa: F401 - a fixture
from tests.access.helpers import login_verified, totp_code, totp_device
from tests.api.conftest import at, complaint
from tests.cases.factories import organisation_running, register, staff

PASSWORD = "Plaint-test-2025"  # tests/organisations/factories.UserFactory
MARCH_3 = dt.date(2025, 3, 3)


@pytest.mark.django_db
def test_a_token_is_obtained_with_password_and_second_factor_and_then_authenticates(api):
    # Given a member of staff with a password and an authenticator app
    xs = organisation_running("xs2more")
    user = staff(xs, "intake_staff")
    device = totp_device(user)
    body = {"username": user.username, "password": PASSWORD}
    # When they ask for a token without the code, they get none
    without = api.client.post("/api/auth/token/", body, format="json")
    assert (without.status_code, list(without.json()["errors"])) == (400, ["code"])
    # When they give the code of their app
    response = api.client.post("/api/auth/token/", {**body, "code": totp_code(device)}, format="json")
    # Then they get a token that lets them in
    assert response.status_code == 200, response.json()
    token = response.json()["token"]
    api.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with at(MARCH_3):
        created = api.register(complaint(xs.slug))
    assert created.status_code == 201
    assert Case.objects.get().created_by == user
    # When they revoke it, it no longer works
    assert api.client.delete("/api/auth/token/").status_code == 204
    assert api.list().status_code == 401
    # and a wrong code gets no new one
    api.client.credentials()
    wrong = api.client.post("/api/auth/token/", {**body, "code": "000000"}, format="json")
    assert (wrong.status_code, wrong.json()["errors"]) == (400, {"code": ["This code is not valid."]})


@pytest.mark.django_db
def test_no_token_without_a_second_factor(api):
    # Given staff who never set up an authenticator app
    user = staff(organisation_running("xs2more"), "intake_staff")
    # When they ask for a token with their password only
    body = {"username": user.username, "password": PASSWORD}
    response = api.client.post("/api/auth/token/", body, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    # Then they are told to set one up first, in their language
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "authenticator-app" in response.json()["detail"]


@pytest.mark.django_db
def test_a_wrong_password_gets_no_token_and_says_so_in_dutch(api):
    user = staff(organisation_running("xs2more"), "intake_staff")
    response = api.client.post(
        "/api/auth/token/", {"username": user.username, "password": "wrong"}, format="json", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == ["Kan niet inloggen met opgegeven gegevens."]
    assert response.json()["detail"] == "De invoer is niet geldig; zie de meldingen per veld."


@pytest.mark.django_db
def test_a_bad_token_is_401(api):
    api.client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = api.list()
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_session_login_with_the_second_factor_works_too(api):
    xs = organisation_running("xs2more")
    user = staff(xs, "intake_staff")
    with at(MARCH_3):
        case = register(xs, user)
    login_verified(api.client, user)
    response = api.detail(case.pk)
    assert response.status_code == 200, response.content
    assert response.json()["reference"] == case.reference


@pytest.mark.django_db
def test_the_schema_and_its_documentation_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"cases_act_decided" in schema.content
    for path in ("/api/docs/", "/api/redoc/"):
        page = client.get(path)
        assert page.status_code == 200
        assert b"cdn.jsdelivr" not in page.content
        assert b"drf_spectacular_sidecar" in page.content
    # Redoc names the schema in its page; Swagger UI (the split view: no inline script) in its own script
    assert b"/api/schema/" in client.get("/api/redoc/").content
    assert b"/api/schema/" in client.get("/api/docs/?script=").content


def test_every_action_has_its_own_address_and_operation():
    from django.urls import reverse

    from plaint.api.action_serializers import ACTION_INPUTS
    from plaint.engine import vocabulary

    assert set(ACTION_INPUTS) == set(vocabulary.EVENTS) - {"received", "letter_sent"}
    assert reverse("api:case-term-extended", kwargs={"case_id": 7}) == "/api/cases/7/actions/term_extended/"
    assert len({serializer for serializer in ACTION_INPUTS.values()}) == len(ACTION_INPUTS)


@pytest.mark.usefixtures("audit_transactional_db")  # actions write audit records: flushed by the fixture
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
def test_two_threads_acting_on_the_same_version_exactly_one_succeeds(api):
    # Given a case two colleagues both loaded at version 1
    xs = organisation_running("xs2more")
    first, second = staff(xs, "intake_staff"), staff(xs, "intake_staff")
    with at(MARCH_3):
        case = register(xs, first)
        start = threading.Barrier(2)
        answers: list[int] = []

        def acknowledge(user) -> None:
            from rest_framework.test import APIClient

            client = APIClient()
            client.force_authenticate(user)
            start.wait()
            try:
                path = f"/api/cases/{case.pk}/actions/acknowledged/"
                answers.append(client.post(path, {"version": 1}, format="json").status_code)
            finally:
                connections.close_all()

        # When both acknowledge it at the same moment, each in their own request and transaction
        threads = [threading.Thread(target=acknowledge, args=(user,)) for user in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    # Then exactly one succeeded, the other was told the case changed, and the history holds one acknowledgement
    assert sorted(answers) == [200, 409]
    case.refresh_from_db()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[:2] == ["received", "acknowledged"] and kinds.count("acknowledged") == 1
    # after it, at most the acknowledgement letter recorded as sent once its email was accepted (the letters issue)
    assert set(kinds[2:]) <= {"letter_sent"}
    assert case.version == len(kinds)


PARALLEL_RETRIES = 20


@pytest.mark.usefixtures("audit_transactional_db")  # registrations write audit records: flushed by the fixture
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction itself; threads sharing its in-memory test database only lock",
)
def test_twenty_parallel_registrations_with_one_key_create_one_case():
    # Given a client that sends one registration twenty times at once, each with the same Idempotency-Key
    xs = organisation_running("xs2more")
    intake = staff(xs, "intake_staff")
    start = threading.Barrier(PARALLEL_RETRIES)
    answers: list[tuple[int, int | None]] = []
    errors: list[BaseException] = []

    def send() -> None:
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(intake)
        try:
            start.wait()
            response = client.post("/api/cases/", complaint(xs.slug), format="json", HTTP_IDEMPOTENCY_KEY="form-7")
            answers.append((response.status_code, response.json().get("id")))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    # When all twenty arrive together, each in its own request, transaction and database connection
    threads = [threading.Thread(target=send) for _ in range(PARALLEL_RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Then one case exists, exactly one caller was told 201 Created, and the others 200 with that same case
    assert errors == []
    case = Case.objects.get()
    statuses = sorted(status for status, _id in answers)
    assert statuses == [200] * (PARALLEL_RETRIES - 1) + [201]
    assert {case_id for _status, case_id in answers} == {case.pk}
    # and its registration was recorded once
    assert list(case.events.values_list("kind", flat=True)) == ["received"]
