"""Every day and duration in an engine sentence reads in the person's language: "4 weken", "22 april 2025"."""

from __future__ import annotations

from datetime import date

import pytest

from plaint.engine import CaseEvent, decide, evaluate
from plaint.engine.calendar import Duration
from plaint.engine.messages import Message, Words, day_text, duration_text
from plaint.procedures.selectors import procedure_definition


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "late complaint: the event was on 22 April 2025, more than 4 weeks before receipt (WU-12)"),
        ("nl", "late klacht: de gebeurtenis was op 22 april 2025, meer dan 4 weken voor ontvangst (WU-12)"),
    ],
)
def test_wu12_the_late_complaint_warning_reads_in_one_language(lang: str, expected: str) -> None:
    # Given a Workers Union complaint about 22 April 2025, received more than four weeks later
    procedure = procedure_definition(procedure_id="workers-union", version=1)
    events = [CaseEvent("received", date(2025, 6, 2), None, {"incident_date": "2025-04-22"})]
    # When the case is evaluated / Then its warning has no English unit or ISO date in Dutch
    view = evaluate(procedure, events, date(2025, 6, 2))
    assert [warning.text(lang) for warning in view.warnings] == [expected]


def test_refusals_read_in_dutch_without_english_words_or_iso_dates() -> None:
    procedure = procedure_definition(procedure_id="workers-union", version=1)
    events = [CaseEvent("received", date(2025, 6, 2), None, {})]
    # A date before the last event
    early = decide(procedure, events, "acknowledged", ("manager",), date(2025, 6, 1))
    assert (
        early.errors[0].text("nl") == "de datum 1 juni 2025 ligt vóór de laatste gebeurtenis van de zaak (2 juni 2025)"
    )
    # A term that cannot be extended because it has not started
    assert Message("extension_not_pending", {"value": "x", "state": Words("not started", "nog niet begonnen")}).text(
        "nl"
    ) == ("termijn 'x' is nog niet begonnen; alleen een lopende termijn kan worden verlengd")


@pytest.mark.parametrize(
    ("text", "en", "nl"),
    [
        ("4 weeks", "4 weeks", "4 weken"),
        ("1 week", "1 week", "1 week"),
        ("10 working days", "10 working days", "10 werkdagen"),
        ("1 working day", "1 working day", "1 werkdag"),
        ("21 days", "21 days", "21 dagen"),
        ("6 months", "6 months", "6 maanden"),
        ("1 year", "1 year", "1 jaar"),
        ("2 years", "2 years", "2 jaar"),
    ],
)
def test_durations_in_both_languages(text: str, en: str, nl: str) -> None:
    duration = Duration.parse(text)
    assert (duration_text(duration, "en"), duration_text(duration, "nl")) == (en, nl)


def test_days_in_both_languages() -> None:
    assert (day_text(date(2025, 4, 22), "en"), day_text(date(2025, 4, 22), "nl")) == ("22 April 2025", "22 april 2025")
    assert day_text(date(2026, 3, 1), "nl") == "1 maart 2026"
