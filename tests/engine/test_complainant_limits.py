"""The complainant's own time limits (WP-15, WH-09): computed like terms, listed by plan, a late filing flagged."""

from __future__ import annotations

from datetime import date

from plaint.engine import CaseEvent, decide, evaluate, plan
from plaint.procedures.selectors import procedure_definition


def werkpro_closed(closed_on: date) -> list[CaseEvent]:
    return [
        CaseEvent("received", date(2025, 4, 14), None, {}),
        CaseEvent("decided", closed_on, "manager", {"outcome": "unfounded"}),
        CaseEvent("internal_closed", closed_on, "manager", {"outcome": "unresolved"}),
    ]


def test_wp15_six_months_after_the_internal_handling_is_a_limit_on_the_case() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=1)
    events = werkpro_closed(date(2025, 5, 26))
    # Given the internal handling closed on 26 May 2025 / When the case is read on 26 November (the last day)
    view = evaluate(procedure, events, date(2025, 11, 26))
    (limit,) = view.limits
    # Then the limit runs from the closure and ends six months later, still open
    assert (limit.key, limit.anchor, limit.started_on, limit.due, limit.state) == (
        "klachtencommissie_md.internal_closed",
        "internal_closed",
        date(2025, 5, 26),
        date(2025, 11, 26),
        "open",
    )
    assert limit.party == "complainant" and limit.clauses == ("WP-15",)
    # and the day after it has passed
    assert evaluate(procedure, events, date(2025, 11, 27)).limits[0].state == "passed"


def test_wp15_filing_on_the_last_day_is_in_time_the_day_after_is_flagged_with_the_clause() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=1)
    events = werkpro_closed(date(2025, 5, 26))
    in_time = decide(procedure, events, "external_filed", ("complainant",), date(2025, 11, 26))
    assert in_time.accepted and "late" not in in_time.event.data  # type: ignore[union-attr]
    assert in_time.view.limits[0].state == "met"
    assert not [w for w in in_time.view.warnings if w.code == "external_filed_late"]
    # When filed a day late / Then accepted (the committee judges admissibility, WP-16) but flagged, on the event too
    late = decide(procedure, events, "external_filed", ("complainant",), date(2025, 11, 27))
    assert late.accepted and late.event is not None
    assert late.event.data["late"] == {
        "limits": ["klachtencommissie_md.internal_closed"],
        "due": "2025-11-26",
        "clauses": ["WP-15"],
    }
    (warning,) = [w for w in late.view.warnings if w.code == "external_filed_late"]
    assert warning.text("en") == (
        "filed with Klachtencommissie Maatschappelijke Dienstverlening on 27 November 2025, after the complainant's "
        "time limit: 6 months, which ended on 26 November 2025. The committee first decides whether it still takes "
        "the complaint (WP-16). (WP-15)"
    )
    assert warning.text("nl") == (
        "ingediend bij Klachtencommissie Maatschappelijke Dienstverlening op 27 november 2025, na de termijn van de "
        "klager: 6 maanden, die eindigde op 26 november 2025. De klachtencommissie beslist eerst of zij de klacht "
        "nog in behandeling neemt (WP-16). (WP-15)"
    )


def _workare_reviewed(incident: str | None, review_on: date) -> list[CaseEvent]:
    data = {"incident_date": incident} if incident else {}
    return [
        CaseEvent("received", date(2025, 1, 6), None, data),
        CaseEvent("acknowledged", date(2025, 1, 7), "senior_manager", {}),
        CaseEvent("decided", date(2025, 1, 20), "senior_manager", {"outcome": "unfounded"}),
        CaseEvent("review_requested", date(2025, 1, 21), "complainant", {}),
        CaseEvent("review_decided", review_on, "committee_member", {"outcome": "upheld"}),
    ]


def test_wh09_the_ombudsman_within_six_months_of_the_final_response_or_a_year_of_the_incident() -> None:
    procedure = procedure_definition(procedure_id="workare-handling", version=1)
    # Given an incident on 1 December 2024 and the final position on 3 February 2025
    events = _workare_reviewed("2024-12-01", date(2025, 2, 3))
    view = evaluate(procedure, events, date(2025, 2, 3))
    assert {limit.key: limit.due for limit in view.limits} == {
        "legal_ombudsman.review_decided": date(2025, 8, 3),
        "legal_ombudsman.incident": date(2025, 12, 1),
    }
    # When filed after six months but within the year of the incident / Then in time ("or")
    decision = decide(procedure, events, "external_filed", ("complainant",), date(2025, 11, 30))
    assert decision.accepted and "late" not in decision.event.data  # type: ignore[union-attr]
    # When filed after both / Then flagged with WH-09, still accepted ("normally")
    decision = decide(procedure, events, "external_filed", ("complainant",), date(2025, 12, 2))
    assert decision.accepted and decision.event is not None
    assert decision.event.data["late"]["clauses"] == ["WH-09"]
    assert any(w.code == "external_filed_late" for w in decision.view.warnings)


def test_wh09_without_an_incident_date_the_six_months_decide() -> None:
    procedure = procedure_definition(procedure_id="workare-handling", version=1)
    events = _workare_reviewed(None, date(2025, 2, 3))
    decision = decide(procedure, events, "external_filed", ("complainant",), date(2025, 8, 4))
    assert decision.accepted and decision.event is not None and "late" in decision.event.data


def test_plan_lists_the_complainants_limits_with_their_anchor() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=1)
    deadlines = {d.key: d for d in plan(procedure, date(2025, 4, 14))}
    limit = deadlines["klachtencommissie_md.internal_closed"]
    assert (limit.anchor, limit.party, limit.term) == ("internal_closed", "complainant", None)
    assert limit.due == date(2025, 11, 26) and limit.anchor_date == date(2025, 5, 26)
    workare = procedure_definition(procedure_id="workare-handling", version=1)
    keys = {d.key for d in plan(workare, date(2025, 4, 14), {"incident": date(2025, 3, 1)})}
    assert {"legal_ombudsman.review_decided", "legal_ombudsman.incident"} <= keys
    assert "legal_ombudsman.incident" not in {d.key for d in plan(workare, date(2025, 4, 14))}
