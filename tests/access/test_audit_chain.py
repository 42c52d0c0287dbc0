"""The audit trail's hash chain: records link up, and `plaint audit verify` finds every change behind its back."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from plaint.access.audit_selectors import audit_verify
from plaint.access.audit_services import AuditDetailsInvalid, AuditSource, audit_record
from plaint.access.models_audit import (
    GENESIS_HASH,
    AuditChainHead,
    AuditRecord,
    canonical_fields,
    current_audit_key,
    record_hash,
)
from plaint.organisations.models import Organisation
from tests.access.audit_support import TABLE, behind_the_applications_back, record
from tests.organisations.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def verify(*args: str) -> tuple[list[str], int]:
    out = StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        return out.getvalue().splitlines(), int(exit_.code or 0)
    return out.getvalue().splitlines(), 0


#: The records of `some_records` are in the system chain (no organisation); this selects one by its place there.
SYSTEM = "chain = 'system' AND chain_sequence"


def some_records(count: int, organisations: list[Organisation | None] | None = None) -> list[AuditRecord]:
    """`count` records by different actors, in the system chain, or spread over the given organisations' chains."""
    organisations = organisations or [None]
    user = UserFactory()
    return [
        record(
            "case.viewed" if number % 3 else "case.action.handler_assigned",
            actor=user if number % 2 else None,
            organisation=organisations[number % len(organisations)],
            target_id=number,
            reference=f"XS-2025-{number:04d}",
            details={"fields": ["stage", "handler"], "event": number},
            source=AuditSource(ip_address="2001:0db8:0000::0001", user_agent="Firefox", request_id=f"r{number}"),
        )
        for number in range(1, count + 1)
    ]


def test_records_form_one_gap_free_chain_per_organisation():
    # Given many records written by different actors for two organisations and for none
    first, second = OrganisationFactory(), OrganisationFactory()
    records = some_records(120, [first, second, None])
    # then each organisation's records, and those without one, form a chain of their own
    expected_chains = {f"organisation-{first.pk}": first.pk, f"organisation-{second.pk}": second.pk, "system": None}
    for chain, organisation_id in expected_chains.items():
        stored = list(AuditRecord.objects.filter(chain=chain).order_by("chain_sequence"))
        # whose places run 1..n without gaps, each record linking to the one before in its chain
        assert [row.chain_sequence for row in stored] == list(range(1, 41))
        assert {row.organisation_id for row in stored} == {organisation_id}
        assert stored[0].previous_hash == GENESIS_HASH
        assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(stored))
        assert AuditChainHead.objects.get(chain=chain).last_sequence == 40
    # the global sequence orders all records as they were written, unique
    stored = list(AuditRecord.objects.order_by("sequence"))
    assert [row.pk for row in stored] == [row.pk for row in records]
    # keyed with the audit key, which is not in the database, over the chain and the place too
    key_id, key = current_audit_key()
    assert all(row.key_id == key_id for row in stored)
    assert all(row.hash == record_hash(canonical_fields(row), row.previous_hash, key=key) for row in stored)
    assert all({"chain", "chain_sequence", "sequence"} <= set(canonical_fields(row)) for row in stored)
    assert [row.hash for row in stored] == [row.hash for row in records]
    # and the verification agrees
    assert verify() == (["audit trail intact: 120 records"], 0)


def test_a_record_moved_to_another_chain_is_reported():
    # Given records of two organisations, and one record moved into the other organisation's chain at a free place
    mine, theirs = OrganisationFactory(slug="mine"), OrganisationFactory(slug="theirs")
    some_records(4, [mine, theirs])
    behind_the_applications_back(
        f"UPDATE {TABLE} SET chain = %s, organisation_id = %s, chain_sequence = 3"
        " WHERE chain = %s AND chain_sequence = 2",
        [f"organisation-{theirs.pk}", theirs.pk, f"organisation-{mine.pk}"],
    )
    # then its own chain misses it, and the other chain knows it did not append it
    assert verify() == (
        [
            "[mine] record 2 missing (gap in sequence)",
            "[theirs] record 3: not part of the chain (inserted behind the application's back)",
        ],
        1,
    )


