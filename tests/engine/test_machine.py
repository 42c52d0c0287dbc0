"""The state machine on a small procedure written for the purpose: the features the bundled files do not all use."""

from __future__ import annotations

import sys
from datetime import date, timedelta

import pytest

from plaint.engine import CaseEvent, Procedure, decide, evaluate, load_text
from plaint.engine.machine import Assignment

PROCEDURE = """
id: sample
version: 1
valid_from: 2025-01-01
title: {en: Sample, nl: Voorbeeld}
implements: {document: {en: Doc, nl: Doc}, publisher: Plaint, clause_prefix: WH}
calendar: {jurisdiction: GB-ENG}
accepts:
  kinds: [{kind: complaint}, {kind: compliment, starts_at: feedback}]
roles:
  manager: {label: {en: Manager, nl: Manager}}
  senior_manager: {label: {en: Senior manager, nl: Senior manager}}
  board_member: {label: {en: Board, nl: Bestuur}}
stages:
  - key: formal
    kind: formal
    label: {en: Formal, nl: Formeel}
    handled_by: [manager]
    routing:
      rules:
        - {when: {subject_role: manager}, assign: senior_manager, clauses: [WH-07]}
        - {when: {subject_role: senior_manager}, assign: board_member}
    actions:
      - {event: acknowledged, by: [manager]}
      - {event: decided, by: [manager, senior_manager], outcomes: [upheld, changed]}
      - {event: internal_closed, by: [manager], after: [decided], closes: true}
      - {event: external_filed, by: [complainant], after: [internal_closed], or_when_missed: [eight_weeks],
         goes_to: ombudsman}
      - {event: external_filed, by: [complainant], when_closed: true, goes_to: ombudsman}
    outcomes: [upheld, changed]
  - key: ombudsman
    kind: external
    label: {en: Ombudsman, nl: Ombudsman}
    handled_by: [manager]
    actions: [{event: external_decided, by: [external_body], closes: true}]
  - key: feedback
    kind: feedback
    label: {en: Compliment, nl: Compliment}
    handled_by: [manager]
    actions: [{event: closed, by: [manager], closes: true, outcomes: [noted]}]
    outcomes: [noted]
actions:
  - {event: paused, by: [manager]}
  - {event: resumed, by: [manager], after: [paused]}
terms:
  - key: eight_weeks
    label: {en: Eight weeks, nl: Acht weken}
    anchor: received
    duration: 8 weeks
    met_by: [internal_closed]
    on_missed: {opens: ombudsman_body, letter: delay}
    pausable: true
  - key: progress
    label: {en: Ten working days, nl: Tien werkdagen}
    anchor: acknowledged
    duration: 10 working days
    met_by: [decided]
    warn_only: true
    applies_when: {kinds: [complaint]}
letters:
  - {key: delay, label: {en: Delay, nl: Vertraging}, to: [complainant], must_contain: [delay_reasons]}
external_bodies:
  - key: ombudsman_body
    name: {en: Ombudsman, nl: Ombudsman}
    time_limits: [{duration: 6 months, counted_from: internal_closed}]
    stage: ombudsman
"""


@pytest.fixture(scope="module")
def sample() -> Procedure:
    # The second external_filed action in one stage is a duplicate: drop it for the sample (tested below).
    return load_text(
        PROCEDURE.replace(
            "      - {event: external_filed, by: [complainant], when_closed: true, goes_to: ombudsman}\n",
            "",
        ),
        "sample.yaml",
    )


def test_duplicate_action_in_one_stage_is_an_error() -> None:
    from plaint.engine import ProcedureError

    with pytest.raises(ProcedureError) as raised:
        load_text(PROCEDURE, "sample.yaml")
    assert raised.value.lines() == [
        "sample.yaml:29: stages[0].actions[4].event: event 'external_filed' is already an action of this stage"
    ]


def received(day: date, **data: object) -> list[CaseEvent]:
    return [CaseEvent("received", day, "manager", data)]


