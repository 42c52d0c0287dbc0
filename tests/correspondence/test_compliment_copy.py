"""WU-01: a compliment is recorded, acknowledged, and a copy goes to the relevant service manager. Sent through a
real SMTP server in the test process, in the manager's language, and recorded in the case and the audit trail."""

from __future__ import annotations

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.errors import ActionNotAllowed, StaleCase
from plaint.cases.models import CaseEvent
from plaint.cases.services import PartyInput, case_act
from plaint.correspondence.errors import NoServiceManager, NotACompliment, RecipientWithoutEmail
from plaint.correspondence.models import EmailStatus, OutboundEmail
from plaint.correspondence.services import compliment_forward, compliment_recipients
from plaint.organisations.models import Membership
from tests.cases.factories import person_of, register

pytestmark = pytest.mark.django_db


def _forward(union, case, **kwargs):
    return compliment_forward(case=case, actor=union.desk, **kwargs)


@pytest.mark.clause("WU-01")
def test_the_copy_reaches_the_unit_manager_and_the_line_manager_in_their_languages(
    union, smtp, django_capture_on_commit_callbacks
):
    # Given a compliment about a staff member (line manager: Lena, English) and a unit (manager: Ulrich, Dutch),
    # acknowledged
    case = union.compliment(union.about_worker(), union.about_unit())
    case = case_act(case=case, actor=union.desk, action="acknowledged")
    # when the desk sends the copy to the service managers
    with django_capture_on_commit_callbacks(execute=True):
        forwarded = _forward(union, case, note="Passed on")
    # then each manager received one email through SMTP
    by_address = {message["To"].addresses[0].addr_spec: message for message in smtp.mailbox.messages}
    assert sorted(by_address) == ["lena@union.example", "ulrich@union.example"]
    english, dutch = by_address["lena@union.example"], by_address["ulrich@union.example"]
    # in their own language, with the reference, the date of receipt, who it is about and what was said
    assert english["Subject"] == f"Compliment {case.reference} about Wendy Worker"
    text = english.get_content()
    assert "Dear Lena Line" in text and case.reference in text and "17 March 2026" in text
    assert "About: Wendy Worker" in text and "I felt listened to." in text and "Summary: Thanks for the help" in text
    assert dutch["Subject"] == f"Compliment {case.reference} over Member Support"
    text = dutch.get_content()
    assert "Beste Ulrich Unit" in text and "17 maart 2026" in text and "Over: Member Support" in text
    assert "Wat er werd gezegd" in text
    # but not who sent it, nor their contact details
    for message in smtp.mailbox.messages:
        assert "Sam Taylor" not in message.as_string() and "sam@example.org" not in message.as_string()
    # the outbox rows are sent, and the case records the action and the forwarding (without the text)
    assert {email.status for email in OutboundEmail.objects.all()} == {EmailStatus.SENT}
    assert [email.language for email in forwarded.emails] == ["en", "nl"]
    events = list(CaseEvent.objects.filter(case=case).order_by("sequence"))
    assert [event.kind for event in events][-3:] == ["report_shared", "compliment_forwarded", "letter_sent"]
    shared, record, letter = events[-3], events[-2], events[-1]
    # the procedure's `compliment_copy` letter is recorded as sent, with the emails that carry it
    assert letter.data == {"letter": "compliment_copy", "emails": [email.pk for email in forwarded.emails]}
    assert shared.note == "Passed on" and shared.actor == union.desk
    assert [item["because"] for item in shared.data["recipients"]] == ["line_manager", "unit_manager"]
    assert shared.data["shared_with"] == ["Lena Line", "Ulrich Unit"]
    assert record.data["emails"] == [email.pk for email in forwarded.emails]
    assert "listened" not in str(record.data)
    assert all(email.event_id == shared.pk for email in forwarded.emails)
    # the audit trail has the action and each send
    actions = list(AuditRecord.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert "case.action.report_shared" in actions and actions.count("email.sent") == 2
    # and the procedure now lets the compliment be closed
    case = case_act(case=case, actor=union.desk, action="closed", data={"outcome": "noted"})
    assert case.status == "closed"


@pytest.mark.clause("WU-01")
def test_a_compliment_about_nobody_in_particular_goes_to_the_managers(union, smtp, django_capture_on_commit_callbacks):
    # Given a compliment about the service in general
    case = union.compliment()
    # when its copy is sent, then the holders of the manager role receive it
    with django_capture_on_commit_callbacks(execute=True):
        forwarded = _forward(union, case)
    assert sorted(email.recipient_email for email in forwarded.emails) == ["lena@union.example", "ulrich@union.example"]
    assert len(smtp.mailbox.messages) == 2
    assert "about our service" in next(m for m in smtp.mailbox.messages if "lena" in m["To"]).get_content()


def test_a_person_without_line_manager_falls_back_to_the_other_managers(union):
    # Given a compliment about Lena, a manager without a line manager
    case = union.compliment(PartyInput(role="subject", person_id=person_of(union.line_manager).pk))
    # then the copy goes to the other manager, never to Lena herself
    recipients = compliment_recipients(case=case)
    assert [(item.person.name, item.because) for item in recipients] == [("Ulrich Unit", "manager_role")]


def test_nobody_to_send_to_is_refused_naming_what_to_add(union, smtp, django_capture_on_commit_callbacks):
    # Given a compliment about a staff member without line manager, in an organisation whose managers left
    Membership.objects.filter(person=person_of(union.worker)).update(line_manager=None)
    Membership.objects.filter(person__in=[person_of(union.line_manager), person_of(union.unit_manager)]).delete()
    case = union.compliment(union.about_worker())
    # when the copy is asked for, then it is refused, saying what to add, and nothing is recorded or queued
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NoServiceManager) as refused:
        _forward(union, case)
    assert "No manager is known for Wendy Worker" in refused.value.text("en")
    assert "Wendy Worker" in refused.value.text("nl") and "lijnmanager" in refused.value.text("nl")
    assert OutboundEmail.objects.count() == 0 and smtp.mailbox.messages == []
    assert not CaseEvent.objects.filter(case=case, kind="report_shared").exists()


