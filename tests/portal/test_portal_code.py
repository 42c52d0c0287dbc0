"""Opening a case by its reference and a one-time code sent by email (issue 15, "Following the case"): short-lived,
stored as a keyed hash, used once, a few wrong tries end it, rate-limited, audited; the answers never say whether a
reference and an address belong together."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from plaint.access.models import AuditRecord
from plaint.cases.models import Case
from plaint.correspondence.models import OutboundEmail
from plaint.portal.models import AccessCode
from plaint.portal.selectors import code_hash
from tests.portal.helpers import form_data, portal_organisation

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def case(client):
    portal_organisation()
    with time_machine.travel(NOW, tick=False):
        client.post("/complaints/twu/new/", form_data())
    return Case.objects.get()


def _ask(client, case, email="sam@example.org", prefix=""):
    return client.post(f"{prefix}/track/", {"reference": case.reference, "email": email, "send": "code"})


def _code(case):
    body = OutboundEmail.objects.filter(case=case, kind="portal_code").latest("pk").body_text
    return re.search(r"^\s+(\d{6})$", body, re.MULTILINE).group(1)


@pytest.mark.clause("WA-10")
def test_a_code_opens_the_case_once_and_is_stored_only_as_a_keyed_hash(client, case):
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        asked = _ask(client, case)
        assert asked.status_code == 303 and asked["Location"] == "/track/code/?asked=1"
        code = _code(case)
        row = AccessCode.objects.get()
        assert row.code_hash == code_hash(case_id=case.pk, code=code) and code not in row.code_hash
        page = client.get(asked["Location"])
        assert f'value="{case.reference}"' in page.content.decode()  # the reference is filled in
        opened = client.post("/track/code/", {"reference": case.reference, "code": code}, follow=True)
        assert opened.redirect_chain == [("/track/case/", 303)]
        assert case.reference in opened.content.decode() and "Withdraw my complaint" in opened.content.decode()
        # An action works from the opened case as from the private link.
        done = client.post("/track/case/", {"action": "withdrawn"}, follow=True)
        assert "You withdrew your complaint" in done.content.decode()
        # The code worked once.
        other = client.__class__()
        again = other.post("/track/code/", {"reference": case.reference, "code": code})
        assert again.status_code == 200 and "does not open a case" in again.content.decode()
    records = AuditRecord.objects.filter(action__startswith="portal.code").order_by("pk")
    actions = list(records.values_list("action", flat=True))
    assert actions == ["portal.code.sent", "portal.code.accepted", "portal.code.refused"]


def test_the_answer_never_says_whether_the_reference_and_address_belong_together(client, case):
    good = _ask(client, case)
    bad = _ask(client, case, email="someone@example.org")
    unknown = client.post("/track/", {"reference": "NOPE-1", "email": "sam@example.org", "send": "code"})
    assert good.status_code == bad.status_code == unknown.status_code == 303
    assert good["Location"] == bad["Location"] == unknown["Location"]
    assert OutboundEmail.objects.filter(kind="portal_code").count() == 1


def test_a_code_expires_after_15_minutes(client, case):
    with time_machine.travel(NOW, tick=False):
        _ask(client, case)
    code = _code(case)
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        response = client.post("/track/code/", {"reference": case.reference, "code": code})
    assert response.status_code == 200 and "does not open a case" in response.content.decode()


def test_five_wrong_tries_end_the_code(client, case):
    _ask(client, case)
    code = _code(case)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post("/track/code/", {"reference": case.reference, "code": wrong})
    response = client.post("/track/code/", {"reference": case.reference, "code": code})
    assert "does not open a case" in response.content.decode()
    assert AuditRecord.objects.filter(action="portal.code.refused").count() == 6


def test_a_new_code_ends_the_earlier_one(client, case):
    _ask(client, case)
    first = _code(case)
    _ask(client, case)
    second = _code(case)
    if first != second:
        refused = client.post("/track/code/", {"reference": case.reference, "code": first})
        assert "does not open" in refused.content.decode()
    assert client.post("/track/code/", {"reference": case.reference, "code": second}).status_code == 303


def test_the_opened_case_closes_after_an_hour(client, case):
    with time_machine.travel(NOW, tick=False):
        _ask(client, case)
        client.post("/track/code/", {"reference": case.reference, "code": _code(case)})
        assert client.get("/track/case/").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(hours=1, minutes=1), tick=False):
        response = client.get("/track/case/", follow=True)
    assert response.redirect_chain == [("/track/code/?expired=1", 303)]
    assert "closes again after an hour" in response.content.decode()


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1" * 1000, "12\x0034", "١٢٣٤٥٦"])
def test_bad_codes_get_a_clear_message_never_a_500(client, case, code):
    response = client.post("/nl/track/code/", {"reference": case.reference, "code": code})
    assert response.status_code == 200
    assert "Er is een probleem" in response.content.decode()


def test_code_entry_is_rate_limited_in_the_persons_language(client, case, settings):
    settings.PLAINT_PORTAL_CODE_RATE = "2/h"
    for _ in range(2):
        client.post("/nl/track/code/", {"reference": case.reference, "code": "000000"})
    response = client.post("/nl/track/code/", {"reference": case.reference, "code": "000000"})
    assert response.status_code == 429 and "Te veel pogingen" in response.content.decode()


def test_the_code_email_is_in_the_cases_language(client, db):
    portal_organisation()
    client.post("/nl/complaints/twu/new/", form_data(language="nl"))
    case = Case.objects.get()
    _ask(client, case, prefix="/nl")
    email = OutboundEmail.objects.get(kind="portal_code")
    assert email.language == "nl" and "Uw code" in email.subject


@pytest.mark.clause("WA-10")
def test_the_complainant_opened_by_code_gives_and_withdraws_consent_for_the_representative(client, db):
    from plaint.cases.models import Party

    portal_organisation()
    data = form_data(on_behalf="on", represented_name="Anna de Vries", relationship="son", consent="on")
    client.post("/complaints/twu/new/", data)
    case = Case.objects.get()
    Party.objects.filter(case=case, role="complainant").update(email="anna@example.org")
    client.post("/track/", {"reference": case.reference, "email": "anna@example.org", "send": "code"})
    client.post("/track/code/", {"reference": case.reference, "code": _code(case)})
    assert "Withdraw my consent" in client.get("/track/case/").content.decode()
    withdrawn = client.post("/track/case/", {"action": "consent_withdrawn"}, follow=True)
    assert "Your consent is withdrawn" in withdrawn.content.decode()
    assert "Give my consent" in withdrawn.content.decode()
    representative = case.parties.get(role="representative")
    assert representative.consent_withdrawn_on is not None
    given = client.post("/track/case/", {"action": "consent_given"}, follow=True)
    assert "Your consent is recorded" in given.content.decode()
    representative.refresh_from_db()
    assert representative.consent_given_on is not None and representative.consent_withdrawn_on is None
    kinds = list(case.events.filter(kind__startswith="consent").order_by("sequence").values_list("kind", flat=True))
    assert kinds == ["consent_withdrawn", "consent_recorded"]
    assert AuditRecord.objects.filter(action="case.consent.withdrawn", actor=None).exists()


def test_a_private_link_cannot_give_consent(client, db):
    portal_organisation()
    data = form_data(on_behalf="on", represented_name="Anna de Vries", relationship="son", consent="on")
    client.post("/complaints/twu/new/", data)
    link = re.search(r"(/track/[^/\s]+/)", OutboundEmail.objects.get().body_text).group(1)
    assert "Withdraw my consent" not in client.get(link).content.decode()
    response = client.post(link, {"action": "consent_withdrawn"})
    assert response.status_code == 200 and "not possible" in response.content.decode()
    assert Case.objects.get().parties.get(role="representative").consent_withdrawn_on is None
