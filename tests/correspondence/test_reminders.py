"""Reminders and escalations (issue 11): one digest per person per working day, in their language, never on a
weekend or public holiday, each reminder once, however often the sweep runs. The week of Ascension Day 2026
(Thursday 14 May) in the Netherlands."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from plaint.cases.models import Case, Term, TermState
from plaint.correspondence.models import OutboundEmail, Reminder
from plaint.correspondence.reminders import reminders_sweep
from plaint.organisations.models import Membership
from tests.cases.factories import organisation_running, register
from tests.organisations.factories import PersonFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.fixture
def setting(db):
    with time_machine.travel(at(4), tick=False):
        organisation = organisation_running("xs2more")
        manager = PersonFactory(name="Mira Manager", email="mira@example.nl", language="en")
        handler = PersonFactory(name="Henk Handler", email="henk@example.nl", language="nl")
        Membership.objects.create(person=manager, organisation=organisation)
        Membership.objects.create(person=handler, organisation=organisation, line_manager=manager)
        cases = []
        for _number in range(2):
            case = register(organisation, None)
            Case.objects.filter(pk=case.pk).update(handler=handler)
            Term.objects.filter(case=case).delete()
            Term.objects.create(
                case=case, key="decision", anchor="received", started_on=dt.date(2026, 5, 4), due=dt.date(2026, 5, 18)
            )
            cases.append(case)
    return organisation, handler, manager, cases


def sweep_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return reminders_sweep()


def test_the_handler_is_reminded_two_working_days_before_once_in_one_digest_in_dutch(setting):
    _organisation, handler, _manager, cases = setting

    # Mon 11 and Tue 12 May: the term (Mon 18) is more than two working days away (Thu 14 is Ascension Day)
    assert sweep_at(at(11)) == 0
    assert sweep_at(at(12, 23, 59)) == 0  # just before midnight in Amsterdam (21:59 UTC)
    # Wed 13 May, just after midnight in Amsterdam (still Tuesday 22:01 in UTC): two working days left
    assert sweep_at(at(13, 0, 1)) == 1
    assert sweep_at(at(13, 10)) == 0  # running again sends nothing twice

    digest = OutboundEmail.objects.get(kind="reminder_digest")
    assert digest.recipient == handler and digest.language == "nl"
    assert digest.subject == "Uw herinneringen voor 13 mei 2026"
    assert all(case.reference in digest.body_text for case in cases)  # one digest, both cases
    assert "18 mei 2026" in digest.body_text
    # Thursday (holiday), Friday and the weekend: nothing new
    for day in (14, 15, 16, 17):
        assert sweep_at(at(day)) == 0
    assert OutboundEmail.objects.filter(kind="reminder_digest").count() == 1


def test_a_missed_term_is_escalated_to_the_manager_once_on_the_next_working_day_in_english(setting):
    _organisation, _handler, manager, cases = setting
    sweep_at(at(13))
    Term.objects.filter(case__in=cases).update(state=TermState.MISSED)

    assert sweep_at(at(16)) == 0  # Saturday
    assert sweep_at(at(19)) == 1
    assert sweep_at(at(19, 16)) == 0
    assert sweep_at(at(20)) == 0

    escalation = OutboundEmail.objects.get(kind="reminder_digest", recipient=manager)
    assert escalation.language == "en"
    assert escalation.subject == "Your reminders for 19 May 2026"
    assert "Henk Handler" in escalation.body_text and "missed" in escalation.body_text
    assert Reminder.objects.filter(kind="term_missed").count() == 2


def test_plaint_reminders_sweep_reports_what_it_queued(setting):
    out = StringIO()
    with time_machine.travel(at(13), tick=False):
        call_command("reminders", "sweep", stdout=out)
    assert out.getvalue().strip() == "digests queued: 1"


def test_a_missed_response_term_prompts_the_explanation_letter_to_the_handler_wu_10(db):
    london = ZoneInfo("Europe/London")
    with time_machine.travel(dt.datetime(2026, 5, 4, 9, tzinfo=london), tick=False):
        organisation = organisation_running("workers-union")
        handler = PersonFactory(name="Hana Handler", email="hana@example.org", language="en")
        Membership.objects.create(person=handler, organisation=organisation)
        case = register(organisation, None)
        Case.objects.filter(pk=case.pk).update(handler=handler)
        Term.objects.filter(case=case).delete()
        Term.objects.create(
            case=case,
            key="response",
            anchor="formal_requested",
            started_on=dt.date(2026, 4, 1),
            due=dt.date(2026, 4, 29),
            state=TermState.MISSED,
        )

    with time_machine.travel(dt.datetime(2026, 5, 5, 9, tzinfo=london), tick=False):
        assert reminders_sweep() == 1
        assert reminders_sweep() == 0
    with time_machine.travel(dt.datetime(2026, 5, 6, 9, tzinfo=london), tick=False):
        assert reminders_sweep() == 0

    digest = OutboundEmail.objects.get(kind="reminder_digest")
    assert digest.recipient == handler
    assert "explain to the complainant why" in digest.body_text
    assert Reminder.objects.get().kind == "explanation_letter"


def test_plaint_sweep_marks_a_passed_term_missed_and_escalates_it_in_one_run(setting):
    _organisation, _handler, manager, cases = setting
    out = StringIO()
    with time_machine.travel(at(19), tick=False):  # Tuesday 19 May: the terms ended on Monday 18
        call_command("sweep", stdout=out)
        call_command("sweep", stdout=out)  # twice: nothing twice
    assert Term.objects.filter(case__in=cases, state=TermState.MISSED).count() >= 2  # the case refresh recomputes them
    assert out.getvalue().count("digests queued: 0") == 1
    (escalation,) = OutboundEmail.objects.filter(kind="reminder_digest", recipient=manager)
    assert all(case.reference in escalation.body_text for case in cases)
