"""Sensitive sections (issue 5, WA-11): medical information and interview records kept apart from the rest of the
case, with their own permission, every read audited, never in the history's event data, gone with the documents."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest
import time_machine
from django.apps import apps

from plaint.access.models_audit import AuditRecord
from plaint.cases.errors import ActionNotAllowed, CaseAnonymised, CaseNotFound
from plaint.cases.models import Case, CaseEvent, Party, SensitiveSection
from plaint.cases.selectors import case_sensitive_sections, case_sensitive_summary
from plaint.cases.sensitive_services import SensitiveDataDeleted, sensitive_section_add
from plaint.cases.services import case_act
from plaint.core.errors import Forbidden, InvalidInput
from plaint.privacy.services import case_anonymise, case_documents_delete
from tests.cases.factories import organisation_running, register, staff
from tests.organisations.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clause("WA-11")]

# Monday 2 March 2026, 10:00 in London.
MARCH_2 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
REPORT = "Mrs Smith explained her depression; the nurse's notes of 3 February were read out."
MEDICAL = "GP letter: diagnosed with a herniated disc in 2024."


@pytest.fixture
def workare():
    """Workare with its staff, and a complaint in the investigation stage with a meeting planned."""
    with time_machine.travel(MARCH_2, tick=False):
        organisation = organisation_running("workare")
        people = {
            "intake": staff(organisation, "intake_staff"),
            "manager": staff(organisation, "manager"),
            "director": staff(organisation, "board_member"),
            "admin": staff(organisation, "administrator"),
        }
        case = register(organisation, people["intake"])
        case_act(case=case, actor=people["intake"], action="handling_started")
        case_act(case=case, actor=people["manager"], action="meeting_planned", data={"meeting_date": "2026-03-05"})
    return organisation, people, case


def _meeting_held(case: Case, actor, **data) -> Case:
    with time_machine.travel(MARCH_2, tick=False):
        return case_act(case=case, actor=actor, action="meeting_held", data={"report": REPORT, **data})


def _history_text(case: Case) -> str:
    return json.dumps([[event.data, event.note] for event in CaseEvent.objects.filter(case=case)])


def test_a_meeting_report_becomes_an_interview_record_and_the_event_keeps_only_its_id(workare):
    # Given a Workare complaint with a meeting planned
    _organisation, people, case = workare
    version = Case.objects.get(pk=case.pk).version
    # When the director records that the meeting was held, with its report
    _meeting_held(case, people["director"], shared_with=["Mrs Smith"])
    # Then the report is a sensitive section of its own, linked to the meeting's event
    section = SensitiveSection.objects.get(case=case)
    event = CaseEvent.objects.get(case=case, kind="meeting_held")
    assert (section.kind, section.text, section.event_id, section.recorded_by) == (
        "interview_record",
        REPORT,
        event.pk,
        people["director"],
    )
    assert section.title == "Report of the meeting"
    # and the event's data holds its id, never its text
    assert event.data == {"report_section": section.pk, "shared_with": ["Mrs Smith"]}
    assert REPORT not in _history_text(case)
    # and it is an action like any other (the version moves on), with the addition in the audit trail
    assert Case.objects.get(pk=case.pk).version == version + 1
    added = AuditRecord.objects.get(action="case.sensitive.added")
    assert added.details == {"section": section.pk, "kind": "interview_record", "event": event.sequence}
    assert REPORT not in json.dumps(added.details)
    assert AuditRecord.objects.filter(action="case.action.meeting_held").count() == 1


def test_a_refused_action_leaves_no_report_behind(workare):
    # Given a complaint whose meeting was already held
    _organisation, people, case = workare
    _meeting_held(case, people["director"])
    # When the administrator (no role in the procedure's step) tries to record another meeting with a report
    with pytest.raises(ActionNotAllowed), time_machine.travel(MARCH_2, tick=False):
        case_act(case=case, actor=people["admin"], action="meeting_held", data={"report": "Another report."})
    # Then nothing of it is kept
    assert list(SensitiveSection.objects.filter(case=case).values_list("text", flat=True)) == [REPORT]


def test_an_empty_report_is_dropped(workare):
    _organisation, people, case = workare
    with time_machine.travel(MARCH_2, tick=False):
        case_act(case=case, actor=people["director"], action="meeting_held", data={"report": "  "})
    assert CaseEvent.objects.get(case=case, kind="meeting_held").data == {}
    assert not SensitiveSection.objects.filter(case=case).exists()


def test_a_section_added_on_its_own_is_recorded_without_its_title_or_text(workare):
    # Given a complaint in the investigation
    _organisation, people, case = workare
    version = Case.objects.get(pk=case.pk).version
    planned = CaseEvent.objects.get(case=case, kind="meeting_planned")
    # When the director adds the complainant's GP letter, belonging to the planned meeting
    with time_machine.travel(MARCH_2, tick=False):
        section = sensitive_section_add(
            case=case, actor=people["director"], kind="medical", title="GP letter", text=MEDICAL, event=planned
        )
    # Then the history says that a medical section was added, and nothing of what it says
    record = CaseEvent.objects.filter(case=case).order_by("-sequence").first()
    assert record is not None and record.kind == "sensitive_section_added"
    assert record.data == {"section": section.pk, "kind": "medical", "event": planned.sequence}
    assert "GP letter" not in _history_text(case) and MEDICAL not in _history_text(case)
    # and the audit trail records it; the case's version does not change (no colleague's form goes stale)
    added = AuditRecord.objects.get(action="case.sensitive.added")
    assert added.details == {"section": section.pk, "kind": "medical", "event": planned.sequence}
    assert Case.objects.get(pk=case.pk).version == version


def test_adding_a_section_needs_both_acting_and_seeing_sensitive_sections(workare):
    # Given the administrator, who may act on the case but does not work on its stage, and an expert on the case
    _organisation, people, case = workare
    expert = PersonFactory(with_login=True)
    Party.objects.create(case=case, role="expert", person=expert)
    outsider = staff(organisation_running("workare"), "board_member")
    add = {"kind": "medical", "title": "GP letter", "text": MEDICAL}
    # Then the administrator gets 403 for the sensitive sections, the expert (reads, never acts) 403 for acting,
    # and staff of another organisation 404; each refusal is recorded
    with pytest.raises(Forbidden):
        sensitive_section_add(case=case, actor=people["admin"], **add)
    with pytest.raises(Forbidden):
        sensitive_section_add(case=case, actor=expert.user, **add)
    with pytest.raises(CaseNotFound):
        sensitive_section_add(case=case, actor=outsider, **add)
    denied = AuditRecord.objects.filter(action="access.denied").order_by("pk")
    assert [record.details["permission"] for record in denied] == [
        "cases.view_sensitive",
        "cases.act_on_case",
        "cases.view_case",
    ]
    assert not SensitiveSection.objects.exists()


def test_a_section_needs_a_kind_a_title_and_a_text_and_an_event_of_its_own_case(workare):
    organisation, people, case = workare
    with pytest.raises(InvalidInput) as refused:
        sensitive_section_add(case=case, actor=people["director"], kind="gossip", title=" ", text="")
    assert set(refused.value.errors) == {"kind", "title", "text"}
    other = register(organisation, people["intake"])
    with pytest.raises(InvalidInput) as refused:
        sensitive_section_add(
            case=case, actor=people["director"], kind="other", title="t", text="x", event=other.events.first()
        )
    assert set(refused.value.errors) == {"event"}


def test_reading_the_sections_needs_the_permission_and_every_read_is_audited(workare):
    # Given a meeting report and a medical section
    _organisation, people, case = workare
    _meeting_held(case, people["director"])
    sensitive_section_add(case=case, actor=people["director"], kind="medical", title="GP letter", text=MEDICAL)
    # When the director reads them twice
    first = case_sensitive_sections(actor=people["director"], case_id=case.pk)
    case_sensitive_sections(actor=people["director"], case_id=case.pk)
    # Then they get both, oldest first, and each read is one audit record naming the sections
    assert [section.text for section in first] == [REPORT, MEDICAL]
    viewed = AuditRecord.objects.filter(action="case.sensitive.viewed")
    assert viewed.count() == 2
    assert viewed.first().details == {"sections": [section.pk for section in first]}
    # and the administrator, who sees the case, gets 403; staff of another organisation 404; both recorded
    with pytest.raises(Forbidden):
        case_sensitive_sections(actor=people["admin"], case_id=case.pk)
    outsider = staff(organisation_running("workare"), "board_member")
    with pytest.raises(CaseNotFound):
        case_sensitive_sections(actor=outsider, case_id=case.pk)
    denied = AuditRecord.objects.filter(action="access.denied").order_by("pk")
    assert [(record.details["permission"], record.target_id) for record in denied] == [
        ("cases.view_sensitive", str(case.pk)),
        ("cases.view_case", str(case.pk)),
    ]
    assert viewed.count() == 2  # a refusal is not a read
    # and the case detail tells everyone who sees it how many there are, not what they say
    assert case_sensitive_summary(actor=people["admin"], case=case) == {"count": 2, "visible": False}
    assert case_sensitive_summary(actor=people["director"], case=case) == {"count": 2, "visible": True}


def _closed(case: Case, director) -> Case:
    with time_machine.travel(MARCH_2, tick=False):
        return case_act(
            case=case,
            actor=director,
            action="decided",
            data={"explanation": "Findings.", "hearing_skipped_reason": "Not reached.", "outcome": "unfounded"},
        )


@pytest.mark.clause("WA-11", "WA-12")
def test_anonymising_a_case_deletes_its_sensitive_sections(workare):
    # Given a closed complaint with a meeting report and a medical section
    _organisation, people, case = workare
    _meeting_held(case, people["director"])
    sensitive_section_add(case=case, actor=people["director"], kind="medical", title="GP letter", text=MEDICAL)
    case = _closed(case, people["director"])
    # When it is anonymised
    with time_machine.travel(MARCH_2, tick=False):
        case_anonymise(case=case, actor=None, reason="retention", trigger="retention")
    # Then the sections are gone; the history keeps that they were added and which event had a report, no text
    assert not SensitiveSection.objects.filter(case=case).exists()
    assert REPORT not in _history_text(case) and MEDICAL not in _history_text(case)
    assert "report_section" in CaseEvent.objects.get(case=case, kind="meeting_held").data
    record = AuditRecord.objects.get(action="case.anonymised")
    assert record.details["sensitive_sections"] == 2
    # and nothing sensitive can be added any more
    with pytest.raises(CaseAnonymised):
        sensitive_section_add(case=case, actor=people["director"], kind="medical", title="t", text="x")


def test_deleting_the_documents_deletes_the_sensitive_sections_too(workare):
    # Given a closed complaint with a meeting report
    _organisation, people, case = workare
    _meeting_held(case, people["director"])
    case = _closed(case, people["director"])
    # When its documents are deleted at the end of their retention period
    with time_machine.travel(MARCH_2, tick=False):
        case_documents_delete(case=case, actor=None, reason="retention", trigger="retention")
    # Then the report goes with them, and none can be added afterwards
    assert not SensitiveSection.objects.filter(case=case).exists()
    assert AuditRecord.objects.get(action="case.documents_deleted").details["sensitive_sections"] == 1
    with pytest.raises(SensitiveDataDeleted):
        sensitive_section_add(case=case, actor=people["director"], kind="medical", title="t", text="x")


def test_the_migration_moves_reports_already_in_the_history_into_sections(workare):
    # Given a meeting recorded before sensitive sections existed, its report in the event's data
    _organisation, people, case = workare
    event = CaseEvent.objects.create(
        case=case,
        sequence=case.events.count() + 1,
        kind="meeting_held",
        on=dt.date(2026, 3, 2),
        recorded_at=MARCH_2,
        actor=people["director"],
        actor_role="board_member",
        data={"report": REPORT, "shared_with": ["Mrs Smith"]},
    )
    # When the migration's data step runs
    migration = importlib.import_module("plaint.cases.migrations.0005_sensitive_section")
    migration.reports_set_apart(apps, None)
    # Then the report is an interview record of that event, and the event keeps only its id
    section = SensitiveSection.objects.get(case=case)
    assert (section.kind, section.text, section.event_id, section.recorded_by) == (
        "interview_record",
        REPORT,
        event.pk,
        people["director"],
    )
    event.refresh_from_db()
    assert event.data == {"report_section": section.pk, "shared_with": ["Mrs Smith"]}
