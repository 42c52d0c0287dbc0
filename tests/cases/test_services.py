"""The cases services: registration, actions allowed only when the procedure says so, history, snapshots."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from plaint.cases.errors import ActionNotAllowed, CaseNotFound, NoProcedure, StaleCase
from plaint.cases.models import Case, CaseEvent, FollowUp, Term
from plaint.cases.selectors import case_view
from plaint.cases.services import PartyInput, case_act, case_refresh, cases_sweep
from plaint.core.errors import InvalidInput
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Monday 20 April 2026, 10:00 in Amsterdam; King's Day is Monday 27 April.
APRIL_20 = dt.datetime(2026, 4, 20, 8, 0, tzinfo=dt.UTC)


def travel(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC), tick=False)


@time_machine.travel(APRIL_20, tick=False)
def test_xs02_xs03_registration_records_receipt_reference_and_terms():
    """XS-02: the date of receipt is registered; XS-03/XS-05/XS-08/XS-13: the terms run from it."""
    # Given Xs2more and a receiving employee
    xs = organisation_running("xs2more", reference_prefix="XS")
    intake = staff(xs, "intake_staff")
    # When a complaint phoned in is registered
    case = register(xs, intake, channel="phone")
    # Then it has a reference of the organisation and year, the received event and its terms
    assert case.reference == "XS-2026-0001"
    assert case.received_on == dt.date(2026, 4, 20)
    assert (case.stage, case.status, case.version) == ("intake", "open", 1)
    events = list(case.events.all())
    assert [(e.kind, e.on, e.actor_id, e.actor_role) for e in events] == [
        ("received", dt.date(2026, 4, 20), intake.pk, "intake_staff")
    ]
    due = {term.key: term.due for term in case.terms.all()}
    assert due == {
        "acknowledgement": dt.date(2026, 5, 4),  # two weeks (XS-03)
        "taken_into_handling": dt.date(2026, 5, 4),  # two weeks (XS-05)
        "refusal_notice": dt.date(2026, 5, 18),  # four weeks (XS-08)
        "handling": dt.date(2026, 6, 1),  # six weeks (XS-13)
    }
    assert case.next_due == dt.date(2026, 5, 4)
    # and a second case of the same year gets the next number
    assert register(xs, intake).reference == "XS-2026-0002"


@time_machine.travel(APRIL_20, tick=False)
def test_references_are_per_organisation():
    # Given two organisations on the same procedure
    first, second = organisation_running("xs2more"), organisation_running("xs2more")
    # When each registers a case, then both start at number one, with their own prefix
    one = register(first, staff(first, "intake_staff"))
    two = register(second, staff(second, "intake_staff"))
    assert one.reference.endswith("-2026-0001") and two.reference.endswith("-2026-0001")
    assert one.reference != two.reference


@time_machine.travel(APRIL_20, tick=False)
def test_registration_without_a_procedure_in_force_is_refused_with_a_reason():
    # Given an organisation that has adopted no procedure
    organisation = OrganisationFactory(name="Nowhere Ltd")
    # When a case is registered, then it is refused, naming the organisation and the day
    with pytest.raises(NoProcedure) as refused:
        register(organisation, None)
    assert "Nowhere Ltd" in refused.value.text("en") and "20 April 2026" in refused.value.text("en")
    assert Case.objects.count() == 0


@time_machine.travel(APRIL_20, tick=False)
def test_invalid_registration_rolls_back_and_names_fields():
    # Given Xs2more
    xs = organisation_running("xs2more")
    # When the description is empty and the event lies in the future
    with pytest.raises(InvalidInput) as refused:
        register(xs, None, description="  ", incident_date=dt.date(2026, 5, 1))
    # Then each field gets its message and nothing was stored
    assert set(refused.value.errors) == {"description", "incident_date"}
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


@time_machine.travel(APRIL_20, tick=False)
def test_an_action_the_procedure_does_not_allow_names_the_allowed_ones_in_english_and_dutch():
    # Given a fresh Xs2more case
    xs = organisation_running("xs2more")
    intake = staff(xs, "intake_staff")
    case = register(xs, intake)
    # When the intake employee tries to decide it straight away
    with pytest.raises(ActionNotAllowed) as refused:
        case_act(
            case=case,
            actor=intake,
            action="decided",
            data={"explanation": "Findings.", "hearing_skipped_reason": "Not reached.", "outcome": "well_founded"},
        )
    # Then the refusal names what this person may do now, in both languages, and nothing is recorded
    assert refused.value.status == 409
    assert set(refused.value.allowed) == {"handler_assigned", "escalated", "acknowledged"}
    assert "'decided'" in refused.value.text("en") and "acknowledged" in refused.value.text("en")
    with translation.override("nl"):
        assert "mag nu niet" in str(refused.value.detail)
    assert case.events.count() == 1


@time_machine.travel(APRIL_20, tick=False)
def test_someone_outside_the_organisation_cannot_act():
    # Given a case of Xs2more and a member of another organisation
    xs = organisation_running("xs2more")
    case = register(xs, staff(xs, "intake_staff"))
    outsider = staff(organisation_running("xs2more"), "senior_manager")
    # When the outsider acts, then they are refused without learning that the case exists (docs/access.md)
    with pytest.raises(CaseNotFound):
        case_act(case=case, actor=outsider, action="acknowledged")


@time_machine.travel(APRIL_20, tick=False)
def test_stale_version_is_refused_and_nothing_is_lost():
    # Given a case two people opened at version 1
    xs = organisation_running("xs2more")
    intake = staff(xs, "intake_staff")
    case = register(xs, intake)
    assert case.version == 1
    # When the first acknowledges it
    case_act(case=case, actor=intake, action="acknowledged", expected_version=1)
    # Then the second, still at version 1, is told to reload, and only the first action is in the history
    with pytest.raises(StaleCase) as stale:
        case_act(case=case, actor=intake, action="escalated", expected_version=1)
    assert stale.value.status == 409 and stale.value.extra == {"current_version": 2}
    assert list(case.events.values_list("kind", flat=True)) == ["received", "acknowledged"]
    # and after reloading the second succeeds
    case = case_act(case=case, actor=intake, action="escalated", expected_version=2)
    assert (case.stage, case.version) == ("assessment", 3)


def test_xs13_extension_with_reasons_moves_the_due_date_and_not_beyond_six_weeks():
    """XS-13: handled within six weeks; the term may be extended, with reasons, by at most six weeks."""
    with travel(dt.date(2026, 4, 20)):
        xs = organisation_running("xs2more")
        intake, management = staff(xs, "intake_staff"), staff(xs, "senior_manager")
        case = register(xs, intake)
        case = case_act(case=case, actor=intake, action="escalated")
        case = case_act(case=case, actor=management, action="handling_started")
    with travel(dt.date(2026, 5, 25)):
        # When management extends the handling term by six weeks, with reasons
        case = case_act(
            case=case,
            actor=management,
            action="term_extended",
            data={"term": "handling", "by": "6 weeks", "reason": "Waiting for the employee's statement."},
        )
        term = case.terms.get(key="handling")
        # Then the due date moves from 1 June to 13 July, and the term says it was extended
        assert (term.due, term.state, term.extensions) == (dt.date(2026, 7, 13), "extended", 1)
        # and a second extension beyond the six-week maximum is refused
        with pytest.raises(ActionNotAllowed):
            case_act(
                case=case,
                actor=management,
                action="term_extended",
                data={"term": "handling", "by": "1 week", "reason": "Still waiting."},
            )
        # and an extension without reasons is an error on that field
        with pytest.raises(InvalidInput) as no_reason:
            case_act(case=case, actor=management, action="term_extended", data={"term": "handling", "by": "1 week"})
        assert list(no_reason.value.errors) == ["reason"]


def test_terms_are_computed_once_and_missed_terms_make_a_case_overdue():
    # Given a case received on 20 April whose acknowledgement (two weeks) is not sent
    with travel(dt.date(2026, 4, 20)):
        xs = organisation_running("xs2more")
        case = register(xs, staff(xs, "intake_staff"))
    # When the sweep runs after the due date
    assert cases_sweep(today=dt.date(2026, 5, 5)) == 1
    case.refresh_from_db()
    term = case.terms.get(key="acknowledgement")
    # Then the term is missed, the case is overdue on its earliest open date, and the version did not change
    assert (term.state, term.due) == ("missed", dt.date(2026, 5, 4))
    assert case.next_due == dt.date(2026, 5, 4) and case.version == 1
    # and sweeping again changes nothing
    assert cases_sweep(today=dt.date(2026, 5, 5)) == 0
    # and a stored due date stays put even if recomputing would give another (the rule is kept with it)
    Term.objects.filter(pk=term.pk).update(due=dt.date(2026, 5, 6), state="pending")
    case_refresh(case=case, today=dt.date(2026, 5, 5))
    term.refresh_from_db()
    assert term.due == dt.date(2026, 5, 6) and term.rule["duration"] == "2 weeks"
    assert term.rule["calendar"]["jurisdiction"] == "NL"


def test_wu07_a_complaint_about_the_manager_is_handled_by_a_senior_manager():
    """WU-07: a complaint about the manager goes to a senior manager."""
    with travel(dt.date(2026, 12, 21)):
        union = organisation_running("workers-union")
        senior = staff(union, "senior_manager", name="Senior Manager")
        manager = staff(union, "manager", line_manager=person_of(senior), name="The Manager")
        colleague = staff(union, "manager", name="Another Manager")
        intake = staff(union, "intake_staff")
        # Given a formal complaint about the manager
        case = register(
            union,
            intake,
            subjects=(PartyInput(role="subject", person_id=person_of(manager).pk),),
        )
        case = case_act(case=case, actor=intake, action="formal_requested")
        assert case.stage == "formal"
        # Then the procedure routes it to a senior manager
        assert [a.role for a in case_view(case=case).responsible] == ["senior_manager"]
        # and assigning another (uninvolved) manager as handler is refused, naming the roles that handle it
        with pytest.raises(InvalidInput) as refused:
            case_act(case=case, actor=senior, action="handler_assigned", data={"handler": person_of(colleague).pk})
        assert "senior_manager" in refused.value.text("en")
        # while the senior manager may take it
        case = case_act(case=case, actor=senior, action="handler_assigned", data={"handler": person_of(senior).pk})
        assert case.handler == person_of(senior)


def test_xs14_a_handler_involved_in_the_complaint_is_refused():
    """XS-14: the handler is an employee not involved in the complaint."""
    with travel(dt.date(2026, 4, 20)):
        xs = organisation_running("xs2more")
        intake, management = staff(xs, "intake_staff"), staff(xs, "senior_manager")
        involved = staff(xs, "handler")
        case = register(xs, intake, subjects=(PartyInput(role="subject", person_id=person_of(involved).pk),))
        case = case_act(case=case, actor=intake, action="escalated")
        # When management assigns the employee the complaint is about as the delegate handler
        with pytest.raises(ActionNotAllowed) as refused:
            case_act(
                case=case,
                actor=management,
                action="handler_assigned",
                data={"handler": person_of(involved).pk, "delegate": True},
            )
        # Then it is refused, citing the clause
        assert "XS-14" in refused.value.text("en")
        # and an uninvolved employee is accepted as delegate while management stays responsible (XS-19)
        other = staff(xs, "handler")
        case = case_act(
            case=case,
            actor=management,
            action="handler_assigned",
            data={"handler": person_of(other).pk, "delegate": True},
        )
        assert case.delegate == person_of(other) and case.handler is None


def test_wu06_a_spoken_complaint_is_taken_down_by_staff_and_recorded_with_who_took_it():
    """WU-06: a verbal formal complaint is taken down as a statement; who took it is recorded."""
    with travel(dt.date(2026, 12, 21)):
        union = organisation_running("workers-union")
        supervisor = staff(union, "intake_staff")
        case = register(union, supervisor, channel="oral", description="Statement: the member says ...")
        received = case.events.get(kind="received")
        assert (case.channel, received.actor, received.actor_role) == ("oral", supervisor, "intake_staff")
        assert received.data["channel"] == "oral"


def test_staff_record_the_complainants_request_on_their_behalf():
    """WU-11: if the complainant is not satisfied, the board is notified (the request is recorded by staff)."""
    with travel(dt.date(2026, 12, 21)):
        union = organisation_running("workers-union")
        intake, manager = staff(union, "intake_staff"), staff(union, "manager")
        case = register(union, intake)
        case = case_act(case=case, actor=intake, action="formal_requested")
        case = case_act(case=case, actor=manager, action="acknowledged")
        case = case_act(
            case=case,
            actor=manager,
            action="decided",
            data={"explanation": "Findings.", "hearing_skipped_reason": "Not reached.", "outcome": "unfounded"},
        )
    with travel(dt.date(2027, 1, 11)):
        case = case_act(case=case, actor=intake, action="escalated", on_behalf_of="complainant")
        escalation = case.events.get(kind="escalated")
        assert (case.stage, escalation.actor, escalation.actor_role) == ("board", intake, "complainant")
        # the board answers within four weeks of the escalation
        assert case.terms.get(key="board_response").due == dt.date(2027, 2, 8)


def test_wp06_agreements_are_recorded_and_followed_up_until_kept():
    """WP-06: the agreed solution is confirmed in writing and the manager sees that the agreements are kept."""
    with travel(dt.date(2026, 4, 20)):
        werkpro = organisation_running("werkpro")
        manager = staff(werkpro, "manager")
        case = register(werkpro, staff(werkpro, "intake_staff"))
        assert case.stage == "manager"
        # When the manager records the agreement with an owner and a follow-up date
        case = case_act(
            case=case,
            actor=manager,
            action="agreement_recorded",
            data={
                "description": "Weekly call with the job coach",
                "owner": person_of(manager).pk,
                "follow_up_on": "2026-06-01",
            },
        )
        # Then it is kept for follow-up, and the written confirmation is due
        agreement = FollowUp.objects.get(case=case)
        assert (agreement.kind, agreement.owner, agreement.follow_up_on) == (
            "agreement",
            person_of(manager),
            dt.date(2026, 6, 1),
        )
        assert "agreement_confirmation" in [letter.key for letter in case_view(case=case).letters_due]
    with travel(dt.date(2026, 6, 1)):
        # and when it has been kept, the manager records so
        case_act(case=case, actor=manager, action="measure_completed", data={"follow_up": agreement.pk})
        agreement.refresh_from_db()
        assert agreement.completed_on == dt.date(2026, 6, 1)
        # and an unknown follow-up is refused per field
        with pytest.raises(InvalidInput) as refused:
            case_act(case=case, actor=manager, action="measure_completed", data={"follow_up": 999})
        assert set(refused.value.errors) == {"follow_up"}


def test_history_is_append_only():
    with travel(dt.date(2026, 4, 20)):
        xs = organisation_running("xs2more")
        event = register(xs, staff(xs, "intake_staff")).events.get()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_an_action_cannot_be_dated_before_the_last_event_or_in_the_future():
    with travel(dt.date(2026, 4, 22)):
        xs = organisation_running("xs2more")
        intake = staff(xs, "intake_staff")
        case = register(xs, intake)
        with pytest.raises(InvalidInput):
            case_act(case=case, actor=intake, action="acknowledged", on=dt.date(2026, 4, 23))
        with pytest.raises(ActionNotAllowed):
            case_act(case=case, actor=intake, action="acknowledged", on=dt.date(2026, 4, 21))
        case = case_act(case=case, actor=intake, action="acknowledged", on=dt.date(2026, 4, 22))
        assert case.terms.get(key="acknowledgement").met_on == dt.date(2026, 4, 22)


@time_machine.travel(APRIL_20, tick=False)
def test_wp24_a_complainant_group_the_procedure_excludes_cannot_file():
    """WP-24: consumers of the catering and the second-hand shops may not use WerkPro's complaints regulation."""
    # Given WerkPro
    werkpro = organisation_running("werkpro")
    intake = staff(werkpro, "intake_staff")
    # When a guest of a catering business files a complaint
    guest = PartyInput(role="complainant", name="Restaurant guest", group="catering_guests")
    with pytest.raises(ActionNotAllowed) as refused:
        register(werkpro, intake, complainant=guest)
    # Then it is refused with the reason, and nothing is stored
    assert "WP-24" in refused.value.text("en")
    assert Case.objects.count() == 0
    # while a participant may
    participant = PartyInput(role="complainant", name="Deelnemer", group="participants")
    assert register(werkpro, intake, complainant=participant).stage == "manager"


