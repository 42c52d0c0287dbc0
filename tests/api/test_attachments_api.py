"""A case's documents over HTTP: upload (multipart), list, download, in the reader's language, refusals audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from plaint.access.models import AuditRecord
from plaint.cases.attachment_services import file_too_large
from plaint.cases.models import Attachment
from tests.api.conftest import at
from tests.cases import attachment_samples as samples
from tests.cases.attachment_world import union_case

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def union(media):
    return union_case()


def files_in(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def upload(api, case_id: int, name: str, content: bytes, headers: dict[str, str] | None = None, **fields):
    body = {"file": samples.upload(name, content), **fields}
    headers = headers or {}
    with at(DAY):
        return api.client.post(f"/api/cases/{case_id}/attachments/", body, format="multipart", **headers)


def get(api, path: str, **headers):
    with at(DAY):
        return api.client.get(path, **headers)


def test_upload_list_and_download(api, union, media):
    # Given a handler of the case
    case, people = union
    api.as_user(people["handler"])
    # When they upload a scanned letter with a description
    response = upload(api, case.pk, "Brief van de klager.pdf", samples.PDF, description="Letter of 1 March")
    # Then the answer is 201 with the document's details, never its content
    assert response.status_code == 201, response.json()
    document = response.json()
    assert document == {
        "id": document["id"],
        "name": "Brief van de klager.pdf",
        "content_type": "application/pdf",
        "size": len(samples.PDF),
        "sensitive": False,
        "description": "Letter of 1 March",
        "uploaded_by": people["handler"].username,
        "uploaded_at": document["uploaded_at"],
    }
    # and the list and the case's detail show it
    listed = get(api, f"/api/cases/{case.pk}/attachments/")
    assert listed.status_code == 200 and listed.json() == [document]
    assert get(api, f"/api/cases/{case.pk}/").json()["attachments"] == [document]
    # When it is downloaded
    download = get(api, f"/api/cases/{case.pk}/attachments/{document['id']}/content/")
    # Then the file comes as an attachment with its name and stored type, not to be sniffed or cached
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Brief van de klager.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Length"] == str(len(samples.PDF))
    # and the read is on record with where it came from
    read = AuditRecord.objects.get(action="case.attachment.read")
    assert (read.case_id, read.actor, read.details["attachment"]) == (case.pk, people["handler"], document["id"])
    assert read.request_id


def test_a_name_outside_ascii_is_sent_as_rfc_6266_filename_star(api, union, media):
    case, people = union
    api.as_user(people["handler"])
    document = upload(api, case.pk, 'Verslag "hoorzitting" €.txt', samples.TEXT).json()
    download = get(api, f"/api/cases/{case.pk}/attachments/{document['id']}/content/", HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200  # whatever the client accepts
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''Verslag%20hoorzitting%20%E2%82%AC.txt"
    assert download["Content-Type"] == "text/plain"
    download.close()


def test_a_refused_type_is_a_400_on_the_file_in_english_and_dutch(api, union, media):
    case, people = union
    api.as_user(people["handler"])
    # When a web page and a program are sent, in English and in Dutch
    english = upload(api, case.pk, "page.pdf", samples.HTML)
    dutch = upload(api, case.pk, "setup.exe", samples.EXE, headers={"HTTP_ACCEPT_LANGUAGE": "nl"})
    # Then both are 400 with a message on the file, in the reader's language
    assert english.status_code == 400 and english["Content-Language"] == "en"
    assert english.json()["code"] == "invalid"
    assert english.json()["errors"]["file"] == [english.json()["detail"]]
    assert english.json()["detail"].startswith("Web pages, SVG images and other markup cannot be added")
    assert dutch.status_code == 400 and dutch["Content-Language"] == "nl"
    with translation.override("nl"):
        expected = str(file_types_refusal())
    assert dutch.json()["errors"] == {"file": [expected]}
    assert files_in(media) == [] and not Attachment.objects.exists()


def file_types_refusal():
    from plaint.cases.attachment_services import _kind_refused

    return _kind_refused("unknown").detail


def test_input_errors_are_in_dutch(api, union, media):
    case, people = union
    api.as_user(people["handler"])
    with at(DAY):
        response = api.client.post(
            f"/api/cases/{case.pk}/attachments/", {"description": "x"}, format="multipart", HTTP_ACCEPT_LANGUAGE="nl"
        )
    assert response.status_code == 400
    assert response.json()["detail"] == "De invoer is niet geldig; zie de meldingen per veld."
    assert set(response.json()["errors"]) == {"file"}


def test_an_upload_over_the_limit_is_stopped_while_it_is_read(api, union, media, settings):
    # Given a limit of 100 KB
    case, people = union
    settings.PLAINT_ATTACHMENT_MAX_BYTES = 100 * 1024
    api.as_user(people["handler"])
    # When a 300 KB scan is sent
    response = upload(api, case.pk, "scan.pdf", samples.PDF + b"0" * (300 * 1024))
    # Then the answer is a 400 on the file giving both sizes, and nothing is stored
    assert response.status_code == 400
    message = response.json()["errors"]["file"][0]
    assert message.startswith("The file is 30") and message.endswith("the most a file may be is 100 KB."), message
    assert files_in(media) == [] and not Attachment.objects.exists()


def test_a_file_larger_than_the_memory_limit_goes_through_a_temporary_file(api, union, media, settings):
    case, people = union
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    api.as_user(people["handler"])
    content = samples.PDF + b"0" * (64 * 1024)
    response = upload(api, case.pk, "scan.pdf", content)
    assert response.status_code == 201, response.json()
    [stored] = files_in(media)
    assert stored.read_bytes() == content


@pytest.mark.clause("WA-11")
def test_sensitive_documents_over_the_api(api, union, media):
    case, people = union
    # Given a medical record added by a handler, and a letter
    api.as_user(people["handler"])
    medical = upload(api, case.pk, "medical.pdf", samples.PDF, sensitive="true").json()
    letter = upload(api, case.pk, "letter.pdf", samples.PDF).json()
    assert medical["sensitive"] is True
    # When the administrator (acts on the case, no sensitive documents) lists, downloads and uploads
    api.as_user(people["administrator"])
    listed = get(api, f"/api/cases/{case.pk}/attachments/").json()
    refused = get(api, f"/api/cases/{case.pk}/attachments/{medical['id']}/content/")
    refused_upload = upload(api, case.pk, "interview.pdf", samples.PDF, sensitive="true")
    # Then the list leaves the medical record out, and both are 403, audited
    assert [item["id"] for item in listed] == [letter["id"]]
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert refused_upload.status_code == 403
    denials = AuditRecord.objects.filter(action="access.denied", actor=people["administrator"])
    assert [d.details["permission"] for d in denials.order_by("sequence")] == ["cases.view_sensitive"] * 2
    assert not AuditRecord.objects.filter(action="case.attachment.read").exists()


def test_a_case_one_may_not_see_is_404_everywhere_and_audited(api, union, media):
    case, people = union
    api.as_user(people["handler"])
    document = upload(api, case.pk, "letter.pdf", samples.PDF).json()
    api.as_user(people["outsider"])
    responses = [
        get(api, f"/api/cases/{case.pk}/attachments/"),
        upload(api, case.pk, "letter.pdf", samples.PDF),
        get(api, f"/api/cases/{case.pk}/attachments/{document['id']}/content/"),
        get(api, f"/api/cases/{case.pk + 1000}/attachments/1/content/"),
    ]
    assert [response.status_code for response in responses] == [404] * 4
    assert {response.json()["code"] for response in responses} == {"not_found"}
    assert AuditRecord.objects.filter(action="access.denied", actor=people["outsider"]).count() == 4
    assert len(files_in(media)) == 1


def test_someone_who_only_reads_the_case_may_not_add(api, union, media):
    case, people = union
    response = upload(api.as_user(people["expert"]), case.pk, "letter.pdf", samples.PDF)
    assert response.status_code == 403
    assert files_in(media) == []


def test_the_list_takes_the_same_queries_for_one_document_or_many(api, union, media):
    case, people = union
    api.as_user(people["handler"])
    upload(api, case.pk, "one.pdf", samples.PDF)
    with CaptureQueriesContext(connection) as one:
        get(api, f"/api/cases/{case.pk}/attachments/")
    for index in range(3):
        upload(api, case.pk, f"more-{index}.pdf", samples.PDF)
    with CaptureQueriesContext(connection) as many:
        response = get(api, f"/api/cases/{case.pk}/attachments/")
    assert len(response.json()) == 4
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_size_refusal_in_the_api_matches_the_service(settings):
    settings.PLAINT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    assert str(file_too_large(31 * 1024 * 1024).detail) == "The file is 31 MB; the most a file may be is 20 MB."


def remove(api, case_id: int, attachment_id: int, reason: str = "Wrong file: a letter of another case", **headers):
    with at(DAY):
        return api.client.post(
            f"/api/cases/{case_id}/attachments/{attachment_id}/removal/", {"reason": reason}, format="json", **headers
        )


def test_a_document_added_by_mistake_is_removed_with_its_file_and_the_history_says_why(
    api, union, media, django_capture_on_commit_callbacks
):
    # Given a letter of another case uploaded here by mistake, and the right one
    case, people = union
    api.as_user(people["handler"])
    wrong = upload(api, case.pk, "other-case.pdf", samples.PDF).json()
    right = upload(api, case.pk, "letter.pdf", samples.PDF).json()
    # When the handler removes the wrong one, saying why
    with django_capture_on_commit_callbacks(execute=True):
        response = remove(api, case.pk, wrong["id"])
    # Then the answer lists what is left, the row and its file are gone
    assert response.status_code == 200, response.json()
    assert [item["id"] for item in response.json()] == [right["id"]]
    assert not Attachment.objects.filter(pk=wrong["id"]).exists()
    assert len(files_in(media)) == 1
    # and the history keeps that it was there and why it went; the audit trail who removed it
    detail = get(api, f"/api/cases/{case.pk}/").json()
    removed = [event for event in detail["events"] if event["kind"] == "attachment_removed"]
    assert removed[-1]["data"] == {"attachment": wrong["id"], "reason": "Wrong file: a letter of another case"}
    record = AuditRecord.objects.get(action="case.attachment.removed")
    assert (record.actor, record.details["attachment"]) == (people["handler"], wrong["id"])
    # and it can no longer be downloaded
    assert get(api, f"/api/cases/{case.pk}/attachments/{wrong['id']}/content/").status_code == 404


def test_removing_needs_a_reason_the_right_to_act_and_for_a_sensitive_one_the_right_to_see_it(api, union, media):
    case, people = union
    api.as_user(people["handler"])
    letter = upload(api, case.pk, "letter.pdf", samples.PDF).json()
    medical = upload(api, case.pk, "medical.pdf", samples.PDF, sensitive="true").json()
    # no reason: 400 on the field, in Dutch for a Dutch reader
    blank = remove(api, case.pk, letter["id"], reason="  ", HTTP_ACCEPT_LANGUAGE="nl")
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    # an expert only reads the case; an outsider does not see it; the administrator may not see sensitive ones
    assert remove(api.as_user(people["expert"]), case.pk, letter["id"]).status_code == 403
    assert remove(api.as_user(people["outsider"]), case.pk, letter["id"]).status_code == 404
    assert remove(api.as_user(people["administrator"]), case.pk, medical["id"]).status_code == 403
    # a document of another case, or none at all, is not found
    assert remove(api.as_user(people["handler"]), case.pk, letter["id"] + 1000).status_code == 404
    # and nothing was removed
    assert Attachment.objects.filter(case=case).count() == 2
    assert len(files_in(media)) == 2
