"""The case page shows what the case set in motion and is not done (letters, notifications; failed ones with "Try
again") and the outbox status of its emails (failed and unconfirmed ones with "Send again"); both are a person's
audited decision through `effect_retry` and `email_resend`, refused with a message saying what is allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Effect, EffectState
from plaint.cases.services import case_act
from plaint.correspondence.models import EmailStatus, OutboundEmail
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def xs():
    with at(DAY):
        org = organisation_running("xs2more", name="Xs2more")
        intake = staff(org, "intake_staff", "complaints_officer", name="Ida Intake")
        case = register(org, intake, summary="Coach absent")
        case = case_act(case=case, actor=intake, action="acknowledged")
    return {"org": org, "intake": intake, "case": case}


def _email(case, status: str, n: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        organisation=case.organisation,
        case=case,
        kind="portal_confirmation",
        recipient_name="Piet Klager",
        recipient_email="piet@example.org",
        language="nl",
        subject=f"Uw klacht {n}",
        body_text="...",
        dedupe_key=f"test:{n}",
        message_id=f"<test-{n}@plaint>",
        status=status,
        next_attempt_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        created_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        updated_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        last_error="550 No such user" if status == EmailStatus.FAILED else "",
    )


def test_effects_not_done_and_emails_are_on_the_case_page(client, xs):
    case = xs["case"]
    assert Effect.objects.filter(case=case).exclude(state=EffectState.DONE).exists()
    _email(case, EmailStatus.SENT, 1)
    _email(case, EmailStatus.FAILED, 2)
    login_verified(client, xs["intake"])
    with at(DAY):
        body = client.get(f"/workspace/cases/{case.pk}/").content.decode()
        nl = client.get(f"/nl/workspace/cases/{case.pk}/").content.decode()
    assert "Letters and notifications under way" in body and 'id="effects"' in body
    assert "Uw klacht 1" in body and "Uw klacht 2" in body and "550 No such user" in body
    assert body.count("Send again") == 1  # only the failed one
    assert "Brieven en meldingen onderweg" in nl and "Opnieuw versturen" in nl


def test_send_a_failed_email_again_audited_and_a_sent_one_refused(client, xs, django_capture_on_commit_callbacks):
    case = xs["case"]
    sent, failed = _email(case, EmailStatus.SENT, 1), _email(case, EmailStatus.FAILED, 2)
    login_verified(client, xs["intake"])
    with at(DAY):
        response = client.post(f"/workspace/cases/{case.pk}/emails/{failed.pk}/resend/", follow=True)
        assert "is queued to be sent again" in response.content.decode()
        failed.refresh_from_db()
        assert failed.status == EmailStatus.QUEUED
        assert AuditRecord.objects.filter(action="email.resend_requested", target_id=str(failed.pk)).exists()
        body = client.post(f"/workspace/cases/{case.pk}/emails/{sent.pk}/resend/", follow=True).content.decode()
    assert "Only a failed email, or one whose sending is unconfirmed, is sent again." in body
    sent.refresh_from_db()
    assert sent.status == EmailStatus.SENT


def test_try_a_failed_effect_again(client, xs):
    case = xs["case"]
    effect = Effect.objects.filter(case=case).first()
    login_verified(client, xs["intake"])
    with at(DAY):
        body = client.post(f"/workspace/cases/{case.pk}/effects/{effect.pk}/retry/", follow=True).content.decode()
        assert "Only a failed letter or notification is tried again" in body
        Effect.objects.filter(pk=effect.pk).update(state=EffectState.FAILED, last_error="boom", attempts=6)
        assert "Try again" in client.get(f"/workspace/cases/{case.pk}/").content.decode()
        client.post(f"/workspace/cases/{case.pk}/effects/{effect.pk}/retry/")
    effect.refresh_from_db()
    assert effect.state == EffectState.PENDING
    assert AuditRecord.objects.filter(action="case.effect.retry_requested", target_id=str(case.pk)).exists()


def test_other_cases_emails_and_effects_and_people_who_may_not_act(client, xs):
    case = xs["case"]
    with at(DAY):
        other = register(xs["org"], xs["intake"], summary="Other")
    email = _email(other, EmailStatus.FAILED, 3)
    login_verified(client, xs["intake"])
    with at(DAY):
        body = client.post(f"/workspace/cases/{case.pk}/emails/{email.pk}/resend/", follow=True).content.decode()
        assert "That email is not one of this case" in body
        assert client.post(f"/workspace/cases/{case.pk}/effects/99999/retry/", follow=True).status_code == 200
        assert client.get(f"/workspace/cases/{case.pk}/emails/{email.pk}/resend/").status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    stranger = staff(organisation_running("werkpro"), "handler")
    login_verified(client, stranger)
    assert client.post(f"/workspace/cases/{other.pk}/emails/{email.pk}/resend/").status_code == 404