def test_a_missing_or_wrong_outcome_is_an_error_on_that_field():
    """XS-07: management judges the complaint well-founded or unfounded; anything else is refused on the field."""
    with travel(dt.date(2026, 4, 20)):
        xs = organisation_running("xs2more")
        intake, management = staff(xs, "intake_staff"), staff(xs, "senior_manager")
        case = register(xs, intake)
        case = case_act(case=case, actor=intake, action="escalated")
        case = case_act(case=case, actor=management, action="handling_started")
        # When management decides without an outcome, or with one the stage does not know
        given = {"explanation": "Findings.", "hearing_skipped_reason": "Nobody to hear."}
        for data in (given, {"outcome": "agreement", **given}):
            with pytest.raises(InvalidInput) as refused:
                case_act(case=case, actor=management, action="decided", data=data)
            # Then the error is on the outcome field and names the choices, and nothing is recorded
            assert list(refused.value.errors) == ["outcome"]
            assert "well_founded" in str(refused.value.errors["outcome"][0])
        assert not case.events.filter(kind="decided").exists()


@time_machine.travel(APRIL_20, tick=False)
def test_an_idempotency_key_reused_for_another_request_is_refused():
    # Given a case registered with an idempotency key
    from plaint.cases.services import IdempotencyKeyReused, Registration, case_register

    xs = organisation_running("xs2more")
    intake = staff(xs, "intake_staff")

    def registration(description: str) -> Registration:
        return Registration(
            kind="complaint",
            channel="phone",
            description=description,
            complainant=PartyInput(role="complainant", name="Sam"),
        )

    first = case_register(organisation=xs, registration=registration("A"), actor=intake, idempotency_key="k-1")
    # When the same request is retried, then the same case comes back
    again = case_register(organisation=xs, registration=registration("A"), actor=intake, idempotency_key="k-1")
    assert again.pk == first.pk and Case.objects.count() == 1
    # and when the key is reused for a different complaint, it is refused
    with pytest.raises(IdempotencyKeyReused):
        case_register(organisation=xs, registration=registration("B"), actor=intake, idempotency_key="k-1")
    assert Case.objects.count() == 1


