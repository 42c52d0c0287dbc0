"""The improvement register through the API, read only (XS-17, XS-20)."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.reporting.models import Improvement
from tests.cases.factories import organisation_running, person_of, staff

pytestmark = pytest.mark.django_db


@pytest.mark.clause("XS-17", "XS-20")
def test_analysts_read_the_register_and_outsiders_are_refused(api):
    xs = organisation_running("xs2more")
    owner = person_of(staff(xs, "senior_manager"))
    Improvement.objects.create(
        organisation=xs, kind="recommendation", title="Review intake", owner=owner, due_on=dt.date(2027, 3, 1)
    )
    Improvement.objects.create(
        organisation=xs, kind="corrective", title="Call back", owner=owner, due_on=dt.date(2027, 2, 1), status="done"
    )
    api.as_user(staff(xs, "analyst"))
    rows = api.client.get(f"/api/organisations/{xs.slug}/improvements/").json()["results"]
    assert [row["title"] for row in rows] == ["Call back", "Review intake"]
    assert rows[1]["owner"]["name"] == owner.name and rows[1]["status"] == "open" and rows[1]["cases"] == []
    open_only = api.client.get(f"/api/organisations/{xs.slug}/improvements/?status=open").json()["results"]
    assert [row["title"] for row in open_only] == ["Review intake"]
    assert api.client.get(f"/api/organisations/{xs.slug}/improvements/?status=maybe").status_code == 400
    api.as_user(staff(organisation_running("werkpro"), "analyst"))
    assert api.client.get(f"/api/organisations/{xs.slug}/improvements/").status_code == 403
    assert api.client.get("/api/organisations/nowhere/improvements/").status_code == 403
