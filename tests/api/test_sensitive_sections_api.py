"""`/api/cases/{id}/sensitive-sections/` (issue 5, WA-11): medical information and interview records are read and
added only there, with their own permission, every read and refusal audited; the case detail and the data-subject
export never show their texts."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Case, SensitiveSection
from plaint.cases.services import case_act
from plaint.privacy.pdf import render_export_html
from plaint.privacy.services import subject_export, subject_request_create
from tests.api.conftest import at, complaint
from tests.cases.factories import organisation_running, staff

pytestmark = [pytest.mark.django_db, pytest.mark.clause("WA-11")]

MARCH_2 = dt.date(2026, 3, 2)
REPORT = "Mrs Smith explained her depression; the nurse's notes of 3 February were read out."
MEDICAL = "GP letter: diagnosed with a herniated disc in 2024."


def sections_path(case_id: int) -> str:
    return f"/api/cases/{case_id}/sensitive-sections/"


@pytest.fixture
def world(api):
    """Workare's staff, and a complaint in the investigation stage whose meeting was held, its report given."""
    with at(MARCH_2, zone="Europe/London"):
        organisation = organisation_running("workare")
        people = {
            "intake": staff(organisation, "intake_staff"),
            "manager": staff(organisation, "manager"),
            "director": staff(organisation, "board_member"),
            "admin": staff(organisation, "administrator"),
            "outsider": staff(organisation_running("workare"), "board_member"),
        }
        body = complaint(organisation.slug, complainant={"name": "Mrs Smith", "email": "smith@example.org"})
        case_id = api.as_user(people["intake"]).register(body).json()["id"]
        api.act(case_id, "handling_started", {"version": 1})
        api.as_user(people["manager"]).act(case_id, "meeting_planned", {"version": 2, "meeting_date": "2026-03-05"})
        held = api.as_user(people["director"]).act(case_id, "meeting_held", {"version": 3, "report": REPORT})
    assert held.status_code == 200, held.json()
    return organisation, people, case_id, held


def test_the_case_detail_and_its_history_never_show_a_report(api, world):
    # Given a meeting recorded with its report through the action endpoint
    _organisation, people, case_id, held = world
    # Then the answer to the action, and the detail for the director and for the administrator, hold no report
    for user in (people["director"], people["admin"]):
        detail = api.as_user(user).detail(case_id)
        assert detail.status_code == 200
        assert REPORT not in json.dumps(detail.json()) and REPORT not in json.dumps(held.json())
    # but the meeting's event says which section holds it, and the detail how many there are and who may read them
    section = SensitiveSection.objects.get()
    director_view = api.as_user(people["director"]).detail(case_id).json()
    meeting = next(event for event in director_view["events"] if event["kind"] == "meeting_held")
    assert meeting["data"] == {"report_section": section.pk}
    assert director_view["sensitive_sections"] == {"count": 1, "visible": True}
    assert api.as_user(people["admin"]).detail(case_id).json()["sensitive_sections"] == {"count": 1, "visible": False}


def test_the_sections_are_read_on_their_own_endpoint_and_every_read_is_audited(api, world):
    # Given the meeting's report
    _organisation, people, case_id, _held = world
    # When the director reads the case's sensitive sections
    with at(MARCH_2, hour=11, zone="Europe/London"):
        response = api.as_user(people["director"]).client.get(sections_path(case_id))
    # Then they get the report, with the event it belongs to
    assert response.status_code == 200
    [section] = response.json()
    assert (section["kind"], section["title"], section["text"], section["event"]) == (
        "interview_record",
        "Report of the meeting",
        REPORT,
        4,
    )
    assert section["recorded_by"] == people["director"].username
    # and the read is in the audit trail, with where it came from
    record = AuditRecord.objects.get(action="case.sensitive.viewed")
    assert record.details == {"sections": [section["id"]]}
    assert (record.case_id, record.actor_id, record.ip_address) == (case_id, people["director"].pk, "127.0.0.1")


def test_refusals_are_403_or_404_and_audited(api, world):
    # Given the administrator, who sees the case but does not work on its stage, and staff of another organisation
    _organisation, people, case_id, _held = world
    body = {"kind": "medical", "title": "GP letter", "text": MEDICAL}
    # Then the administrator may neither read nor add sections (403), the outsider does not know the case (404)
    expected = [
        (people["admin"], "get", 403, "cases.view_sensitive"),
        (people["admin"], "post", 403, "cases.view_sensitive"),
        (people["outsider"], "get", 404, "cases.view_case"),
        (people["outsider"], "post", 404, "cases.view_case"),
    ]
    for user, method, status, permission in expected:
        before = AuditRecord.objects.filter(action="access.denied").count()
        client = api.as_user(user).client
        response = (
            client.get(sections_path(case_id))
            if method == "get"
            else client.post(sections_path(case_id), body, format="json")
        )
        assert response.status_code == status, (user, method, response.json())
        assert response.json()["code"] == ("forbidden" if status == 403 else "not_found")
        denied = AuditRecord.objects.filter(action="access.denied").order_by("-pk")
        assert denied.count() == before + 1 and denied.first().details == {"permission": permission}
    assert MEDICAL not in json.dumps([record.details for record in AuditRecord.objects.all()])
    assert not AuditRecord.objects.filter(action="case.sensitive.viewed").exists()
    assert SensitiveSection.objects.count() == 1


