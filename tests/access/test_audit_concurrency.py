"""Concurrent appenders on PostgreSQL: each chain head's lock keeps its chain linear, gap-free and without duplicates,
whether the writers share an organisation's chain or write to different organisations' chains at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from plaint.access.audit_selectors import audit_verify
from plaint.access.audit_services import audit_record
from plaint.access.models_audit import AuditRecord
from plaint.organisations.models import Organisation
from tests.access.audit_support import audit_transactional_db, require_postgresql  # noqa: F401
from tests.organisations.factories import OrganisationFactory

WRITERS = 4
RECORDS_EACH = 25


@pytest.mark.usefixtures("audit_transactional_db")
def test_concurrent_appends_keep_each_chain_linear():
    require_postgresql("SQLite serialises every write transaction itself; threads sharing its test database only lock")
    # Given two organisations: writers 0 and 1 share the first's chain, writer 2 the second's, writer 3 the system's
    first, second = OrganisationFactory(), OrganisationFactory()
    organisations: list[Organisation | None] = [first, first, second, None]
    # Given several threads, each with its own database connection, starting together
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for number in range(RECORDS_EACH):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="case.viewed",
                        target_type="case",
                        target_id=writer,
                        details={"n": number},
                        organisation=organisations[writer],
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
    # then every record is there, each chain numbered 1..n once each, the global order unique, and the chains verify
    assert errors == []
    for chain, count in ((f"organisation-{first.pk}", 2), (f"organisation-{second.pk}", 1), ("system", 1)):
        places = list(
            AuditRecord.objects.filter(chain=chain).order_by("chain_sequence").values_list("chain_sequence", flat=True)
        )
        assert places == list(range(1, count * RECORDS_EACH + 1))
    sequences = list(AuditRecord.objects.values_list("sequence", flat=True))
    assert len(set(sequences)) == len(sequences) == WRITERS * RECORDS_EACH
    report = audit_verify()
    assert (report.intact, report.records, report.chains) == (True, WRITERS * RECORDS_EACH, 3)
