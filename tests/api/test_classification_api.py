"""Classifying a case for the analyses: categories, causes and nature (XS-22, XS-20, WA-04)."""

from __future__ import annotations

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Case, Category, Cause
from tests.api.conftest import complaint
from tests.cases.factories import organisation_running, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def xs():
    organisation = organisation_running("xs2more")
    Category.objects.create(organisation=organisation, code="coaching", name_en="Coaching", name_nl="Coaching")
    Category.objects.create(organisation=organisation, code="payments", name_en="Payments", name_nl="Betalingen")
    Cause.objects.create(
        organisation=organisation, code="communication", name_en="Communication", name_nl="Communicatie"
    )
    Cause.objects.create(organisation=organisation, code="planning", name_en="Planning", name_nl="Planning")
    Cause.objects.create(organisation=organisation, code="retired", name_en="Old", name_nl="Oud", active=False)
    return organisation


@pytest.fixture
def case_id(api, xs):
    api.as_user(staff(xs, "intake_staff"))
    response = api.register(complaint(xs.slug, categories=["coaching"]))
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def classify(api, case_id, body, **headers):
    return api.client.post(f"/api/cases/{case_id}/classification/", body, format="json", **headers)


@pytest.mark.clause("XS-22", "XS-20")
def test_causes_and_categories_are_set_recorded_in_the_history_and_filterable(api, xs, case_id):
    version = api.detail(case_id).json()["version"]

    response = classify(api, case_id, {"categories": ["coaching", "payments"], "causes": ["communication"]})

    assert response.status_code == 200, response.json()
    detail = response.json()
    assert detail["categories"] == ["coaching", "payments"]
    assert detail["causes"] == ["communication"]
    assert detail["version"] == version  # nobody's open form goes stale because of a classification
    classified = [event for event in detail["events"] if event["kind"] == "classified"]
    assert classified[-1]["data"] == {
        "categories": {"from": ["coaching"], "to": ["coaching", "payments"]},
        "causes": {"from": [], "to": ["communication"]},
    }
    assert AuditRecord.objects.filter(action="case.classified", target_id=str(case_id)).count() == 1
    listed = api.list(cause="communication").json()["results"]
    assert [row["id"] for row in listed] == [case_id]
    assert api.list(cause="planning").json()["results"] == []


def test_leaving_a_field_out_keeps_it_and_an_empty_list_clears_it(api, xs, case_id):
    classify(api, case_id, {"causes": ["planning"]})

    cleared = classify(api, case_id, {"categories": []}).json()

    assert cleared["categories"] == []
    assert cleared["causes"] == ["planning"]


def test_the_same_classification_again_records_nothing(api, xs, case_id):
    classify(api, case_id, {"causes": ["planning"]})
    classify(api, case_id, {"causes": ["planning"]})

    assert Case.objects.get(pk=case_id).events.filter(kind="classified").count() == 1


@pytest.mark.parametrize(
    ("body", "field", "language", "message"),
    [
        ({"causes": ["retired"]}, "causes", "en", "No active cause retired."),
        ({"causes": ["nonsense"]}, "causes", "nl", "Geen actieve oorzaak nonsense."),
        ({"categories": ["nonsense"]}, "categories", "en", "No active category nonsense."),
        ({"nature": "spiritual"}, "nature", "en", None),
    ],
)
def test_unknown_codes_are_400_on_the_field_and_change_nothing(api, xs, case_id, body, field, language, message):
    response = classify(api, case_id, body, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    if message is not None:
        assert errors[field] == [message]
    case = Case.objects.get(pk=case_id)
    assert list(case.categories.values_list("code", flat=True)) == ["coaching"]
    assert not case.causes.exists()


def test_another_organisations_cause_is_unknown_here(api, xs, case_id):
    other = organisation_running("werkpro")
    Cause.objects.create(organisation=other, code="elsewhere", name_en="Elsewhere", name_nl="Elders")

    assert classify(api, case_id, {"causes": ["elsewhere"]}).status_code == 400


def test_outsiders_cannot_classify(api, xs, case_id):
    other = organisation_running("werkpro")
    api.as_user(staff(other, "complaints_officer"))

    assert classify(api, case_id, {"causes": ["planning"]}).status_code == 404
    assert not Case.objects.get(pk=case_id).causes.exists()
