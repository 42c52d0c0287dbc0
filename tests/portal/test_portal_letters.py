"""The letters on the complainant's tracking page (issues 15 and 10): the letters sent to them on their case, each
with its PDF to download behind the same access as the page (the private link or the one-time-code session)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from plaint.cases.models import Case
from plaint.correspondence.models import Letter, LetterDelivery, OutboundEmail
from tests.portal.helpers import PDF, form_data, make_letter, portal_organisation

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 4, 22, 10, 0, tzinfo=dt.UTC)


def _submit(client, **overrides) -> tuple[Case, str]:
    with time_machine.travel(NOW, tick=False):
        client.post("/complaints/twu/new/", form_data(**overrides))
    case = Case.objects.latest("pk")
    body = OutboundEmail.objects.filter(case=case, kind="portal_confirmation").latest("pk").body_text
    return case, re.search(r"http://testserver(?:/nl)?(/track/[^/\s]+/)", body).group(1)


@pytest.fixture
def submitted(client):
    portal_organisation()
    case, link = _submit(client)
    Letter.objects.filter(case=case).delete()  # only the letters each test makes
    return case, link


@pytest.mark.clause("WA-03", "WH-02")
def test_the_page_lists_the_letters_to_the_complainant_only(client, submitted):
    case, link = submitted
    ack = make_letter(case)
    make_letter(
        case,
        key="decision",
        title="Our decision",
        delivery=LetterDelivery.POST,
        delivered_on=dt.date(2025, 5, 2),
        recipient_email="",
        recipient_address="1 High Street",
    )
    staff = make_letter(
        case, key="staff_copy", title="Copy for the officer", recipient_role="handler", to_complainant=False
    )
    page = client.get(link).content.decode()
    assert "Acknowledgement of your complaint" in page and "22 April 2025, by email" in page
    assert "Our decision" in page and "2 May 2025, by post" in page
    assert "Copy for the officer" not in page
    assert f"{link}letters/{ack.pk}/" in page and f"letters/{staff.pk}/" not in page
    dutch = client.get(f"/nl{link}").content.decode()
    assert "Brieven die wij u stuurden" in dutch and "22 april 2025, per e-mail" in dutch
    assert "2 mei 2025, per post" in dutch
    assert f"/nl{link}letters/{ack.pk}/" in dutch


def test_a_case_without_letters_says_so_briefly(client, submitted):
    _, link = submitted
    assert "We have not sent you any letters about this case yet." in client.get(link).content.decode()


@pytest.mark.clause("WA-03", "WH-02")
def test_the_pdf_downloads_with_the_private_link(client, submitted):
    case, link = submitted
    letter = make_letter(case)
    response = client.get(f"{link}letters/{letter.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{case.reference}-acknowledgement.pdf"'
    assert response["Cache-Control"] == "no-store"


@pytest.mark.clause("WA-03", "WH-02")
def test_the_pdf_downloads_with_the_one_time_code_session(client, submitted):
    case, _ = submitted
    letter = make_letter(case)
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        client.post("/track/", {"reference": case.reference, "email": "sam@example.org", "send": "code"})
        body = OutboundEmail.objects.filter(case=case, kind="portal_code").latest("pk").body_text
        code = re.search(r"^\s+(\d{6})$", body, re.MULTILINE).group(1)
        client.post("/track/code/", {"reference": case.reference, "code": code})
        page = client.get("/track/case/").content.decode()
        assert f"/track/case/letters/{letter.pk}/" in page
        response = client.get(f"/track/case/letters/{letter.pk}/")
        assert response.status_code == 200 and response.content == PDF
        assert response["Content-Disposition"].startswith("attachment;") and response["Cache-Control"] == "no-store"
    # After the hour the session no longer opens it.
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert client.get(f"/track/case/letters/{letter.pk}/").status_code == 303


def test_no_letter_without_access_nor_of_another_case_nor_to_someone_else(client, submitted):
    case, link = submitted
    letter = make_letter(case)
    staff = make_letter(case, key="staff_copy", recipient_role="handler", to_complainant=False)
    other_case, other_link = _submit(client, submission="b" * 32, email="kim@example.org", name="Kim Lee")
    other = make_letter(other_case, dedupe_key="other")
    assert client.get(f"{link}letters/{other.pk}/").status_code == 404  # another case's letter
    assert client.get(f"{link}letters/{staff.pk}/").status_code == 404  # not to the complainant
    assert client.get(f"/track/not-a-real-token/letters/{letter.pk}/").status_code == 404  # no link
    fresh = client.__class__()
    assert fresh.get(f"/track/case/letters/{letter.pk}/").status_code == 303  # no code session: ask for a code
    assert client.get(f"{other_link}letters/{other.pk}/").status_code == 200


@pytest.mark.clause("WA-10")
def test_a_representative_without_consent_sees_and_downloads_no_letter(client, db):
    portal_organisation()
    case, link = _submit(client, on_behalf="on", represented_name="Anna", relationship="son", consent="on")
    Letter.objects.filter(case=case).delete()
    letter = make_letter(case)
    case.parties.filter(role="representative").update(consent_given_on=None)
    assert "Acknowledgement of your complaint" not in client.get(link).content.decode()
    assert client.get(f"{link}letters/{letter.pk}/").status_code == 404
