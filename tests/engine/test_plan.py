"""Plans: every term a procedure promises, on the latest-allowed path; and the registry of procedure versions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plaint.engine import EngineInputError, ProcedureError, load_directory, load_file, plan

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "plaint" / "procedures" / "bundled"
FIXTURES = Path(__file__).parent / "fixtures"


def dues(deadlines: tuple[object, ...]) -> dict[str, str]:
    return {d.key: d.due.isoformat() for d in deadlines}  # type: ignore[attr-defined]


def test_xs2more_plan_with_the_longest_extension() -> None:
    # Given Xs2more and a complaint received on 7 April 2025 / When planned
    deadlines = plan(load_file(BUNDLED / "xs2more.yaml"), date(2025, 4, 7))
    # Then every term is there, on Xs2more's calendar (Easter Monday, Liberation Day), plus the longest extension
    assert dues(deadlines) == {
        "acknowledgement": "2025-04-22",
        "taken_into_handling": "2025-04-22",
        "refusal_notice": "2025-05-06",
        "handling": "2025-05-19",
        "handling.extended": "2025-06-30",
    }


def test_werkpro_plan_follows_the_latest_path_to_the_committee() -> None:
    # Given WerkPro and a complaint received on 14 April 2025 / When planned
    deadlines = plan(load_file(BUNDLED / "werkpro.yaml"), date(2025, 4, 14))
    # Then the officer's six weeks, the committee's six months after the latest filing (six months after internal
    # closing), and WerkPro's month for measures follow each other
    assert dues(deadlines) == {
        "subject_response": "2025-04-28",
        "officer_handling": "2025-05-26",
        "klachtencommissie_md.internal_closed": "2025-11-26",  # the complainant's own limit (WP-15)
        "committee_decision": "2026-05-26",
        "measures_notice": "2026-06-26",
    }
    anchors = {d.key: (d.anchor, d.anchor_date.isoformat()) for d in deadlines}
    assert anchors["committee_decision"] == ("external_filed", "2025-11-26")


def test_given_events_replace_the_latest_dates() -> None:
    # Given the committee received the complaint on 1 July 2025 / Then its six months count from then
    deadlines = plan(load_file(BUNDLED / "werkpro.yaml"), date(2025, 4, 14), {"external_filed": date(2025, 7, 1)})
    assert dues(deadlines)["committee_decision"] == "2026-01-02"  # 1 January is New Year's Day


def test_unknown_event_and_date_before_receipt_are_input_errors() -> None:
    procedure = load_file(BUNDLED / "xs2more.yaml")
    with pytest.raises(EngineInputError) as raised:
        plan(procedure, date(2025, 4, 7), {"acknowleged": date(2025, 4, 8)})
    assert str(raised.value) == "unknown event 'acknowleged'; did you mean 'acknowledged'?"
    with pytest.raises(EngineInputError) as raised:
        plan(procedure, date(2025, 4, 7), {"acknowledged": date(2025, 4, 1)})
    assert str(raised.value) == "'acknowledged' is on 1 April 2025, before the complaint was received (7 April 2025)"


def test_wp23_a_case_keeps_the_version_valid_when_it_started(tmp_path: Path) -> None:
    # Given two versions of a procedure, the second valid from 1 July 2025
    text = (FIXTURES / "minimal.yaml").read_text()
    (tmp_path / "minimal.yaml").write_text(text)
    second = text.replace("version: 1", "version: 2").replace("valid_from: 2025-01-01", "valid_from: 2025-07-01")
    (tmp_path / "minimal-2.yaml").write_text(second.replace("duration: 5 working days", "duration: 3 working days"))
    registry = load_directory(tmp_path)
    # Then a case started in June runs under version 1, one started in July under version 2
    assert registry.on("minimal", date(2025, 6, 30)).version == 1
    assert registry.on("minimal", date(2025, 7, 1)).version == 2
    assert registry.latest("minimal").version == 2
    with pytest.raises(EngineInputError, match="has no version valid on 31 December 2024"):
        registry.on("minimal", date(2024, 12, 31))
    with pytest.raises(EngineInputError, match="unknown procedure 'minimall'; did you mean 'minimal'"):
        registry.latest("minimall")


def test_the_same_version_twice_is_an_error(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text()
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text)
    with pytest.raises(ProcedureError, match="procedure 'minimal' version 1 is defined twice"):
        load_directory(tmp_path)


def test_every_bundled_procedure_is_valid() -> None:
    # Given the bundled directory / Then every file in it loads
    registry = load_directory(BUNDLED)
    assert {"xs2more", "werkpro"} <= set(registry.ids())
