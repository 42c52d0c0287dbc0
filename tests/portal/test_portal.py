"""The public portal through Django's test client: addresses, the form, the receipt, the email, the private link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from plaint.cases.models import Case, Party
from plaint.correspondence.models import OutboundEmail
from plaint.portal import selectors
from plaint.portal.models import Submission, TrackingLink
from plaint.portal.selectors import token_hash
from tests.portal.helpers import form_data, portal_organisation

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def organisation():
    return portal_organisation()


@pytest.mark.clause("WA-13", "XS-24", "WP-25")
@pytest.mark.parametrize(("prefix", "heading"), [("", "How to complain"), ("/nl", "Hoe u een klacht indient")])
def test_how_to_complain_page_is_generated_from_the_procedure(client, organisation, prefix, heading):
    response = client.get(f"{prefix}/complaints/twu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<article" in html  # the engine's policy text, its headings one level below the page's own h1
    assert html.count("<h1") == 1
    assert f'href="{prefix}/complaints/twu/new/?kind=compliment"' in html
    assert f'href="{prefix}/complaints/twu/new/?kind=suggestion"' in html
    diagram = client.get(f"{prefix}/complaints/twu/procedure.svg")
    assert diagram.status_code == 200 and diagram["Content-Type"].startswith("image/svg+xml")


def test_unknown_organisation_is_a_404(client, db):
    assert client.get("/complaints/nobody/").status_code == 404
    assert client.get("/complaints/nobody/new/").status_code == 404


def test_form_preselects_the_kind(client, organisation):
    html = client.get("/complaints/twu/new/?kind=compliment").content.decode()
    assert re.search(r'<input[^>]*value="compliment"[^>]*checked', html)


@pytest.mark.parametrize(("prefix", "lang"), [("", "en"), ("/nl", "nl")])
@pytest.mark.parametrize("kind", ["", "compliment", "nonsense"])
def test_the_blank_form_rendered_once_is_the_form_the_templates_render(client, organisation, prefix, lang, kind):
    """The GET serves the blank form's fields from a per-process cache (bench/README.md): byte for byte what the
    field templates render for an unbound form, with a new submission key for every visitor."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from plaint.portal.forms import CaseForm

    path = f"{prefix}/complaints/twu/new/" + (f"?kind={kind}" if kind else "")
    pages = [client.get(path).content.decode() for _ in range(2)]
    keys = [re.search(r'name="submission" value="([0-9a-f]{32})"', page).group(1) for page in pages]
    assert keys[0] != keys[1]
    with translation.override(lang):
        form = CaseForm(initial={"submission": keys[1]}, kind=kind or None, language=lang)
        expected = render_to_string("portal/form_fields.html", {"form": form})
    assert expected in pages[1]
    assert 'name="submission"' in expected and 'name="website"' in expected and "<fieldset" in expected


@pytest.mark.clause("WU-16", "XS-02")
def test_sending_the_form_registers_one_case_answers_303_and_queues_the_confirmation(client, organisation):
    with time_machine.travel(NOW, tick=True):
        response = client.post("/complaints/twu/new/", form_data(), HTTP_HOST="testserver")
        receipt = client.get(response["Location"])
    assert response.status_code == 303
    assert response["Location"] == "/complaints/twu/received/"
    case = Case.objects.get()
    assert case.channel == "web_form" and case.created_by is None
    email = OutboundEmail.objects.get(case=case)
    assert email.kind == "portal_confirmation" and email.recipient_email == "sam@example.org"
    assert case.reference in email.subject
    link = re.search(r"http://testserver(/track/[^/\s]+/)", email.body_text).group(1)
    assert receipt.status_code == 200
    assert case.reference in receipt.content.decode()
    # The private link works; only its hash is stored.
    token = link.split("/")[2]
    assert TrackingLink.objects.get().token_hash == token_hash(token)
    assert not TrackingLink.objects.filter(token_hash=token).exists()
    assert client.get(link).status_code == 200


