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
from plaint.access.models_audit import GENESIS_HASH, AuditRecord, canonical_fields, current_audit_key, record_hash
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


def some_records(count: int) -> list[AuditRecord]:
    organisation = OrganisationFactory()
    user = UserFactory()
    return [
        record(
            "case.viewed" if number % 3 else "case.action.handler_assigned",
            actor=user if number % 2 else None,
            organisation=organisation if number % 4 else None,
            target_id=number,
            reference=f"XS-2025-{number:04d}",
            details={"fields": ["stage", "handler"], "event": number},
            source=AuditSource(ip_address="2001:0db8:0000::0001", user_agent="Firefox", request_id=f"r{number}"),
        )
        for number in range(1, count + 1)
    ]


def test_records_form_one_gap_free_chain():
    # Given many records written by different actors for different organisations
    records = some_records(120)
    # when the chain is read back from the database
    stored = list(AuditRecord.objects.order_by("sequence"))
    # then the sequence runs 1..n without gaps, each record links to the one before, and each hash is its content's
    assert [row.sequence for row in stored] == list(range(1, 121))
    assert stored[0].previous_hash == GENESIS_HASH
    assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(stored))
    # keyed with the audit key, which is not in the database
    key_id, key = current_audit_key()
    assert all(row.key_id == key_id for row in stored)
    assert all(row.hash == record_hash(canonical_fields(row), row.previous_hash, key=key) for row in stored)
    assert [row.hash for row in stored] == [row.hash for row in records]
    # and the verification agrees
    assert verify() == (["audit trail intact: 120 records"], 0)


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
    behind_the_applications_back(f"UPDATE {TABLE} SET action = %s WHERE sequence = 5", ["case.exported"])
    # when it is verified, then exactly that record is reported as altered, and the command exits 1
    assert verify() == (["record 5: hash does not match its content (altered)"], 1)


def test_an_altered_actor_is_reported():
    # Given a record whose actor was swapped for someone else's
    some_records(4)
    other = UserFactory()
    behind_the_applications_back(f"UPDATE {TABLE} SET actor_id = %s WHERE sequence = 2", [other.pk])
    # then the verification names it
    assert verify() == (["record 2: hash does not match its content (altered)"], 1)


def test_an_altered_hash_is_reported_and_breaks_the_next_link():
    # Given a record whose stored hash was overwritten
    some_records(6)
    behind_the_applications_back(f"UPDATE {TABLE} SET hash = %s WHERE sequence = 3", ["f" * 64])
    # then that record is altered, and the next no longer links to it
    assert verify() == (
        [
            "record 3: hash does not match its content (altered)",
            "record 4: previous hash does not match record 3 (chain broken)",
        ],
        1,
    )


def test_a_record_rewritten_with_a_fresh_hash_breaks_the_next_link():
    # Given someone with the audit key who changed a record and recomputed its own hash (but not the rest of the chain)
    some_records(6)
    row = AuditRecord.objects.get(sequence=3)
    row.action = "case.nothing_to_see"
    forged = record_hash(canonical_fields(row), row.previous_hash, key=current_audit_key()[1])
    behind_the_applications_back(
        f"UPDATE {TABLE} SET action = %s, hash = %s WHERE sequence = 3",
        [row.action, forged],
    )
    # then the next record no longer links to it
    assert verify() == (["record 4: previous hash does not match record 3 (chain broken)"], 1)


def test_a_record_rewritten_without_the_key_is_altered():
    # Given someone without the audit key who changed a record and recomputed its hash as plain SHA-256
    some_records(6)
    row = AuditRecord.objects.get(sequence=3)
    row.action = "case.nothing_to_see"
    forged = record_hash(canonical_fields(row), row.previous_hash)
    behind_the_applications_back(f"UPDATE {TABLE} SET action = %s, hash = %s WHERE sequence = 3", [row.action, forged])
    # then the record itself is found altered
    lines, code = verify()
    assert (lines[0], code) == ("record 3: hash does not match its content (altered)", 1)


def test_deleted_records_show_as_gaps():
    # Given a chain from which one record and, further on, three records in a row were deleted
    some_records(12)
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE sequence = 2 OR sequence BETWEEN 6 AND 8")
    # then each gap is reported once, and the records after it are not blamed
    assert verify() == (["record 2 missing (gap in sequence)", "records 6–8 missing (gap in sequence)"], 1)


def test_records_deleted_at_the_end_show_as_a_gap():
    # Given the newest records deleted (nothing follows them to notice)
    some_records(10)
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE sequence >= 9")
    # then the chain head still knows they were written
    assert verify() == (["records 9–10 missing (gap in sequence)"], 1)


def test_an_inserted_record_is_reported_even_with_a_correct_hash():
    # Given a record slipped in at the end with a hash computed exactly as the application would (with its key)
    records = some_records(3)
    forged = AuditRecord(
        sequence=4,
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
            f"INSERT INTO {TABLE} (sequence, at, actor_description, action, target_type, target_id, reference,"
            " details, user_agent, request_id, previous_hash, hash, key_id)"
            " VALUES (%s, %s, '', %s, %s, %s, '', '{}', '', '', %s, %s, %s)",
            [
                4,
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
    assert verify() == (["record 4: not part of the chain (inserted behind the application's back)"], 1)


def test_verification_of_one_organisation_counts_its_records_and_reports_gaps():
    # Given records of two organisations, one of each altered, and one record missing
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    for number in range(6):
        record(organisation=mine if number % 2 else theirs, target_id=number)
    behind_the_applications_back(f"UPDATE {TABLE} SET target_id = '99' WHERE sequence IN (1, 2)")
    behind_the_applications_back(f"DELETE FROM {TABLE} WHERE sequence = 5")
    # when one organisation's trail is verified
    lines, code = verify("--organisation", mine.slug)
    # then its altered record and the gap are reported, not the other organisation's record
    assert (lines, code) == (
        ["record 2: hash does not match its content (altered)", "record 5 missing (gap in sequence)"],
        1,
    )
    assert audit_verify(organisation=mine).records == 3  # sequences 2, 4 and 6


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
