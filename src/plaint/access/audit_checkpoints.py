"""Checkpoints of the audit trail, kept outside the database: the chain's head (sequence and hash) at a moment,
signed with the audit key, appended to a file (`PLAINT_AUDIT_CHECKPOINT_DIR/checkpoints.jsonl`), written to the log
and, when `PLAINT_AUDIT_CHECKPOINT_EMAIL` names addresses, mailed to them. `plaint audit checkpoint` writes one, the
worker does daily (`plaint.access.tasks`), and `plaint audit verify` checks the trail against the latest: whoever
owns the database can delete the newest records and rewind the head row, but cannot change what was written down
elsewhere, nor sign a new checkpoint without the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Max

from plaint.access.models_audit import (
    GENESIS_HASH,
    AuditChainHead,
    AuditRecord,
    audit_keyring,
    canonical_json,
    current_audit_key,
)
from plaint.core import clock

logger = logging.getLogger("plaint.audit")
FILE_NAME = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    at: str  # ISO 8601, UTC
    key_id: str
    signature: str

    def signed_fields(self) -> dict[str, object]:
        return {"sequence": self.sequence, "hash": self.hash, "at": self.at, "key_id": self.key_id}

    def signature_valid(self) -> bool:
        key = audit_keyring().get(self.key_id)
        if key is None:
            return False
        expected = hmac.new(key, canonical_json(self.signed_fields()), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.signature)

    @property
    def line(self) -> str:
        return json.dumps({**self.signed_fields(), "signature": self.signature}, sort_keys=True)


def checkpoint_file() -> Path:
    return Path(settings.PLAINT_AUDIT_CHECKPOINT_DIR) / FILE_NAME


def audit_checkpoint_write() -> Checkpoint:
    """Write the chain's head down outside the database (file, log, mail) and return the checkpoint."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        sequence, head_hash = head.last_sequence, head.last_hash
    else:
        sequence = AuditRecord.objects.aggregate(last=Max("sequence"))["last"] or 0
        last = AuditRecord.objects.filter(sequence=sequence).values_list("hash", flat=True).first()
        head_hash = last or GENESIS_HASH
    key_id, key = current_audit_key()
    fields = {
        "sequence": sequence,
        "hash": head_hash,
        "at": clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "key_id": key_id,
    }
    signature = hmac.new(key, canonical_json(fields), hashlib.sha256).hexdigest()
    checkpoint = Checkpoint(signature=signature, **fields)  # type: ignore[arg-type]
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(checkpoint.line + "\n")
        file.flush()
        os.fsync(file.fileno())
    logger.info("audit checkpoint %s", checkpoint.line)
    recipients = list(settings.PLAINT_AUDIT_CHECKPOINT_EMAIL)
    if recipients:
        send_mail(
            subject=f"Plaint audit checkpoint: record {sequence}",
            message=f"The audit trail's head at {fields['at']}:\n\n{checkpoint.line}\n\n"
            "Keep this mail: `plaint audit verify --checkpoint FILE` checks the trail against it.\n",
            from_email=None,
            recipient_list=recipients,
        )
    return checkpoint


def latest_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """The last checkpoint in the file (or None when there is none). A line that is not a checkpoint is skipped; one
    whose signature does not hold is returned as it is, for the verification to report."""
    path = path or checkpoint_file()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for text in reversed(lines):
        try:
            value = json.loads(text)
            return Checkpoint(
                sequence=int(value["sequence"]),
                hash=str(value["hash"]),
                at=str(value["at"]),
                key_id=str(value["key_id"]),
                signature=str(value["signature"]),
            )
        except (ValueError, KeyError, TypeError):
            continue
    return None