def test_the_same_form_sent_twice_makes_one_case(client, organisation):
    first = client.post("/complaints/twu/new/", form_data())
    second = client.post("/complaints/twu/new/", form_data())
    assert first.status_code == second.status_code == 303
    assert Case.objects.count() == 1 == Submission.objects.count()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": ""}, "description", "Tell us what happened."),
        ({"incident_date_0": "30", "incident_date_1": "2", "incident_date_2": "2026"}, "incident_date", "real date"),
        ({"incident_date_0": "1", "incident_date_1": "1", "incident_date_2": "2099"}, "incident_date", "in the past"),
        ({"email": "not-an-address"}, "email", "like name@example.com"),
        ({"description": "x" * 1_000_000}, "description", "under 10000 characters"),
        ({"on_behalf": "on", "represented_name": "Kim"}, "consent", "Confirm that they agreed"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, organisation, overrides, field, message):
    response = client.post("/complaints/twu/new/", form_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html and message in html
    assert Case.objects.count() == 0


def test_a_name_with_a_direction_override_or_nul_is_cleaned(client, organisation):
    client.post("/complaints/twu/new/", form_data(name="Sam\u202e Taylor\x00"))
    assert Party.objects.get(role="complainant").name == "Sam Taylor"


def test_the_honeypot_makes_nothing(client, organisation):
    response = client.post("/complaints/twu/new/", form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert Case.objects.count() == 0


@pytest.mark.clause("WA-09", "WA-10", "WP-24")
def test_on_behalf_of_someone_records_the_representative_with_consent(client, organisation):
    data = form_data(on_behalf="on", represented_name="Kim Jones", relationship="daughter", consent="on")
    assert client.post("/complaints/twu/new/", data).status_code == 303
    case = Case.objects.get()
    assert case.parties.get(role="complainant").name == "Kim Jones"
    representative = case.parties.get(role="representative")
    assert representative.email == "sam@example.org" and representative.consent_given_on is not None


def test_dutch_form_sets_the_case_language_and_dutch_email(client, organisation):
    response = client.post("/nl/complaints/twu/new/", form_data(language="nl"))
    assert response.status_code == 303 and response["Location"] == "/nl/complaints/twu/received/"
    case = Case.objects.get()
    assert case.language == "nl"
    email = OutboundEmail.objects.get(case=case)
    assert "/nl/track/" in email.body_text and "Wij hebben" in email.subject


@pytest.mark.clause("WU-12")
def test_a_late_complaint_is_told_before_it_is_sent_and_may_still_be_sent(client, organisation):
    with time_machine.travel(NOW, tick=False):
        data = form_data(incident_date_0="1", incident_date_1="1", incident_date_2="2025")
        first = client.post("/complaints/twu/new/", data)
        assert first.status_code == 200 and "govuk-warning-text" in first.content.decode()
        assert Case.objects.count() == 0
        second = client.post("/complaints/twu/new/", {**data, "late_confirmed": "on"})
    assert second.status_code == 303 and Case.objects.count() == 1


def test_track_request_never_says_whether_a_case_matched(client, organisation):
    client.post("/complaints/twu/new/", form_data())
    case = Case.objects.get()
    mail.outbox.clear()
    good = client.post("/track/", {"reference": case.reference, "email": "sam@example.org", "send": "link"})
    bad = client.post("/track/", {"reference": case.reference, "email": "other@example.org", "send": "link"})
    assert good.status_code == bad.status_code == 200
    text = "If the reference and the email address belong to a case"
    assert text in good.content.decode() and text in bad.content.decode()
    assert OutboundEmail.objects.filter(kind="portal_link").count() == 1
    assert TrackingLink.objects.filter(case=case).count() == 2


def test_an_unknown_link_is_a_clear_404(client, db):
    response = client.get("/track/not-a-real-token/")
    assert response.status_code == 404 and "This link does not work" in response.content.decode()


@pytest.mark.clause("WP-13")
def test_the_complainant_withdraws_through_the_private_link(client, organisation):
    client.post("/complaints/twu/new/", form_data())
    link = re.search(r"(/track/[^/\s]+/)", OutboundEmail.objects.get().body_text).group(1)
    response = client.post(link, {"action": "withdrawn"}, follow=True)
    assert response.redirect_chain == [(link, 303)]
    assert "You withdrew your complaint" in response.content.decode()
    assert Case.objects.get().events.filter(kind="withdrawn").exists()


def test_rate_limit_answers_429_in_the_persons_language(client, organisation, settings):
    settings.PLAINT_PORTAL_SUBMIT_RATE = "2/h"
    from django.core.cache import cache

    cache.clear()
    for number in range(2):
        client.post("/nl/complaints/twu/new/", form_data(submission=f"{number:032d}"))
    response = client.post("/nl/complaints/twu/new/", form_data(submission="9" * 32))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "Te veel pogingen" in response.content.decode()
    cache.clear()


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.clause("WA-09")
def test_documents_and_authorisation_are_added_to_the_case(client, organisation):
    from tests.cases.attachment_samples import PDF, PNG

    data = form_data(on_behalf="on", represented_name="Kim Jones", relationship="son", consent="on")
    data |= {"authorisation": _upload("machtiging.pdf", PDF), "documents": _upload("photo.png", PNG)}
    assert client.post("/complaints/twu/new/", data).status_code == 303
    attachments = Case.objects.get().attachments.order_by("pk")
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png"]
    assert all(a.uploaded_by is None and not a.sensitive for a in attachments)


def test_a_refused_file_is_explained_and_nothing_is_registered(client, organisation):
    from tests.cases.attachment_samples import EXE

    response = client.post("/complaints/twu/new/", form_data(documents=_upload("invoice.pdf", EXE)))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_documents"' in html and "choose them again" in html
    assert Case.objects.count() == 0


@pytest.mark.clause("WA-10")
def test_a_representative_sees_nothing_until_consent_is_recorded(client, organisation):
    from plaint.cases.services import PartyInput
    from plaint.portal.services import tracking_link_create
    from tests.cases.factories import register

    case = register(
        organisation,
        None,
        representative=PartyInput(role="representative", name="Sam Taylor", email="sam@example.org"),
    )
    token = tracking_link_create(case=case)
    html = client.get(f"/track/{token}/").content.decode()
    assert "once the person it is about has given their consent" in html
    assert "Where it is now" not in html and "Withdraw" not in html
    assert client.post(f"/track/{token}/", {"action": "withdrawn"}).status_code == 200
    assert not case.events.filter(kind="withdrawn").exists()


@pytest.mark.clause("XS-02")
def test_the_receipt_and_email_give_the_dates_the_procedure_promises(client, db):
    organisation = portal_organisation("xs2more", slug="xs2more", name="Xs2more")
    with time_machine.travel(NOW, tick=True):
        client.post("/complaints/xs2more/new/", form_data())
        html = client.get("/complaints/xs2more/received/").content.decode()
    case = Case.objects.get(organisation=organisation)
    due = [term.due for term in case.terms.all()]
    assert due, "xs2more promises dates from receipt"
    for day in due:
        assert f"by {day.day} {day.strftime('%B')} {day.year}" in html
    body = OutboundEmail.objects.get(case=case).body_text
    # The email's dates come from the registration's own view of the case: the same as reading the case back.
    with time_machine.travel(NOW, tick=True):
        procedure = selectors.portal_organisation(slug="xs2more")[1]
        dates = selectors.promised_dates(case=case, procedure=procedure, lang="en")
    assert dates
    for item in dates:
        shown = f"by {item.due.day} {item.due.strftime('%B')} {item.due.year}" if item.due else item.text
        assert f"- {item.label}: {shown}\n" in body


def test_revoked_link_stops_working(client, organisation):
    from plaint.portal.services import tracking_links_revoke

    client.post("/complaints/twu/new/", form_data())
    link = re.search(r"(/track/[^/\s]+/)", OutboundEmail.objects.get().body_text).group(1)
    assert client.get(link).status_code == 200
    tracking_links_revoke(case=Case.objects.get())
    assert client.get(link).status_code == 404