def test_wu07_routing_by_subject_role(sample: Procedure) -> None:
    # Given complaints about the manager and about the senior manager / Then they go up one level each
    about_manager = received(date(2025, 3, 3), facts={"subject_role": "manager"})
    about_senior = received(date(2025, 3, 3), facts={"subject_role": "senior_manager"})
    assert evaluate(sample, about_manager, date(2025, 3, 3)).responsible == (Assignment("senior_manager", rule=0),)
    assert evaluate(sample, about_senior, date(2025, 3, 3)).responsible == (Assignment("board_member", rule=1),)
    assert evaluate(sample, received(date(2025, 3, 3)), date(2025, 3, 3)).responsible == (Assignment("manager"),)


def test_wh01_missed_eight_weeks_opens_the_ombudsman(sample: Procedure) -> None:
    # Given a complaint received on 3 March 2025 and not resolved
    events = received(date(2025, 3, 3))
    # Before eight weeks the complainant cannot go to the ombudsman
    assert "complainant" not in evaluate(sample, events, date(2025, 4, 28)).allowed
    # When eight weeks have passed (due 28 April)
    view = evaluate(sample, events, date(2025, 4, 29))
    # Then the term is missed, the right opens, a delay letter is due, and the complainant may file
    assert view.term("eight_weeks").state == "missed"  # type: ignore[union-attr]
    assert view.rights == ("ombudsman_body",)
    assert [letter.key for letter in view.letters_due] == ["delay"]
    assert view.allowed["complainant"] == ("external_filed",)
    assert "term 'eight_weeks' was missed: the complainant may now go to Ombudsman" in [str(w) for w in view.warnings]


def test_pausing_moves_the_due_date_by_the_days_paused(sample: Procedure) -> None:
    # Given a case paused for ten days while waiting on the complainant
    events = [
        *received(date(2025, 3, 3)),
        CaseEvent("paused", date(2025, 3, 10), "manager"),
    ]
    assert evaluate(sample, events, date(2025, 3, 12)).term("eight_weeks").state == "paused"  # type: ignore[union-attr]
    events.append(CaseEvent("resumed", date(2025, 3, 20), "manager"))
    # Then the eight weeks end ten days later than 28 April
    term = evaluate(sample, events, date(2025, 3, 21)).term("eight_weeks")
    assert term is not None and (term.state, term.due) == ("pending", date(2025, 5, 8))
    # And resuming twice is refused
    assert str(decide(sample, events, "resumed", ["manager"], date(2025, 3, 22)).errors[0]).startswith(
        "'resumed' is not allowed"
    )


def test_wa07_warn_only_term_warns_when_missed(sample: Procedure) -> None:
    # Given an acknowledged complaint with no decision after ten working days (Easter: 18 and 21 April 2025 in England)
    events = [*received(date(2025, 4, 10)), CaseEvent("acknowledged", date(2025, 4, 10), "manager")]
    view = evaluate(sample, events, date(2025, 4, 28))
    term = view.term("progress")
    # Then the term ended on 28 April (Good Friday and Easter Monday do not count) and is still pending that day
    assert term is not None and (term.due, term.state) == (date(2025, 4, 28), "pending")
    # When a day more passes / Then it is missed, but only as a warning
    view = evaluate(sample, events, date(2025, 4, 29))
    assert view.term("progress").state == "missed"  # type: ignore[union-attr]
    assert view.term("progress").warn_only  # type: ignore[union-attr]
    # The sample's progress term cites no clause, so the warning cites none either (and shows no empty brackets)
    assert "Ten working days was due on 28 April 2025" in [str(w) for w in view.warnings]


def test_wu01_compliments_start_in_their_own_stage_and_terms_apply_by_kind(sample: Procedure) -> None:
    events = [CaseEvent("received", date(2025, 4, 10), "manager", {"kind": "compliment"})]
    view = evaluate(sample, events, date(2025, 4, 10))
    assert view.stage == "feedback"
    assert dict(view.allowed) == {"manager": ("closed", "paused")}
    assert (
        decide(sample, events, "closed", ["manager"], date(2025, 4, 11), {"outcome": "noted"}).view.outcome == "noted"
    )


