"""Adding and reading a case's documents (issue #4; every read on record, issue #5): the kinds judged by content, the
limits, storage under random names with no orphan files, the history and the audit trail, sensitive documents
(WA-11), and deletion from disk under retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plaint.access.models import AuditRecord
from plaint.cases import attachment_services
from plaint.cases.attachment_services import (
    AttachmentLimitReached,
    DocumentsGone,
    attachment_add,
    display_name,
)
from plaint.cases.attachment_types import KINDS
from plaint.cases.errors import CaseNotFound
from plaint.cases.models import Attachment, Case, CaseEvent
from plaint.cases.selectors import attachment_list, attachment_read
from plaint.core.errors import Forbidden, InvalidInput, NotFound
from plaint.privacy.services import case_documents_delete
from tests.api.conftest import at
from tests.cases import attachment_samples as samples
from tests.cases.attachment_world import union_case
from tests.cases.factories import organisation_running, staff
from tests.privacy.factories import xs2more_case

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def union(media):
    return union_case()


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []


def add(case: Case, actor, name: str, content: bytes, **fields):
    with at(DAY):
        return attachment_add(case=case, actor=actor, file=samples.upload(name, content), **fields)


@pytest.mark.parametrize("name", sorted(samples.KINDS))
def test_each_kind_is_accepted_by_its_content_and_stored_under_a_random_name(union, media, name):
    # Given a document of an accepted kind, sent with a misleading claimed type
    case, people = union
    content, content_type = samples.KINDS[name]
    # When it is added
    attachment = add(case, people["desk"], name, content)
    # Then its type is the one its content shows, its name is kept for display, and the stored path is random
    attachment.refresh_from_db()
    assert (attachment.content_type, attachment.original_name, attachment.size) == (content_type, name, len(content))
    [stored] = stored_files(media)
    assert stored.read_bytes() == content
    assert name.rsplit(".", 1)[0] not in str(stored.relative_to(media))
    assert stored.relative_to(media).parts[:3] == ("attachments", "2025", "03")


def test_the_claimed_name_and_type_are_never_believed(union, media):
    case, people = union
    # Given a web page named like a PDF and sent as application/pdf
    with pytest.raises(InvalidInput) as refused:
        add(case, people["desk"], "letter.pdf", samples.HTML)
    assert "markup" in str(refused.value.detail) and set(refused.value.errors) == {"file"}
    # Given a real PDF named like a program, and text named like a batch file
    pdf = add(case, people["desk"], "invoice.exe", samples.PDF)
    text = add(case, people["desk"], "notes.bat", samples.SCRIPT)
    # Then they are stored as what they are, and offered for saving with a fitting extension
    assert (pdf.content_type, pdf.original_name) == ("application/pdf", "invoice.exe.pdf")
    assert (text.content_type, text.original_name) == ("text/plain", "notes.bat.txt")


@pytest.mark.parametrize("name", sorted(samples.REFUSED))
def test_executables_markup_macros_and_other_kinds_are_refused(union, media, name):
    # Given a file of a kind that is never accepted
    case, people = union
    content, reason = samples.REFUSED[name]
    # When it is added / Then it is refused on the file field, saying what is allowed, and nothing is kept
    with pytest.raises(InvalidInput) as refused:
        add(case, people["desk"], name, content)
    message = str(refused.value.detail)
    expected = {
        "markup": "Web pages, SVG images and other markup cannot be added",
        "macros": "Documents with macros cannot be added",
        "unknown": "Files of this type cannot be added. Allowed: PDF, PNG image, JPEG image",
    }[reason]
    assert message.startswith(expected), message
    assert refused.value.errors == {"file": [refused.value.detail]}
    assert stored_files(media) == [] and not Attachment.objects.exists()


def test_an_empty_file_is_refused(union, media):
    case, people = union
    with pytest.raises(InvalidInput) as refused:
        add(case, people["desk"], "empty.pdf", b"")
    assert str(refused.value.detail) == "The file is empty."
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused_saying_how_large_it_may_be(union, media):
    # Given the default limit of 20 MB and a 31 MB scan
    case, people = union
    content = samples.PDF + b"0" * (31 * 1024 * 1024 - len(samples.PDF))
    # When it is added / Then the message gives both sizes
    with pytest.raises(InvalidInput) as refused:
        add(case, people["desk"], "scan.pdf", content)
    assert str(refused.value.detail) == "The file is 31 MB; the most a file may be is 20 MB."
    assert refused.value.errors["file"] == [refused.value.detail]
    assert stored_files(media) == []


def test_a_file_just_over_the_limit_never_shows_the_same_size_as_the_limit(union, settings):
    case, people = union
    settings.PLAINT_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    with pytest.raises(InvalidInput) as refused:
        add(case, people["desk"], "scan.pdf", samples.PDF + b"0" * (2 * 1024 * 1024))
    assert str(refused.value.detail) == "The file is 2.1 MB; the most a file may be is 2 MB."


def test_the_installation_chooses_which_kinds_it_accepts(union, settings, media):
    # Given an installation that accepts PDF and plain text only
    case, people = union
    settings.PLAINT_ATTACHMENT_TYPES = ["pdf", "txt"]
    # When a photo is added / Then it is refused, naming what is allowed
    with pytest.raises(InvalidInput) as refused:
        add(case, people["desk"], "photo.jpg", samples.JPEG)
    assert str(refused.value.detail) == "Files of this type cannot be added. Allowed: PDF, plain text."
    assert add(case, people["desk"], "letter.pdf", samples.PDF).content_type == "application/pdf"


def test_a_case_takes_at_most_the_configured_number_of_documents(union, settings, media):
    case, people = union
    settings.PLAINT_ATTACHMENTS_PER_CASE = 2
    add(case, people["desk"], "one.pdf", samples.PDF)
    add(case, people["desk"], "two.pdf", samples.PDF)
    with pytest.raises(AttachmentLimitReached) as refused:
        add(case, people["desk"], "three.pdf", samples.PDF)
    assert refused.value.status == 409
    assert str(refused.value.detail) == "This case has 2 documents, the most one case may have."
    assert len(stored_files(media)) == 2


def test_a_description_is_kept_and_limited(union, media):
    case, people = union
    attachment = add(case, people["desk"], "letter.pdf", samples.PDF, description="  Letter of 1 March  ")
    assert attachment.description == "Letter of 1 March"
    with pytest.raises(InvalidInput) as refused:
        add(case, people["desk"], "letter.pdf", samples.PDF, description="x" * 501)
    assert set(refused.value.errors) == {"description"}


def test_adding_records_an_event_and_an_audit_record_without_the_content(union, media):
    # Given a case at version 1
    case, people = union
    version = Case.objects.get(pk=case.pk).version
    # When a letter is added
    attachment = add(case, people["desk"], "letter.pdf", samples.PDF)
    # Then the history has a record event with the document's id, name, size, type and sensitivity
    event = CaseEvent.objects.filter(case=case).order_by("sequence").last()
    assert event.kind == "attachment_added" and event.actor == people["desk"]
    assert event.data == {
        "attachment": attachment.pk,
        "name": "letter.pdf",
        "size": len(samples.PDF),
        "type": "application/pdf",
        "sensitive": False,
    }
    # and the audit trail a record with ids and codes only; the case's version does not change
    record = AuditRecord.objects.get(action="case.attachment.added")
    assert (record.case_id, record.actor, record.reference) == (case.pk, people["desk"], case.reference)
    assert record.details == {"attachment": attachment.pk, "type": "pdf", "size": len(samples.PDF), "sensitive": False}
    assert Case.objects.get(pk=case.pk).version == version


def test_when_the_transaction_fails_the_stored_file_is_removed(union, media, monkeypatch):
    # Given a history that cannot be written
    case, people = union

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(attachment_services, "case_record_event", broken)
    # When a document is added / Then the error comes through, and neither a row nor a file is left
    with pytest.raises(RuntimeError):
        add(case, people["desk"], "letter.pdf", samples.PDF)
    assert not Attachment.objects.exists() and stored_files(media) == []
    assert not AuditRecord.objects.filter(action="case.attachment.added").exists()


def test_when_storing_fails_nothing_is_written(union, settings, tmp_path):
    # Given a media folder that cannot be created (a file is in the way)
    case, people = union
    (tmp_path / "blocked").write_text("not a folder")
    settings.MEDIA_ROOT = str(tmp_path / "blocked" / "media")
    events = CaseEvent.objects.filter(case=case).count()
    # When a document is added / Then it fails and nothing is recorded
    with pytest.raises(OSError):
        add(case, people["desk"], "letter.pdf", samples.PDF)
    assert not Attachment.objects.exists()
    assert CaseEvent.objects.filter(case=case).count() == events
    assert not AuditRecord.objects.filter(action="case.attachment.added").exists()


@pytest.mark.clause("WA-11")
def test_only_those_who_see_sensitive_documents_add_or_see_one(union, media):
    case, people = union
    # Given an administrator, who acts on the case but does not see its sensitive documents
    with pytest.raises(Forbidden):
        add(case, people["administrator"], "medical.pdf", samples.PDF, sensitive=True)
    denial = AuditRecord.objects.filter(action="access.denied").last()
    assert denial.details == {"permission": "cases.view_sensitive"} and denial.actor == people["administrator"]
    assert stored_files(media) == []
    # When a handler adds a medical record and the administrator a letter
    medical = add(case, people["handler"], "medical-jan-jansen.pdf", samples.PDF, sensitive=True)
    letter = add(case, people["administrator"], "letter.pdf", samples.PDF)
    # Then the history does not name the sensitive document (everyone who sees the case sees its history)
    event = CaseEvent.objects.get(case=case, kind="attachment_added", data__attachment=medical.pk)
    assert "name" not in event.data and event.data["sensitive"] is True
    # and the administrator's list leaves it out, the handler's has both
    with at(DAY):
        assert [a.pk for a in attachment_list(actor=people["administrator"], case_id=case.pk)] == [letter.pk]
        assert [a.pk for a in attachment_list(actor=people["handler"], case_id=case.pk)] == [medical.pk, letter.pk]


def test_only_those_who_act_on_the_case_add_documents(union, media):
    case, people = union
    with pytest.raises(CaseNotFound):
        add(case, people["outsider"], "letter.pdf", samples.PDF)
    with pytest.raises(Forbidden):
        add(case, people["expert"], "letter.pdf", samples.PDF)
    assert AuditRecord.objects.filter(action="access.denied").count() == 2
    assert stored_files(media) == []


def test_a_closed_case_takes_documents_until_they_are_deleted_or_it_is_anonymised(db, media):
    # Given a closed complaint
    organisation = organisation_running("xs2more")
    people = {"intake": staff(organisation, "intake_staff"), "manager": staff(organisation, "senior_manager")}
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=dt.date(2026, 3, 13))
    # When a late letter comes in / Then it is added
    add(case, people["manager"], "ombudsman.pdf", samples.PDF)
    # When the documents were deleted, or the case anonymised / Then nothing more is added
    Case.objects.filter(pk=case.pk).update(documents_deleted_on=dt.date(2027, 3, 14))
    with pytest.raises(DocumentsGone, match="deleted when its retention period passed"):
        add(case, people["manager"], "late.pdf", samples.PDF)
    Case.objects.filter(pk=case.pk).update(documents_deleted_on=None, anonymised_on=dt.date(2028, 3, 14))
    with pytest.raises(DocumentsGone, match="anonymised"):
        add(case, people["manager"], "late.pdf", samples.PDF)
    assert len(stored_files(media)) == 1


def test_deleting_the_documents_of_a_closed_case_removes_the_files_from_disk(
    db, media, django_capture_on_commit_callbacks
):
    # Given a closed complaint with a letter and a medical record added through the service
    organisation = organisation_running("xs2more")
    people = {"intake": staff(organisation, "intake_staff"), "manager": staff(organisation, "senior_manager")}
    case = xs2more_case(organisation, people, received=dt.date(2026, 2, 2), closed=dt.date(2026, 3, 13))
    add(case, people["manager"], "letter.pdf", samples.PDF)
    add(case, people["manager"], "medical.pdf", samples.PDF, sensitive=True)
    assert len(stored_files(media)) == 2
    # When retention deletes its documents
    with django_capture_on_commit_callbacks(execute=True):
        case_documents_delete(case=case, actor=None, reason="retention", trigger="retention")
    # Then the rows and the files are gone
    assert not Attachment.objects.filter(case=case).exists()
    assert stored_files(media) == []


# Reading


def test_every_read_is_recorded_before_the_file_is_returned(union, media):
    case, people = union
    attachment = add(case, people["desk"], "letter.pdf", samples.PDF)
    # When the handler opens it twice
    with at(DAY):
        for _ in range(2):
            read = attachment_read(actor=people["handler"], case_id=case.pk, attachment_id=attachment.pk)
            assert read.file.read() == samples.PDF
            read.file.close()
    # Then two reads are on record, with the document's id
    reads = AuditRecord.objects.filter(action="case.attachment.read")
    assert reads.count() == 2
    assert {(r.case_id, r.actor_id, r.details["attachment"]) for r in reads} == {
        (case.pk, people["handler"].pk, attachment.pk)
    }


@pytest.mark.clause("WA-11")
def test_reads_refused_are_audited_and_record_no_read(union, media):
    case, people = union
    medical = add(case, people["handler"], "medical.pdf", samples.PDF, sensitive=True)
    with at(DAY):
        with pytest.raises(CaseNotFound):
            attachment_read(actor=people["outsider"], case_id=case.pk, attachment_id=medical.pk)
        with pytest.raises(Forbidden):
            attachment_read(actor=people["administrator"], case_id=case.pk, attachment_id=medical.pk)
        with pytest.raises(NotFound):
            attachment_read(actor=people["handler"], case_id=case.pk, attachment_id=medical.pk + 1000)
    denials = AuditRecord.objects.filter(action="access.denied").order_by("sequence")
    assert [d.details["permission"] for d in denials] == ["cases.view_case", "cases.view_sensitive"]
    assert not AuditRecord.objects.filter(action="case.attachment.read").exists()


def test_a_file_missing_from_storage_is_a_404_not_a_crash(union, media):
    case, people = union
    attachment = add(case, people["desk"], "letter.pdf", samples.PDF)
    (media / attachment.file.name).unlink()
    with at(DAY), pytest.raises(NotFound, match="missing"):
        attachment_read(actor=people["handler"], case_id=case.pk, attachment_id=attachment.pk)
    assert not AuditRecord.objects.filter(action="case.attachment.read").exists()


# Names and kinds


@pytest.mark.parametrize(
    ("raw", "kind", "shown"),
    [
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("C:\\Users\\jan\\Brief aan de klachtencommissie.PDF", "pdf", "Brief aan de klachtencommissie.PDF"),
        ("invoice\u202egpj.exe", "pdf", "invoicegpj.exe.pdf"),  # a right-to-left override hiding .exe
        ('a"b<c>d|e?.pdf', "pdf", "abcde.pdf"),
        ("   .hidden.pdf  ", "pdf", "hidden.pdf"),
        ("", "jpeg", "document.jpg"),
        ("scan", "tiff", "scan.tif"),
        ("x" * 300 + ".pdf", "pdf", "x" * 200 + ".pdf"),
        ("brief\r\n\t.pdf", "pdf", "brief.pdf"),
    ],
)
def test_names_are_made_safe_to_show_and_save(raw, kind, shown):
    assert display_name(raw, KINDS[kind]) == shown


def test_an_email_without_mail_headers_is_plain_text_and_an_mbox_line_is_allowed(union, media):
    case, people = union
    assert add(case, people["desk"], "mail.eml", b"Hello,\nthis is not a header\n").content_type == "text/plain"
    mbox = b"From jan@example.org Mon Mar  3 09:00:00 2025\n" + samples.EML
    assert add(case, people["desk"], "mail.eml", mbox).content_type == "message/rfc822"
