"""WP-20: a client in a UWV trajectory may also take the complaint to UWV's labour expert (WerkPro version 2).

Version 2 of the bundled WerkPro regulation offers the route after the internal handling (WP-14), records it as a
filing with the body `uwv_labour_expert`, and refuses it for a complainant the case does not record as in a UWV
trajectory. Version 1 stays as it was, for the cases that started under it (WP-23)."""

from __future__ import annotations

from datetime import date

from plaint.engine import CaseEvent, decide, evaluate
from plaint.procedures.models import bundled_procedure_ids
from plaint.procedures.selectors import procedure_definition

CLOSED = date(2026, 12, 14)


def werkpro_closed(*, facts: dict[str, object] | None = None, version: int = 2) -> list[CaseEvent]:
    return [
        CaseEvent("received", date(2026, 12, 2), None, {"facts": facts or {}}),
        CaseEvent("subject_responded", date(2026, 12, 7), "manager", {}),
        CaseEvent("decided", CLOSED, "manager", {"outcome": "unfounded", "explanation": "Heard both sides."}),
        CaseEvent("internal_closed", CLOSED, "manager", {"outcome": "unresolved"}),
    ]


def test_wp20_version_2_is_bundled_beside_version_1_which_running_cases_keep() -> None:
    # Given the bundled files / Then werkpro is one procedure with two versions, each readable by its number
    assert bundled_procedure_ids().count("werkpro") == 1
    first = procedure_definition(procedure_id="werkpro", version=1)
    second = procedure_definition(procedure_id="werkpro", version=2)
    assert (first.version, second.version) == (1, 2)
    assert second.valid_from > first.valid_from
    # and version 1 does not know the route (its cases run as they did)
    assert first.external_body_by_key["uwv_labour_expert"].available_if is None


def test_wp20_the_route_to_uwv_is_offered_once_the_internal_handling_closed() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=2)
    events = werkpro_closed(facts={"trajectory": "uwv"})
    # While WerkPro still handles it, no route is offered (internal first, WP-14)
    assert evaluate(procedure, events[:3], CLOSED).offers == ()
    # Once the internal handling closed, both routes are: the committee (WP-15) and UWV's labour expert (WP-20)
    assert evaluate(procedure, events, CLOSED).offers == ("klachtencommissie_md", "uwv_labour_expert")


def test_wp20_a_client_in_a_uwv_trajectory_takes_it_to_uwv_and_the_case_stays_closed() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=2)
    events = werkpro_closed(facts={"trajectory": "uwv"})
    # When the complainant takes it to UWV's labour expert
    filed = decide(
        procedure, events, "external_filed", ("complainant",), date(2026, 12, 21), {"body": "uwv_labour_expert"}
    )
    # Then it is recorded, the case stays closed (UWV handles it in the trajectory) and no committee limit is met
    assert filed.accepted and filed.event is not None
    assert filed.event.data["body"] == "uwv_labour_expert"
    assert (filed.view.status, filed.view.stage) == ("closed", "manager")
    assert filed.view.limits[0].state == "open"  # the committee's six months still run (WP-15)
    # and the committee stays open to the complainant too ("ook")
    later = decide(procedure, [*events, filed.event], "external_filed", ("complainant",), date(2027, 1, 4))
    assert later.accepted and (later.view.stage, later.view.status) == ("committee", "open")


def test_wp20_the_trajectory_may_be_recorded_with_the_filing_itself() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=2)
    events = werkpro_closed()
    # A case that did not record the trajectory still offers the route (the fact is not known yet)
    assert "uwv_labour_expert" in evaluate(procedure, events, CLOSED).offers
    data = {"body": "uwv_labour_expert", "facts": {"trajectory": "uwv"}}
    filed = decide(procedure, events, "external_filed", ("administrator",), date(2026, 12, 21), data)
    assert filed.accepted


def test_wp20_a_complainant_not_in_a_uwv_trajectory_is_refused_with_the_clause() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=2)
    events = werkpro_closed(facts={"trajectory": "none"})
    # The route is not offered to a complainant recorded as in another trajectory
    assert evaluate(procedure, events, CLOSED).offers == ("klachtencommissie_md",)
    refused = decide(
        procedure, events, "external_filed", ("complainant",), date(2026, 12, 21), {"body": "uwv_labour_expert"}
    )
    assert not refused.accepted
    (error,) = refused.errors
    assert error.code == "external_body_not_available"
    assert error.text("en") == (
        "UWV labour expert is not open to this complainant: For clients in a UWV trajectory who find their complaint "
        "was not handled well by WerkPro. Record the fact that makes it so first (WP-20)"
    )
    assert "arbeidsdeskundige van UWV staat niet open voor deze klager" in error.text("nl")
    assert "(WP-20)" in error.text("nl")


def test_wp20_the_committee_route_is_unchanged_without_a_body_or_with_its_key() -> None:
    procedure = procedure_definition(procedure_id="werkpro", version=2)
    events = werkpro_closed()
    for data in ({}, {"body": "klachtencommissie_md"}, {"body": "Klachtencommissie MD"}):
        filed = decide(procedure, events, "external_filed", ("complainant",), date(2026, 12, 21), data)
        assert filed.accepted and (filed.view.stage, filed.view.status) == ("committee", "open")
        assert filed.view.limits[0].state == "met"