def test_adding_a_section(api, world):
    # Given the director
    _organisation, people, case_id, _held = world
    director = api.as_user(people["director"])
    # When they add a medical section belonging to the planned meeting (the third event)
    with at(MARCH_2, hour=12, zone="Europe/London"):
        response = director.client.post(
            sections_path(case_id),
            {"kind": "medical", "title": "GP letter", "text": MEDICAL, "event": 3},
            format="json",
        )
    # Then it is added and shown to them
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["text"], response.json()["event"]) == ("medical", MEDICAL, 3)
    # and the history says only that a medical section was added
    detail = director.detail(case_id).json()
    assert detail["events"][-1]["kind"] == "sensitive_section_added"
    assert detail["events"][-1]["data"] == {"section": response.json()["id"], "kind": "medical", "event": 3}
    assert MEDICAL not in json.dumps(detail) and "GP letter" not in json.dumps(detail)
    assert detail["sensitive_sections"] == {"count": 2, "visible": True}
    assert AuditRecord.objects.filter(action="case.sensitive.added").count() == 2


def test_bad_input_is_400_on_the_field(api, world):
    _organisation, people, case_id, _held = world
    client = api.as_user(people["director"]).client
    response = client.post(sections_path(case_id), {"kind": "gossip", "title": "", "text": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"kind", "title", "text"}
    response = client.post(sections_path(case_id), {"kind": "other", "title": "t", "text": "x", "event": 99})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"event"}


@pytest.mark.clause("WA-11", "WA-10")
def test_the_data_subject_export_leaves_sensitive_sections_out(api, world):
    # Given the complainant's closed case with the meeting's report and a medical section
    organisation, people, case_id, _held = world
    with at(MARCH_2, hour=12, zone="Europe/London"):
        api.as_user(people["director"]).client.post(
            sections_path(case_id), {"kind": "medical", "title": "GP letter", "text": MEDICAL}, format="json"
        )
        case_act(
            case=Case.objects.get(pk=case_id),
            actor=people["director"],
            action="decided",
            data={"explanation": "Findings.", "outcome": "unfounded"},
        )
        # When she asks for her data
        request = subject_request_create(
            kind="export", actor=people["admin"], email="smith@example.org", organisation=organisation
        )
        export = subject_export(request=request, actor=people["admin"])
    # Then the export holds her case but neither section, only how many were withheld
    text = export.json_text()
    assert REPORT not in text and MEDICAL not in text and "GP letter" not in text
    [case] = export.data["cases"]
    assert case["sensitive_sections_withheld"] == 2 and case["sensitive_documents_withheld"] == 0
    # and the printable export tells her that, and how to ask about them
    html = render_export_html(data=export.data, language="en")
    assert "2 records of medical information or of interviews are not included" in html
    assert REPORT not in html and MEDICAL not in html


@pytest.mark.clause("WA-11", "XS-09")
def test_the_report_of_a_hearing_is_kept_apart_like_a_meetings(api):
    # Given the Workers Union's formal stage (England)
    with at(dt.date(2025, 3, 3), zone="Europe/London"):
        union = organisation_running("workers-union")
        intake, manager = staff(union, "intake_staff"), staff(union, "manager")
        case_id = api.as_user(intake).register(complaint(union.slug)).json()["id"]
        api.act(case_id, "formal_requested", {"version": 1, "on_behalf_of": "complainant"})
        api.as_user(manager).act(case_id, "acknowledged", {"version": 2})
        # When the complainant is heard and the report of the hearing is given with the action
        heard = api.act(case_id, "complainant_heard", {"version": 3, "report": REPORT})
    # Then the action is taken, the history points at a section instead of holding the report
    assert heard.status_code == 200, heard.json()
    assert REPORT not in json.dumps(heard.json())
    event = api.detail(case_id).json()["events"][-1]
    assert event["kind"] == "complainant_heard" and "report" not in event["data"]
    # and the section is an interview record, linked to that event, read on its own endpoint
    section = SensitiveSection.objects.get(case_id=case_id)
    assert (section.kind, section.text, section.event.kind) == ("interview_record", REPORT, "complainant_heard")
    assert REPORT in json.dumps(api.client.get(sections_path(case_id)).json())