def test_rejection_names_the_actions_allowed_now(sample: Procedure) -> None:
    events = received(date(2025, 3, 3))
    decision = decide(sample, events, "internal_closed", ["manager"], date(2025, 3, 4))
    assert not decision.accepted
    assert decision.errors[0].text() == "'internal_closed' is not allowed now; allowed: acknowledged, decided, paused"
    assert (
        decision.errors[0].text("nl") == "'internal_closed' mag nu niet; wel toegestaan: acknowledged, decided, paused"
    )


def test_role_without_the_action_is_refused(sample: Procedure) -> None:
    events = received(date(2025, 3, 3))
    decision = decide(sample, events, "acknowledged", ["board_member"], date(2025, 3, 4))
    assert str(decision.errors[0]) == "'acknowledged' is not for board_member; it may be taken by: manager"


def test_a_case_starts_with_received_and_dates_do_not_go_back(sample: Procedure) -> None:
    assert (
        str(decide(sample, [], "acknowledged", ["manager"], date(2025, 3, 4)).errors[0])
        == "a case starts with 'received'"
    )
    events = received(date(2025, 3, 3))
    assert (
        str(decide(sample, events, "received", ["manager"], date(2025, 3, 4)).errors[0])
        == "the case was already received"
    )
    late = decide(sample, events, "acknowledged", ["manager"], date(2025, 3, 2))
    assert str(late.errors[0]) == "the date 2 March 2025 is before the case's last event (3 March 2025)"


def test_decision_reports_terms_started_and_stopped(sample: Procedure) -> None:
    events = received(date(2025, 3, 3))
    acknowledged = decide(sample, events, "acknowledged", ["manager"], date(2025, 3, 4))
    assert acknowledged.terms_started == ("progress",)
    events.append(acknowledged.event)  # type: ignore[arg-type]
    decided = decide(
        sample,
        events,
        "decided",
        ["manager"],
        date(2025, 3, 5),
        {"outcome": "upheld", "explanation": "-", "reasons": "-", "hearing_skipped_reason": "-"},
    )
    assert decided.terms_stopped == ("progress",)


def _lines_run(function, *args):
    """How many lines of Python `function(*args)` runs (a count of work that no other process on the machine can
    change, unlike the wall clock), and what it returns."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        result = function(*args)
    finally:
        sys.settrace(None)
    return count, result


def test_evaluation_is_deterministic_and_linear(sample: Procedure) -> None:
    # Given cases with many events (pauses and resumes, which every term has to look at), one twice as long
    start = date(2025, 1, 6)

    def case(count: int) -> list[CaseEvent]:
        events = [*received(start)]
        for number in range(1, count + 1):
            kind = "paused" if number % 2 else "resumed"
            events.append(CaseEvent(kind, start + timedelta(days=number // 50), "manager"))
        return events

    short, long = case(1000), case(2000)
    evaluate(sample, long, date(2025, 6, 1))  # the calendar's caches are filled once, for both
    # When each is evaluated
    work_short, first = _lines_run(evaluate, sample, short, date(2025, 6, 1))
    work_long, _view = _lines_run(evaluate, sample, long, date(2025, 6, 1))
    # Then the answer is the same every time, and twice the events take about twice the work, not four times
    assert first == evaluate(sample, short, date(2025, 6, 1))
    assert work_long <= 2.2 * work_short, (work_short, work_long)


def test_a_warning_cites_its_clauses_in_brackets_and_no_brackets_without_them() -> None:
    from plaint.engine import Message
    from plaint.engine.messages import Words

    label = Words("Ten working days", "Tien werkdagen")
    cited = Message("warn_term_missed", {"label": label, "due": date(2025, 4, 28), "clauses": "WA-07"})
    uncited = Message("warn_term_missed", {"label": label, "due": date(2025, 4, 28), "clauses": ""})
    assert (cited.text("en"), cited.text("nl")) == (
        "Ten working days was due on 28 April 2025 (WA-07)",
        "Tien werkdagen had uiterlijk 28 april 2025 moeten gebeuren (WA-07)",
    )
    assert (uncited.text("en"), uncited.text("nl")) == (
        "Ten working days was due on 28 April 2025",
        "Tien werkdagen had uiterlijk 28 april 2025 moeten gebeuren",
    )
