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
from plaint.engine.render import procedure_policy_html, procedure_policy_markdown
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


# How a complaint comes in and who takes it (WU-02, WU-16, XS-01, XS-04)


def test_wu02_wu16_staff_register_a_complaint_from_any_channel_without_the_word_complaint() -> None:
    # Given the Workers Union's definition: any expression of dissatisfaction, however expressed
    union = bundled("workers-union")
    definition = union.kind_by_name["complaint"].definition
    assert definition is not None and 'even when the word "complain" or "complaint" is not used' in flat(definition.en)
    # When a staff member registers what a member said, by each channel (the complaints form among them, WU-16)
    assert {"phone", "in_writing", "email", "complaint_form", "oral", "in_person"} <= set(union.accepts.channels)
    for channel in union.accepts.channels:
        data = {"channel": channel, "facts": {"channel": channel}}  # no kind given: nobody said "complaint"
        events = given(union, ("received", DAY, ("intake_staff",), data))
        # Then it is a complaint in Stage 1, handled by staff, who may resolve it informally (WU-02)
        view = evaluate(union, events, DAY)
        assert (view.kind, view.stage, view.responsible) == ("complaint", "informal", (Assignment("intake_staff"),))
        assert "informal_resolved" in view.allowed["intake_staff"]
    # and the public text lists the complaints form as a way to complain (WU-16)
    assert "- " + t("channel.complaint_form", "en") in procedure_policy_markdown(union, lang="en")


def test_xs01_any_employee_receives_the_complaint_and_passes_it_on_to_management() -> None:
    # Given Xs2more's procedure: any employee can receive a complaint and passes it on to management
    xs2more = bundled("xs2more")
    events = given(xs2more, ("received", DAY, ("intake_staff",), {"channel": "phone"}))
    # Then the receiving employee is responsible for the intake, and may acknowledge and pass it on (XS-01)
    view = evaluate(xs2more, events, DAY)
    assert (view.stage, view.responsible) == ("intake", (Assignment("intake_staff"),))
    assert {"acknowledged", "escalated", "handler_assigned"} <= set(view.allowed["intake_staff"])
    # When it is passed on / Then management assesses it
    events = given(xs2more, ("escalated", DAY, ("intake_staff",), {}), history=events)
    view = evaluate(xs2more, events, DAY)
    assert (view.stage, view.responsible) == ("assessment", (Assignment("senior_manager"),))
    # and only employees in the intake role could pass it on: the complainant cannot
    refused = decide(xs2more, events[:1], "escalated", ("complainant",), DAY, {})
    assert not refused.accepted and refused.errors[0].code == "action_not_for_role"


def test_xs04_the_handler_is_registered_at_intake_and_by_management() -> None:
    # Given a complaint received at Xs2more
    xs2more = bundled("xs2more")
    events = given(xs2more, ("received", DAY, ("intake_staff",), {}))
    # When the receiving employee registers the handler
    decision = decide(xs2more, events, "handler_assigned", ("intake_staff",), DAY, {"handler": 42})
    # Then the event records who registered whom (XS-04)
    assert decision.accepted and decision.event is not None
    assert (decision.event.kind, decision.event.actor, decision.event.data["handler"]) == (
        "handler_assigned",
        "intake_staff",
        42,
    )
    # and once assessed, management can register (another) handler, again and again (XS-04, XS-19)
    events = given(xs2more, ("escalated", DAY, ("intake_staff",), {}), history=[*events, decision.event])
    events = given(
        xs2more,
        ("handler_assigned", DAY, ("senior_manager",), {"handler": 43}),
        ("handler_assigned", DAY, ("senior_manager",), {"handler": 44}),
        history=events,
    )
    assert [event.data.get("handler") for event in events if event.kind == "handler_assigned"] == [42, 43, 44]


# Who handles (WA-01)


