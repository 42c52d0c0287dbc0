"""Every letter of each bundled procedure goes out to the right people in their language, through its effect, the
handler and a real SMTP server (aiosmtpd): the complainant (in the case's language), the representative only with
consent (WA-10), the subject, the board and committee members (in their own language), the external body and the
organisation at their addresses; letters the external body sends itself are not sent by Plaint (WP-16-WP-18). Each
email carries the letter's PDF and shows what the letter must contain (WA-03, WH-02, WU-08, XS-03, WP-10, WP-19,
WH-09, XS-12, WU-11, WV-05)."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.cases.effects import effect_handle
from plaint.cases.models import CaseEvent, Effect, EffectState
from plaint.cases.services import PartyInput
from plaint.core import clock
from plaint.correspondence.letters.catalogue import bundled_procedure, bundled_procedure_ids
from plaint.correspondence.letters.data import CONTENT_ITEMS
from plaint.correspondence.models import Letter
from plaint.correspondence.services import outbox_sweep
from plaint.engine.render.text import CATALOGUE
from tests.cases.factories import organisation_running, person_of, register, staff

pytestmark = pytest.mark.django_db

STAFF_ROLES = ("board_member", "committee_member", "manager", "senior_manager", "complaints_officer")


def _expected(letter, procedure) -> set[str]:
    """The addresses a letter goes to in this world."""
    expected: set[str] = set()
    for target in (*letter.to, *letter.copy_to):
        if target == "complainant":
            expected |= {"sam@example.org", "rita@example.org"}
        elif target == "subject":
            expected.add("sue@example.org")
        elif target == "everyone_involved":
            expected |= {"sam@example.org", "rita@example.org", "sue@example.org"}
        elif target == "organisation":
            expected.add("office@org.example")
        elif target == "external_body":
            contact = procedure.external_bodies[0].contact
            if contact is not None and contact.email:
                expected.add(contact.email)
        elif target in STAFF_ROLES:
            expected.add(f"{target}@org.example")
    return expected


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("procedure_id", bundled_procedure_ids())
def test_each_letter_of_the_procedure_reaches_the_right_people_in_their_language(smtp, frozen, procedure_id, lang):
    procedure = bundled_procedure(procedure_id)
    organisation = organisation_running(procedure_id, email="office@org.example", address="1 Main Street\nTown")
    intake = staff(organisation, "intake_staff")
    for role in STAFF_ROLES:
        person = person_of(staff(organisation, role, name=f"The {role}"))
        person.email, person.language = f"{role}@org.example", "nl" if lang == "en" else "en"
        person.save()
    case = register(
        organisation,
        intake,
        language=lang,
        summary="Summary of the complaint",
        complainant=PartyInput(role="complainant", name="Sam Taylor", email="sam@example.org"),
        representative=PartyInput(
            role="representative", name="Rita Rep", email="rita@example.org", consent_given_on=dt.date(2026, 1, 5)
        ),
        subjects=(PartyInput(role="subject", name="Sue Subject", email="sue@example.org"),),
    )
    # The action that made the letters due, with a text for everything a letter may have to contain
    written = {item: f"Text of {item} for the letter." for item in CONTENT_ITEMS}
    event = CaseEvent.objects.create(
        case=case,
        sequence=case.events.count() + 1,
        kind="attachment_added",  # a record event: the engine ignores it
        on=clock.today_for(organisation),
        recorded_at=clock.now(),
        actor=intake,
        data={**written, "outcome": "well_founded"},
    )
    for letter in procedure.letters:
        smtp.mailbox.messages.clear()
        effect = Effect.objects.create(
            case=case,
            event=event,
            kind=f"letter.{letter.key}",
            key=f"test:{case.pk}:{letter.key}",
            payload={"letter": letter.key, "because": event.kind, "since": event.on.isoformat()},
            actor=intake,
            state=EffectState.PENDING,
            created_at=clock.now(),
        )
        if letter.key == "compliment_copy":
            continue  # WU-01's copy has its own handler and tests (test_compliment_copy.py)
        handled = effect_handle(effect_id=effect.pk)
        assert handled is not None and handled.state == EffectState.DONE, (letter.key, handled and handled.last_error)
        outbox_sweep()
        if all(actor == "external_body" for actor in letter.sent_by) and letter.sent_by:
            assert smtp.mailbox.messages == [] and handled.result["sent_by"] == "external_body"
            continue
        received = {message["To"].addresses[0].addr_spec: message for message in smtp.mailbox.messages}
        assert set(received) == _expected(letter, procedure), letter.key
        for address, message in received.items():
            stored = Letter.objects.get(effect=effect, recipient_email=address)
            text = message.get_body(preferencelist=("plain",)).get_content()
            label = letter.label.get(stored.language)
            assert label in text and label in message["Subject"]
            [pdf] = list(message.iter_attachments())
            assert pdf.get_content().startswith(b"%PDF")
            for item in letter.must_contain:
                if item in ("date_of_receipt", "complaint_date", "purpose_of_procedure", "handler", "summary"):
                    continue
                if item == "outcome":
                    words = CATALOGUE["outcome.well_founded"]
                    assert (words[1] if stored.language == "nl" else words[0]).lower() in text.lower()
                elif item in ("external_body", "external_time_limit", "right_to_review", "new_due_date"):
                    continue  # from the procedure and the terms, checked by must_contain on rendering
                else:
                    assert f"Text of {item} for the letter." in text, (letter.key, item)
            if address in ("sam@example.org", "rita@example.org"):
                assert stored.language == lang and stored.to_complainant
            elif address.endswith("@org.example") and address != "office@org.example":
                assert stored.language == ("nl" if lang == "en" else "en") and not stored.to_complainant
                assert "Sam Taylor" not in text  # a letter to a third party names no complainant
