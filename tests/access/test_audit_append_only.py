"""The audit trail cannot be changed: not through the model, not through a queryset, not (on PostgreSQL) in SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from plaint.access.audit_services import AuditOutsideTransaction, audit_record
from plaint.access.models_audit import GENESIS_HASH, AppendOnlyError, AuditRecord
from tests.access.audit_support import TABLE, audit_transactional_db, record, require_postgresql  # noqa: F401
from tests.organisations.factories import UserFactory


@pytest.mark.django_db
def test_a_stored_record_cannot_be_saved_again_or_deleted():
    # Given a stored record
    row = record()
    row.action = "case.exported"
    # when the application tries to change or delete it, then it is refused
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    fresh = AuditRecord.objects.get(pk=row.pk)
    with pytest.raises(AppendOnlyError):
        fresh.save(update_fields=["action"])
    # and the record is as it was
    assert AuditRecord.objects.get(pk=row.pk).action == "case.viewed"


@pytest.mark.django_db
def test_querysets_refuse_updates_and_deletes():
    # Given stored records
    row = record()
    records = AuditRecord.objects.all()
    # when changed or deleted in bulk, then it is refused
    with pytest.raises(AppendOnlyError):
        records.update(action="case.exported")
    with pytest.raises(AppendOnlyError):
        records.delete()
    with pytest.raises(AppendOnlyError):
        records.bulk_update([row], ["action"])
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.update_or_create(pk=row.pk, defaults={"action": "x"})
    assert AuditRecord.objects.count() == 1


@pytest.mark.django_db
def test_a_user_with_a_history_cannot_be_deleted():
    # Given a user who appears in the audit trail (accounts are deactivated instead)
    user = UserFactory()
    record(actor=user)
    # when deleted, then the trail protects the record
    with pytest.raises(ProtectedError):
        user.delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET action = 'case.exported'",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE}",
        f"TRUNCATE {TABLE} CASCADE",
    ],
)
def test_postgresql_refuses_raw_updates_deletes_and_truncation(statement):
    require_postgresql()
    # Given a stored record
    record()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the test's deferred foreign keys now, not at its end
    # when raw SQL tries to change, delete or truncate it, then the database refuses
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    # and the record is still there, unchanged
    assert AuditRecord.objects.get().action == "case.viewed"


@pytest.mark.usefixtures("audit_transactional_db")
def test_recording_outside_a_transaction_is_refused():
    # Given no transaction around the call (the change it records would commit separately)
    # when a record is written, then it is refused and nothing is written
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=None, action="case.viewed", target_type="case", target_id=1)
    assert not AuditRecord.objects.exists()


@pytest.mark.usefixtures("audit_transactional_db")
def test_a_record_rolls_back_with_the_change_it_records():
    # Given a change that fails after its audit record was written
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="case.registered", target_type="case", target_id=1)
        raise RuntimeError("the change failed")
    # when the next record is written, then the failed one left neither a record nor a gap in its chain (the global
    # order may skip a number on PostgreSQL, whose sequences do not roll back)
    with transaction.atomic():
        row = audit_record(actor=None, action="case.viewed", target_type="case", target_id=1)
    assert list(AuditRecord.objects.values_list("chain", "chain_sequence", "action")) == [("system", 1, "case.viewed")]
    assert (row.chain_sequence, row.previous_hash) == (1, GENESIS_HASH)
