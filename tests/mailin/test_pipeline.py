"""Mail in (issue 11, docs/mail.md): one pipeline from a raw message to a new case, a case's history, a recognised
automatic reply, bounce or loop, or the quarantine; a real SMTP receiver (aiosmtpd) in front of it."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
from email.message import EmailMessage
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from plaint.cases.models import Case, CaseEvent
from plaint.correspondence.models import EmailStatus, OutboundEmail
from plaint.mailin.models import InboundMessage, Outcome, Reason
from plaint.mailin.receiver import receiver
from plaint.mailin.services import mail_ingest, reply_token
from tests.cases.factories import organisation_running

NOW = dt.datetime(2026, 3, 17, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
ADDRESS = "klachten@gemeente.example"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def organisation(db, frozen):
    return organisation_running("xs2more", complaints_email=ADDRESS)


def mail(
    *,
    to: str = ADDRESS,
    sender: str = "Anna de Vries <anna@example.nl>",
    subject: str = "Klacht over de behandeling",
    body: str = "Ik ben niet tevreden over de manier waarop mijn aanvraag is behandeld. Het duurde veel te lang.",
    message_id: str = "<m1@example.nl>",
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def sent_email(case: Case, message_id: str) -> OutboundEmail:
    return OutboundEmail.objects.create(
        organisation=case.organisation,
        case=case,
        kind="portal_confirmation",
        recipient_email="anna@example.nl",
        language="nl",
        subject="Ontvangstbevestiging",
        body_text="...",
        dedupe_key=message_id,
        message_id=message_id,
        status=EmailStatus.SENT,
        next_attempt_at=NOW,
        created_at=NOW,
    )


def a_case(organisation, message_id: str = "<first@example.nl>") -> Case:
    row = mail_ingest(bytes(mail(message_id=message_id)), channel="file")
    assert row.outcome == Outcome.CASE_CREATED, (row.reason, row.detail)
    assert row.case is not None
    return row.case


def test_a_mail_to_the_complaints_address_becomes_a_case_with_its_attachments_and_sender(organisation):
    message = mail()
    message.add_attachment(b"Mijn aanvraag van 3 maart.\n", maintype="text", subtype="plain", filename="aanvraag.txt")

    row = mail_ingest(bytes(message), channel="file")

    assert row.outcome == Outcome.CASE_CREATED
    case = row.case
    assert case.organisation == organisation and case.channel == "email"
    assert case.language == "nl"  # guessed from the Dutch text
    assert "niet tevreden" in case.description
    complainant = case.parties.get(role="complainant")
    assert (complainant.name, complainant.email) == ("Anna de Vries", "anna@example.nl")
    assert [attachment.original_name for attachment in case.attachments.all()] == ["aanvraag.txt"]


def test_the_language_of_an_english_mail_is_guessed_english(organisation):
    row = mail_ingest(
        bytes(mail(subject="Complaint", body="I am not happy with the way my request was handled and it took long.")),
        channel="file",
    )
    assert row.case.language == "en"


def test_a_message_delivered_twice_is_stored_once(organisation):
    first = mail_ingest(bytes(mail()), channel="file")
    second = mail_ingest(bytes(mail()), channel="smtp")

    assert second.pk == first.pk
    assert InboundMessage.objects.count() == 1 and Case.objects.count() == 1


def test_a_reply_threads_by_header_token_and_reference(organisation):
    case = a_case(organisation)
    sent_email(case, "<out-1@plaint.example>")

    by_header = mail_ingest(
        bytes(mail(message_id="<r1@example.nl>", subject="Re: Ontvangst", In_Reply_To="<out-1@plaint.example>")),
        channel="file",
    )
    by_token = mail_ingest(
        bytes(mail(message_id="<r2@example.nl>", subject="Nog iets", to=f"reply+{reply_token(case)}@plaint.example")),
        channel="file",
    )
    by_reference = mail_ingest(
        bytes(mail(message_id="<r3@example.nl>", subject=f"Over {case.reference}")), channel="file"
    )

    assert [row.outcome for row in (by_header, by_token, by_reference)] == [Outcome.THREADED] * 3
    assert {row.case_id for row in (by_header, by_token, by_reference)} == {case.pk}
    assert CaseEvent.objects.filter(case=case, kind="email_received").count() == 3
    assert Case.objects.count() == 1


def test_a_forged_thread_header_pointing_at_another_organisations_case_is_refused(organisation):
    other = organisation_running("xs2more", complaints_email="complaints@other.example")
    theirs = mail_ingest(bytes(mail(to="complaints@other.example", message_id="<o1@example.nl>")), channel="file")
    sent_email(theirs.case, "<out-other@plaint.example>")

    forged = mail_ingest(
        bytes(mail(message_id="<forged@example.nl>", In_Reply_To="<out-other@plaint.example>")), channel="file"
    )

    assert (forged.outcome, forged.reason) == (Outcome.QUARANTINED, Reason.FORGED_THREAD)
    assert not CaseEvent.objects.filter(case=theirs.case, kind="email_received").exists()
    assert theirs.case.organisation == other


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"X_Autoreply": "yes"},
        {"Precedence": "bulk"},
    ],
)
def test_an_auto_reply_never_becomes_a_case(organisation, headers):
    row = mail_ingest(bytes(mail(subject="Afwezig", **headers)), channel="file")
    assert row.outcome == Outcome.AUTO_REPLY and row.case is None
    assert Case.objects.count() == 0


def test_a_loop_is_recognised(organisation):
    row = mail_ingest(bytes(mail(sender=ADDRESS)), channel="file")
    assert row.outcome == Outcome.LOOP
    assert Case.objects.count() == 0


def test_a_bounce_marks_the_outgoing_email_failed(organisation):
    case = a_case(organisation)
    email = sent_email(case, "<out-2@plaint.example>")
    report = (
        "From: MAILER-DAEMON@mx.example.nl\r\n"
        f"To: {ADDRESS}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.example.nl>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.nl\r\n\r\n"
        "Final-Recipient: rfc822; anna@example.nl\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "Message-ID: <out-2@plaint.example>\r\nSubject: Ontvangstbevestiging\r\n"
        "--B--\r\n"
    ).encode()

    row = mail_ingest(report, channel="file")

    assert row.outcome == Outcome.BOUNCE
    assert "anna@example.nl" in row.detail
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert Case.objects.count() == 1


def _malformed() -> bytes:
    return (
        f"From: anna@example.nl\r\nTo: {ADDRESS}\r\nSubject: x\r\nMessage-ID: <bad-mime@example.nl>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="nope"\r\n\r\n'
        "no boundary anywhere\r\n"
    ).encode()


def _charset() -> bytes:
    return (
        f"From: anna@example.nl\r\nTo: {ADDRESS}\r\nSubject: x\r\nMessage-ID: <charset@example.nl>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-klingon-17\r\n\r\nQapla'\r\n"
    ).encode()


def _many_attachments() -> bytes:
    message = mail(message_id="<many@example.nl>")
    for number in range(500):
        message.add_attachment(b"x\n", maintype="text", subtype="plain", filename=f"{number}.txt")
    return bytes(message)


def _huge() -> bytes:
    message = mail(message_id="<huge@example.nl>")
    message.add_attachment(b"x" * (50 * 1024 * 1024), maintype="text", subtype="plain", filename="big.txt")
    return bytes(message)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_huge, Reason.TOO_LARGE),
        (_malformed, Reason.MALFORMED),
        (_charset, Reason.UNKNOWN_CHARSET),
        (lambda: bytes(mail(sender="", message_id="<nosender@example.nl>")), Reason.NO_SENDER),
        (_many_attachments, Reason.TOO_MANY_ATTACHMENTS),
    ],
)
def test_bad_mail_is_kept_aside_in_quarantine_with_nothing_half_saved(organisation, make, reason):
    row = mail_ingest(make(), channel="file")

    assert (row.outcome, row.reason) == (Outcome.QUARANTINED, reason), row.detail
    assert row.pk is not None and bytes(row.raw)
    assert Case.objects.count() == 0


def test_a_mail_to_no_organisation_is_quarantined(organisation):
    row = mail_ingest(bytes(mail(to="someone@elsewhere.example")), channel="file")
    assert (row.outcome, row.reason) == (Outcome.QUARANTINED, Reason.NO_ORGANISATION)


def test_plaint_mail_ingest_takes_a_file(organisation, tmp_path):
    path = tmp_path / "complaint.eml"
    path.write_bytes(bytes(mail()))
    out = StringIO()

    call_command("mail", "ingest", str(path), "--organisation", organisation.slug, stdout=out)

    case = Case.objects.get()
    assert out.getvalue().strip() == f"<m1@example.nl>: case_created case {case.reference}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_the_smtp_receiver_turns_a_delivered_mail_into_a_case(frozen):
    organisation_running("xs2more", complaints_email=ADDRESS)
    port = _free_port()
    controller = receiver("127.0.0.1", port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(mail(), from_addr="anna@example.nl", to_addrs=[ADDRESS])
            client.send_message(mail(), from_addr="anna@example.nl", to_addrs=[ADDRESS])  # delivered twice
    finally:
        controller.stop()

    row = InboundMessage.objects.get()
    assert (row.channel, row.outcome) == ("smtp", Outcome.CASE_CREATED)
    assert Case.objects.get().channel == "email"


def test_the_guessed_language_can_be_corrected_by_staff(organisation):
    from plaint.cases.errors import InvalidInput
    from plaint.cases.language_services import case_language_correct
    from tests.cases.factories import staff

    case = a_case(organisation)
    officer = staff(organisation, "complaints_officer")

    corrected = case_language_correct(case=case, actor=officer, language="en")

    assert corrected.language == "en"
    assert CaseEvent.objects.get(case=case, kind="language_corrected").data == {"from": "nl", "to": "en"}
    with pytest.raises(InvalidInput):
        case_language_correct(case=case, actor=officer, language="de")


def test_plaint_mail_poll_takes_new_messages_from_an_imap_mailbox_once(organisation):
    from tests.mailin.imap_server import ImapServer

    with ImapServer("klachten", "geheim") as server:
        server.messages += [bytes(mail(message_id="<i1@example.nl>")), bytes(mail(message_id="<i2@example.nl>"))]
        url = f"imap://klachten:geheim@127.0.0.1:{server.port}/INBOX"
        first, second = StringIO(), StringIO()
        call_command("mail", "poll", "--mailbox", url, stdout=first)
        server.messages.append(
            bytes(mail(message_id="<i3@example.nl>", subject=f"Re: {Case.objects.first().reference}"))
        )
        call_command("mail", "poll", "--mailbox", url, stdout=second)

    assert first.getvalue().strip() == "messages taken: 2"
    assert second.getvalue().strip() == "messages taken: 1"
    assert set(InboundMessage.objects.values_list("channel", "outcome")) == {
        ("imap", Outcome.CASE_CREATED),
        ("imap", Outcome.THREADED),
    }
    assert Case.objects.count() == 2


def test_a_hosted_providers_inbound_webhook_goes_through_the_same_pipeline(organisation, client, settings):
    import base64
    import json

    settings.ANYMAIL = {"WEBHOOK_SECRET": "provider:s3cret"}
    payload = json.dumps({"RawEmail": bytes(mail(message_id="<w1@example.nl>")).decode(), "Headers": []})
    auth = "Basic " + base64.b64encode(b"provider:s3cret").decode()

    refused = client.post("/mail/inbound/postmark/inbound/", payload, content_type="application/json")
    response = client.post(
        "/mail/inbound/postmark/inbound/", payload, content_type="application/json", HTTP_AUTHORIZATION=auth
    )

    assert refused.status_code in (400, 401, 403)
    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert (row.channel, row.outcome) == ("webhook", Outcome.CASE_CREATED)


def test_staff_see_the_quarantine_with_its_reasons_in_the_admin(organisation, admin_client):
    mail_ingest(bytes(mail(sender="", message_id="<q1@example.nl>")), channel="file")
    mail_ingest(bytes(mail(message_id="<ok@example.nl>")), channel="file")

    page = admin_client.get("/admin/mailin/inboundmessage/?outcome__exact=quarantined")

    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert "the message has no sender" in page.content.decode()
    detail = admin_client.get(
        f"/admin/mailin/inboundmessage/{InboundMessage.objects.get(reason='no_sender').pk}/change/"
    )
    assert detail.status_code == 200
    assert admin_client.get("/admin/mailin/inboundmessage/add/").status_code == 403
