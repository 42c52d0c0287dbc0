"""Data-subject requests (GDPR art. 15 and 17): export everything about a person as JSON and PDF; erase it from
closed cases, refusing open cases and cases on legal hold with the reason recorded (WA-10, WP-21: others' data
stays out of the export)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from plaint.access.models import AuditRecord
from plaint.cases.models import Case
from plaint.cases.services import PartyInput
from plaint.privacy.models import DataSubjectRequest, RequestStatus
from plaint.privacy.selectors import subject_find
from plaint.privacy.services import (
    ANONYMISED,
    case_legal_hold_set,
    subject_erase,
    subject_export,
    subject_request_create,
)
from tests.privacy.factories import attach, xs2more_case

RECEIVED, CLOSED = dt.date(2026, 2, 2), dt.date(2026, 3, 13)
JAN = PartyInput(role="complainant", name="Jan Jansen", email="Jan@Example.org", phone="06 1234 5678", address="Dorp 1")
SUBJECT = PartyInput(role="subject", name="Piet Pietersen", email="piet@example.org")
OTHER = PartyInput(role="complainant", name="Klaas Klaassen", email="klaas@example.org")


@pytest.fixture
def jan_cases(xs):
    """Jan's closed complaint (with a document and a sensitive one), his open one, and Klaas's about Jan as subject."""
    organisation, people = xs
    closed = xs2more_case(organisation, people, received=RECEIVED, closed=CLOSED, complainant=JAN, subjects=(SUBJECT,))
    attach(closed, people["intake"], name="complaint-letter.pdf")
    attach(closed, people["intake"], name="interview-piet.pdf", sensitive=True)
    open_case = xs2more_case(organisation, people, received=dt.date(2026, 4, 1), complainant=JAN)
    about_jan = xs2more_case(
        organisation,
        people,
        received=RECEIVED,
        closed=CLOSED,
        complainant=OTHER,
        subjects=(PartyInput(role="subject", name="Jan Jansen", email="jan@example.org"),),
        description="Klaas Klaassen says Jan Jansen was rude.",
    )
    return organisation, people, {"closed": closed, "open": open_case, "about": about_jan}


def test_subject_find_matches_parties_by_email_case_insensitively(jan_cases):
    # Given Jan in three cases / When he is looked up by email in another case of letters
    found = subject_find(email="JAN@example.ORG")
    # Then his three party rows are found, and nobody else's
    assert sorted(party.case.reference for party in found.parties) == sorted(
        case.reference for case in jan_cases[2].values()
    )
    assert {party.email.lower() for party in found.parties} == {"jan@example.org"}


def test_export_json_holds_everything_about_the_person_and_nothing_of_others(jan_cases, media):
    # Given Jan's cases and a request identified by his email
    organisation, people, cases = jan_cases
    request = subject_request_create(
        kind="export", actor=people["admin"], email="jan@example.org", organisation=organisation
    )
    # When it is exported
    export = subject_export(request=request, actor=people["admin"])
    data = json.loads(export.json_text())
    by_reference = {case["reference"]: case for case in data["cases"]}
    # Then every case he is in is there, with his own details
    assert set(by_reference) == {case.reference for case in cases.values()}
    own = by_reference[cases["closed"].reference]
    assert (own["your_part"][0]["name"], own["your_part"][0]["phone"]) == ("Jan Jansen", "06 1234 5678")
    # and for his own complaints what he told us, how it was handled, and the documents
    assert own["own_account"] is True and "waited three times" in own["description"]
    assert [step["event"] for step in own["course"]][:2] == ["received", "escalated"]
    assert own["documents"] == [own["documents"][0]] and own["documents"][0]["name"] == "complaint-letter.pdf"
    assert own["sensitive_documents_withheld"] == 1
    # but for the case about him only that he is its subject, not the complainant's account or name
    about = by_reference[cases["about"].reference]
    assert about["own_account"] is False and "description" not in about
    text = export.json_text()
    assert (
        "Klaas" not in text
        and "interview-piet" not in text
        and "Piet Pietersen" not in text.replace(own["description"], "")
    )
    assert "Passed on by phone" not in text  # staff notes stay out
    # and the request is completed and recorded in the audit trail
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED and request.performed_by == people["admin"]
    record = AuditRecord.objects.get(action="privacy.subject_exported")
    assert record.target_id == str(request.pk) and record.actor_id == people["admin"].pk


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for structure keys (no PDF reader needed)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(chunks)


def _pdf_text(pdf: bytes) -> str:
    """The text a reader (or a screen reader) gets out of the PDF, through a real PDF parser."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(("language", "heading"), [("en", "Your personal data"), ("nl", "Uw persoonsgegevens")])
def test_export_pdf_is_a_tagged_pdf_with_the_persons_data(jan_cases, language, heading):
    # Given a request in English or Dutch
    cases = jan_cases[2]
    request = subject_request_create(kind="export", actor=None, email="jan@example.org", language=language)
    # When the PDF is rendered (real WeasyPrint)
    pdf = subject_export(request=request, actor=None).pdf()
    # Then it is a PDF, tagged for accessibility (PDF/UA-1), holding the heading in that language and his data
    assert pdf.startswith(b"%PDF")
    objects = _pdf_objects(pdf)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects and b"pdfuaid" in objects
    text = _pdf_text(pdf)
    assert heading in text and "Jan Jansen" in text and cases["closed"].reference in text
    assert "Klaas" not in text


