"""Anonymised case data for analysts and management (issue 5): `GET /api/organisations/{slug}/anonymised-cases/`
(pages of JSON) and `.../anonymised-cases.csv` (every row, streamed). No reference, names, descriptions, parties,
exact dates or free text; confidential cases counted; every read and every refusal in the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Case, Category, Cause
from plaint.cases.selectors import AnonymisedFilters, anonymised_batches, anonymised_rows, cases_anonymised
from tests.cases.factories import organisation_running, staff
from tests.privacy.factories import at, xs2more_case

pytestmark = [pytest.mark.django_db, pytest.mark.clause("WA-12", "WP-22")]

TODAY = dt.date(2026, 4, 20)
PATH = "/api/organisations/{slug}/anonymised-cases/"
CSV = "/api/organisations/{slug}/anonymised-cases.csv"


@pytest.fixture
def world():
    """Xs2more with five cases over three months (one closed, one confidential, categories and causes), an
    analyst, and staff who may not read the data."""
    organisation = organisation_running("xs2more", reference_prefix="XS", slug="xs")
    people = {
        "intake": staff(organisation, "intake_staff"),
        "manager": staff(organisation, "senior_manager"),
        "analyst": staff(organisation, "analyst"),
    }
    coaching = Category.objects.create(organisation=organisation, code="coaching", name_en="C", name_nl="C")
    payments = Category.objects.create(organisation=organisation, code="payments", name_en="P", name_nl="B")
    planning = Cause.objects.create(organisation=organisation, code="planning", name_en="P", name_nl="P")
    cases = {
        "january": xs2more_case(organisation, people, received=dt.date(2026, 1, 12)),
        "closed": xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=dt.date(2026, 3, 13)),
        "confidential": xs2more_case(
            organisation, people, received=dt.date(2026, 2, 16), confidentiality="confidential"
        ),
        "march": xs2more_case(organisation, people, received=dt.date(2026, 3, 2)),
        "march_late": xs2more_case(organisation, people, received=dt.date(2026, 3, 30)),
    }
    cases["closed"].categories.add(coaching, payments)
    cases["closed"].causes.add(planning)
    cases["march"].categories.add(coaching)
    other = organisation_running("werkpro", slug="other")
    xs2more_other = staff(other, "intake_staff")
    return organisation, people, cases, {"other_analyst": staff(other, "analyst"), "other_intake": xs2more_other}


def _reads() -> int:
    return AuditRecord.objects.filter(action="cases.anonymised.read").count()


def _denials() -> int:
    return AuditRecord.objects.filter(action="access.denied").count()


def test_the_analyst_reads_every_case_without_personal_data(world, api):
    # Given the analyst of Xs2more (who never sees a case itself)
    organisation, people, cases, _others = world
    api.as_user(people["analyst"])
    with at(TODAY):
        assert api.list().json()["results"] == []
        # When they read the anonymised cases
        response = api.client.get(PATH.format(slug="xs"))
    # Then every case is there, the confidential one counted, oldest receipt first
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 5
    rows = body["results"]
    assert [row["received_month"] for row in rows] == ["2026-01", "2026-02", "2026-02", "2026-03", "2026-03"]
    closed = rows[1]
    assert closed == {
        "kind": "complaint",
        "categories": ["coaching", "payments"],
        "causes": ["planning"],
        "stage": closed["stage"],
        "status": "closed",
        "outcome": "resolved",
        "received_month": "2026-02",
        "handling_days": 39,
    }
    assert {row["status"] for row in rows if row is not closed} == {"open"}
    assert all(row["handling_days"] is None for row in rows if row is not closed)
    # And nothing identifies anyone: no ids, references, names, descriptions, contacts or days
    text = response.content.decode()
    for case in cases.values():
        assert case.reference not in text
    for secret in ("Jan", "Jansen", "Piet", "jan@example.org", "1234", "Dorp", "Coach", "2026-02-02", '"id"'):
        assert secret not in text, secret
    # And the read is in the audit trail with its filters
    record = AuditRecord.objects.filter(action="cases.anonymised.read").get()
    assert record.details == {"output": "json", "page": "1"}
    assert record.organisation_id == organisation.pk


def test_filters_by_month_kind_status_category_and_cause(world, api):
    _organisation, people, _cases, _others = world
    api.as_user(people["analyst"])

    def months(**params):
        response = api.client.get(PATH.format(slug="xs"), params)
        assert response.status_code == 200, response.json()
        return [row["received_month"] for row in response.json()["results"]]

    with at(TODAY):
        assert months(received_from="2026-02", received_to="2026-02") == ["2026-02", "2026-02"]
        assert months(received_from="2026-03") == ["2026-03", "2026-03"]
        assert months(received_to="2026-01") == ["2026-01"]
        assert len(months(kind="complaint")) == 5
        assert months(kind="compliment") == []
        assert months(status="closed") == ["2026-02"]
        assert months(category="coaching") == ["2026-02", "2026-03"]
        assert months(cause="planning") == ["2026-02"]
        assert months(category="coaching", status="open") == ["2026-03"]
        # A day is refused (it would narrow a row to its day of receipt), as are unknown filters and bad months
        for params in ({"received_from": "2026-02-02"}, {"received_to": "2026-13"}, {"handler": "1"}):
            response = api.client.get(PATH.format(slug="xs"), params)
            assert response.status_code == 400, params
        response = api.client.get(PATH.format(slug="xs"), {"received_from": "2026-03", "received_to": "2026-02"})
        assert response.status_code == 400
        assert "received_to" in response.json()["errors"]
    last = AuditRecord.objects.filter(action="cases.anonymised.read").order_by("-sequence")[0]
    assert last.details == {"category": "coaching", "status": "open", "output": "json", "page": "1"}


def test_pages_with_a_fixed_number_of_queries(world, api):
    _organisation, people, _cases, _others = world
    api.as_user(people["analyst"])
    with at(TODAY):
        first = api.client.get(PATH.format(slug="xs"), {"page_size": 2}).json()
        last = api.client.get(PATH.format(slug="xs"), {"page_size": 2, "page": 3}).json()
        # The queries of a page do not grow with its rows: categories and causes are one query each per page
        small, small_queries = _queries(api, page_size=1)
        large, large_queries = _queries(api, page_size=5)
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"] and first["previous"] is None
    assert len(last["results"]) == 1 and last["next"] is None
    assert len(small) == 1 and len(large) == 5
    assert small_queries == large_queries
    assert _reads() == 4


def _queries(api, **params) -> tuple[list, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = api.client.get(PATH.format(slug="xs"), params)
    return response.json()["results"], len(captured)


def test_the_csv_streams_every_row_in_batches(world, api):
    _organisation, people, cases, _others = world
    api.as_user(people["analyst"])
    with at(TODAY):
        response = api.client.get(CSV.format(slug="xs"), {"received_from": "2026-02"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="xs-anonymised-cases.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["received_month"] for row in rows] == ["2026-02", "2026-02", "2026-03", "2026-03"]
    assert rows[0]["categories"] == "coaching;payments" and rows[0]["causes"] == "planning"
    assert rows[0]["handling_days"] == "39" and rows[1]["handling_days"] == ""
    assert "Jan" not in text and cases["closed"].reference not in text
    record = AuditRecord.objects.filter(action="cases.anonymised.read").get()
    assert record.details == {"received_from": "2026-02", "output": "csv"}


def test_batches_cover_every_case_once_across_days_with_several_cases(world):
    # Given cases sharing a day of receipt (the keyset must not skip or repeat them at a batch boundary)
    organisation, people, _cases, _others = world
    for _ in range(3):
        xs2more_case(organisation, people, received=dt.date(2026, 2, 2))
    with at(TODAY):
        query = cases_anonymised(actor=people["analyst"], organisation=organisation, filters=AnonymisedFilters())
        # When they are read two at a time / Then every case comes once, in order
        batches = list(anonymised_batches(query, size=2))
    assert [len(batch) for batch in batches] == [2, 2, 2, 2]
    streamed = [row for batch in batches for row in batch]
    assert streamed == anonymised_rows(query)
    assert len(streamed) == Case.objects.filter(organisation=organisation).count() == 8


def test_outsiders_get_403_and_unknown_organisations_404_logged_and_audited(world, api, caplog):
    _organisation, people, _cases, others = world
    refusals = [
        (people["intake"], "xs", 403),  # staff, but not a role that reads analyses
        (people["manager"], "xs", 200),  # a senior manager may (management review: XS-20)
        (others["other_analyst"], "xs", 403),  # an analyst of another organisation
        (others["other_intake"], "xs", 403),
        (people["analyst"], "no-such-organisation", 404),
        (people["analyst"], "other", 403),
    ]
    with at(TODAY):
        for user, slug, expected in refusals:
            api.as_user(user)
            for path in (PATH, CSV):
                before, reads = _denials(), _reads()
                caplog.clear()
                with caplog.at_level(logging.WARNING, logger="plaint.access"):
                    response = api.client.get(path.format(slug=slug))
                assert response.status_code == expected, (user.username, slug, path)
                if expected == 200:
                    assert _reads() == reads + 1
                    continue
                body = response.json()
                assert body["code"] == ("forbidden" if expected == 403 else "not_found")
                assert _denials() == before + 1 and _reads() == reads
                assert "access denied" in caplog.text
                assert "permission=cases.view_anonymised" in caplog.text
        api.as_user(None)
        assert api.client.get(PATH.format(slug="xs")).status_code == 401
