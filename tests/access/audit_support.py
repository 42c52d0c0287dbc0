"""Helpers for the audit trail's tests: tampering as a database superuser would, and cleaning up after
transactional tests (on PostgreSQL the append-only triggers refuse Django's flush of a non-empty audit table)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from plaint.access.audit_services import audit_record
from plaint.access.models_audit import AuditRecord

TABLE = AuditRecord._meta.db_table
TRIGGERS = ("access_auditrecord_append_only", "access_auditrecord_no_truncate")


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def require_postgresql(reason: str = "SQLite has no triggers here: the model and its queryset guard it") -> None:
    if not on_postgresql():
        pytest.skip(reason)


def behind_the_applications_back(sql: str, params: Any = ()) -> None:
    """Run raw SQL against the audit table; on PostgreSQL with its triggers disabled, as a superuser could."""
    with transaction.atomic(), connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred foreign key checks may be pending
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for trigger in TRIGGERS:
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)
        if on_postgresql():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for trigger in TRIGGERS:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {trigger}")


def erase_audit_trail() -> None:
    """Empty the audit table (only tests do this), so that the flush after a transactional test can truncate it."""
    behind_the_applications_back(f"DELETE FROM {TABLE}")


@pytest.fixture
def audit_transactional_db(transactional_db: None) -> Iterator[None]:
    """`transactional_db` for tests that write audit records."""
    yield
    erase_audit_trail()


def record(action: str = "case.viewed", **fields: Any) -> AuditRecord:
    """One audit record, in a transaction of its own (or the test's)."""
    values: dict[str, Any] = {"actor": None, "target_type": "case", "target_id": 1} | fields
    with transaction.atomic():
        return audit_record(action=action, **values)
