"""`/api/organisations/{slug}/people/` and `/units/`: what a picker needs, for staff of that organisation only."""

from __future__ import annotations

import pytest

from tests.cases.factories import organisation_running, staff

pytestmark = pytest.mark.django_db


def test_staff_list_the_people_and_units_of_their_organisation_without_contact_details(api):
    xs = organisation_running("xs2more")
    intake = staff(xs, "intake_staff", name="Ina Intake")
    staff(xs, "senior_manager", name="Max Manager")
    people = api.as_user(intake).client.get(f"/api/organisations/{xs.slug}/people/")
    assert people.status_code == 200, people.content[:300]
    rows = people.json()
    names = [row["name"] for row in rows]
    assert {"Ina Intake", "Max Manager"} <= set(names)
    for row in rows:
        assert set(row) == {"id", "name", "unit", "roles"}  # no email or phone
    assert next(row for row in rows if row["name"] == "Max Manager")["roles"] == ["senior_manager"]
    units = api.client.get(f"/api/organisations/{xs.slug}/units/")
    assert units.status_code == 200
    assert all(set(row) == {"id", "name", "part_of"} for row in units.json())


def test_staff_of_another_organisation_and_anonymous_callers_get_nothing(api):
    xs = organisation_running("xs2more")
    other = organisation_running("werkpro")
    outsider = staff(other, "senior_manager")
    for path in (f"/api/organisations/{xs.slug}/people/", f"/api/organisations/{xs.slug}/units/"):
        response = api.as_user(outsider).client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.as_user(None).client.get(f"/api/organisations/{xs.slug}/people/").status_code == 401
    assert api.as_user(outsider).client.get("/api/organisations/nowhere/people/").status_code == 404
