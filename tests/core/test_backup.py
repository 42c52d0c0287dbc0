"""`plaint backup DIR` and `plaint restore DIR [--force]` round-trip a demo installation on the embedded default:
every case, document and audit record comes back, and `plaint audit verify` passes after the restore."""

from __future__ import annotations

import json

from tests.core.plaint_processes import child_env, plaint

ADD_DOCUMENT = """
from django.core.files.uploadedfile import SimpleUploadedFile
from plaint.cases.attachment_services import attachment_add
from plaint.cases.models import Case
case = Case.objects.order_by("pk").first()
attachment_add(case=case, actor=case.created_by, file=SimpleUploadedFile("letter.pdf", b"%PDF-1.7\\n%%EOF\\n"))
"""

DIGEST = """
import hashlib, json
from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Attachment, Case, CaseEvent
print(json.dumps({
    "cases": list(Case.objects.order_by("pk").values_list("pk", "reference", "version", "stage", "status")),
    "events": CaseEvent.objects.count(),
    "documents": [
        (a.pk, a.original_name, hashlib.sha256(a.file.read()).hexdigest())
        for a in Attachment.objects.order_by("pk")
    ],
    "audit": list(AuditRecord.objects.order_by("sequence").values_list("sequence", "hash")),
}))
"""


def digest(env: dict[str, str]) -> dict:
    result = plaint("shell", "-c", DIGEST, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_demo_installation_round_trips(tmp_path):
    # Given a demo installation with a document and a checkpoint of its audit trail
    origin = child_env(tmp_path / "origin", DATABASE_URL="", REDIS_URL="")
    for step in (
        ("migrate", "-v0"),
        ("demo", "load", "--quiet"),
        ("shell", "-c", ADD_DOCUMENT),
        ("audit", "checkpoint"),
    ):
        result = plaint(*step, env=origin, timeout=600)
        assert result.returncode == 0, (step, result.stderr)
    before = digest(origin)
    assert len(before["cases"]) > 50 and len(before["documents"]) == 1 and before["audit"]
    # When it is backed up
    folder = tmp_path / "backup"
    made = plaint("backup", str(folder), env=origin)
    assert made.returncode == 0, made.stderr
    assert "not included: the secret key and the audit key" in made.stdout
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["media_files"] == 1 and manifest["queue"] is True
    assert manifest["tables"]["cases_case"] == len(before["cases"])
    # and a second backup into the same folder is refused
    again = plaint("backup", str(folder), env=origin)
    assert (again.returncode, "is not empty" in again.stderr) == (2, True)
    # and restored on a new installation that was handed the audit key apart from the backup
    target = child_env(tmp_path / "target", PLAINT_AUDIT_KEY_FILE=str(tmp_path / "origin" / "audit_key"))
    restored = plaint("restore", str(folder), env=target)
    assert restored.returncode == 0, restored.stderr
    # Then every case, document (byte for byte) and audit record is back
    assert digest(target) == before
    assert (tmp_path / "target" / "tasks.sqlite3").is_file()
    # and the audit trail verifies, also against the checkpoint written before the backup
    verified = plaint("audit", "verify", env=target)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    checkpoints = tmp_path / "origin" / "audit-checkpoints" / "checkpoints.jsonl"
    against = plaint("audit", "verify", "--checkpoint", str(checkpoints), env=target)
    assert against.returncode == 0, against.stdout + against.stderr
    assert "matches the checkpoint" in against.stdout
    # and restoring over an installation that holds data needs --force
    refused = plaint("restore", str(folder), env=target)
    assert (refused.returncode, "--force" in refused.stderr) == (2, True)
    assert plaint("restore", str(folder), "--force", env=target).returncode == 0


def test_backup_refuses_postgresql(tmp_path):
    env = child_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    result = plaint("backup", str(tmp_path / "b"), env=env)
    assert result.returncode == 2
    assert "pg_dump" in result.stderr