def test_a_manager_without_email_address_is_named(union):
    # Given the unit's manager has no email address
    person = person_of(union.unit_manager)
    person.email = ""
    person.save()
    case = union.compliment(union.about_unit())
    # then the copy is refused, naming them
    with pytest.raises(RecipientWithoutEmail) as refused:
        _forward(union, case)
    assert "Ulrich Unit" in refused.value.text("en")
    assert OutboundEmail.objects.count() == 0


def test_a_refused_action_queues_nothing(union, smtp, django_capture_on_commit_callbacks):
    # Given a compliment someone else acted on since the desk loaded it
    case = union.compliment(union.about_worker())
    seen = case.version
    case_act(case=case, actor=union.desk, action="acknowledged")
    # when the desk sends the copy with the version it saw, then the action is refused and everything rolls back
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(StaleCase):
        _forward(union, case, expected_version=seen)
    # and once the compliment is closed, the procedure refuses the copy
    case = union.compliment(union.about_worker())
    with django_capture_on_commit_callbacks(execute=True):
        _forward(union, case)
    case = case_act(case=case, actor=union.desk, action="acknowledged")
    case = case_act(case=case, actor=union.desk, action="closed", data={"outcome": "noted"})
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionNotAllowed):
        _forward(union, case)
    assert OutboundEmail.objects.count() == 1 and len(smtp.mailbox.messages) == 1
    assert CaseEvent.objects.filter(kind="compliment_forwarded").count() == 1


def test_only_a_compliment_is_forwarded(union):
    complaint = register(union.organisation, union.desk)
    with pytest.raises(NotACompliment):
        _forward(union, complaint)


def test_anonymising_the_case_blanks_its_emails_and_stops_those_still_waiting(union):
    """What the case no longer holds, its outbox may not keep either (docs/privacy.md)."""
    from plaint.privacy.services import ANONYMISED, case_anonymise

    # Given a compliment whose copy is still waiting in the outbox (the job never ran), and the case closed
    case = union.compliment(union.about_worker())
    case = case_act(case=case, actor=union.desk, action="acknowledged")
    _forward(union, case)
    case = case_act(case=case, actor=union.desk, action="closed", data={"outcome": "noted"})
    # When the case is anonymised
    case_anonymise(case=case, actor=None, reason="Retention period passed")
    # Then the email neither holds what was said nor goes out any more; to whom it was addressed stays on record
    email = OutboundEmail.objects.get(case=case)
    assert (email.subject, email.body_text, email.body_html) == (ANONYMISED, ANONYMISED, "")
    assert email.status == EmailStatus.FAILED and email.last_error == "case anonymised"
    assert email.recipient_email == "lena@union.example"


@pytest.mark.clause("WU-01")
def test_the_copy_is_an_effect_of_the_action_retried_until_it_can_be_sent(union, smtp):
    """One path (issue 9): `case_act(report_shared)` by any caller writes the letter's effect; its handler sends the
    copy once, and a failure between the action and the job leaves it visible and retried."""
    import datetime as dt

    import time_machine

    from plaint.cases.effects import effects_sweep
    from plaint.cases.models import Effect
    from plaint.core import clock

    # Given a compliment whose copy is shared through the plain action, the job not yet run
    case = union.compliment(union.about_worker())
    case_act(case=case, actor=union.desk, action="report_shared")
    effect = Effect.objects.get(case=case, kind="letter.compliment_copy")
    assert effect.state == "pending" and effect.event.kind == "report_shared"
    # and the line manager's email address removed before the worker gets to it
    lena = person_of(union.line_manager)
    lena.email, address = "", lena.email
    lena.save()
    # When the sweep handles it, then it fails: nothing is queued, the effect shows why and waits for a retry
    effects_sweep()
    effect.refresh_from_db()
    assert (effect.state, effect.attempts) == ("pending", 1) and "Lena Line" in effect.last_error
    assert OutboundEmail.objects.count() == 0
    assert not CaseEvent.objects.filter(case=case, kind="compliment_forwarded").exists()
    # When the address is back and the retry is due
    lena.email = address
    lena.save()
    with time_machine.travel(clock.now() + dt.timedelta(minutes=2), tick=False):
        effects_sweep()
        effects_sweep()
    # then the copy is queued once, the letter recorded as sent, and the effect done
    effect.refresh_from_db()
    assert (effect.state, effect.attempts) == ("done", 2)
    assert [email.recipient_email for email in OutboundEmail.objects.all()] == ["lena@union.example"]
    kinds = list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True))
    assert kinds[-3:] == ["report_shared", "compliment_forwarded", "letter_sent"]
