"""The API fuzzed from its own schema (schemathesis): no input gives a 5xx, and every answer matches the schema.

Every operation of `openapi/plaint.yaml` (the committed schema, which `make test` checks against the code) is called
in-process through the WSGI application, as three callers: staff with a token and every role of a case's
organisation, an analyst with a token (a low-privilege role), and nobody. Each call is a schema-valid request
(positive) or a request that breaks the schema (negative); half of them aim at a real case, attachment and party, the
rest at whatever ids the generator draws. A call fails the test on a 5xx, a status the schema does not document, an
answer whose body, headers or content type do not match the schema, and (negative requests) invalid input accepted
(except in forms, where a number and the text of that number look the same on the wire).

The seed is fixed (hypothesis `derandomize`), so a failure replays. `PLAINT_FUZZ_EXAMPLES` sets the examples per
operation, caller and mode (default 5, a few minutes at most in `make test`); docs/deploy.md records a run with 100.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from plaint.cases.attachment_services import attachment_add
from plaint.cases.services import PartyInput
from tests.cases.factories import organisation_running, register, staff

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "openapi" / "plaint.yaml"
EXAMPLES = int(os.environ.get("PLAINT_FUZZ_EXAMPLES", "5"))
SCHEMA = schemathesis.openapi.from_path(SCHEMA_FILE)
OPERATIONS = [
    (path, method)
    for path, methods in SCHEMA.raw_schema["paths"].items()
    for method in methods
    if method in {"get", "post", "put", "patch", "delete"}
]
#: Operations that take no input at all have no invalid request to make.
WITHOUT_INPUT = {
    (path, method)
    for path, method in OPERATIONS
    if not SCHEMA.raw_schema["paths"][path][method].get("parameters")
    and "requestBody" not in SCHEMA.raw_schema["paths"][path][method]
}
#: Operations that take a form (documents): every form field is text on the wire, so a number sent where the schema
#: wants a string cannot be told from one; invalid requests are still sent, but not required to be refused.
FORM_ONLY = {
    (path, method)
    for path, method in OPERATIONS
    if (content := SCHEMA.raw_schema["paths"][path][method].get("requestBody", {}).get("content"))
    and all(media_type.startswith("multipart/") for media_type in content)
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class InProcessApp:
    """Plaint's WSGI application, run inside the test's transaction: Django's handler closes the database
    connection at the start and end of every request (`close_old_connections`), which would end that transaction,
    so those two receivers are off while a test calls it (as in Django's own test client)."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self.handler(environ, start_response)


@pytest.fixture
def app() -> Iterator[InProcessApp]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    caches["default"].clear()  # the token endpoint's throttle counts in the cache
    try:
        yield InProcessApp()
    finally:
        caches["default"].clear()  # so later tests in this process are not throttled
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(db) -> dict[str, Any]:
    """An organisation with a case that has an attachment and a representative, and the three callers."""
    xs = organisation_running("xs2more")
    roles = ("intake_staff", "handler", "complaints_officer", "manager", "administrator")
    officer = staff(xs, *roles)
    analyst = staff(xs, "analyst")
    case = register(
        xs,
        officer,
        received_at=dt.datetime(2025, 3, 3, 10, tzinfo=dt.UTC),
        representative=PartyInput(role="representative", name="Alex Taylor"),
    )
    attachment = attachment_add(
        case=case, actor=officer, file=SimpleUploadedFile("letter.txt", b"A letter.\n", "text/plain")
    )
    return {
        "callers": {
            "staff": {"Authorization": f"Token {Token.objects.create(user=officer).key}"},
            "analyst": {"Authorization": f"Token {Token.objects.create(user=analyst).key}"},
            "nobody": {},
        },
        "path_parameters": {
            "case_id": case.pk,
            "attachment_id": attachment.pk,
            "party_id": case.parties.exclude(role="complainant").first().pk,
            "slug": xs.slug,
        },
    }


@pytest.mark.django_db
@pytest.mark.parametrize("caller", ["staff", "analyst", "nobody"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_no_server_error_and_every_answer_matches_the_schema(app, world, path, method, mode, caller):
    if mode.is_negative and (path, method) in WITHOUT_INPUT:
        pytest.skip("no input to make invalid")
    operation = SCHEMA[path][method]
    parameters = {name: value for name, value in world["path_parameters"].items() if f"{{{name}}}" in path}
    strategy = st.one_of(
        operation.as_strategy(generation_mode=mode),
        operation.as_strategy(generation_mode=mode, path_parameters=parameters),
    )
    headers = world["callers"][caller]
    checks = CHECKS + ([negative_data_rejection] if mode.is_negative and (path, method) not in FORM_ONLY else [])

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks, app=app)

    call()
