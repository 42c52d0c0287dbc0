"""Notifications to staff (issue 14): `notification.*` effects are sent as emails through the outbox, once, in the
person's language, with only a reference and a link to the workspace case page. Sent through a real SMTP server."""

from __future__ import annotations

from unittest import mock

import pytest

from plaint.cases.effects import effect_handle
from plaint.cases.models import Case, Effect, EffectState
from plaint.cases.services import case_act
from plaint.correspondence import notifications
from plaint.correspondence.models import EmailKind, EmailStatus, OutboundEmail
from plaint.organisations.models import Membership
from plaint.organisations.services import membership_save
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class WerkPro:
    """WerkPro's regulation (the manager handles, WP-02): a desk, a Dutch manager and an English one."""

    def __init__(self) -> None:
        self.organisation = organisation_running("werkpro", reference_prefix="WP")
        self.desk = staff(self.organisation, "intake_staff", name="Dirk Desk")
        self.manager = staff(self.organisation, "manager", name="Ulrich Unit")
        self.colleague = staff(self.organisation, "manager", name="Lena Line")
        _speaks(self.manager, "nl", "ulrich@werkpro.example")
        _speaks(self.colleague, "en", "lena@werkpro.example")


@pytest.fixture
def werkpro(db, frozen) -> WerkPro:
    return WerkPro()


def _speaks(user, language: str, email: str) -> None:
    person = person_of(user)
    person.language = language
    person.email = email
    person.save()


@pytest.mark.clause("XS-19")
def test_the_person_given_a_case_gets_one_email_in_their_language_with_a_link_and_nothing_sensitive(
    werkpro, smtp, django_capture_on_commit_callbacks, settings
):
    settings.PLAINT_SITE_URL = "https://plaint.example"
    # Given a complaint about a worker, and a Dutch-speaking manager
    case = register(werkpro.organisation, werkpro.desk, description="Wendy shouted at me in the corridor.")
    # When the line manager gives the case to the unit manager (Dutch)
    with django_capture_on_commit_callbacks(execute=True):
        case_act(
            case=case,
            actor=werkpro.colleague,
            action="handler_assigned",
            data={"handler": person_of(werkpro.manager).pk},
        )
    # Then one email reached the unit manager through SMTP, in Dutch
    (message,) = smtp.mailbox.messages
    assert message["To"].addresses[0].addr_spec == "ulrich@werkpro.example"
    assert message["Subject"] == f"Zaak {case.reference} is aan u toegewezen"
    text = message.get_content()
    assert "Beste Ulrich Unit" in text and case.reference in text
    assert f"https://plaint.example/nl/workspace/cases/{case.pk}/" in text  # the case page, in Dutch
    # with nothing of what the complaint says or who made it
    for secret in ("shouted", "Sam Taylor", "sam@example.org", "corridor"):
        assert secret not in message.as_string(), secret
    # the effect is done and names the email; the outbox row is a sent notification
    (effect,) = Effect.objects.filter(case=case, kind="notification.handler_assigned")
    assert effect.state == EffectState.DONE
    (email,) = OutboundEmail.objects.filter(kind=EmailKind.NOTIFICATION)
    assert effect.result["emails"] == [{"id": email.pk, "person": person_of(werkpro.manager).pk}]
    assert (email.status, email.language, email.case_id) == (EmailStatus.SENT, "nl", case.pk)


@pytest.mark.clause("XS-19")
def test_an_english_speaker_gets_the_english_text(werkpro, smtp, django_capture_on_commit_callbacks):
    case = register(werkpro.organisation, werkpro.desk)
    with django_capture_on_commit_callbacks(execute=True):
        case_act(
            case=case,
            actor=werkpro.manager,
            action="handler_assigned",
            data={"handler": person_of(werkpro.colleague).pk},
        )
    (message,) = smtp.mailbox.messages
    assert message["Subject"] == f"Case {case.reference} is now yours"
    assert "Dear Lena Line" in message.get_content() and "You have been given case" in message.get_content()


def test_a_job_run_twice_and_a_crashed_worker_send_each_email_once(werkpro, smtp, django_capture_on_commit_callbacks):
    # Given a case given to the unit manager, whose notification's first attempt crashes after queueing the email
    case = register(werkpro.organisation, werkpro.desk)
    real = notifications.email_queue
    calls = []

    def crash_after_queueing(**kwargs):
        email = real(**kwargs)
        calls.append(email.pk)
        if len(calls) == 1:
            raise ConnectionError("worker died")
        return email

    with mock.patch.object(notifications, "email_queue", side_effect=crash_after_queueing):
        with django_capture_on_commit_callbacks(execute=True):
            case_act(
                case=case,
                actor=werkpro.colleague,
                action="handler_assigned",
                data={"handler": person_of(werkpro.manager).pk},
            )
        # Then the crash rolled the queued email back with the claim: nothing went out, the effect waits
        (effect,) = Effect.objects.filter(case=case, kind="notification.handler_assigned")
        assert effect.state == EffectState.PENDING and "worker died" in effect.last_error
        assert OutboundEmail.objects.count() == 0 and smtp.mailbox.messages == []
        # When the retry comes (due now) and then a stray second job
        Effect.objects.filter(pk=effect.pk).update(next_attempt_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            effect_handle(effect_id=effect.pk)
        with django_capture_on_commit_callbacks(execute=True):
            assert effect_handle(effect_id=effect.pk) is None
    # Then exactly one email was sent
    assert len(smtp.mailbox.messages) == 1
    assert OutboundEmail.objects.filter(kind=EmailKind.NOTIFICATION).count() == 1


@pytest.mark.clause("WV-03", "WA-11", "WP-04")
def test_the_no_eligible_handler_notice_reaches_the_officers_who_may_hand_over(
    smtp, frozen, django_capture_on_commit_callbacks
):
    # Given a firm serving a client, and a confidential case handled by one officer
    firm = OrganisationFactory(provider=True)
    client = organisation_running("werk-in-vertrouwen", served_by=firm)
    officer = staff(firm, "complaints_officer", name="Olga Officer")
    colleague = staff(firm, "complaints_officer", name="Cor Collega")
    admin = staff(firm, "administrator", name="Ada Admin")
    desk = staff(client, "intake_staff")
    _speaks(colleague, "nl", "cor@firm.example")
    _speaks(admin, "en", "ada@firm.example")
    _speaks(officer, "en", "olga@firm.example")
    case = register(client, desk, confidentiality="confidential", description="Bullying by the team leader.")
    case = case_act(case=case, actor=officer, action="handler_assigned", data={"handler": person_of(officer).pk})
    smtp.mailbox.messages.clear()
    OutboundEmail.objects.all().delete()
    # When the officer leaves the firm
    membership = Membership.objects.get(person=person_of(officer), organisation=firm)
    membership.ended_on = Case.objects.get(pk=case.pk).received_on
    with django_capture_on_commit_callbacks(execute=True):
        membership_save(membership=membership)
    # Then the colleague (who may hand it over) is told, in Dutch; not the administrator, not the one who left
    (message,) = smtp.mailbox.messages
    assert message["To"].addresses[0].addr_spec == "cor@firm.example"
    assert message["Subject"] == f"Zaak {case.reference}: niemand mag deze behandelen"
    text = message.get_content()
    assert "is vertrokken" in text and f"/nl/workspace/cases/{case.pk}/" in text
    assert "Bullying" not in message.as_string()
