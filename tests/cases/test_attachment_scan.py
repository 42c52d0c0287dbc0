"""The optional virus scanner: clamd over its socket (`PLAINT_CLAMD`). The scanner here is a small server speaking
clamd's INSTREAM protocol on a real Unix socket and flagging the EICAR test file, as ClamAV does (ClamAV itself needs
signature downloads this machine cannot make)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.cases.attachment_services import ScannerDown, attachment_add
from plaint.cases.models import Attachment
from plaint.core.errors import InvalidInput
from tests.cases.attachment_samples import PDF, upload
from tests.cases.attachment_world import union_case
from tests.cases.document_corpus import EICAR

pytestmark = pytest.mark.django_db


class FakeClamd:
    """Answers INSTREAM like clamd: `stream: OK`, or `stream: Eicar-Test-Signature FOUND` for the EICAR file."""

    def __init__(self, path: Path) -> None:
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen()
        self.scanned: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            with connection:
                stream = connection.makefile("rb")
                assert stream.read(10) == b"zINSTREAM\0"
                content = b""
                while size := int.from_bytes(stream.read(4), "big"):
                    content += stream.read(size)
                self.scanned.append(content)
                found = EICAR in content
                connection.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def clamd(tmp_path, settings):
    path = tmp_path / "clamd.ctl"
    server = FakeClamd(path)
    settings.PLAINT_CLAMD = f"unix://{path}"
    yield server
    server.close()


def test_without_a_scanner_documents_are_not_scanned(settings):
    case, people = union_case()
    assert settings.PLAINT_CLAMD == ""
    attachment = attachment_add(case=case, actor=people["desk"], file=upload("eicar.txt", EICAR, "text/plain"))
    assert attachment.content_type == "text/plain"


def test_a_clean_document_is_scanned_and_added(clamd):
    case, people = union_case()
    attachment_add(case=case, actor=people["desk"], file=upload("letter.pdf", PDF))
    assert clamd.scanned == [PDF]
    assert Attachment.objects.filter(case=case).count() == 1


def test_a_flagged_document_is_refused_never_stored_and_recorded_with_the_case(clamd):
    # Given a scanner, when the EICAR test file is uploaded
    case, people = union_case()
    with pytest.raises(InvalidInput) as refusal:
        attachment_add(case=case, actor=people["desk"], file=upload("invoice.txt", EICAR, "text/plain"))
    # Then the uploader is told what was found, nothing is stored, and the case's audit trail says so
    assert "Eicar-Test-Signature" in str(refusal.value.detail)
    assert not Attachment.objects.filter(case=case).exists()
    record = AuditRecord.objects.get(action="case.attachment.refused")
    assert (record.case_id, record.details) == (case.pk, {"type": "txt", "signature": "Eicar-Test-Signature"})


def test_an_unreachable_scanner_refuses_every_upload(settings, tmp_path):
    settings.PLAINT_CLAMD = f"unix://{tmp_path / 'nobody-listens.ctl'}"
    case, people = union_case()
    with pytest.raises(ScannerDown) as refusal:
        attachment_add(case=case, actor=people["desk"], file=upload("letter.pdf", PDF))
    assert refusal.value.status == 503
    assert not Attachment.objects.filter(case=case).exists()
