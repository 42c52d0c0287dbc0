"""The six tamperings of issue 13's probe, each done as the database's owner would (raw SQL, triggers disabled on
PostgreSQL), each found by `plaint audit verify` with the sequence number of the record it touched.

The trail is keyed (HMAC with the audit key, which is not in the database) and checked against the latest checkpoint
(written outside the database). Runs on the database the suite runs on: SQLite, and PostgreSQL in CI.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from plaint.access.audit_checkpoints import audit_checkpoint_write, checkpoint_file
from plaint.access.models_audit import AuditChainHead, AuditRecord, canonical_fields, record_hash
from tests.access.audit_support import TABLE, behind_the_applications_back, record

pytestmark = pytest.mark.django_db

HEAD_TABLE = AuditChainHead._meta.db_table
RECORDS = 6


def verify() -> tuple[list[str], int]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        return out.getvalue().splitlines(), int(exit_.code or 0)
    return out.getvalue().splitlines(), 0


def rechain_without_the_key(start: int) -> None:
    """What someone without the key can best do after changing record `start`: recompute every hash from there on
    as the unkeyed records of old (plain SHA-256, no key id) and move the head to the new end."""
    previous = AuditRecord.objects.get(sequence=start - 1).hash
    for row in AuditRecord.objects.filter(sequence__gte=start).order_by("sequence"):
        row.key_id = ""
        row.previous_hash = previous
        row.hash = record_hash(canonical_fields(row), previous)
        behind_the_applications_back(
            f"UPDATE {TABLE} SET key_id = '', previous_hash = %s, hash = %s WHERE sequence = %s",
            [row.previous_hash, row.hash, row.sequence],
        )
        previous = row.hash
    behind_the_applications_back(f"UPDATE {HEAD_TABLE} SET last_hash = %s", [previous])


def change_a_field() -> None:
    behind_the_applications_back(f"UPDATE {TABLE} SET target_id = '999' WHERE sequence = 3")


def delete_a_middle_record() -> None:
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE sequence = 3")


def delete_the_tail_and_rewind_the_head() -> None:
    fourth = AuditRecord.objects.get(sequence=4).hash
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE sequence >= 5")
    behind_the_applications_back(f"UPDATE {HEAD_TABLE} SET last_sequence = 4, last_hash = %s", [fourth])


def recompute_the_hashes() -> None:
    behind_the_applications_back(f"UPDATE {TABLE} SET action = 'case.nothing_to_see' WHERE sequence = 3")
    rechain_without_the_key(3)


def forge_an_insert() -> None:
    last = AuditRecord.objects.get(sequence=RECORDS)
    forged = AuditRecord(
        sequence=RECORDS + 1,
        at=last.at,
        action="case.viewed",
        target_type="case",
        target_id="1",
        previous_hash=last.hash,
        key_id=last.key_id,  # the key's id is public; the key is not
    )
    forged.hash = record_hash(canonical_fields(forged), forged.previous_hash)
    behind_the_applications_back(
        f"INSERT INTO {TABLE} (sequence, at, actor_description, action, target_type, target_id, reference,"
        " details, user_agent, request_id, previous_hash, hash, key_id)"
        " VALUES (%s, %s, '', %s, %s, %s, '', '{}', '', '', %s, %s, %s)",
        [forged.sequence, forged.at, "case.viewed", "case", "1", forged.previous_hash, forged.hash, forged.key_id],
    )
    behind_the_applications_back(
        f"UPDATE {HEAD_TABLE} SET last_sequence = %s, last_hash = %s", [forged.sequence, forged.hash]
    )


def reorder() -> None:
    behind_the_applications_back(f"UPDATE {TABLE} SET sequence = 1000 WHERE sequence = 2")
    behind_the_applications_back(f"UPDATE {TABLE} SET sequence = 2 WHERE sequence = 4")
    behind_the_applications_back(f"UPDATE {TABLE} SET sequence = 4 WHERE sequence = 1000")


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (change_a_field, ["record 3: hash does not match its content (altered)"]),
        (delete_a_middle_record, ["record 3 missing (gap in sequence)"]),
        (
            delete_the_tail_and_rewind_the_head,
            ["records 5–6 missing: the checkpoint of {at} saw the trail up to record 6 (tail cut)"],
        ),
        (
            recompute_the_hashes,
            [
                "record 3: not signed with the audit key, after signed records (rewritten)",
                "record 6: does not match the checkpoint of {at} (rewritten)",
            ],
        ),
        (forge_an_insert, ["record 7: hash does not match its content (altered)"]),
        (
            reorder,
            [
                "record 2: hash does not match its content (altered)",
                "record 4: hash does not match its content (altered)",
            ],
        ),
    ],
    ids=["change-a-field", "delete-a-middle-record", "cut-the-tail", "recompute-hashes", "forge-an-insert", "reorder"],
)
def test_each_tampering_is_reported_with_its_sequence_number(tamper, expected):
    # Given a trail of six records, and a checkpoint of its head written outside the database
    for number in range(1, RECORDS + 1):
        record(target_id=number, details={"n": number})
    checkpoint = audit_checkpoint_write()
    assert checkpoint.sequence == RECORDS
    assert verify() == (["audit trail intact: 6 records", f"matches the checkpoint of {checkpoint.at} (record 6)"], 0)
    # When the database's owner tampers with it
    tamper()
    # Then the verification fails and names the record
    lines, code = verify()
    assert code == 1
    for line in expected:
        assert line.format(at=checkpoint.at) in lines, lines


def test_a_checkpoint_signed_without_the_key_is_reported(settings):
    # Given a trail and a checkpoint, then a checkpoints file whose last line someone wrote themselves
    record()
    written = audit_checkpoint_write()
    with checkpoint_file().open("a") as file:
        file.write(written.line.replace(written.signature, "0" * 64) + "\n")
    # Then verify says the checkpoint is not Plaint's
    lines, code = verify()
    assert (code, lines) == (
        1,
        [
            f"checkpoint of {written.at} (record 1): its signature does not hold (not written by "
            "Plaint, or its key is not configured)"
        ],
    )


def test_a_rotated_key_still_verifies_older_records(settings):
    # Given records signed with a first key
    record()
    record()
    first = settings.PLAINT_AUDIT_KEYS[0]
    # When the key is rotated and the old one kept (PLAINT_AUDIT_OLD_KEYS)
    settings.PLAINT_AUDIT_KEYS = ["n" * 40, first]
    record()
    # Then records under both keys verify
    assert verify() == (["audit trail intact: 3 records"], 0)
    # and without the old key, the older records cannot be checked and say so
    settings.PLAINT_AUDIT_KEYS = ["n" * 40]
    lines, code = verify()
    assert code == 1
    assert lines[:2] == [
        "record 1: signed with a key that is not configured (forged, or an old key not kept)",
        "record 2: signed with a key that is not configured (forged, or an old key not kept)",
    ]


def test_a_checkpoint_goes_to_the_file_the_log_and_the_configured_mailbox(settings, caplog, mailoutbox):
    # Given an address for checkpoints
    settings.PLAINT_AUDIT_CHECKPOINT_EMAIL = ["privacy-officer@example.org"]
    record()
    # When a checkpoint is written
    with caplog.at_level("INFO", logger="plaint.audit"):
        written = audit_checkpoint_write()
    # Then the same signed line is in the file, the log and a mail to that address
    assert checkpoint_file().read_text().splitlines()[-1] == written.line
    assert written.line in caplog.text
    assert [message.to for message in mailoutbox] == [["privacy-officer@example.org"]]
    assert written.line in mailoutbox[0].body
    assert written.signature_valid()
