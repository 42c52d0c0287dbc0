"""Checkpoints of the audit trail, kept outside the database: every chain's head (place and hash) at a moment,
signed with the audit key, appended to a file (`PLAINT_AUDIT_CHECKPOINT_DIR/checkpoints.jsonl`), written to the log
and, when `PLAINT_AUDIT_CHECKPOINT_EMAIL` names addresses, mailed to them. `plaint audit checkpoint` writes one, the
worker does daily (`plaint.access.tasks`), and `plaint audit verify` checks the trail against the latest: whoever
owns the database can delete the newest records and rewind the head row, but cannot change what was written down
elsewhere, nor sign a new checkpoint without the key.
"""

from __future__ import annotations

import dataclasses
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

from plaint.access.models_audit import (
    GENESIS_HASH,
    LEGACY_CHAIN,
    AuditChainHead,
    audit_keyring,
    canonical_json,
    current_audit_key,
)
from plaint.core import clock

logger = logging.getLogger("plaint.audit")
FILE_NAME = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    """Every chain's head at a moment: `heads` maps a chain to (its last place, that record's hash).

    Checkpoints written before the chains were split hold one head (`sequence`, `hash`): that of the chain now
    called legacy; they still verify, as they were signed."""

    heads: dict[str, tuple[int, str]]
    at: str  # ISO 8601, UTC
    key_id: str
    signature: str
    single_chain: bool = False  # written before the split: signed over `sequence` and `hash`

    def signed_fields(self) -> dict[str, object]:
        if self.single_chain:
            sequence, head_hash = self.heads.get(LEGACY_CHAIN, (0, GENESIS_HASH))
            return {"sequence": sequence, "hash": head_hash, "at": self.at, "key_id": self.key_id}
        heads = {chain: [place, head_hash] for chain, (place, head_hash) in sorted(self.heads.items())}
        return {"heads": heads, "at": self.at, "key_id": self.key_id}

    def signature_valid(self) -> bool:
        key = audit_keyring().get(self.key_id)
        if key is None:
            return False
        expected = hmac.new(key, canonical_json(self.signed_fields()), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.signature)

    @property
    def records(self) -> int:
        """How many records the chains held then (the sum of their last places)."""
        return sum(place for place, _ in self.heads.values())

    @property
    def summary(self) -> str:
        chains = len(self.heads)
        return f"{self.records} records in {chains} chain{'' if chains == 1 else 's'}"

    @property
    def line(self) -> str:
        return json.dumps({**self.signed_fields(), "signature": self.signature}, sort_keys=True)


def checkpoint_file() -> Path:
    return Path(settings.PLAINT_AUDIT_CHECKPOINT_DIR) / FILE_NAME


def audit_checkpoint_write() -> Checkpoint:
    """Write every chain's head down outside the database (file, log, mail) and return the checkpoint."""
    heads = {
        chain: (place, head_hash)
        for chain, place, head_hash in AuditChainHead.objects.values_list("chain", "last_sequence", "last_hash")
    }
    key_id, key = current_audit_key()
    unsigned = Checkpoint(
        heads=heads, at=clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"), key_id=key_id, signature=""
    )
    signature = hmac.new(key, canonical_json(unsigned.signed_fields()), hashlib.sha256).hexdigest()
    checkpoint = dataclasses.replace(unsigned, signature=signature)
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
            subject=f"Plaint audit checkpoint: {checkpoint.summary}",
            message=f"The audit trail's chain heads at {checkpoint.at}:\n\n{checkpoint.line}\n\n"
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
            if "heads" in value:
                heads = {str(chain): (int(place), str(hash_)) for chain, (place, hash_) in value["heads"].items()}
                single = False
            else:  # written before the chains were split
                heads = {LEGACY_CHAIN: (int(value["sequence"]), str(value["hash"]))}
                single = True
            return Checkpoint(
                heads=heads,
                at=str(value["at"]),
                key_id=str(value["key_id"]),
                signature=str(value["signature"]),
                single_chain=single,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return None
