"""The outbox in the admin: a read-only list filtered by status, and "Send again" for failed and unconfirmed emails."""

from __future__ import annotations

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.correspondence.models import EmailStatus, OutboundEmail
from tests.correspondence.test_outbox import _queue

pytestmark = pytest.mark.django_db


def test_the_outbox_is_listed_read_only_and_failed_emails_can_be_sent_again(
    admin_client, admin_user, smtp, frozen, django_capture_on_commit_callbacks
):
    # Given a failed and a sent email
    smtp.mailbox.rcpt_reply = "550 5.1.1 No such user"
    with django_capture_on_commit_callbacks(execute=True):
        failed = _queue("test:failed")
    smtp.mailbox.rcpt_reply = None
    with django_capture_on_commit_callbacks(execute=True):
        sent = _queue("test:sent", organisation=failed.organisation)
    assert OutboundEmail.objects.get(pk=failed.pk).status == EmailStatus.FAILED
    # the list shows them, filtered by status, and nothing can be added or changed
    page = admin_client.get("/admin/correspondence/outboundemail/?status__exact=failed")
    assert page.status_code == 200
    assert b"manager@union.example" in page.content and page.context["cl"].result_count == 1
    assert admin_client.get("/admin/correspondence/outboundemail/add/").status_code == 403
    # when an administrator sends both again, only the failed one is queued and sent
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/correspondence/outboundemail/",
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert OutboundEmail.objects.get(pk=failed.pk).status == EmailStatus.SENT
    assert len(smtp.mailbox.messages) == 2
    resend = AuditRecord.objects.get(action="email.resend_requested")
    assert resend.actor_id == admin_user.pk and resend.target_id == str(failed.pk)
