"""The workspace's mail quarantine (issue 11, docs/mail.md): the messages kept aside, with the reason, for those who
register cases of the organisation; one read as text (never rendered HTML); made a case, added to a case or
discarded, once, audited. And the case page: the mail history entries and correcting a guessed language."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Attachment, Case, CaseEvent
from plaint.mailin.models import InboundMessage, Outcome, Reason
from plaint.mailin.quarantine import html_text
from plaint.mailin.services import mail_ingest
from tests.access.helpers import login_verified
from tests.cases.factories import organisation_running, register, staff

NOW = dt.datetime(2026, 3, 17, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
ADDRESS = "klachten@xs2more.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def xs():
    org = organisation_running("xs2more", name="Xs2more", complaints_email=ADDRESS)
    intake = staff(org, "intake_staff", "complaints_officer", name="Ida Intake")
    return org, intake


def kept_aside(*, html: bool = False, attachment: tuple[str, bytes] | None = None, **headers: str) -> InboundMessage:
    """A message the pipeline quarantines: one of its attachments is refused by the upload rules (an .exe)."""
    message = EmailMessage()
    message["From"] = headers.get("sender", "Anna de Vries <anna@example.nl>")
    message["To"] = headers.get("to", ADDRESS)
    message["Subject"] = headers.get("subject", "Klacht over mijn coach")
    message["Message-ID"] = headers.get("message_id", "<q1@example.nl>")
    if html:
        message.set_content(
            '<p>Mijn coach kwam niet.</p><script>alert("x")</script><img src="https://tracker.example/p.gif">',
            subtype="html",
        )
    else:
        message.set_content("Mijn coach kwam drie keer niet opdagen en de afspraken werden niet nagekomen.")
    message.add_attachment(b"MZ\x90\x00evil", maintype="application", subtype="octet-stream", filename="run.exe")
    if attachment:
        message.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    row = mail_ingest(message.as_bytes(), channel="smtp")
    assert row.outcome == Outcome.QUARANTINED and row.reason == Reason.ATTACHMENT_REFUSED
    return row


def test_the_list_shows_the_organisations_messages_with_the_reason_in_both_languages(client, xs):
    _org, intake = xs
    message = kept_aside()
    other = organisation_running("werkpro", complaints_email="klachten@werkpro.example")
    kept_aside(to="klachten@werkpro.example", message_id="<q2@example.nl>", subject="Elders")
    assert InboundMessage.objects.filter(organisation=other).count() == 1
    login_verified(client, intake)

    page = client.get("/workspace/mail/").content.decode()
    assert "Klacht over mijn coach" in page and "An attachment is refused by the upload rules" in page
    assert "Elders" not in page  # another organisation's quarantine
    assert f"/workspace/mail/{message.pk}/" in page
    dutch = client.get(f"/nl/workspace/mail/{message.pk}/").content.decode()
    assert "Onderwerp" in dutch and "Waarom het apart is gezet" in dutch
    dutch = client.get("/nl/workspace/mail/").content.decode()
    assert "Mail in quarantaine" in dutch and "Een bijlage wordt door de uploadregels geweigerd" in dutch


def test_a_message_is_shown_as_text_never_as_html(client, xs):
    _org, intake = xs
    message = kept_aside(html=True)
    login_verified(client, intake)

    page = client.get(f"/workspace/mail/{message.pk}/").content.decode()
    assert "Mijn coach kwam niet." in page
    assert "<script>alert" not in page and "tracker.example" not in page and "<img" not in page.split("<main")[1]
    assert "run.exe" in page  # listed, never opened
    assert "alert" not in page  # a script's content is no text to read


def test_html_is_reduced_to_its_text():
    markup = "<html><head><style>p{}</style></head><p>Eerste&nbsp;regel</p><script>x()</script><p>b &amp; c<br>d</p>"
    assert html_text(markup) == "Eerste regel\n\nb & c\nd"


def test_another_organisations_message_is_not_found(client, xs):
    organisation_running("werkpro", complaints_email="klachten@werkpro.example")
    message = kept_aside(to="klachten@werkpro.example")
    _org, intake = xs
    login_verified(client, intake)
    response = client.get(f"/workspace/mail/{message.pk}/", follow=True)
    assert "There is no such message in quarantine" in response.content.decode()
    response = client.post(f"/workspace/mail/{message.pk}/discard/", follow=True)
    assert InboundMessage.objects.get(pk=message.pk).outcome == Outcome.QUARANTINED


def test_make_it_a_case_with_the_accepted_attachments_audited_once(client, xs):
    org, intake = xs
    message = kept_aside(attachment=("brief.pdf", PDF))
    login_verified(client, intake)

    response = client.post(f"/workspace/mail/{message.pk}/case/", {"organisation": org.slug})
    case = Case.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == f"/workspace/cases/{case.pk}/"
    assert case.channel == "email" and case.language == "nl" and case.summary == "Klacht over mijn coach"
    assert case.parties.get(role="complainant").email == "anna@example.nl"
    assert list(Attachment.objects.filter(case=case).values_list("original_name", flat=True)) == ["brief.pdf"]
    message.refresh_from_db()
    assert message.outcome == Outcome.CASE_CREATED and message.case == case and "run.exe" in message.detail
    record = AuditRecord.objects.get(action="mail.quarantine.case_made")
    assert record.target_id == str(message.pk) and record.details["reason"] == "attachment_refused"
    # decided once: a second post finds it no longer in quarantine
    client.post(f"/workspace/mail/{message.pk}/case/", {"organisation": org.slug})
    assert Case.objects.filter(organisation=org).count() == 1


def test_add_it_to_a_case_by_reference_or_say_why_not(client, xs):
    org, intake = xs
    case = register(org, intake, summary="Coach absent")
    message = kept_aside()
    login_verified(client, intake)

    response = client.post(f"/nl/workspace/mail/{message.pk}/attach/", {"reference": "XS-2099-9999"})
    assert response.status_code == 400
    assert "Er is geen zaak met dit kenmerk" in response.content.decode()
    assert InboundMessage.objects.get(pk=message.pk).outcome == Outcome.QUARANTINED

    response = client.post(f"/workspace/mail/{message.pk}/attach/", {"reference": case.reference.lower()})
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind="email_received")
    assert "drie keer niet opdagen" in event.note and event.data["from_quarantine"] is True
    assert InboundMessage.objects.get(pk=message.pk).outcome == Outcome.THREADED
    assert AuditRecord.objects.filter(action="mail.quarantine.attached", case_id=case.pk).count() == 1
    page = client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert "Email received" in page


def test_discard_keeps_the_message_marked_and_audited(client, xs):
    _org, intake = xs
    message = kept_aside()
    login_verified(client, intake)
    response = client.post(f"/workspace/mail/{message.pk}/discard/", follow=True)
    assert "The message is discarded" in response.content.decode()
    message.refresh_from_db()
    assert message.outcome == Outcome.DISCARDED and bytes(message.raw)
    assert AuditRecord.objects.filter(action="mail.quarantine.discarded").count() == 1
    assert "Klacht over mijn coach" not in client.get("/workspace/mail/").content.decode()


def test_a_message_without_an_organisation_is_for_an_administrator_only(client, xs, admin_user):
    _org, intake = xs
    message = kept_aside(to="nobody@elsewhere.example")
    assert message.organisation is None
    login_verified(client, intake)
    assert "nobody@elsewhere" not in client.get("/workspace/mail/").content.decode()
    login_verified(client, admin_user)
    page = client.get(f"/workspace/mail/{message.pk}/").content.decode()
    assert 'name="organisation"' in page and "nobody@elsewhere.example" in page


def test_the_guessed_language_is_corrected_on_the_case_page_and_shown_in_the_history(client, xs):
    org, intake = xs
    case = register(org, intake, summary="Coach absent")
    Case.objects.filter(pk=case.pk).update(language="nl")
    login_verified(client, intake)
    assert 'id="case-language"' in client.get(f"/workspace/cases/{case.pk}/").content.decode()

    response = client.post(f"/workspace/cases/{case.pk}/language/", {"language": "en"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).language == "en"
    assert "Language corrected: Dutch → English" in client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert "Taal gecorrigeerd: Nederlands → Engels" in client.get(f"/nl/workspace/cases/{case.pk}/").content.decode()
    response = client.post(f"/workspace/cases/{case.pk}/language/", {"language": "fr"}, follow=True)
    assert "Choose one of the organisation" in response.content.decode()
    assert Case.objects.get(pk=case.pk).language == "en"


def test_a_message_without_a_sender_is_not_made_a_case_and_a_get_decides_nothing(client, xs):
    org, intake = xs
    raw = b"To: " + ADDRESS.encode() + b"\r\nSubject: Zonder afzender\r\nMessage-ID: <ns@example.nl>\r\n\r\nTekst\r\n"
    message = mail_ingest(raw, channel="smtp")
    assert message.reason == Reason.NO_SENDER and message.organisation == org
    login_verified(client, intake)

    assert client.get(f"/workspace/mail/{message.pk}/discard/").status_code == 200
    response = client.post(f"/nl/workspace/mail/{message.pk}/case/", {"organisation": org.slug})
    assert response.status_code == 400 and "geen afzenderadres" in response.content.decode()
    assert not Case.objects.filter(organisation=org).exists()
    assert InboundMessage.objects.get(pk=message.pk).outcome == Outcome.QUARANTINED
