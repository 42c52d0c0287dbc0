"""How much the audit trail's chain heads serialise writes (issue 13): N threads, each making audited writes in
transactions of their own that hold their chain head's row lock from `audit_record` until commit, as every service
does. There is one chain per organisation: with `--organisations 1` every thread writes for the same organisation
(one head, they take turns); with `--organisations K` thread i writes for organisation i mod K.

    export PLAINT_DATA_DIR=/tmp/bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench
    .venv/bin/plaint migrate
    .venv/bin/python bench/audit_chain.py [--threads 1,2,4,8] [--writes 50] [--work-ms 5] [--organisations 1,8]

`--work-ms` is the rest of a write's transaction after its audit record (the event, the terms, the snapshot:
measured at 3-8 ms per `case_act` in bench/cases.py); the head stays locked meanwhile. Prints writes per second and
the mean wait for the head's lock per thread count. Records stay in the trail (it is append-only): use a scratch
database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaint.config.settings.base")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from plaint.access.audit_services import audit_record  # noqa: E402
from plaint.access.models_audit import AuditChainHead, chain_of  # noqa: E402
from plaint.organisations.models import Organisation  # noqa: E402


def bench_organisations(count: int) -> list[Organisation]:
    """`count` scratch organisations (made once, kept: they appear in the trail)."""
    organisations = []
    for number in range(1, count + 1):
        organisation, _ = Organisation.objects.get_or_create(
            slug=f"bench-audit-{number}", defaults={"name": f"Bench audit {number}", "reference_prefix": f"BA{number}"}
        )
        organisations.append(organisation)
    return organisations


def run(threads: int, writes: int, work_seconds: float, organisations: list[Organisation]) -> tuple[float, float]:
    start = threading.Barrier(threads + 1)
    waits: list[float] = []

    def writer(number: int) -> None:
        organisation = organisations[number % len(organisations)]
        chain = chain_of(organisation.pk)
        start.wait()
        for index in range(writes):
            with transaction.atomic():
                asked = time.perf_counter()
                AuditChainHead.objects.select_for_update().filter(chain=chain).first()  # what audit_record waits for
                waits.append(time.perf_counter() - asked)
                audit_record(
                    actor=None,
                    action="case.viewed",
                    target_type="case",
                    target_id=number,
                    details={"n": index},
                    organisation=organisation,
                )
                time.sleep(work_seconds)  # the rest of the write, under the head's lock
        connection.close()

    workers = [threading.Thread(target=writer, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    return threads * writes / elapsed, statistics.mean(waits) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2,4,8")
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--work-ms", type=float, default=5.0)
    parser.add_argument("--organisations", default="1", help="comma-separated counts of organisations to spread over")
    options = parser.parse_args()
    print(f"{'orgs':>4} {'threads':>7} {'writes/s':>9} {'mean head wait (ms)':>20}")
    for count in (int(value) for value in options.organisations.split(",")):
        organisations = bench_organisations(count)
        for organisation in organisations:  # each head row exists before the threads race for it
            with transaction.atomic():
                audit_record(
                    actor=None, action="case.viewed", target_type="case", target_id=0, organisation=organisation
                )
        for threads in (int(value) for value in options.threads.split(",")):
            rate, wait = run(threads, options.writes, options.work_ms / 1000, organisations)
            print(f"{count:>4} {threads:>7} {rate:>9.0f} {wait:>20.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
