"""A chain per organisation (issue 13): the records written before the split stay, unchanged, in the closed legacy
chain and still verify, as do the checkpoints written then; each new chain starts on demand; a checkpoint holds every
chain's head."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from plaint.access.audit_checkpoints import audit_checkpoint_write, checkpoint_file, latest_checkpoint
from plaint.access.models_audit import (
    GENESIS_HASH,
    LEGACY_CHAIN,
    AuditChainHead,
    AuditRecord,
    canonical_fields,
    canonical_json,
    current_audit_key,
    record_hash,
)
from tests.access.audit_support import TABLE, behind_the_applications_back, record
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def verify(*args: str) -> tuple[list[str], int]:
    out = StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        return out.getvalue().splitlines(), int(exit_.code or 0)
    return out.getvalue().splitlines(), 0


def legacy_trail(count: int, organisation_id: int | None = None) -> list[AuditRecord]:
    """`count` records as the single chain wrote them before the split (sequence 1..count, no chain fields in the
    hash), with its head row, as migration access.0004 leaves them: chain "legacy", no place."""
    key_id, key = current_audit_key()
    previous = GENESIS_HASH
    rows = []
    for sequence in range(1, count + 1):
        row = AuditRecord(
            sequence=sequence,
            at=dt.datetime(2026, 11, 1, 9, sequence, tzinfo=dt.UTC),
            actor_description="system",
            organisation_id=organisation_id,
            action="case.viewed",
            target_type="case",
            target_id=str(sequence),
            previous_hash=previous,
            key_id=key_id,
        )
        assert "chain" not in canonical_fields(row)
        row.hash = record_hash(canonical_fields(row), previous, key=key)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (sequence, chain, organisation_id, at, actor_description, action, target_type,"
                " target_id, reference, details, user_agent, request_id, previous_hash, hash, key_id)"
                " VALUES (%s, 'legacy', %s, %s, 'system', 'case.viewed', 'case', %s, '', '{}', '', '', %s, %s, %s)",
                [sequence, organisation_id, row.at, row.target_id, previous, row.hash, key_id],
            )
        previous = row.hash
        rows.append(row)
    AuditChainHead.objects.create(chain=LEGACY_CHAIN, last_sequence=count, last_hash=previous)
    if connection.vendor == "postgresql":  # as the migration does: the global order continues after these records
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('plaint_audit_sequence', %s)", [count])
    return rows


def old_checkpoint(sequence: int, head_hash: str) -> None:
    """A checkpoint line as Plaint wrote them before the split: one head."""
    key_id, key = current_audit_key()
    fields = {"sequence": sequence, "hash": head_hash, "at": "2026-11-02T03:17:00+00:00", "key_id": key_id}
    signature = hmac.new(key, canonical_json(fields), hashlib.sha256).hexdigest()
    checkpoint_file().parent.mkdir(parents=True, exist_ok=True)
    checkpoint_file().write_text(json.dumps({**fields, "signature": signature}) + "\n")


def test_old_records_stay_in_the_legacy_chain_and_new_ones_start_a_chain_per_organisation():
    # Given a trail written before the split, and a checkpoint of it written then
    organisation = OrganisationFactory(slug="acme")
    legacy = legacy_trail(4, organisation.pk)
    old_checkpoint(4, legacy[-1].hash)
    assert verify() == (
        ["audit trail intact: 4 records", "matches the checkpoint of 2026-11-02T03:17:00+00:00 (4 records in 1 chain)"],
        0,
    )
    # When new records are written for the organisation and for none
    new = [record(organisation=organisation), record(organisation=organisation), record()]
    # then they start chains of their own on demand, at place 1, after the legacy records in the global order
    assert [(row.chain, row.chain_sequence) for row in new] == [
        (f"organisation-{organisation.pk}", 1),
        (f"organisation-{organisation.pk}", 2),
        ("system", 1),
    ]
    assert all(row.sequence > 4 and row.previous_hash != legacy[-1].hash for row in new[::2])
    assert AuditChainHead.objects.get(chain=LEGACY_CHAIN).last_sequence == 4  # the legacy chain is closed
    # and the whole trail verifies, against the old checkpoint and a new one with every head
    assert verify()[1] == 0
    written = audit_checkpoint_write()
    assert written.heads == {
        "legacy": (4, legacy[-1].hash),
        f"organisation-{organisation.pk}": (2, new[1].hash),
        "system": (1, new[2].hash),
    }
    assert latest_checkpoint() == written
    assert verify() == (
        ["audit trail intact: 7 records", f"matches the checkpoint of {written.at} (7 records in 3 chains)"],
        0,
    )
    # and one organisation's verification counts its legacy and its new records
    assert verify("--organisation", "acme")[0][0] == "audit trail intact: 6 records"


def test_tampering_in_the_legacy_chain_is_reported_by_global_sequence():
    # Given a legacy trail, new records after it, and a checkpoint
    legacy_trail(5)
    record()
    audit_checkpoint_write()
    # When a legacy record is changed, and the legacy tail cut and its head rewound
    behind_the_applications_back(f"UPDATE {TABLE} SET target_id = '9' WHERE chain = 'legacy' AND sequence = 2")
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE chain = 'legacy' AND sequence = 5")
    fourth = AuditRecord.objects.get(sequence=4).hash
    AuditChainHead.objects.filter(chain=LEGACY_CHAIN).update(last_sequence=4, last_hash=fourth)
    # Then both are named by their sequence, as before the split
    lines, code = verify()
    assert code == 1
    assert "record 2: hash does not match its content (altered)" in lines
    assert any(line.startswith("record 5 missing: the checkpoint of") for line in lines), lines


def test_a_record_added_to_the_closed_legacy_chain_is_reported():
    # Given a legacy trail and a record in a new chain
    rows = legacy_trail(2)
    later = record()
    # When someone appends a record to the legacy chain, after the split, with a correct hash and moves its head
    key_id, key = current_audit_key()
    forged = AuditRecord(
        sequence=later.sequence + 1,
        at=later.at,
        actor_description="system",
        action="case.viewed",
        target_type="case",
        target_id="3",
        previous_hash=rows[-1].hash,
        key_id=key_id,
    )
    forged.hash = record_hash(canonical_fields(forged), forged.previous_hash, key=key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (sequence, chain, at, actor_description, action, target_type, target_id, reference,"
            " details, user_agent, request_id, previous_hash, hash, key_id)"
            " VALUES (%s, 'legacy', %s, 'system', 'case.viewed', 'case', '3', '', '{}', '', '', %s, %s, %s)",
            [forged.sequence, forged.at, forged.previous_hash, forged.hash, key_id],
        )
    AuditChainHead.objects.filter(chain=LEGACY_CHAIN).update(last_sequence=forged.sequence, last_hash=forged.hash)
    # Then it is reported: the legacy chain was closed when the first chained record was written
    lines, code = verify()
    assert code == 1
    assert f"record {forged.sequence}: not part of the chain (inserted behind the application's back)" in lines


def test_a_whole_chain_removed_with_its_head_is_found_by_the_checkpoint():
    # Given two organisations' chains and a checkpoint
    acme, other = OrganisationFactory(slug="acme"), OrganisationFactory(slug="other")
    record(organisation=acme)
    record(organisation=other)
    record(organisation=other)
    written = audit_checkpoint_write()
    # When one organisation's every record and its head row are removed
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE organisation_id = %s", [other.pk])
    AuditChainHead.objects.filter(chain=f"organisation-{other.pk}").delete()
    # Then the checkpoint still knows that chain
    assert verify() == (
        [f"[other] records 1–2 missing: the checkpoint of {written.at} saw the trail up to record 2 (tail cut)"],
        1,
    )


def test_the_worker_writes_a_checkpoint_of_every_chain_every_night():
    # Given records in two chains
    from plaint.access.tasks import audit_checkpoint

    record(organisation=OrganisationFactory())
    record()
    # then the worker's task is due at 03:17 UTC every day, not at other times
    assert audit_checkpoint.task_class().validate_datetime(dt.datetime(2026, 12, 5, 3, 17))
    assert not audit_checkpoint.task_class().validate_datetime(dt.datetime(2026, 12, 5, 3, 18))
    # and when it runs it appends a checkpoint with both heads to the file
    assert audit_checkpoint.call_local() == 2
    written = latest_checkpoint()
    assert written is not None and len(written.heads) == 2 and written.signature_valid()
