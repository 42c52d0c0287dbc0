"""Malformed and out-of-range requests get a 4xx in the one error shape, never a 500 or an HTML page.

Each case here is one the security probe of issue 13 found answering 500 or HTML: ids of 2^63 and more in a path or a
filter, deeply nested JSON, a moment of receipt in year 1, unknown addresses under /api/, a body over the size limit.
A Django `ValidationError` that reaches a view is a 400 as well.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from plaint.api.errors import exception_handler
from tests.api.conftest import at, complaint
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db

MARCH_3 = dt.date(2025, 3, 3)
HUGE = str(2**63)


@pytest.fixture
def xs():
    return organisation_running("xs2more")


@pytest.fixture
def intake(xs):
    return staff(xs, "intake_staff")


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) >= {"code", "detail", "errors"}
    if code is not None:
        assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "path",
    [
        f"/api/cases/{HUGE}/",
        f"/api/cases/{'9' * 19}/",
        f"/api/cases/{HUGE}/attachments/",
        f"/api/cases/1/attachments/{HUGE}/content/",
        f"/api/cases/{HUGE}/sensitive-sections/",
        "/api/cases/0/",
        "/api/nowhere/",
        "/api/cases/abc/",
        "/api/organisations/a%20b/anonymised-cases/",
    ],
)
def test_unknown_addresses_and_ids_out_of_range_are_a_json_404(api, intake, path):
    # When staff ask for an address with an id no row can have, or no address at all
    response = api.as_user(intake).client.get(path, HTTP_ACCEPT_LANGUAGE="nl")
    # Then the answer is a 404 in the error shape, in their language
    body = assert_error_shape(response, 404, "not_found")
    assert response["Content-Language"] == "nl"
    assert body["detail"] == "Niet gevonden."


def test_an_action_on_a_huge_case_id_is_a_json_404(api, intake):
    response = api.as_user(intake).act(2**63, "acknowledged", {"version": 1})
    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize("name", ["handler"])
def test_a_filter_value_out_of_range_is_a_400(api, intake, name):
    response = api.as_user(intake).list(**{name: HUGE})
    body = assert_error_shape(response, 400, "invalid")
    assert list(body["errors"]) == [name]


def test_ids_out_of_range_in_a_body_are_a_400(api, xs, intake):
    body = complaint(xs.slug, subjects=[{"person": 2**63}], complainant={"person": 2**64})
    with at(MARCH_3):
        response = api.as_user(intake).register(body)
    errors = assert_error_shape(response, 400, "invalid")["errors"]
    assert set(errors) == {"complainant.person", "subjects.0.person"}


def test_a_version_out_of_range_is_a_400(api, xs, intake):
    with at(MARCH_3):
        case = register(xs, intake)
        response = api.as_user(intake).act(case.pk, "acknowledged", {"version": 2**63})
    assert list(assert_error_shape(response, 400, "invalid")["errors"]) == ["version"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("received_at", "0001-01-01T00:00:00Z"),
        ("received_at", "0001-01-01T00:30:00+01:00"),
        ("received_at", "1899-12-31T23:00:00Z"),
        ("incident_date", "0001-01-01"),
        ("incident_date", "9999-12-31"),
    ],
)
def test_a_day_out_of_range_is_a_400(api, xs, intake, field, value):
    # Given a registration received (or about an incident) in year 1 or 9999
    with at(MARCH_3):
        response = api.as_user(intake).register(complaint(xs.slug, **{field: value}))
    # Then it is refused for that field
    assert list(assert_error_shape(response, 400, "invalid")["errors"]) == [field]


def test_a_month_filter_of_year_zero_is_a_400(api, xs, intake):
    response = api.as_user(intake).client.get(f"/api/organisations/{xs.slug}/anonymised-cases/?received_from=0000-01")
    assert response.status_code in (400, 403)
    assert_error_shape(response, response.status_code)


def test_deeply_nested_json_is_a_400(api, xs, intake):
    # Given a body nested ten thousand levels deep (Python's own parser gives up with RecursionError)
    deep = "[" * 10_000 + "]" * 10_000
    body = f'{{"organisation": "{xs.slug}", "channel": "phone", "description": "x", "complainant": {deep}}}'
    response = api.as_user(intake).client.post("/api/cases/", body, content_type="application/json")
    assert_error_shape(response, 400, "parse_error")
    # and a moderately deep one (40 levels) too: no input nests like that
    body = '{"note": ' + "[" * 40 + "]" * 40 + "}"
    response = api.client.post("/api/cases/", body, content_type="application/json")
    assert_error_shape(response, 400, "parse_error")


def test_a_body_over_the_size_limit_is_a_413(api, xs, intake, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps(complaint(xs.slug, description="x" * 2000))
    response = api.as_user(intake).client.post("/api/cases/", body, content_type="application/json")
    assert_error_shape(response, 413, "too_large")
    # and as a form
    response = api.client.post("/api/cases/", {"description": "x" * 2000, "organisation": xs.slug})
    assert_error_shape(response, 413, "too_large")


def test_a_malformed_json_body_is_a_400(api, intake):
    response = api.as_user(intake).client.post("/api/cases/", "{not json", content_type="application/json")
    assert_error_shape(response, 400, "parse_error")


def test_a_django_validation_error_reaching_the_api_is_a_400_in_the_error_shape():
    request = Request(APIRequestFactory().get("/api/cases/"))
    # A model's field errors keep their fields
    by_field = exception_handler(ValidationError({"slug": ["Enter a valid slug."]}), {"request": request})
    assert by_field is not None
    assert (by_field.status_code, by_field.data["code"], by_field.data["errors"]) == (
        400,
        "invalid",
        {"slug": ["Enter a valid slug."]},
    )
    # and a plain message is a non-field error
    plain = exception_handler(ValidationError("Not like this."), {"request": request})
    assert plain is not None
    assert (plain.status_code, plain.data["errors"]) == (400, {"non_field_errors": ["Not like this."]})


def test_pages_outside_the_api_keep_django_pages(client):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("lang", "field", "value", "expected"),
    [
        ("en", "incident_date", "2025-02-30", "There is no such day: February 2025 has no day 30."),
        ("nl", "incident_date", "2025-02-30", "Die dag bestaat niet: februari 2025 heeft geen dag 30."),
        ("en", "incident_date", "2024-13-01", "There is no such day: a year has no month 13."),
        ("en", "received_at", "2025-02-29T10:00:00Z", "There is no such day: February 2025 has no day 29."),
    ],
)
def test_an_impossible_day_is_called_impossible_not_a_wrong_format(api, xs, intake, lang, field, value, expected):
    # Given a registration with 30 February (or month 13)
    with at(MARCH_3):
        response = api.as_user(intake).register(complaint(xs.slug, **{field: value}), HTTP_ACCEPT_LANGUAGE=lang)
    # Then that field is refused, saying the day does not exist (not "wrong format")
    assert assert_error_shape(response, 400, "invalid")["errors"] == {field: [expected]}


def test_a_leap_day_is_a_day(api, xs, intake):
    with at(MARCH_3):
        response = api.as_user(intake).register(complaint(xs.slug, incident_date="2024-02-29"))
    assert response.status_code == 201, response.content[:300]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_description_or_note_over_its_maximum_is_refused_with_the_limit(api, xs, intake, lang):
    # Given a description of 50,001 characters and a note of 5,001 (the documented maxima)
    body = complaint(xs.slug, description="x" * 50_001, note="n" * 5_001)
    with at(MARCH_3):
        response = api.as_user(intake).register(body, HTTP_ACCEPT_LANGUAGE=lang)
    # Then both are refused, naming the limit
    errors = assert_error_shape(response, 400, "invalid")["errors"]
    if lang == "en":
        assert errors["description"] == [
            "This text is too long: at most 50000 characters. Put a longer text in a document."
        ]
        assert errors["note"] == ["This text is too long: at most 5000 characters. Put a longer text in a document."]
    else:
        assert errors["note"] == [
            "Deze tekst is te lang: hoogstens 5000 tekens. Zet een langere tekst in een document."
        ]
    # and at the limit both are accepted
    with at(MARCH_3):
        response = api.as_user(intake).register(complaint(xs.slug, description="x" * 50_000, note="n" * 5_000))
    assert response.status_code == 201, response.content[:300]


def test_an_action_note_over_its_maximum_is_refused(api, xs, intake):
    with at(MARCH_3):
        case = api.as_user(intake).register(complaint(xs.slug)).json()
        response = api.act(case["id"], "acknowledged", {"version": case["version"], "note": "n" * 5_001})
    assert list(assert_error_shape(response, 400, "invalid")["errors"]) == ["note"]