def test_a_record_keeps_who_what_when_and_from_where_but_no_content():
    # Given a user and an organisation
    user = UserFactory(username="handler.jansen")
    organisation = OrganisationFactory()
    # when the user's reading of a case is recorded from a request
    row = record(
        actor=user,
        organisation=organisation,
        target_id=42,
        reference="XS-2025-0042",
        details={"fields": ("summary", "parties")},
        source=AuditSource(ip_address="::ffff:192.0.2.7", user_agent="Mozilla/5.0", request_id="abc"),
    )
    row.refresh_from_db()
    # then the record names the user as they were called then, the case and where the request came from
    assert (row.actor_id, row.actor_description, row.organisation_id) == (user.pk, "handler.jansen", organisation.pk)
    assert (row.action, row.target_type, row.target_id, row.case_id) == ("case.viewed", "case", "42", 42)
    assert (row.ip_address, row.user_agent, row.request_id) == ("192.0.2.7", "Mozilla/5.0", "abc")
    assert row.details == {"fields": ["summary", "parties"]}
    # and background jobs and anonymous visitors are told apart
    assert record(actor=None).actor_description == "system"
    assert record(actor=None, source=AuditSource(ip_address="192.0.2.8")).actor_description == "public"


@pytest.mark.parametrize(
    "details",
    [{"description": "x" * 201}, {"score": 0.5}, {"a": {"b": {"c": {"d": 1}}}}, {1: "id"}, {"ids": list(range(2000))}],
)
def test_details_hold_ids_and_field_names_not_content(details):
    # Given details with free text, a float, deep nesting, a non-string key or too much data, when recorded
    with pytest.raises(AuditDetailsInvalid):
        record(details=details)
    # then nothing was written
    assert not AuditRecord.objects.exists()


def test_an_altered_record_is_reported():
    # Given a chain in which someone changed what a record says, behind the application's back
    some_records(8)
    behind_the_applications_back(f"UPDATE {TABLE} SET action = %s WHERE {SYSTEM} = 5", ["case.exported"])
    # when it is verified, then exactly that record is reported as altered, and the command exits 1
    assert verify() == (["[system] record 5: hash does not match its content (altered)"], 1)


def test_an_altered_actor_is_reported():
    # Given a record whose actor was swapped for someone else's
    some_records(4)
    other = UserFactory()
    behind_the_applications_back(f"UPDATE {TABLE} SET actor_id = %s WHERE {SYSTEM} = 2", [other.pk])
    # then the verification names it
    assert verify() == (["[system] record 2: hash does not match its content (altered)"], 1)


def test_an_altered_hash_is_reported_and_breaks_the_next_link():
    # Given a record whose stored hash was overwritten
    some_records(6)
    behind_the_applications_back(f"UPDATE {TABLE} SET hash = %s WHERE {SYSTEM} = 3", ["f" * 64])
    # then that record is altered, and the next no longer links to it
    assert verify() == (
        [
            "[system] record 3: hash does not match its content (altered)",
            "[system] record 4: previous hash does not match record 3 (chain broken)",
        ],
        1,
    )


def test_a_record_rewritten_with_a_fresh_hash_breaks_the_next_link():
    # Given someone with the audit key who changed a record and recomputed its own hash (but not the rest of the chain)
    some_records(6)
    row = AuditRecord.objects.get(chain="system", chain_sequence=3)
    row.action = "case.nothing_to_see"
    forged = record_hash(canonical_fields(row), row.previous_hash, key=current_audit_key()[1])
    behind_the_applications_back(
        f"UPDATE {TABLE} SET action = %s, hash = %s WHERE {SYSTEM} = 3",
        [row.action, forged],
    )
    # then the next record no longer links to it
    assert verify() == (["[system] record 4: previous hash does not match record 3 (chain broken)"], 1)