def test_a_back_dated_action_judges_its_terms_today():
    # Given a case received on 20 April 2026 (acknowledgement due 4 May), recorded on 6 May
    with travel(dt.date(2026, 5, 6)):
        xs = organisation_running("xs2more")
        intake = staff(xs, "intake_staff")
        case = register(xs, intake, received_at=dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC))
        # When an action is recorded as having happened on 21 April
        case = case_act(case=case, actor=intake, action="escalated", on=dt.date(2026, 4, 21))
    # Then the acknowledgement, still not sent, is missed already, without waiting for the sweep
    assert case.terms.get(key="acknowledgement").state == "missed"
    assert case.terms.get(key="handling").state == "pending"


def test_record_events_are_never_words_of_the_procedure_vocabulary():
    """The engine must never mistake a record event (an upload, a consent) for a step of the procedure."""
    from plaint.cases.services import RECORD_EVENTS
    from plaint.engine import vocabulary

    assert not set(RECORD_EVENTS) & set(vocabulary.EVENTS)


@time_machine.travel(APRIL_20, tick=False)
def test_the_no_procedure_refusal_names_the_day_in_dutch_too():
    from django.utils import translation

    organisation = OrganisationFactory(name="Nowhere Ltd")
    with pytest.raises(NoProcedure) as refused:
        register(organisation, None)
    with translation.override("nl"):
        assert "20 april 2026" in refused.value.text("nl")


