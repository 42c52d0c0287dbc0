"""The six tamperings of issue 13's probe, each done as the database's owner would (raw SQL, triggers disabled on
PostgreSQL), each found by `plaint audit verify` with the sequence number of the record it touched.

The trail is keyed (HMAC with the audit key, which is not in the database) and checked against the latest checkpoint
(written outside the database, with every chain's head). The tampered chain is one organisation's ("acme"), written
interleaved with another organisation's and the system's, which must stay intact. Runs on the database the suite runs
on: SQLite, and PostgreSQL in CI.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from plaint.access.audit_checkpoints import audit_checkpoint_write, checkpoint_file
from plaint.access.models_audit import AuditChainHead, AuditRecord, canonical_fields, record_hash
from tests.access.audit_support import TABLE, behind_the_applications_back, record
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HEAD_TABLE = AuditChainHead._meta.db_table
RECORDS = 6
#: Set per test: "chain = 'organisation-<acme's id>'", the chain tampered with.
ACME = {"chain": ""}


def in_acme(condition: str) -> str:
    return f"chain = '{ACME['chain']}' AND {condition}"


def acme_record(place: int) -> AuditRecord:
    return AuditRecord.objects.get(chain=ACME["chain"], chain_sequence=place)


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
    previous = acme_record(start - 1).hash
    rows = AuditRecord.objects.filter(chain=ACME["chain"], chain_sequence__gte=start).order_by("chain_sequence")
    for row in rows:
        row.key_id = ""
        row.previous_hash = previous
        row.hash = record_hash(canonical_fields(row), previous)
        behind_the_applications_back(
            f"UPDATE {TABLE} SET key_id = '', previous_hash = %s, hash = %s WHERE sequence = %s",
            [row.previous_hash, row.hash, row.sequence],
        )
        previous = row.hash
    behind_the_applications_back(f"UPDATE {HEAD_TABLE} SET last_hash = %s WHERE {in_acme('1 = 1')}", [previous])


def change_a_field() -> None:
    behind_the_applications_back(f"UPDATE {TABLE} SET target_id = '999' WHERE {in_acme('chain_sequence = 3')}")


def delete_a_middle_record() -> None:
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE {in_acme('chain_sequence = 3')}")


def delete_the_tail_and_rewind_the_head() -> None:
    fourth = acme_record(4).hash
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE {in_acme('chain_sequence >= 5')}")
    behind_the_applications_back(
        f"UPDATE {HEAD_TABLE} SET last_sequence = 4, last_hash = %s WHERE {in_acme('1 = 1')}", [fourth]
    )


def recompute_the_hashes() -> None:
    behind_the_applications_back(
        f"UPDATE {TABLE} SET action = 'case.nothing_to_see' WHERE {in_acme('chain_sequence = 3')}"
    )
    rechain_without_the_key(3)


def forge_an_insert() -> None:
    last = acme_record(RECORDS)
    forged = AuditRecord(
        sequence=AuditRecord.objects.order_by("-sequence").first().sequence + 1,
        chain=ACME["chain"],
        chain_sequence=RECORDS + 1,
        organisation_id=last.organisation_id,
        at=last.at,
        action="case.viewed",
        target_type="case",
        target_id="1",
        previous_hash=last.hash,
        key_id=last.key_id,  # the key's id is public; the key is not
    )
    forged.hash = record_hash(canonical_fields(forged), forged.previous_hash)
    behind_the_applications_back(
        f"INSERT INTO {TABLE} (sequence, chain, chain_sequence, organisation_id, at, actor_description, action,"
        " target_type, target_id, reference, details, user_agent, request_id, previous_hash, hash, key_id)"
        " VALUES (%s, %s, %s, %s, %s, '', %s, %s, %s, '', '{}', '', '', %s, %s, %s)",
        [
            forged.sequence,
            forged.chain,
            forged.chain_sequence,
            forged.organisation_id,
            forged.at,
            "case.viewed",
            "case",
            "1",
            forged.previous_hash,
            forged.hash,
            forged.key_id,
        ],
    )
    behind_the_applications_back(
        f"UPDATE {HEAD_TABLE} SET last_sequence = %s, last_hash = %s WHERE {in_acme('1 = 1')}",
        [forged.chain_sequence, forged.hash],
    )


def reorder() -> None:
    behind_the_applications_back(f"UPDATE {TABLE} SET chain_sequence = 1000 WHERE {in_acme('chain_sequence = 2')}")
    behind_the_applications_back(f"UPDATE {TABLE} SET chain_sequence = 2 WHERE {in_acme('chain_sequence = 4')}")
    behind_the_applications_back(f"UPDATE {TABLE} SET chain_sequence = 4 WHERE {in_acme('chain_sequence = 1000')}")


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (change_a_field, ["[acme] record 3: hash does not match its content (altered)"]),
        (delete_a_middle_record, ["[acme] record 3 missing (gap in sequence)"]),
        (
            delete_the_tail_and_rewind_the_head,
            ["[acme] records 5–6 missing: the checkpoint of {at} saw the trail up to record 6 (tail cut)"],
        ),
        (
            recompute_the_hashes,
            [
                "[acme] record 3: not signed with the audit key, after signed records (rewritten)",
                "[acme] record 6: does not match the checkpoint of {at} (rewritten)",
            ],
        ),
        (forge_an_insert, ["[acme] record 7: hash does not match its content (altered)"]),
        (
            reorder,
            [
                "[acme] record 2: hash does not match its content (altered)",
                "[acme] record 4: hash does not match its content (altered)",
            ],
        ),
    ],
    ids=["change-a-field", "delete-a-middle-record", "cut-the-tail", "recompute-hashes", "forge-an-insert", "reorder"],
)
def test_each_tampering_is_reported_with_its_sequence_number(tamper, expected):
    # Given a trail of six records of acme, interleaved with records of another organisation and of the system,
    # and a checkpoint of every chain's head written outside the database
    acme, other = OrganisationFactory(slug="acme"), OrganisationFactory(slug="other")
    ACME["chain"] = f"organisation-{acme.pk}"
    for number in range(1, RECORDS + 1):
        record(organisation=acme, target_id=number, details={"n": number})
        record(organisation=other, target_id=number)
        if number % 2:
            record(target_id=number)
    checkpoint = audit_checkpoint_write()
    assert checkpoint.heads[ACME["chain"]][0] == RECORDS
    assert (checkpoint.records, len(checkpoint.heads)) == (15, 3)
    intact = ["audit trail intact: 15 records", f"matches the checkpoint of {checkpoint.at} (15 records in 3 chains)"]
    assert verify() == (intact, 0)
    # When the database's owner tampers with acme's chain
    tamper()
    # Then the verification fails and names the record, by its chain and its place there, and nothing else
    lines, code = verify()
    assert code == 1
    for line in expected:
        assert line.format(at=checkpoint.at) in lines, lines
    assert all(line.startswith("[acme] ") for line in lines), lines


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
            f"checkpoint of {written.at} (1 records): its signature does not hold (not written by "
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
        "[system] record 1: signed with a key that is not configured (forged, or an old key not kept)",
        "[system] record 2: signed with a key that is not configured (forged, or an old key not kept)",
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
