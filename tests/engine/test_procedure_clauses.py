"""Clauses about the procedure itself, proven through the engine on the bundled files.

Each test loads a bundled procedure, drives the behaviour a clause asks for through `decide` / `evaluate` (or renders
the public text, for what the file promises the complainant) and asserts its effect. The test names carry the ids.
"""

from __future__ import annotations

from datetime import date

import pytest

from plaint.engine import CaseEvent, Procedure, decide, evaluate, load_directory, load_text
from plaint.engine.errors import ProcedureError
from plaint.engine.machine import Assignment
from plaint.engine.render import procedure_policy_markdown
from plaint.engine.render.text import t
from plaint.procedures import BUNDLED_DIR

Step = tuple[str, date, tuple[str, ...], dict[str, object]]
DAY = date(2025, 4, 14)  # a Monday


def bundled(procedure_id: str) -> Procedure:
    return load_directory(BUNDLED_DIR).latest(procedure_id)


def given(procedure: Procedure, *steps: Step, history: list[CaseEvent] | None = None) -> list[CaseEvent]:
    """Apply each step through `decide` after `history`, asserting it is accepted; the case's events after it."""
    events = list(history or [])
    for action, day, roles, data in steps:
        decision = decide(procedure, events, action, roles, day, data)
        assert decision.accepted, (action, [str(error) for error in decision.errors])
        assert decision.event is not None
        events.append(decision.event)
    return events


def policy(procedure_id: str, lang: str = "en") -> str:
    return " ".join(procedure_policy_markdown(bundled(procedure_id), lang=lang).split())


def flat(text: str) -> str:
    return " ".join(text.split())


# Who may complain (WP-24, XS-21, WA-09, WP-01)


@pytest.mark.parametrize("group", ["catering_guests", "shop_customers"])
def test_wp24_catering_guests_and_shop_customers_are_refused_at_receipt(group: str) -> None:
    # Given WerkPro's regulation, which is not for consumers of its catering businesses and second-hand shops
    werkpro = bundled("werkpro")
    # When a complaint from one of them is received
    decision = decide(werkpro, [], "received", ("manager",), DAY, {"complainant_group": group})
    # Then it is not admissible: refused, naming who may complain, in English and Dutch (WP-24)
    assert not decision.accepted and decision.event is None
    assert [error.code for error in decision.errors] == ["complainant_excluded"]
    english, dutch = decision.errors[0].text("en"), decision.errors[0].text("nl")
    assert english.startswith("not admissible: ") and english.endswith("(WP-24)")
    assert "participants working in one of WerkPro's work companies" in english
    assert "their representatives and surviving relatives" in english
    assert dutch.startswith("niet ontvankelijk: ") and "hun vertegenwoordigers en nabestaanden" in dutch
    label = {party.key: party.label for party in werkpro.accepts.excluded}[group]
    assert label.en.lower() in english and label.nl.lower() in dutch


@pytest.mark.parametrize("group", ["participants", "clients", "welfare_clients"])
def test_wp24_clients_participants_and_welfare_clients_may_complain(group: str) -> None:
    # Given WerkPro's regulation / When a complaint from one of the groups it is for is received
    werkpro = bundled("werkpro")
    events = given(werkpro, ("received", DAY, ("manager",), {"complainant_group": group}))
    # Then the case starts with the manager, without warnings (WP-24)
    view = evaluate(werkpro, events, DAY)
    assert (view.stage, view.status, view.warnings) == ("manager", "open", ())


def test_wp24_representatives_and_surviving_relatives_may_use_the_regulation() -> None:
    # Given WerkPro's regulation (WP-24: a representative or surviving relative of the client may use it)
    accepts = bundled("werkpro").accepts
    assert accepts.representatives is not None and accepts.representatives.allowed
    assert accepts.surviving_relatives is not None and accepts.surviving_relatives.allowed
    # When the public text is rendered / Then it says so, and who the regulation is not for
    text = policy("werkpro")
    assert t("representatives_allowed", "en") in text and t("relatives_allowed", "en") in text
    assert "This procedure is not for: - Guests of the catering businesses - Customers of the second-hand shops" in text


