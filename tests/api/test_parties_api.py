"""Parties joining a case after its registration: experts and committee members brought in (WV-03), a subject found
later (WP-01, WP-02), a representative appointed later (WA-09). Access follows at once."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Case, Party
from tests.api.conftest import at, complaint
from tests.cases.factories import organisation_running, person_of, staff
from tests.organisations.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def world(api):
    with at(DAY):
        organisation = organisation_running("werk-in-vertrouwen")
        people = {
            "intake": staff(organisation, "intake_staff"),
            "officer": staff(organisation, "complaints_officer"),
            "colleague": staff(organisation, "handler"),
            "analyst": staff(organisation, "analyst"),
            "outsider": staff(organisation_running("werkpro"), "complaints_officer"),
        }
        case_id = api.as_user(people["intake"]).register(complaint(organisation.slug)).json()["id"]
    return organisation, people, case_id


def add(api, case_id, body, **headers):
    with at(DAY):
        return api.client.post(f"/api/cases/{case_id}/parties/", body, format="json", **headers)


@pytest.mark.clause("WV-03")
def test_an_external_expert_brought_in_may_read_the_case_but_not_act(api, world):
    # Given an external expert known to Plaint but member of no organisation
    _organisation, people, case_id = world
    expert = PersonFactory(with_login=True, name="Employment lawyer")
    # When the complaints officer brings them in
    response = add(api.as_user(people["officer"]), case_id, {"role": "expert", "person": expert.pk, "note": "Law"})
    # Then they are a party, recorded in the history (without contact details) and the audit trail
    assert response.status_code == 201, response.json()
    detail = response.json()
    assert ("expert", "Employment lawyer") in [(party["role"], party["name"]) for party in detail["parties"]]
    event = detail["events"][-1]
    assert (event["kind"], event["data"]["role"], event["note"]) == ("party_added", "expert", "Law")
    assert "Employment lawyer" not in str(event["data"])
    assert AuditRecord.objects.filter(action="case.party.added", target_id=str(case_id)).count() == 1
    # and the expert may now read the case, but not act on it
    with at(DAY):
        assert api.as_user(expert.user).detail(case_id).status_code == 200
        assert api.act(case_id, "acknowledged", {"version": detail["version"]}).status_code == 403


@pytest.mark.clause("WP-01", "XS-14")
def test_a_colleague_named_as_subject_later_no_longer_sees_the_case(api, world):
    _organisation, people, case_id = world
    with at(DAY):
        assert api.as_user(people["colleague"]).detail(case_id).status_code == 200
    # When the officer names the colleague as the person the complaint is about
    colleague = person_of(people["colleague"])
    response = add(api.as_user(people["officer"]), case_id, {"role": "subject", "person": colleague.pk})
    assert response.status_code == 201, response.json()
    subject = Party.objects.get(case_id=case_id, role="subject")
    assert subject.involved  # a subject is always involved: never handles the case (XS-14)
    # Then the colleague can no longer see it, nor find it in their list
    with at(DAY):
        assert api.as_user(people["colleague"]).detail(case_id).status_code == 404
        assert case_id not in [row["id"] for row in api.list().json()["results"]]


@pytest.mark.clause("WP-02")
def test_a_unit_can_be_named_as_subject(api, world):
    organisation, people, case_id = world
    unit = UnitFactory(organisation=organisation, name="Reintegratie Noord")
    response = add(api.as_user(people["officer"]), case_id, {"role": "subject", "unit": unit.pk})
    assert response.status_code == 201
    assert Case.objects.get(pk=case_id).parties.filter(role="subject", unit=unit).exists()


def test_the_handler_cannot_be_named_as_subject_while_handling(api):
    # Given an Xs2more complaint whose handler is assigned
    with at(DAY):
        xs = organisation_running("xs2more")
        intake, handler = staff(xs, "intake_staff"), staff(xs, "intake_staff")
        case_id = api.as_user(intake).register(complaint(xs.slug)).json()["id"]
        officer = person_of(handler)
        assigned = api.act(case_id, "handler_assigned", {"version": 1, "handler": officer.pk})
    assert assigned.status_code == 200, assigned.json()
    response = add(api, case_id, {"role": "subject", "person": officer.pk}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 409
    assert "behandelaar" in response.json()["detail"]
    assert not Party.objects.filter(case_id=case_id, role="subject").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "complainant", "name": "Someone else"}, "role"),
        ({"role": "expert"}, "name"),
        ({"role": "subject", "unit": 999999}, "unit"),
        ({"role": "subject", "person": 999999}, "person"),
        ({"role": "representative", "name": "R", "email": "not an address"}, "email"),
    ],
)
def test_bad_input_is_400_on_the_field_and_adds_nothing(api, world, body, field):
    _organisation, people, case_id = world
    response = add(api.as_user(people["officer"]), case_id, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Party.objects.filter(case_id=case_id).count() == 1  # the complainant only
    assert not Case.objects.get(pk=case_id).events.filter(kind="party_added").exists()


def test_those_who_may_not_act_are_refused_and_nothing_is_added(api, world):
    _organisation, people, case_id = world
    assert add(api.as_user(people["outsider"]), case_id, {"role": "expert", "name": "X"}).status_code == 404
    assert add(api.as_user(people["analyst"]), case_id, {"role": "expert", "name": "X"}).status_code == 404
    assert Party.objects.filter(case_id=case_id).count() == 1
