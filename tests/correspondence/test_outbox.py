"""The outbox against a real SMTP server: queued in the caller's transaction, sent once, retried on a temporary
failure, failed on a permanent one, and never sent twice when a worker stops in the middle (docs/correspondence.md)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction

from plaint.access.models_audit import AuditRecord
from plaint.core import clock
from plaint.correspondence import services
from plaint.correspondence.models import EmailStatus, OutboundEmail
from plaint.correspondence.tasks import outbox_sweep, send_email
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _queue(key: str = "test:1", **fields) -> OutboundEmail:
    organisation = fields.pop("organisation", None) or OrganisationFactory()
    return services.email_queue(
        organisation=organisation,
        kind="compliment_copy",
        dedupe_key=key,
        recipient_email=fields.pop("recipient_email", "manager@union.example"),
        recipient_name="Mary Manager",
        language="en",
        subject="A compliment",
        body_text="Well done.\n",
        **fields,
    )


def _audited(email: OutboundEmail) -> list[str]:
    return list(
        AuditRecord.objects.filter(target_type="email", target_id=str(email.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_queued_email_is_sent_once_the_transaction_commits(smtp, frozen, django_capture_on_commit_callbacks):
    # Given an email queued in a transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email = _queue()
        # then nothing is sent before the transaction commits
        assert smtp.mailbox.messages == []
    # when it commits, the send job runs (in-process: the test settings make Huey immediate)
    assert len(callbacks) == 1
    email.refresh_from_db()
    # then it went through SMTP once, with the Message-ID fixed when it was queued
    assert email.status == EmailStatus.SENT and email.attempts == 1 and email.sent_at == clock.now()
    assert len(smtp.mailbox.messages) == 1
    message = smtp.mailbox.messages[0]
    assert message["Message-ID"] == email.message_id and email.message_id.endswith("@union.example>")
    assert message["To"] == "Mary Manager <manager@union.example>"
    assert message["Subject"] == "A compliment"
    assert message["Auto-Submitted"] == "auto-generated"
    assert _audited(email) == ["email.sent"]
    # and running the job again (a duplicate delivery of the job) sends nothing more
    assert send_email(email.pk)() is None
    assert len(smtp.mailbox.messages) == 1


def test_a_rolled_back_transaction_queues_and_sends_nothing(smtp, frozen, django_capture_on_commit_callbacks):
    # Given an email queued in a transaction that then fails
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the caller's change was refused")
    # then there is no row, no job and no mail
    assert OutboundEmail.objects.count() == 0
    assert callbacks == []
    assert smtp.mailbox.messages == []


def test_the_same_dedupe_key_queues_one_email(smtp, frozen, django_capture_on_commit_callbacks):
    # Given an email queued for a key, when it is queued again with the same key
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue("event:7:person:3")
        second = _queue("event:7:person:3")
    # then there is one row, sent once
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(smtp.mailbox.messages) == 1


def test_a_temporary_failure_is_retried_later_and_sent_once(smtp, frozen, django_capture_on_commit_callbacks):
    # Given a mail server that answers 451 to the first attempt
    smtp.mailbox.data_replies.append("451 4.3.0 Try again later")
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    email.refresh_from_db()
    # then the email is back in the queue, due a minute later, with the error
    assert email.status == EmailStatus.QUEUED and email.attempts == 1
    assert email.next_attempt_at == clock.now() + dt.timedelta(minutes=1)
    assert email.last_error.startswith("451")
    # the sweep does not try it before it is due
    assert outbox_sweep.call_local() == {"unconfirmed": 0, "attempted": 0}
    # when the minute has passed, the periodic job sends it
    frozen.shift(dt.timedelta(minutes=1, seconds=5))
    assert outbox_sweep.call_local() == {"unconfirmed": 0, "attempted": 1}
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 2 and email.last_error == ""
    assert len(smtp.mailbox.messages) == 1
    assert _audited(email) == ["email.sent"]


def test_a_stopped_server_is_a_temporary_failure(smtp, frozen, django_capture_on_commit_callbacks):
    # Given the mail server is down when the email is queued
    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED and email.attempts == 1
    assert "Connection" in email.last_error or "refused" in email.last_error
    # when it is back and the retry is due, the email is sent
    smtp.start()
    frozen.shift(dt.timedelta(minutes=2))
    outbox_sweep.call_local()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(smtp.mailbox.messages) == 1


def test_a_permanent_failure_fails_the_email(smtp, frozen, django_capture_on_commit_callbacks):
    # Given a mail server that refuses the recipient (550)
    smtp.mailbox.rcpt_reply = "550 5.1.1 No such user"
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    email.refresh_from_db()
    # then it failed, with the server's answer, and is not tried again
    assert email.status == EmailStatus.FAILED and email.attempts == 1
    assert email.last_error.startswith("550")
    assert _audited(email) == ["email.failed"]
    assert AuditRecord.objects.get(target_type="email", action="email.failed").details["smtp_code"] == 550
    frozen.shift(dt.timedelta(hours=6))
    assert outbox_sweep.call_local()["attempted"] == 0
    assert smtp.mailbox.messages == []


def test_temporary_failures_give_up_after_the_last_attempt(smtp, frozen, django_capture_on_commit_callbacks):
    # Given a mail server that always answers 451
    smtp.mailbox.data_replies.extend(["451 4.3.0 Busy"] * (services.MAX_ATTEMPTS + 2))
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    # when the sweep keeps retrying as the backoff allows
    for _ in range(services.MAX_ATTEMPTS + 2):
        frozen.shift(dt.timedelta(hours=5))
        outbox_sweep.call_local()
    email.refresh_from_db()
    # then after MAX_ATTEMPTS it has failed
    assert email.status == EmailStatus.FAILED and email.attempts == services.MAX_ATTEMPTS
    assert _audited(email) == ["email.failed"]


def test_the_periodic_job_sends_an_email_whose_job_was_lost(smtp, frozen, django_capture_on_commit_callbacks):
    # Given an email whose send job never ran (the commit's callback was lost: the worker's queue was down)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _queue()
    assert len(callbacks) == 1 and smtp.mailbox.messages == []
    # when the periodic job runs, through the task queue (immediate in tests; periodic results are not kept)
    outbox_sweep()
    # then it sent it
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and len(smtp.mailbox.messages) == 1


def test_a_worker_that_stops_mid_send_leaves_an_unconfirmed_email_never_sent_twice(
    smtp, frozen, django_capture_on_commit_callbacks, admin_user
):
    # Given a worker that handed the email to the mail server and stopped before recording it was sent
    with django_capture_on_commit_callbacks(execute=False):
        email = _queue()
    killed = mock.patch.object(services, "_record_sent", side_effect=SystemExit("worker killed"))
    with killed, pytest.raises(SystemExit):
        services.email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENDING and len(smtp.mailbox.messages) == 1
    # when the periodic job runs within the lease, it leaves it alone
    frozen.shift(services.LEASE - dt.timedelta(minutes=1))
    assert outbox_sweep.call_local() == {"unconfirmed": 0, "attempted": 0}
    # when the lease has run out, it is marked unconfirmed (its fate is unknown), not sent again
    frozen.shift(dt.timedelta(minutes=2))
    assert outbox_sweep.call_local() == {"unconfirmed": 1, "attempted": 0}
    email.refresh_from_db()
    assert email.status == EmailStatus.UNCONFIRMED and "may have accepted" in email.last_error
    assert _audited(email) == ["email.unconfirmed"]
    frozen.shift(dt.timedelta(hours=6))
    assert outbox_sweep.call_local() == {"unconfirmed": 0, "attempted": 0}
    assert send_email(email.pk)() is None
    assert len(smtp.mailbox.messages) == 1
    # when a person decides to send it again, it is sent once more with the same Message-ID
    with django_capture_on_commit_callbacks(execute=True):
        services.email_resend(email=email, actor=admin_user)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert [message["Message-ID"] for message in smtp.mailbox.messages] == [email.message_id] * 2
    assert _audited(email) == ["email.unconfirmed", "email.resend_requested", "email.sent"]


def test_a_claim_is_taken_once(smtp, frozen):
    # Given a queued email claimed by one worker
    with mock.patch.object(services, "_enqueue_on_commit"):
        email = _queue()
    assert services._claim(email.pk) is not None
    # then a second worker finds nothing to claim
    assert services._claim(email.pk) is None
    assert services.email_send(email_id=email.pk) is None
    assert smtp.mailbox.messages == []