def test_erase_anonymises_closed_cases_and_refuses_open_and_held_ones_with_reasons(jan_cases):
    # Given Jan's closed complaint, his open one, and the closed case about him put on legal hold
    organisation, people, cases = jan_cases
    case_legal_hold_set(case=cases["about"], actor=people["admin"], reason="Claim by Klaas Klaassen")
    request = subject_request_create(
        kind="erase", actor=people["admin"], email="jan@example.org", language="nl", organisation=organisation
    )
    # When his data is erased
    request = subject_erase(request=request, actor=people["admin"], reason="Art. 17 request by letter of 1 May")
    # Then the closed case is anonymised
    closed = Case.objects.get(pk=cases["closed"].pk)
    assert closed.anonymised_on is not None and closed.description == ANONYMISED
    assert not closed.parties.filter(name="Jan Jansen").exists() and not closed.attachments.exists()
    # and the open case and the held case are refused, each with its reason recorded on the request
    results = {result["reference"]: result for result in request.results}
    assert results[cases["closed"].reference]["result"] == "anonymised"
    assert (results[cases["open"].reference]["result"], results[cases["open"].reference]["reason"]) == (
        "refused",
        "case_open",
    )
    assert results[cases["about"].reference]["reason"] == "legal_hold"
    assert "Claim by Klaas Klaassen" in results[cases["about"].reference]["text"]
    assert "nog open" in request.decision  # the decision is in the request's language
    assert request.status == RequestStatus.PARTLY_REFUSED and request.performed_by == people["admin"]
    assert request.reason == "Art. 17 request by letter of 1 May"
    # and those cases keep Jan's data
    assert Case.objects.get(pk=cases["open"].pk).parties.filter(name="Jan Jansen").exists()
    assert Case.objects.get(pk=cases["about"].pk).parties.filter(name="Jan Jansen").exists()
    # and the audit trail records the anonymisation and the request
    assert AuditRecord.objects.filter(action="case.anonymised", case_id=closed.pk).count() == 1
    assert AuditRecord.objects.get(action="privacy.subject_erased").details == {"anonymised": 1, "refused": 2}


def test_erasing_twice_changes_nothing_more(jan_cases):
    # Given an erasure that was done
    first = subject_request_create(kind="erase", actor=None, email="jan@example.org")
    subject_erase(request=first, actor=None, reason="request")
    records = AuditRecord.objects.filter(action="case.anonymised").count()
    # When the person asks again
    second = subject_erase(
        request=subject_request_create(kind="erase", actor=None, name="Jan Jansen"), actor=None, reason="again"
    )
    # Then nothing new is anonymised; the closed case is reported as already anonymised
    assert AuditRecord.objects.filter(action="case.anonymised").count() == records
    assert {result["result"] for result in second.results} <= {"already_anonymised", "refused"}


def test_an_administrator_may_not_search_every_organisation(jan_cases):
    from plaint.core.errors import Forbidden

    # Given an organisation's administrator / When they register a request for the whole installation
    # Then it is forbidden: only a superuser (or the system) searches across organisations
    with pytest.raises(Forbidden):
        subject_request_create(kind="export", actor=jan_cases[1]["admin"], email="jan@example.org")


def test_a_request_needs_an_identification(db):
    from plaint.privacy.errors import NoIdentification

    with pytest.raises(NoIdentification):
        subject_request_create(kind="export", actor=None)


# The command line


def test_plaint_privacy_export_json_on_stdout(jan_cases, capsys):
    call_command("privacy", "export", "--email", "jan@example.org")
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "plaint-subject-export/1" and len(data["cases"]) == 3
    assert DataSubjectRequest.objects.get().kind == "export"


def test_plaint_privacy_export_pdf_to_a_file(jan_cases, tmp_path):
    target = tmp_path / "jan.pdf"
    call_command("privacy", "export", "--email", "jan@example.org", "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")


def test_plaint_privacy_erase_prints_each_case_and_exits_1_when_some_were_refused(jan_cases, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("privacy", "erase", "--email", "jan@example.org", "--reason", "Art. 17")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "partly refused" in out and "still open" in out and "anonymised" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["export"], "give --email or --name to identify the person"),
        (["export", "--email", "x@example.org", "--format", "pdf"], "--format pdf needs --output FILE"),
        (["export", "--email", "x@example.org", "--output", "/no/such/dir/x.json"], "cannot write /no/such/dir"),
        (["erase", "--email", "x@example.org", "--reason", " "], "give --reason"),
        (["export", "--email", "x@example.org", "--organisation", "nope"], "no organisation with slug 'nope'"),
    ],
)
def test_plaint_privacy_bad_input_is_one_line_with_exit_2(db, arguments, message):
    with pytest.raises(CommandError) as failed:
        call_command("privacy", *arguments)
    assert failed.value.returncode == 2 and str(failed.value).startswith(message)
    assert "\n" not in str(failed.value)


def test_the_admin_lists_requests_read_only(admin_client, jan_cases):
    request = subject_request_create(kind="export", actor=None, email="jan@example.org")
    listing = admin_client.get("/admin/privacy/datasubjectrequest/")
    assert listing.status_code == 200 and "jan@example.org" in listing.content.decode()
    assert admin_client.get("/admin/privacy/datasubjectrequest/add/").status_code == 403
    detail = admin_client.get(f"/admin/privacy/datasubjectrequest/{request.pk}/change/")
    assert detail.status_code == 200 and 'name="email"' not in detail.content.decode()