def test_wp24_an_exclusion_found_in_recorded_events_is_flagged() -> None:
    # Given a case whose received event (recorded before the check existed) names an excluded group
    werkpro = bundled("werkpro")
    events = [CaseEvent("received", DAY, "manager", {"complainant_group": "catering_guests"})]
    # When it is evaluated / Then the view flags it as not admissible (WP-24)
    assert [warning.code for warning in evaluate(werkpro, events, DAY).warnings] == ["complainant_excluded"]


@pytest.mark.parametrize(
    ("group", "internal"),
    [
        ("staff", True),
        ("freelancers", True),
        ("affiliated_employers", False),
        ("affiliated_workers", False),
        ("contract_parties", False),
    ],
)
def test_xs21_internal_and_external_complaints_are_both_accepted(group: str, internal: bool) -> None:
    # Given Xs2more's regulation: complaints can be internal (staff, freelancers) or external (affiliated employers,
    # affiliated workers, other contract parties)
    xs2more = bundled("xs2more")
    # When a complaint from the group is received
    events = given(xs2more, ("received", DAY, ("intake_staff",), {"complainant_group": group}))
    # Then it is accepted without a warning, and the group's label says whether it is internal (XS-21)
    assert evaluate(xs2more, events, DAY).warnings == ()
    label = {party.key: party.label.en for party in xs2more.accepts.complainants}[group]
    assert ("(internal complaint)" if internal else "(external complaint)") in label


def test_xs21_a_group_the_procedure_does_not_name_is_accepted_but_flagged() -> None:
    # Given Xs2more's list of complainants, which describes and excludes no one
    xs2more = bundled("xs2more")
    # When a complaint from a group it does not name is received
    events = given(xs2more, ("received", DAY, ("intake_staff",), {"complainant_group": "neighbours"}))
    # Then the case starts, with a warning that lists who the regulation is for (XS-21)
    view = evaluate(xs2more, events, DAY)
    assert view.stage == "intake"
    assert [warning.code for warning in view.warnings] == ["complainant_group_unknown"]
    assert "staff members (internal complaint)" in view.warnings[0].text("en")


@pytest.mark.parametrize("group", ["service_users", "employees", "employers"])
def test_wa09_service_users_employees_and_employers_can_complain(group: str) -> None:
    # Given Workare's Occupational Health policy: any service user, employee or employer can complain
    workare = bundled("workare")
    events = given(workare, ("received", DAY, ("intake_staff",), {"complainant_group": group}))
    # Then the complaint is taken in at initial contact without warnings (WA-09)
    view = evaluate(workare, events, DAY)
    assert (view.stage, view.warnings) == ("initial_contact", ())
    # and someone the employee authorised may complain on their behalf, with written consent (WA-09, WA-10)
    representatives = workare.accepts.representatives
    assert representatives is not None and representatives.consent == "written_consent"
    assert {party.key for party in representatives.who} == {
        "relative",
        "friend",
        "colleague",
        "manager",
        "union_representative",
    }


def test_a_group_both_included_and_excluded_is_a_file_error() -> None:
    # Given a procedure file that lists the same group as allowed and as excluded
    text = (BUNDLED_DIR / "werkpro.yaml").read_text(encoding="utf-8")
    broken = text.replace("    - key: shop_customers\n", "    - key: clients\n", 1)
    # When it is loaded / Then the loader says which key is both
    with pytest.raises(ProcedureError) as raised:
        load_text(broken, "werkpro.yaml")
    assert any(
        "'clients' is both under accepts.complainants and accepts.excluded" in line for line in raised.value.lines()
    )


def test_wp01_a_complaint_about_an_employee_the_organisation_or_others_on_its_behalf() -> None:
    # Given WerkPro's definition of a complaint
    werkpro = bundled("werkpro")
    definition = werkpro.kind_by_name["complaint"].definition
    assert definition is not None
    assert all(words in definition.en for words in ("an employee", "the organisation", "on WerkPro's behalf"))
    # When complaints about each are received / Then each is a complaint handled by the manager (WP-01)
    for subject in ("employee", "organisation", "on_behalf"):
        events = given(werkpro, ("received", DAY, ("manager",), {"kind": "complaint", "facts": {"category": subject}}))
        view = evaluate(werkpro, events, DAY)
        assert (view.kind, view.stage, view.responsible) == ("complaint", "manager", (Assignment("manager"),))
    # and the public text gives the definition
    assert flat(definition.en) in policy("werkpro")