def test_wa01_the_contract_manager_manages_and_the_managing_director_handles_escalations() -> None:
    # Given Workare's Occupational Health policy
    workare = bundled("workare")
    assert workare.role_label("manager") == "Contract Manager"
    assert workare.role_label("board_member") == "Managing Director"
    # When a complaint comes in / Then the Contract Manager is among those responsible and can send it on
    events = given(workare, ("received", DAY, ("intake_staff",), {"channel": "in_writing"}))
    view = evaluate(workare, events, DAY)
    assert Assignment("manager") in view.responsible
    assert {"acknowledged", "handling_started"} <= set(view.allowed["manager"])
    # When the complainant escalates after the outcome / Then the Managing Director reviews it (WA-01, WA-08)
    events = given(
        workare,
        ("handling_started", DAY, ("manager",), {}),
        (
            "decided",
            date(2025, 4, 30),
            ("board_member",),
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        ("review_requested", date(2025, 5, 2), ("complainant",), {}),
        history=events,
    )
    view = evaluate(workare, events, date(2025, 5, 2))
    assert (view.stage, view.responsible) == ("review", (Assignment("board_member"),))
    assert "review_decided" in view.allowed["board_member"]
    assert "review_decided" not in view.allowed.get("manager", ())
    # and the public text names them
    text = policy("workare")
    assert "Contract Manager: Responsible for managing complaints." in text
    assert "Handled by: Managing Director." in text


# Records, responses and keeping the complainant informed (WU-14, WU-18, XS-17, XS-23)


def test_wu14_every_step_of_every_stage_is_recorded_as_an_event() -> None:
    # Given a complaint walked through Stage 1, Stage 2 and Stage 3 of the Workers Union's procedure
    union = bundled("workers-union")
    steps: list[Step] = [
        ("received", DAY, ("intake_staff",), {"channel": "phone"}),
        ("formal_requested", date(2025, 4, 15), ("complainant",), {}),
        ("acknowledged", date(2025, 4, 17), ("manager",), {}),
        ("complainant_heard", date(2025, 4, 22), ("manager",), {}),
        ("report_shared", date(2025, 5, 6), ("manager",), {}),
        (
            "decided",
            date(2025, 5, 8),
            ("manager",),
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        ("escalated", date(2025, 5, 12), ("complainant",), {}),
        ("complainant_heard", date(2025, 5, 20), ("board_member",), {}),
        (
            "decided",
            date(2025, 6, 2),
            ("board_member",),
            {"outcome": "partly_well_founded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
    ]
    events: list[CaseEvent] = []
    stages: list[str | None] = []
    for step in steps:
        # When each step is decided / Then it is recorded as exactly one new event, with its day and actor
        before = len(events)
        events = given(union, step, history=events)
        assert len(events) == before + 1
        assert (events[-1].kind, events[-1].at, events[-1].actor) == (step[0], step[1], step[2][0])
        stages.append(evaluate(union, events, step[1]).stage)
    # and there are records in each of the three stages (WU-14); the history before each step is unchanged
    assert {"informal", "formal", "board"} <= set(stages)
    assert [event.kind for event in events] == [step[0] for step in steps]
    final = evaluate(union, events, date(2025, 6, 2))
    assert (final.status, final.outcome) == ("closed", "partly_well_founded")


def test_wu18_the_response_explains_apologises_and_says_what_was_done() -> None:
    # Given a formal complaint at the Workers Union
    union = bundled("workers-union")
    events = given(
        union,
        ("received", DAY, ("intake_staff",), {}),
        ("formal_requested", DAY, ("complainant",), {}),
        (
            "decided",
            date(2025, 5, 2),
            ("manager",),
            {"outcome": "well_founded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
    )
    # When management decides / Then the response letter is due, with an explanation, an apology and the action taken
    due = evaluate(union, events, date(2025, 5, 2)).letters_due
    assert [letter.key for letter in due] == ["response"]
    assert {"explanation", "apology", "action_taken"} <= set(union.letter_by_key["response"].must_contain)
    # and the board's final decision says the same (WU-18)
    events = given(
        union,
        ("escalated", date(2025, 5, 5), ("complainant",), {}),
        (
            "decided",
            date(2025, 5, 20),
            ("board_member",),
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        history=events,
    )
    due = [letter.key for letter in evaluate(union, events, date(2025, 5, 20)).letters_due]
    assert "board_decision" in due
    assert {"explanation", "apology", "action_taken"} <= set(union.letter_by_key["board_decision"].must_contain)


def handling_case(xs2more: Procedure) -> list[CaseEvent]:
    return given(
        xs2more,
        ("received", DAY, ("intake_staff",), {}),
        ("acknowledged", date(2025, 4, 16), ("intake_staff",), {}),
        ("escalated", date(2025, 4, 16), ("intake_staff",), {}),
        ("handling_started", date(2025, 4, 18), ("senior_manager",), {}),
    )


def test_xs17_corrective_and_preventive_measures_are_recorded_and_reported() -> None:
    # Given a complaint in handling at Xs2more
    xs2more = bundled("xs2more")
    events = handling_case(xs2more)
    # When the handler records a corrective and a preventive measure
    events = given(
        xs2more,
        ("measure_recorded", date(2025, 4, 22), ("handler",), {"description": "apology call"}),
        ("measure_recorded", date(2025, 4, 23), ("handler",), {"description": "intake checklist for all clients"}),
        (
            "decided",
            date(2025, 4, 24),
            ("handler",),
            {"outcome": "well_founded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        history=events,
    )
    # Then both are on record and the outcome the complainant gets names the measures (XS-17)
    assert [event.kind for event in events].count("measure_recorded") == 2
    assert "outcome" in [letter.key for letter in evaluate(xs2more, events, date(2025, 4, 24)).letters_due]
    assert "measures" in xs2more.letter_by_key["outcome"].must_contain
    # and the public text promises to prevent recurrence with other clients
    assert "Corrective and preventive measures prevent the same complaint recurring with other clients." in policy(
        "xs2more"
    )


def test_xs23_the_complainant_is_kept_informed_and_heard() -> None:
    # Given a complaint at Xs2more
    xs2more = bundled("xs2more")
    events = given(xs2more, ("received", DAY, ("intake_staff",), {}))
    # When it is acknowledged / Then the complainant gets the acknowledgement (XS-23: kept informed)
    events = given(xs2more, ("acknowledged", date(2025, 4, 16), ("intake_staff",), {}), history=events)
    assert [letter.key for letter in evaluate(xs2more, events, date(2025, 4, 16)).letters_due] == ["acknowledgement"]
    events = given(
        xs2more,
        ("letter_sent", date(2025, 4, 16), ("intake_staff",), {"letter": "acknowledgement"}),
        ("escalated", date(2025, 4, 16), ("intake_staff",), {}),
        ("handling_started", date(2025, 4, 18), ("senior_manager",), {}),
        history=events,
    )
    # and the complainant is heard in handling (the duty to be heard) and can withdraw at any time
    view = evaluate(xs2more, events, date(2025, 4, 18))
    assert "complainant_heard" in view.allowed["handler"] and view.allowed["complainant"] == ("withdrawn",)
    # When the term is extended / Then the complainant is told the new date and the reasons
    events = given(
        xs2more,
        ("complainant_heard", date(2025, 4, 22), ("handler",), {}),
        ("term_extended", date(2025, 5, 20), ("senior_manager",), {"term": "handling", "by": "4 weeks", "reason": "x"}),
        history=events,
    )
    assert [letter.key for letter in evaluate(xs2more, events, date(2025, 5, 20)).letters_due] == ["extension_notice"]
    # When it is decided / Then the outcome is told, in writing or orally
    events = given(
        xs2more,
        ("letter_sent", date(2025, 5, 20), ("senior_manager",), {"letter": "extension_notice"}),
        (
            "decided",
            date(2025, 6, 2),
            ("handler",),
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        history=events,
    )
    assert [letter.key for letter in evaluate(xs2more, events, date(2025, 6, 2)).letters_due] == ["outcome"]
    assert xs2more.letter_by_key["outcome"].form == "written_or_oral"
    assert "XS-23" in xs2more.letter_by_key["outcome"].clauses


# The subject responds; the complaints officer; UWV (WP-05, WP-07, WP-20)


def test_wp05_wp09_the_person_complained_about_may_respond_within_two_weeks() -> None:
    # Given a complaint at WerkPro: the manager hears both sides
    werkpro = bundled("werkpro")
    events = given(
        werkpro,
        ("received", DAY, ("manager",), {}),
        ("response_requested", date(2025, 4, 15), ("manager",), {}),
        ("subject_responded", date(2025, 4, 22), ("manager",), {}),
    )
    # Then the response of the person complained about is on record in the manager's stage (WP-05)
    assert [event.kind for event in events][-2:] == ["response_requested", "subject_responded"]
    # When the complaint is with the complaints officer and the subject is asked to respond
    events = given(
        werkpro,
        ("escalated", date(2025, 4, 23), ("complainant",), {}),
        ("response_requested", date(2025, 4, 24), ("complaints_officer",), {}),
        history=events,
    )
    # Then the subject has two weeks (WP-09)
    term = evaluate(werkpro, events, date(2025, 4, 24)).term("subject_response")
    assert term is not None and (term.state, term.due, term.party) == ("pending", date(2025, 5, 8), "subject")
    events = given(werkpro, ("subject_responded", date(2025, 5, 6), ("complaints_officer",), {}), history=events)
    met = evaluate(werkpro, events, date(2025, 5, 6)).term("subject_response")
    assert met is not None and (met.state, met.late) == ("met", False)


def test_wp07_a_complainant_who_dares_not_talk_goes_straight_to_the_complaints_officer() -> None:
    # Given a complaint received by WerkPro, before any conversation with the manager
    werkpro = bundled("werkpro")
    events = given(werkpro, ("received", DAY, ("manager",), {}))
    # When the complainant goes to the independent complaints officer the same day
    events = given(werkpro, ("escalated", DAY, ("complainant",), {}), history=events)
    # Then the officer handles it, independently, and must deal with it within six weeks (WP-07, WP-12)
    view = evaluate(werkpro, events, DAY)
    assert (view.stage, view.responsible) == ("complaints_officer", (Assignment("complaints_officer"),))
    routing = werkpro.stage_by_key["complaints_officer"].routing
    assert routing is not None and routing.independent
    term = view.term("officer_handling")
    assert term is not None and term.due == date(2025, 5, 26)
    assert {"complainant_heard", "mediation_started"} <= set(view.allowed["complaints_officer"])


def test_wp07_a_complainant_dissatisfied_with_the_handling_goes_to_the_complaints_officer() -> None:
    # Given the manager decided on a complaint
    werkpro = bundled("werkpro")
    events = given(
        werkpro,
        ("received", DAY, ("manager",), {}),
        ("meeting_held", date(2025, 4, 16), ("manager",), {}),
        (
            "decided",
            date(2025, 4, 22),
            ("manager",),
            {"outcome": "unfounded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
    )
    # When the dissatisfied complainant goes to the complaints officer / Then the officer's stage starts (WP-07)
    events = given(werkpro, ("escalated", date(2025, 4, 25), ("complainant",), {}), history=events)
    assert evaluate(werkpro, events, date(2025, 4, 25)).stage == "complaints_officer"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_wp20_uwv_labour_expert_is_offered_to_clients_in_a_uwv_trajectory(lang: str) -> None:
    # Given WerkPro's regulation: a client in a UWV trajectory may also go to UWV's labour expert
    werkpro = bundled("werkpro")
    body = werkpro.external_body_by_key["uwv_labour_expert"]
    assert body.available_when is not None
    # When the public text is rendered / Then the labour expert is there, with who can go there (WP-20)
    text = policy("werkpro", lang)
    assert f"### {body.name.get(lang)}" in procedure_policy_markdown(werkpro, lang=lang)
    assert t("external_when", lang, text=flat(body.available_when.get(lang))) in text


# Confidentiality (WU-13, WA-11, WP-21) and what the file promises about records (WA-12, XS-10, XS-16)


@pytest.mark.parametrize(
    ("procedure_id", "clause", "words"),
    [
        ("workers-union", "WU-13", "the situation is explained to the complainant"),
        ("workare", "WA-11", "only people directly associated with the incident are involved"),
        ("werkpro", "WP-21", "every employee involved has a duty of secrecy"),
    ],
)
def test_wu13_wa11_wp21_confidentiality_is_promised_in_the_public_text(
    procedure_id: str, clause: str, words: str
) -> None:
    # Given a procedure whose document promises confidentiality
    procedure = bundled(procedure_id)
    commitment = next(c for c in procedure.commitments if c.key == "confidentiality")
    assert clause in commitment.clauses and words in flat(commitment.text.en)
    # When its public text is rendered, in English and Dutch
    for lang in ("en", "nl"):
        html = procedure_policy_html(procedure, lang=lang)
        # Then it says the complaint is treated confidentially, and the promise itself (WU-13, WA-11, WP-21)
        assert t("confidential", lang) in html
        assert flat(commitment.text.get(lang)) in flat(html)


@pytest.mark.parametrize(
    ("procedure_id", "key", "clause"),
    [
        ("workare", "anonymised_use", "WA-12"),
        ("xs2more", "archive", "XS-10"),
        ("xs2more", "later_contact", "XS-16"),
    ],
)
def test_wa12_xs10_xs16_commitments_about_records_are_published(procedure_id: str, key: str, clause: str) -> None:
    # Given a commitment of the file about what happens to complaint records
    procedure = bundled(procedure_id)
    commitment = next(c for c in procedure.commitments if c.key == key)
    assert clause in commitment.clauses
    # When the public text is rendered / Then the commitment is published in both languages
    for lang in ("en", "nl"):
        assert f"- {flat(commitment.text.get(lang))}" in procedure_policy_markdown(procedure, lang=lang)


# Reporting duties (WU-15, XS-20, XS-22, WP-22)


def test_wu15_complaints_are_reviewed_every_year_with_the_procedure() -> None:
    union = bundled("workers-union")
    (report,) = union.reporting
    assert (report.every, report.to) == ("year", ("management_review",))
    assert "recommendations" in report.contents
    # When the public text is rendered / Then the annual review, its contents and the learning promise are there
    text = policy("workers-union")
    assert "Annual review of complaints and of this procedure: every year, for the management review." in text
    assert "recommendations" in text and "review our policy and procedures annually" in text


def test_xs20_xs22_closed_complaints_are_analysed_yearly_by_category_and_cause() -> None:
    xs2more = bundled("xs2more")
    (report,) = xs2more.reporting
    # Given the annual analysis: management analyses number, kind, cause and handling time, recommends changes, and
    # reports to the management review and the employees (XS-20); complaints are categorised and analysed (XS-22)
    assert (report.every, report.by, report.to) == ("year", ("senior_manager",), ("management_review", "employees"))
    assert {"count", "kind", "category", "cause", "handling_time", "recommendations"} <= set(report.contents)
    # When the public text is rendered / Then it says so, in both languages
    assert (
        "Annual analysis of closed complaints: every year, for the management review and the employees. It covers: "
        "the number of complaints, their kind, their category, their causes, the handling time and recommendations."
    ) in policy("xs2more")
    assert "de categorie, de oorzaken" in policy("xs2more", "nl")


def test_wp22_an_anonymised_registration_goes_quarterly_to_the_commissioning_party() -> None:
    werkpro = bundled("werkpro")
    (report,) = werkpro.reporting
    assert (report.every, report.anonymised, report.per) == ("quarter", True, "commissioning_party")
    assert report.to == ("commissioning_party",) and set(report.contents) == {"subject", "measures"}
    # Given a complaint whose measures are recorded by the complaints officer
    events = given(
        werkpro,
        ("received", DAY, ("manager",), {}),
        ("escalated", DAY, ("complainant",), {}),
        (
            "decided",
            date(2025, 5, 1),
            ("complaints_officer",),
            {"outcome": "well_founded", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
        ),
        ("measure_recorded", date(2025, 5, 2), ("complaints_officer",), {"description": "training"}),
    )
    # Then the subject and the measures the registration needs are on record (WP-22)
    assert events[-1].kind == "measure_recorded"
    # and the public text says the registration goes, anonymised, every quarter to the commissioning party
    assert (
        "Anonymised complaints registration: every quarter, anonymised, for the commissioning party. It covers: what "
        "they are about and the measures taken."
    ) in policy("werkpro")