def test_a_record_rewritten_without_the_key_is_altered():
    # Given someone without the audit key who changed a record and recomputed its hash as plain SHA-256
    some_records(6)
    row = AuditRecord.objects.get(chain="system", chain_sequence=3)
    row.action = "case.nothing_to_see"
    forged = record_hash(canonical_fields(row), row.previous_hash)
    behind_the_applications_back(f"UPDATE {TABLE} SET action = %s, hash = %s WHERE {SYSTEM} = 3", [row.action, forged])
    # then the record itself is found altered
    lines, code = verify()
    assert (lines[0], code) == ("[system] record 3: hash does not match its content (altered)", 1)


def test_deleted_records_show_as_gaps():
    # Given a chain from which one record and, further on, three records in a row were deleted
    some_records(12)
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE {SYSTEM} = 2 OR {SYSTEM} BETWEEN 6 AND 8")
    # then each gap is reported once, and the records after it are not blamed
    assert verify() == (
        ["[system] record 2 missing (gap in sequence)", "[system] records 6–8 missing (gap in sequence)"],
        1,
    )


def test_records_deleted_at_the_end_show_as_a_gap():
    # Given the newest records deleted (nothing follows them to notice)
    some_records(10)
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE {SYSTEM} >= 9")
    # then the chain head still knows they were written
    assert verify() == (["[system] records 9–10 missing (gap in sequence)"], 1)


def test_an_inserted_record_is_reported_even_with_a_correct_hash():
    # Given a record slipped in at the end of the system chain with a hash computed exactly as the application would
    # (with its key), the head row left alone
    records = some_records(3)
    forged = AuditRecord(
        sequence=records[-1].sequence + 1000,
        chain="system",
        chain_sequence=4,
        at=records[-1].at,
        action="case.viewed",
        target_type="case",
        target_id="1",
        previous_hash=records[-1].hash,
        key_id=current_audit_key()[0],
    )
    forged.hash = forged.computed_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (sequence, chain, chain_sequence, at, actor_description, action, target_type,"
            " target_id, reference, details, user_agent, request_id, previous_hash, hash, key_id)"
            " VALUES (%s, 'system', 4, %s, '', %s, %s, %s, '', '{}', '', '', %s, %s, %s)",
            [
                forged.sequence,
                forged.at,
                forged.action,
                forged.target_type,
                forged.target_id,
                forged.previous_hash,
                forged.hash,
                forged.key_id,
            ],
        )
    # then the verification knows it was not appended by the application
    assert verify() == (["[system] record 4: not part of the chain (inserted behind the application's back)"], 1)


def test_verification_of_one_organisation_walks_its_chain_only():
    # Given records of two organisations, one of each altered, and one of mine missing
    mine, theirs = OrganisationFactory(slug="mine"), OrganisationFactory(slug="theirs")
    some_records(6, [mine, theirs])
    for organisation in (mine, theirs):
        behind_the_applications_back(
            f"UPDATE {TABLE} SET target_id = '99' WHERE chain = %s AND chain_sequence = 1",
            [f"organisation-{organisation.pk}"],
        )
    behind_the_applications_back(
        f"DELETE FROM {TABLE} WHERE chain = %s AND chain_sequence = 2", [f"organisation-{mine.pk}"]
    )
    # when one organisation's trail is verified
    lines, code = verify("--organisation", mine.slug)
    # then its altered record and its gap are reported, not the other organisation's record
    assert (lines, code) == (
        ["[mine] record 1: hash does not match its content (altered)", "[mine] record 2 missing (gap in sequence)"],
        1,
    )
    assert audit_verify(organisation=mine).records == 2  # places 1 and 3 are left
    # and the whole trail has both organisations' problems
    assert "[theirs] record 1: hash does not match its content (altered)" in verify()[0]


def test_verification_of_an_intact_organisation():
    organisation = OrganisationFactory()
    record(organisation=organisation)
    record()
    assert verify("--organisation", organisation.slug) == (["audit trail intact: 1 records"], 0)


def test_an_unknown_organisation_is_bad_input():
    with pytest.raises(CommandError, match="no organisation with slug 'nowhere'") as error:
        call_command("audit", "verify", "--organisation", "nowhere")
    assert error.value.returncode == 2


def test_an_empty_trail_is_intact():
    assert verify() == (["audit trail intact: 0 records"], 0)
    assert audit_record  # the service module is importable on its own
