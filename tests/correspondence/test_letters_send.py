"""Letters leave through their effects to a real SMTP server (aiosmtpd): each recipient gets the letter in their
language with its tagged PDF attached; a person without email address is on the "to be posted" list; a letter sent
(email accepted, or posted by hand with the date and the person) is no longer due and counts from the day it went
out (WA-03, XS-03, XS-08, WA-10, WA-11, WU-08)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from plaint.cases.effects import effects_sweep
from plaint.cases.models import Effect, EffectState
from plaint.cases.selectors import case_view
from plaint.cases.services import PartyInput, case_act
from plaint.core.errors import InvalidInput
from plaint.correspondence.letters.sending import letter_record_delivered
from plaint.correspondence.models import EmailStatus, Letter, LetterDelivery
from plaint.correspondence.selectors import letters_of_case, letters_to_post
from plaint.correspondence.services import outbox_sweep
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db


def _due(case) -> list[str]:
    case.refresh_from_db()
    return [letter.key for letter in case_view(case=case).letters_due]


def _deliver() -> None:
    effects_sweep()
    outbox_sweep()


@pytest.mark.parametrize(
    ("lang", "greeting", "title"), [("en", "Dear", "Acknowledgement"), ("nl", "Geachte", "Ontvangstbevestiging")]
)
def test_the_acknowledgement_reaches_the_complainant_by_email_with_its_pdf_WA_03(smtp, frozen, lang, greeting, title):
    organisation = organisation_running("workare", email="complaints@workare.example", address="1 High Street\nLeeds")
    intake = staff(organisation, "intake_staff")
    case = register(
        organisation,
        intake,
        language=lang,
        summary="Report sent to the wrong employer",
        complainant=PartyInput(role="complainant", name="Sam Taylor", email="sam@example.org"),
    )
    case_act(case=case, actor=intake, action="acknowledged")
    assert _due(case) == ["acknowledgement"]
    _deliver()
    [message] = smtp.mailbox.messages
    assert message["To"] == '"Sam Taylor" <sam@example.org>' or "sam@example.org" in message["To"]
    assert title in message["Subject"] and case.reference in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert greeting in text and "Report sent to the wrong employer" in text and organisation.name in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Report sent to the wrong employer" in " ".join(page.extract_text() for page in reader.pages)
    # stored on the case, shown to the complainant, no longer due; the letter_sent event is dated the day it went
    [letter] = letters_of_case(actor=None, case=case, for_complainant=True)
    assert letter.delivery == LetterDelivery.EMAIL and letter.email.status == EmailStatus.SENT
    assert letter.language == lang and bytes(letter.pdf).startswith(b"%PDF")
    assert _due(case) == []
    sent = case.events.get(kind="letter_sent")
    assert sent.data["letter"] == "acknowledgement" and sent.on == letter.delivered_on
    assert Effect.objects.get(case=case, kind="letter.acknowledgement").state == EffectState.DONE


def test_a_complainant_without_email_is_on_the_to_be_posted_list_until_posted_by_hand(smtp, frozen):
    organisation = organisation_running("xs2more")
    intake = staff(organisation, "intake_staff")
    case = register(
        organisation,
        intake,
        language="nl",
        complainant=PartyInput(role="complainant", name="Joke Jansen", address="Kerkstraat 12\n1234 AB Amersfoort"),
    )
    case_act(case=case, actor=intake, action="acknowledged")
    _deliver()
    assert smtp.mailbox.messages == []
    [letter] = letters_to_post(actor=intake, organisation=organisation)
    assert letter.recipient_address.startswith("Kerkstraat 12") and "Ontvangstbevestiging" in letter.body_text
    assert _due(case) == ["acknowledgement"]  # not sent until someone posts it
    with pytest.raises(InvalidInput, match="today or earlier"):  # a day to come is refused, nothing recorded
        letter_record_delivered(letter=letter, actor=intake, on=dt.date(2099, 1, 1))
    assert not case.events.filter(kind__in=["letter_posted", "letter_sent"]).exists()
    day = dt.date(2026, 3, 17)
    letter_record_delivered(letter=letter, actor=intake, on=day)
    assert list(letters_to_post(actor=intake, organisation=organisation)) == []
    assert _due(case) == []
    sent = case.events.get(kind="letter_sent")
    assert sent.on == day and sent.actor == intake and sent.data["by"] == "post"


def test_a_letter_to_someone_with_no_address_at_all_refuses_the_action(frozen):
    organisation = organisation_running("xs2more")
    intake = staff(organisation, "intake_staff")
    case = register(organisation, intake, complainant=PartyInput(role="complainant", name="Nobody Known"))
    with pytest.raises(InvalidInput) as refused:
        case_act(case=case, actor=intake, action="acknowledged")
    assert "Nobody Known" in str(refused.value.detail)
    assert not case.events.filter(kind="acknowledged").exists()


def test_a_representative_gets_a_copy_only_once_consent_is_recorded_WA_10(smtp, frozen):
    organisation = organisation_running("workare")
    intake = staff(organisation, "intake_staff")
    representative = PartyInput(role="representative", name="Rita Rep", email="rita@example.org")
    case = register(organisation, intake, representative=representative)
    case_act(case=case, actor=intake, action="acknowledged")
    _deliver()
    assert ["sam@example.org" in message["To"] for message in smtp.mailbox.messages] == [True]
    assert not Letter.objects.filter(case=case, recipient_role="representative").exists()
    with_consent = register(
        organisation,
        intake,
        representative=PartyInput(
            role="representative", name="Rita Rep", email="rita@example.org", consent_given_on=dt.date(2026, 3, 1)
        ),
    )
    case_act(case=with_consent, actor=intake, action="acknowledged")
    _deliver()
    copy = Letter.objects.get(case=with_consent, recipient_role="representative")
    assert copy.to_complainant and "rita@example.org" in smtp.mailbox.messages[-1]["To"]


def test_the_admin_lists_letters_to_be_posted_with_their_pdf_and_records_them_posted(admin_client, admin_user, frozen):
    organisation = organisation_running("xs2more")
    intake = staff(organisation, "intake_staff")
    case = register(
        organisation, intake, complainant=PartyInput(role="complainant", name="Joke Jansen", address="Kerkstraat 12")
    )
    case_act(case=case, actor=intake, action="acknowledged")
    _deliver()
    letter = Letter.objects.get(case=case)
    page = admin_client.get("/admin/correspondence/letter/?to_post=yes")
    assert page.status_code == 200 and "Joke Jansen" in page.content.decode()
    pdf = admin_client.get(f"/admin/correspondence/letter/{letter.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    response = admin_client.post(
        "/admin/correspondence/letter/", {"action": "record_posted", "_selected_action": [letter.pk]}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.delivered_on is not None and letter.delivered_by == admin_user
    assert _due(case) == []