@pytest.mark.clause("WV-02", "WP-23")
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 23:59 in Amsterdam on 19 April: the day the caller found the procedure on; its procedure, not looked up
        (dt.datetime(2026, 4, 19, 21, 59, tzinfo=dt.UTC), "xs2more"),
        # 00:01 in Amsterdam on 20 April: past midnight, the new adoption governs; looked up again
        (dt.datetime(2026, 4, 19, 22, 1, tzinfo=dt.UTC), "workers-union"),
    ],
)
def test_a_procedure_the_caller_found_is_used_only_for_its_own_day(moment, expected):
    """`in_force` (the portal's page already found the procedure): reused when the case is received that day, looked
    up again when the request crossed midnight in the organisation's time zone and another adoption starts."""
    from plaint.cases.registration_services import InForce, Registration, case_register_once
    from plaint.procedures.selectors import procedure_definition
    from tests.organisations.factories import AdoptionFactory

    xs = organisation_running("xs2more", reference_prefix="XS")
    AdoptionFactory(organisation=xs, procedure_id="workers-union", version=1, active_from=dt.date(2026, 4, 20))
    found = InForce(dt.date(2026, 4, 19), procedure_definition(procedure_id="xs2more", version=1))
    registration = Registration(
        kind="complaint",
        channel="web_form",
        description="The coach did not turn up.",
        complainant=PartyInput(role="complainant", name="Sam Taylor", email="sam@example.org"),
    )
    with time_machine.travel(moment, tick=False):
        registered = case_register_once(organisation=xs, registration=registration, actor=None, in_force=found)
    assert registered.case.procedure_id == expected
    assert registered.created and registered.view is not None
    # The registration's view is what the case's events say on its day of receipt.
    with time_machine.travel(moment, tick=False):
        assert registered.view == case_view(case=registered.case)
