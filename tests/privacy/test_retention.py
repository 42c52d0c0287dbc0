"""Retention per procedure, with a moved clock: personal data stays until closure + period, then the sweep
anonymises it and statistics stay true (WA-12, WP-22, XS-18, XS-20: anonymous records still count)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import translation

from plaint.access.models import AuditRecord
from plaint.cases.models import Attachment, Case, CaseEvent, Party, Term
from plaint.core.errors import Forbidden
from plaint.engine.calendar import Duration, DurationUnit
from plaint.privacy.errors import CaseOnLegalHold, CaseStillOpen
from plaint.privacy.selectors import cases_due_for_retention, retention_cutoff
from plaint.privacy.services import (
    ANONYMISED,
    case_anonymise,
    case_legal_hold_release,
    case_legal_hold_set,
    retention_sweep,
)
from tests.privacy.factories import at, attach, xs2more_case

CLOSED = dt.date(2026, 3, 13)  # a Friday; Xs2more keeps personal data 2 years and documents 1 year after closure


def statistics() -> dict[str, object]:
    """What the annual analysis counts (XS-20): kinds, outcomes, handling times, terms, the course of each case."""
    cases = Case.objects.order_by("pk")
    return {
        "per_kind": Counter(case.kind for case in cases),
        "per_outcome": Counter(case.outcome for case in cases),
        "handling_days": [(case.closed_on - case.received_on).days for case in cases if case.closed_on],
        "categories": [sorted(case.categories.values_list("code", flat=True)) for case in cases],
        "terms": list(Term.objects.order_by("pk").values_list("key", "due", "state", "met_on")),
        "events": list(CaseEvent.objects.order_by("pk").values_list("kind", "on", "actor_role")),
        "stages": [(case.stage, case.status, case.received_on, case.closed_on) for case in cases],
    }


@pytest.mark.parametrize(
    ("closed", "period", "first_due_day"),
    [
        (dt.date(2026, 3, 13), Duration(2, DurationUnit.YEARS), dt.date(2028, 3, 14)),
        (dt.date(2024, 2, 29), Duration(2, DurationUnit.YEARS), dt.date(2026, 3, 1)),  # 29 Feb + 2 years = 28 Feb
        (dt.date(2026, 8, 31), Duration(6, DurationUnit.MONTHS), dt.date(2027, 3, 1)),
        (dt.date(2026, 1, 31), Duration(1, DurationUnit.MONTHS), dt.date(2026, 3, 1)),
        (dt.date(2026, 3, 13), Duration(10, DurationUnit.CALENDAR_DAYS), dt.date(2026, 3, 24)),
        (dt.date(2026, 3, 13), Duration(2, DurationUnit.WEEKS), dt.date(2026, 3, 28)),
    ],
)
def test_a_case_is_due_the_day_after_closure_plus_the_period(closed, period, first_due_day):
    # Given a closing day and a period / When the cutoff is computed on the days around the due date
    # Then the case is not due on closure + period, and due from the day after
    assert retention_cutoff(period=period, today=first_due_day) >= closed
    assert retention_cutoff(period=period, today=first_due_day - dt.timedelta(days=1)) < closed


def test_the_cutoff_matches_closure_plus_period_on_every_day_of_two_years():
    # Given every closing day over two years and a period in months / Then cutoff <=> closed + period < today
    from plaint.privacy.selectors import _PLAIN

    period = Duration(13, DurationUnit.MONTHS)
    today = dt.date(2027, 3, 1)
    cutoff = retention_cutoff(period=period, today=today)
    for offset in range(730):
        closed = dt.date(2025, 1, 1) + dt.timedelta(days=offset)
        assert (closed <= cutoff) == (_PLAIN.add(closed, period) < today), closed


@pytest.mark.clause("XS-18", "XS-20")
def test_retention_with_a_moved_clock_keeps_statistics_true(xs, media):
    # Given Xs2more, a closed complaint with a document and an open one (received on the same day)
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    document = attach(case, people["intake"])
    stored_file = media / document.file.name
    open_case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2))
    before = statistics()
    assert case.closed_on == CLOSED and stored_file.exists()

    # When the sweep runs a year after closure: the documents go, the personal data stays
    with at(dt.date(2027, 3, 13)):
        assert retention_sweep().documents_deleted == 0  # closure + 1 year is not yet past
    with at(dt.date(2027, 3, 14)):
        result = retention_sweep()
    assert (result.anonymised, result.documents_deleted) == (0, 1)
    case.refresh_from_db()
    assert case.documents_deleted_on == dt.date(2027, 3, 14) and case.anonymised_on is None
    assert not Attachment.objects.filter(case=case).exists()
    assert case.parties.get(role="complainant").name == "Jan Jansen"

    # When the sweep runs on closure + 2 years: still kept
    result = retention_sweep(today=dt.date(2028, 3, 13))
    assert result.anonymised == 0
    # When it runs the day after: the case is anonymised
    with at(dt.date(2028, 3, 14)):
        result = retention_sweep()
    assert result.anonymised == 1
    case.refresh_from_db()
    complainant = case.parties.get(role="complainant")
    assert (complainant.name, complainant.email, complainant.phone, complainant.address) == (ANONYMISED, "", "", "")
    assert (case.description, case.summary, case.anonymised_on) == (ANONYMISED, ANONYMISED, dt.date(2028, 3, 14))
    assert {event.note for event in case.events.all()} <= {"", ANONYMISED}
    assert case.follow_ups.get().description == ANONYMISED
    assert "Jan" not in str(list(case.events.values_list("data", "note")))
    # and the open case keeps everything
    open_case.refresh_from_db()
    assert open_case.anonymised_on is None and open_case.parties.get(role="complainant").name == "Jan Jansen"
    # Then the statistics are the same as before
    assert statistics() == before

    # When the sweep runs again, nothing changes
    snapshot = (list(Case.objects.values()), list(Party.objects.values()), list(CaseEvent.objects.values()))
    records = AuditRecord.objects.count()
    again = retention_sweep(today=dt.date(2028, 3, 15))
    assert (again.anonymised, again.documents_deleted) == (0, 0)
    assert (list(Case.objects.values()), list(Party.objects.values()), list(CaseEvent.objects.values())) == snapshot
    assert AuditRecord.objects.count() == records


def test_the_sweep_removes_document_files_once_committed(xs, media, django_capture_on_commit_callbacks):
    # Given a closed case with a stored document
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    stored_file = media / attach(case, people["intake"]).file.name
    # When the sweep anonymises it and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        retention_sweep(today=dt.date(2030, 1, 1))
    # Then the file is gone from storage
    assert not stored_file.exists()


def test_a_case_on_legal_hold_is_skipped_until_released(xs):
    # Given a closed case on legal hold
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    case_legal_hold_set(case=case, actor=people["admin"], reason="Claim at the district court")
    # When the sweep runs long after the retention period
    result = retention_sweep(today=dt.date(2030, 1, 1))
    # Then the case is skipped, counted as on hold, and keeps its data
    assert (result.anonymised, result.documents_deleted, result.on_legal_hold) == (0, 0, 1)
    case.refresh_from_db()
    assert case.anonymised_on is None and case.parties.get(role="complainant").name == "Jan Jansen"
    # When the hold is released, the next sweep anonymises it
    case_legal_hold_release(case=case, actor=people["admin"], reason="Claim settled")
    assert retention_sweep(today=dt.date(2030, 1, 1)).anonymised == 1
    assert AuditRecord.objects.filter(action__startswith="case.legal_hold").count() == 2


def test_anonymising_an_open_case_is_refused_in_english_and_dutch(xs):
    # Given an open case
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2))
    # When an administrator anonymises it, then it is refused (409) and nothing changes
    with pytest.raises(CaseStillOpen) as refused:
        case_anonymise(case=case, actor=people["admin"], reason="asked")
    assert refused.value.status == 409
    assert "still open" in refused.value.text("en")
    with translation.override("nl"):
        assert "nog open" in str(refused.value.detail)
    assert Case.objects.get(pk=case.pk).description != ANONYMISED


def test_anonymising_a_case_on_legal_hold_is_refused_naming_the_hold(xs):
    # Given a closed case on legal hold
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    case_legal_hold_set(case=case, actor=None, reason="Ombudsman investigation")
    # When it is anonymised, then it is refused with the hold's reason
    with pytest.raises(CaseOnLegalHold) as refused:
        case_anonymise(case=case, actor=people["admin"], reason="asked")
    assert refused.value.status == 409 and "Ombudsman investigation" in refused.value.text("en")
    assert "juridische bewaarplicht" in refused.value.text("nl")


def test_anonymising_writes_an_audit_record_and_is_idempotent(xs):
    # Given a closed case
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    # When an administrator anonymises it twice
    with at(dt.date(2026, 6, 1)):
        case_anonymise(case=case, actor=people["admin"], reason="asked by the complainant")
        case_anonymise(case=case, actor=people["admin"], reason="asked by the complainant")
    # Then one audit record says who, which case and what, without any of the removed text
    record = AuditRecord.objects.get(action="case.anonymised")
    assert (record.actor_id, record.case_id, record.reference) == (people["admin"].pk, case.pk, case.reference)
    assert record.details["trigger"] == "manual" and record.details["parties"] == 1
    assert "Jan" not in str(record.details)


def test_only_an_administrator_may_anonymise_or_hold(xs):
    # Given a closed case and a senior manager (not an administrator)
    organisation, people = xs
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    # When the manager tries, then it is forbidden
    with pytest.raises(Forbidden):
        case_anonymise(case=case, actor=people["manager"], reason="x")
    with pytest.raises(Forbidden):
        case_legal_hold_set(case=case, actor=people["manager"], reason="x")


def test_the_due_cases_are_one_query(xs, django_assert_num_queries):
    # Given closed cases
    organisation, people = xs
    for _ in range(3):
        xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    # When the due cases are selected, then it is one query
    with django_assert_num_queries(1):
        assert len(list(cases_due_for_retention(what="anonymise", today=dt.date(2029, 1, 1)))) == 3


def test_plaint_privacy_sweep_command(xs, capsys):
    # Given a closed case
    organisation, people = xs
    xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    # When the command runs with a moved day, then it reports what it did
    call_command("privacy", "sweep", "--today", "2028-03-14")
    assert "anonymised: 1, documents deleted: 0, skipped on legal hold: 0" in capsys.readouterr().out


def test_plaint_privacy_sweep_with_a_bad_day_is_one_line_with_exit_2(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as failed:
        call_command("privacy", "sweep", "--today", "2028-13-01")
    assert failed.value.returncode == 2 and "--today: '2028-13-01' is not a date" in str(failed.value)


def test_the_nightly_task_runs_the_sweep(xs):
    from plaint.privacy.tasks import retention_sweep as task

    # Given a closed case long past its retention
    organisation, people = xs
    xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=CLOSED)
    # When the periodic task runs (in the worker: a thin call of the service)
    with at(dt.date(2030, 1, 1)):
        result = task.call_local()
    # Then it reports the counts
    assert result == {"anonymised": 1, "documents_deleted": 0, "on_legal_hold": 0}
