"""Concurrent appenders on PostgreSQL: the chain head lock keeps the chain linear, gap-free and without duplicates."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from plaint.access.audit_selectors import audit_verify
from plaint.access.audit_services import audit_record
from plaint.access.models_audit import AuditRecord
from tests.access.audit_support import audit_transactional_db, require_postgresql  # noqa: F401

WRITERS = 4
RECORDS_EACH = 25


@pytest.mark.usefixtures("audit_transactional_db")
def test_concurrent_appends_keep_one_linear_chain():
    require_postgresql("SQLite serialises every write transaction itself; threads sharing its test database only lock")
    # Given several threads, each with its own database connection, starting together
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for number in range(RECORDS_EACH):
                with transaction.atomic():
                    audit_record(
                        actor=None, action="case.viewed", target_type="case", target_id=writer, details={"n": number}
                    )
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    # when they all append records at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then every record is there, numbered 1..n once each, and the chain verifies
    assert errors == []
    sequences = list(AuditRecord.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS * RECORDS_EACH + 1))
    report = audit_verify()
    assert (report.intact, report.records) == (True, WRITERS * RECORDS_EACH)
