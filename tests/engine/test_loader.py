"""Reading procedure files: every mistake gives `file:line: where: message`, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaint.engine import ProcedureError, load_file, load_text
from plaint.engine.messages import codes, template

FIXTURES = Path(__file__).parent / "fixtures"

BROKEN = {
    "unknown_key": "35: terms[0].ancor: unknown key 'ancor'; did you mean 'anchor'?",
    "missing_field": "19: stages[0]: required field 'label' is missing",
    "wrong_type": "3: version: expected a whole number, got text ('first')",
    "unknown_role": "25: stages[0].actions[0].by[0]: unknown role or party 'manger'; did you mean 'manager'?",
    "undeclared_role": "22: stages[0].handled_by[1]: role 'board_member' is used but not declared under 'roles'",
    "unknown_event": "36: terms[0].met_by[0]: unknown event 'acknowledgd'; did you mean 'acknowledged'?",
    "anchor_never_happens": (
        "34: terms[0].anchor: event 'review_requested' can never happen: no stage has an action that records it"
    ),
    "unreachable_stage": (
        "31: stages[1].key: stage 'review' can never be reached: no kind starts there and no action goes there"
    ),
    "duplicate_key": "4: version: duplicate key 'version' (first on line 3)",
    "yaml_syntax": "6: YAML syntax error: expected ',' or '}', but got ':' while parsing a flow mapping",
    "bad_duration": (
        "35: terms[0].duration: '5 business days' is not a duration; write a number and a unit (calendar days, "
        "working days, weeks, months, years), e.g. '5 working days'"
    ),
    "extension_type": "38: terms[0].extension.max_count: expected a whole number, got text ('two')",
    "duplicate_term_key": "38: terms[1].key: duplicate term key 'acknowledgement' (first at terms[0])",
    "bad_clause_id": (
        "37: terms[0].clauses[0]: 'XS-3' is not a clause id; write two capital letters, a hyphen and two digits, "
        "e.g. 'XS-13'"
    ),
    "other_document_clause": (
        "37: terms[0].clauses[0]: clause 'WP-03' does not belong to this procedure's document "
        "(its clauses start with 'XS')"
    ),
    "unknown_letter_ref": "38: terms[0].on_missed.letter: no letter with key 'delay_notice'",
    "goes_to_unknown_stage": "29: stages[0].actions[1].goes_to: no stage with key 'reveiw'",
    "yes_key": (
        "9: implements: keys must be text, not true/false (YAML reads yes/no/on/off as true/false: quote such a key)"
    ),
    "empty": "1: the file is empty: a procedure file is a mapping",
    "comments_only": "1: the file is empty: a procedure file is a mapping",
    "not_mapping": "1: a procedure file must be a mapping (key: value), not a list",
    "two_documents": "2: a procedure file holds one YAML document, not several",
    "not_utf8": "21: the file is not UTF-8 text (byte 486 cannot be decoded)",
}


def test_the_minimal_fixture_is_valid() -> None:
    # Given the base the broken fixtures are made from / When it is loaded / Then it is a procedure
    procedure = load_file(FIXTURES / "minimal.yaml")
    assert procedure.id == "minimal"
    assert procedure.terms[0].duration.amount == 5


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_file_gives_path_line_and_message(name: str, expected: str) -> None:
    # Given a procedure file with one kind of mistake
    path = FIXTURES / f"{name}.yaml"
    # When it is loaded
    with pytest.raises(ProcedureError) as raised:
        load_file(path)
    # Then exactly one problem names the file, the line and what is wrong
    assert raised.value.lines() == [f"{path}:{expected}"]


def test_every_fixture_file_is_covered() -> None:
    # Given the fixtures directory / Then every broken file has its expected message above
    names = {path.stem for path in FIXTURES.glob("*.yaml")} - {"minimal"}
    assert names == set(BROKEN)


def test_problems_can_be_read_in_dutch() -> None:
    # Given a file with an unknown event
    path = FIXTURES / "unknown_event.yaml"
    with pytest.raises(ProcedureError) as raised:
        load_file(path)
    # When the problems are read in Dutch / Then the message is Dutch, the location the same
    assert raised.value.lines("nl") == [
        f"{path}:36: terms[0].met_by[0]: onbekende gebeurtenis 'acknowledgd'; bedoelt u 'acknowledged'?"
    ]


def test_several_problems_are_reported_together_in_line_order() -> None:
    # Given a file with two cross-reference mistakes
    text = (FIXTURES / "minimal.yaml").read_text()
    text = text.replace("    anchor: received\n", "    anchor: review_requested\n")
    text = text.replace("    when: acknowledged\n", "    when: meeting_held\n")
    # When it is loaded
    with pytest.raises(ProcedureError) as raised:
        load_text(text, "two.yaml")
    # Then both are reported, in the order of the file
    assert [problem.line for problem in raised.value.problems] == [34, 41]


def test_a_missing_file_is_one_line_too() -> None:
    with pytest.raises(ProcedureError) as raised:
        load_file(FIXTURES / "no_such_file.yaml")
    assert raised.value.lines()[0].endswith("no_such_file.yaml:1: cannot read the file: No such file or directory")


def test_an_impossible_date_is_reported_not_raised() -> None:
    # Given a date that does not exist / Then a problem, not a ValueError traceback
    text = (FIXTURES / "minimal.yaml").read_text().replace("valid_from: 2025-01-01", "valid_from: 2025-02-30")
    with pytest.raises(ProcedureError) as raised:
        load_text(text, "date.yaml")
    assert raised.value.lines()[0].startswith("date.yaml:")


def test_every_message_exists_in_english_and_dutch() -> None:
    for code in codes():
        assert template(code, "en").strip()
        assert template(code, "nl").strip()
        assert template(code, "en") != template(code, "nl") or "{detail}" in template(code, "en")
