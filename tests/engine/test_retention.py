"""The `retention:` block of a procedure file: calendar periods counted from closure, checked like every duration."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaint.engine import ProcedureError, load_file, load_text
from plaint.engine.calendar import Duration, DurationUnit
from plaint.procedures import BUNDLED_DIR

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
#: The line of the first key inside the retention block appended to the minimal procedure.
FIRST = MINIMAL.count("\n") + 2


def _with_retention(block: str) -> str:
    return MINIMAL + "retention:\n" + block


def _problems(text: str, lang: str = "en") -> list[str]:
    with pytest.raises(ProcedureError) as refused:
        load_text(text, "p.yaml")
    return refused.value.lines(lang)


def test_a_retention_block_is_read_with_its_periods_note_and_clauses() -> None:
    # Given a procedure with a retention block
    text = _with_retention(
        "  anonymise_parties_after: 2 years\n"
        "  delete_documents_after: 6 months\n"
        "  note: {en: Two years, nl: Twee jaar}\n"
        "  clauses: [XS-18]\n"
    )
    # When it is loaded
    procedure = load_text(text, "p.yaml")
    # Then the periods are durations, with the note and the clauses
    assert procedure.retention is not None
    assert procedure.retention.anonymise_parties_after == Duration(2, DurationUnit.YEARS)
    assert procedure.retention.delete_documents_after == Duration(6, DurationUnit.MONTHS)
    assert procedure.retention.clauses == ("XS-18",)


def test_retention_is_optional_and_each_period_too() -> None:
    # Given a procedure without retention and one with only the anonymisation period
    assert load_text(MINIMAL, "p.yaml").retention is None
    procedure = load_text(_with_retention("  anonymise_parties_after: 5 years\n"), "p.yaml")
    # Then the missing period is None
    assert procedure.retention is not None and procedure.retention.delete_documents_after is None


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "  anonymise_parties_after: two years\n",
            f"p.yaml:{FIRST}: retention.anonymise_parties_after: 'two years' is not a duration",
        ),
        (
            "  anonymise_parties_after: 10 working days\n",
            f"p.yaml:{FIRST}: retention.anonymise_parties_after: a retention period is counted in calendar days, "
            "weeks, months or years, not '10 working days'",
        ),
        (
            "  delete_documents_after: 0 days\n",
            f"p.yaml:{FIRST}: retention.delete_documents_after: a retention period of '0 calendar days' would "
            "remove personal data on the day the case closes; give at least a day",
        ),
        (
            "  anonymise_parties_after: 1 year\n  delete_documents_after: 13 months\n",
            f"p.yaml:{FIRST + 1}: retention.delete_documents_after: documents are kept 13 months but the case is "
            "anonymised after 1 year, which deletes them too",
        ),
        ("  keep_for: 2 years\n", f"p.yaml:{FIRST}: retention.keep_for: unknown key 'keep_for'"),
        ("  clauses: [WP-03]\n", f"p.yaml:{FIRST}: retention.clauses[0]: clause 'WP-03' does not belong"),
    ],
)
def test_bad_retention_is_reported_with_file_line_and_place(block: str, expected: str) -> None:
    # Given a retention block with a mistake / When it is loaded / Then one problem names the line and the key
    problems = _problems(_with_retention(block))
    assert len(problems) == 1
    assert problems[0].startswith(expected), problems[0]


def test_retention_problems_are_in_dutch_too() -> None:
    # Given a retention period in working days / When checked in Dutch / Then the message is Dutch
    problems = _problems(_with_retention("  anonymise_parties_after: 10 working days\n"), "nl")
    assert "een bewaartermijn telt in kalenderdagen" in problems[0]


def test_a_retention_of_a_year_and_twelve_months_is_not_too_long_for_the_documents() -> None:
    # Given documents kept as long as the case, written differently / When loaded / Then it is accepted
    procedure = load_text(
        _with_retention("  anonymise_parties_after: 1 year\n  delete_documents_after: 12 months\n"), "p.yaml"
    )
    assert procedure.retention is not None


@pytest.mark.parametrize("path", sorted(BUNDLED_DIR.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_bundled_procedure_has_a_retention_with_both_periods_and_a_note(path: Path) -> None:
    # Given a bundled procedure / When loaded / Then it says when cases are anonymised and documents deleted, and why
    retention = load_file(path).retention
    assert retention is not None
    assert retention.anonymise_parties_after is not None and retention.delete_documents_after is not None
    assert retention.anonymise_parties_after.unit is DurationUnit.YEARS
    assert retention.note is not None and retention.clauses
