"""A second person's approval before a letter goes out (issue #10): an organisation that requires it gets every copy
stored as a draft and nothing sent; the approval (an event and an audit record) sends each copy once, and the letter
counts as sent on the day it went out; a letter returned with a comment never goes out and is written again. A letter
waiting for approval is not on the "to be posted" list, nor in the portal (WA-03, XS-03)."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models import AuditRecord
from plaint.cases.effects import effects_sweep
from plaint.cases.models import Effect
from plaint.cases.selectors import case_view
from plaint.cases.services import PartyInput, case_act
from plaint.core.errors import Forbidden, InvalidInput, PlaintError
from plaint.correspondence.letters.approval import (
    letter_approval_rule_set,
    letter_approve,
    letter_return,
    letter_write,
    letters_waiting,
)
from plaint.correspondence.letters.sending import letter_record_delivered
from plaint.correspondence.models import EmailStatus, Letter, LetterApproval, OutboundEmail
from plaint.correspondence.selectors import letters_of_case, letters_to_post
from plaint.correspondence.services import outbox_sweep
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db


def _deliver() -> None:
    effects_sweep()
    outbox_sweep()


def _due(case) -> list[str]:
    case.refresh_from_db()
    return [letter.key for letter in case_view(case=case).letters_due]


@pytest.fixture
def world():
    organisation = organisation_running("workare", email="complaints@workare.example", address="1 High Street")
    admin = staff(organisation, "administrator")
    writer = staff(organisation, "intake_staff", "manager", name="Wendy Writer")
    approver = staff(organisation, "intake_staff", "manager", name="Abe Approver")
    letter_approval_rule_set(
        organisation=organisation, procedure_id="workare", letter_key="acknowledgement", required=True, actor=admin
    )
    return organisation, admin, writer, approver


@pytest.mark.clause("WA-03")
def test_a_letter_that_needs_approval_waits_then_goes_once_and_counts_from_the_day_it_went(smtp, frozen, world):
    organisation, _admin, writer, approver = world
    case = register(organisation, writer, summary="Report sent to the wrong employer")
    case_act(case=case, actor=writer, action="acknowledged")
    _deliver()
    # Given a draft: stored, not sent, not shown to the complainant, still due
    [draft] = Letter.objects.filter(case=case)
    assert draft.approval == LetterApproval.PENDING and draft.drafted_by == writer and draft.email is None
    assert smtp.mailbox.messages == [] and list(letters_of_case(actor=None, case=case, for_complainant=True)) == []
    assert _due(case) == ["acknowledgement"]
    [waiting] = letters_waiting(actor=approver)
    assert waiting.state == "pending" and waiting.copies == [draft]
    # the writer cannot approve their own letter
    with pytest.raises(Forbidden):
        letter_approve(effect=waiting.effect, actor=writer)
    # When the second person approves it three days later
    frozen.shift(dt.timedelta(days=3))
    letter_approve(effect=waiting.effect, actor=approver)
    with pytest.raises(PlaintError):  # approving twice sends nothing twice
        letter_approve(effect=waiting.effect, actor=approver)
    _deliver()
    _deliver()
    # Then it went out once, on that day: the letter_sent event is dated then, the approval is an event and audited
    assert len(smtp.mailbox.messages) == 1 and OutboundEmail.objects.filter(case=case).count() == 1
    draft.refresh_from_db()
    assert draft.approval == LetterApproval.APPROVED and draft.approval_by == approver
    assert draft.email.status == EmailStatus.SENT
    sent = case.events.get(kind="letter_sent")
    assert sent.on == dt.date(2026, 3, 20) == draft.delivered_on
    assert case.events.get(kind="letter_approved").actor == approver
    assert AuditRecord.objects.filter(action="letter.approved", actor=approver).exists()
    assert _due(case) == [] and letters_waiting(actor=approver) == []


def test_a_returned_letter_never_goes_and_is_written_again_for_approval(smtp, frozen, world):
    organisation, _admin, writer, approver = world
    case = register(
        organisation,
        writer,
        complainant=PartyInput(role="complainant", name="Joke Jansen", address="Kerkstraat 12\nAmersfoort"),
    )
    case_act(case=case, actor=writer, action="acknowledged")
    _deliver()
    [waiting] = letters_waiting(actor=approver)
    assert list(letters_to_post(actor=approver, organisation=organisation)) == []  # a draft is not to be posted
    with pytest.raises(InvalidInput):  # a return says why
        letter_return(effect=waiting.effect, actor=approver, comment="  ")
    letter_return(effect=waiting.effect, actor=approver, comment="Mention the meeting on Friday.")
    [returned] = letters_waiting(actor=writer)
    assert returned.state == "returned" and returned.comment == "Mention the meeting on Friday."
    assert case.events.get(kind="letter_returned").note == "Mention the meeting on Friday."
    with pytest.raises(PlaintError):  # a returned letter is not posted by hand either
        letter_record_delivered(letter=returned.copies[0], actor=writer)
    # written again from the case as it is now: a new draft for approval, the returned copy stays on the case
    case.summary = "Report sent to the wrong employer; meeting on Friday"
    case.save(update_fields=["summary"])
    [again] = letter_write(effect=returned.effect, actor=writer, words="")
    assert again.approval == LetterApproval.PENDING and "meeting on Friday" in again.body_text
    assert "meeting on Friday" not in returned.copies[0].body_text
    letter_approve(effect=returned.effect, actor=approver)
    [to_post] = letters_to_post(actor=approver, organisation=organisation)
    assert to_post == again
    letter_record_delivered(letter=to_post, actor=writer)
    assert _due(case) == [] and smtp.mailbox.messages == []
    assert Letter.objects.filter(case=case, approval=LetterApproval.RETURNED).count() == 1
    assert case.events.filter(kind="letter_posted").count() == 1


def test_only_an_administrator_sets_which_letters_need_approval(world):
    organisation, admin, writer, _approver = world
    with pytest.raises(Forbidden):
        letter_approval_rule_set(
            organisation=organisation, procedure_id="workare", letter_key="outcome", required=True, actor=writer
        )
    with pytest.raises(InvalidInput):
        letter_approval_rule_set(
            organisation=organisation, procedure_id="workare", letter_key="nonsense", required=True, actor=admin
        )
    assert not letter_approval_rule_set(
        organisation=organisation, procedure_id="workare", letter_key="acknowledgement", required=True, actor=admin
    )
    assert AuditRecord.objects.filter(action="letter.approval_rule_set").count() == 1
    assert Effect.objects.count() == 0
