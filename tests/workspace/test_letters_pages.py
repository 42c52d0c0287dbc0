"""The workspace's letters page (issue #10): letters waiting for a second person's approval, approve / return with a
comment / write again, each copy's PDF, and the "to be posted" list with "mark as posted"; English and Dutch, plain
POST forms, a refusal shown on the page (never a 500), another organisation's letters 404 (WA-03, XS-03)."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.effects import effects_sweep
from plaint.cases.services import PartyInput, case_act
from plaint.correspondence.letters.approval import letter_approval_rule_set, letters_waiting
from plaint.correspondence.models import Letter, LetterApproval
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def xs():
    with at(DAY):
        org = organisation_running("xs2more", name="Xs2more")
        admin = staff(org, "administrator")
        writer = staff(org, "intake_staff", "complaints_officer", name="Ida Intake")
        approver = staff(org, "intake_staff", "complaints_officer", name="Abe Approver")
        letter_approval_rule_set(
            organisation=org, procedure_id="xs2more", letter_key="acknowledgement", required=True, actor=admin
        )
        case = register(
            org,
            writer,
            summary="Coach absent",
            complainant=PartyInput(role="complainant", name="Joke Jansen", address="Kerkstraat 12\nAmersfoort"),
        )
        case_act(case=case, actor=writer, action="acknowledged")
        effects_sweep()
    return {"org": org, "writer": writer, "approver": approver, "case": case}


def test_approve_from_the_page_then_post_it(client, xs):
    [draft] = letters_waiting(actor=xs["approver"])
    login_verified(client, xs["approver"])
    with at(DAY):
        listing = client.get("/workspace/letters/").content.decode()
        nl = client.get("/nl/workspace/letters/").content.decode()
        page = client.get(f"/workspace/letters/drafts/{draft.effect.pk}/").content.decode()
        pdf = client.get(f"/workspace/letters/{draft.copies[0].pk}/pdf/")
        done = client.post(f"/workspace/letters/drafts/{draft.effect.pk}/", {"decision": "approve"})
    assert "Letters waiting for a person" in listing and "Coach absent" not in listing
    assert "Brieven die op iemand wachten" in nl and "Te versturen per post" in nl
    assert "Approve: send it" in page and "Joke Jansen" in page
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert done.status_code == 302
    letter = Letter.objects.get(case=xs["case"])
    assert letter.approval == LetterApproval.APPROVED
    with at(DAY):
        listing = client.get("/workspace/letters/").content.decode()
        assert "Mark as posted" in listing and "Kerkstraat 12" in listing
        bad = client.post(f"/workspace/letters/{letter.pk}/posted/", {"on": "2099-01-01"}, follow=True)
        assert bad.status_code == 200 and "today or earlier" in bad.content.decode()
        impossible = client.post(f"/workspace/letters/{letter.pk}/posted/", {"on": "30-02-2026"}, follow=True)
        assert "Enter the day it was posted" in impossible.content.decode()
        letter.refresh_from_db()
        assert letter.delivered_on is None
        client.post(f"/workspace/letters/{letter.pk}/posted/", {"on": "2 3 2026"})
    letter.refresh_from_db()
    assert letter.delivered_on == DAY and letter.delivered_by == xs["approver"]
    assert AuditRecord.objects.filter(action="letter.posted").count() == 1
    assert xs["case"].events.filter(kind="letter_sent").exists()


def test_the_writer_may_not_approve_and_a_return_needs_a_comment(client, xs):
    [draft] = letters_waiting(actor=xs["writer"])
    login_verified(client, xs["writer"])
    with at(DAY):
        page = client.get(f"/nl/workspace/letters/drafts/{draft.effect.pk}/").content.decode()
        refused = client.post(f"/workspace/letters/drafts/{draft.effect.pk}/", {"decision": "approve"})
    assert "Goedkeuren" not in page and "tweede persoon" in page
    assert refused.status_code == 200 and "not the one who wrote it" in refused.content.decode()
    client.logout()
    login_verified(client, xs["approver"])
    with at(DAY):
        empty = client.post(f"/workspace/letters/drafts/{draft.effect.pk}/", {"decision": "return", "comment": ""})
        client.post(f"/workspace/letters/drafts/{draft.effect.pk}/", {"decision": "return", "comment": "Too curt."})
    assert empty.status_code == 200 and 'id="comment-error"' in empty.content.decode()
    assert Letter.objects.get(case=xs["case"]).approval == LetterApproval.RETURNED


def test_another_organisations_letter_is_not_found(client, xs):
    with at(DAY):
        other = organisation_running("xs2more", name="Other")
        stranger = staff(other, "intake_staff", "complaints_officer")
    letter = Letter.objects.get(case=xs["case"])
    login_verified(client, stranger)
    with at(DAY):
        assert client.get(f"/workspace/letters/{letter.pk}/pdf/").status_code == 404
        assert client.get(f"/workspace/letters/drafts/{letter.effect_id}/").status_code == 404
        assert "Coach" not in client.get("/workspace/letters/").content.decode()


@pytest.mark.clause("WA-03")
def test_the_case_page_links_a_letter_waiting_for_approval_until_it_is_approved(client, xs):
    [draft] = letters_waiting(actor=xs["approver"])
    link = f'href="/workspace/letters/drafts/{draft.effect.pk}/"'
    login_verified(client, xs["approver"])
    with at(DAY):
        page = client.get(f"/workspace/cases/{xs['case'].pk}/").content.decode()
        nl = client.get(f"/nl/workspace/cases/{xs['case'].pk}/").content.decode()
        client.post(f"/workspace/letters/drafts/{draft.effect.pk}/", {"decision": "approve"})
        after = client.get(f"/workspace/cases/{xs['case'].pk}/").content.decode()
    assert link in page and "Letters waiting for a person" in page and "a second person's approval" in page
    assert "Brieven die op iemand wachten" in nl
    assert link not in after
