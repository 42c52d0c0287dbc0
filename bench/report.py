"""Reporting benchmark (issue 12): the whole annual analysis of an organisation, computed by the database.

    createdb -h 127.0.0.1 -U postgres bench_report
    export PLAINT_DATA_DIR=/tmp/bench-report DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_report
    .venv/bin/plaint migrate
    .venv/bin/python bench/report.py --load 100000             # bench/cases.py's loader, then classification
    .venv/bin/python bench/report.py [--runs 10] [--json results.json]   # measures what is loaded
    .venv/bin/python bench/report.py --load 900000             # adds to it: a million in all

1. With `--load N`, loads N cases as bench/cases.py does (the demo organisations and people, COPY, ANALYZE), then,
   once per case and deterministically by case id, what the analysis groups by and the loader does not write:
   a category (of 6) for 95 % of the cases, a cause (of 4) for the closed ones, a subject unit for 60 %.
2. Measures, per organisation, `report_figures` for the year: the whole annual analysis as the report shows it (this
   year and the previous one, every count, percentile, share and comparison; for a firm, its clients too), median
   and p95 over `--runs`, with the number of queries; and EXPLAIN ANALYZE of the slowest query once.

Not part of `make test`; results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from django.db import connection, reset_queries
from django.db.models import F, Max
from django.test.utils import CaptureQueriesContext

import cases as loader  # sets up Django
from plaint.cases.models import Case, Category, Cause
from plaint.organisations.models import Organisation, OrganisationalUnit
from plaint.reporting import periods
from plaint.reporting.services import ReportRequest, report_figures

MARK = "bench-report"  # the code prefix of the categories and causes this script adds


def classify(after: int = 0) -> None:
    """Categories, causes and subject units for the cases loaded after id `after`, in three INSERT … SELECT
    statements per organisation."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for organisation in Organisation.objects.order_by("id"):
            if not Case.objects.filter(organisation=organisation).exists():
                continue
            categories = [
                Category.objects.get_or_create(
                    organisation=organisation,
                    code=f"{MARK}-{n}",
                    defaults={"name_en": f"Category {n}", "name_nl": f"Categorie {n}"},
                )[0].pk
                for n in range(6)
            ]
            causes = [
                Cause.objects.get_or_create(
                    organisation=organisation,
                    code=f"{MARK}-{n}",
                    defaults={"name_en": f"Cause {n}", "name_nl": f"Oorzaak {n}"},
                )[0].pk
                for n in range(4)
            ]
            units = list(OrganisationalUnit.objects.filter(organisation=organisation).values_list("pk", flat=True))
            category_array = "ARRAY[" + ",".join(map(str, categories)) + "]"
            cause_array = "ARRAY[" + ",".join(map(str, causes)) + "]"
            cursor.execute(
                f"""INSERT INTO cases_case_categories (case_id, category_id)
                SELECT c.id, ({category_array})[1 + c.id %% 6] FROM cases_case c
                WHERE c.organisation_id = %s AND c.id > %s AND c.id %% 20 <> 0 ON CONFLICT DO NOTHING""",
                [organisation.pk, after],
            )
            cursor.execute(
                f"""INSERT INTO cases_case_causes (case_id, cause_id)
                SELECT c.id, ({cause_array})[1 + (c.id / 7) %% 4] FROM cases_case c
                WHERE c.organisation_id = %s AND c.id > %s AND c.status = 'closed' ON CONFLICT DO NOTHING""",
                [organisation.pk, after],
            )
            if units:
                unit_array = "ARRAY[" + ",".join(map(str, units)) + "]"
                cursor.execute(
                    f"""INSERT INTO cases_party (case_id, role, unit_id, name, email, phone, address, "group",
                        internal, involved, authorisation)
                    SELECT c.id, 'subject', ({unit_array})[1 + (c.id / 3) %% {len(units)}], '', '', '', '', %s,
                        false, false, ''
                    FROM cases_case c WHERE c.organisation_id = %s AND c.id > %s AND c.id %% 5 < 3""",
                    [MARK, organisation.pk, after],
                )
        cursor.execute("ANALYZE")
    print(f"Classified in {time.perf_counter() - started:.1f} s")


def calibrate() -> float:
    """The helpdesk anchor's machine reference: a fixed pure-Python loop, in ms (median of 5). About 110 ms on this
    machine when it is quiet; divide by it to compare runs taken at different loads."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        x = 0
        for i in range(2_000_000):
            x += i * i % 7
        runs.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(runs), 1)


def backend_cpu_ms() -> float:
    """CPU time (user + system) of this connection's PostgreSQL backend so far, from /proc (same machine only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def measure(organisation: Organisation, year: int, runs: int, touch: bool = False) -> dict[str, Any]:
    request = ReportRequest(kind="annual", organisation=organisation, period=periods.year(year))
    today = dt.date(year + 1, 1, 15)
    started = time.perf_counter()
    report_figures(actor=None, request=request, today=today)  # warm-up (fills the working-day table, and makes
    first_ms = round((time.perf_counter() - started) * 1000, 1)  # the monthly summaries that are missing or wrong)
    print(f"  {organisation.slug:<26} first run (makes the missing monthly summaries): {first_ms:,.0f} ms", flush=True)
    touched = (
        Case.objects.filter(organisation=organisation, received_on__range=(dt.date(year, 6, 1), dt.date(year, 6, 30)))
        .values_list("pk", flat=True)
        .first()
    )
    samples = []
    app_cpu, db_cpu = [], []
    queries = 0
    postgres = connection.vendor == "postgresql"
    for _ in range(runs):
        if touch and touched is not None:
            # As an action does: the case's version goes up, so June's summary is made again in this run.
            Case.objects.filter(pk=touched).update(version=F("version") + 1)
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            db_before = backend_cpu_ms() if postgres else 0.0
            cpu_before = time.process_time()
            started = time.perf_counter()
            figures = report_figures(actor=None, request=request, today=today)
            samples.append((time.perf_counter() - started) * 1000)
            app_cpu.append((time.process_time() - cpu_before) * 1000)
            db_cpu.append(backend_cpu_ms() - db_before if postgres else 0.0)
        queries = len(captured.captured_queries)
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    ordered = sorted(samples)
    row = {
        "organisation": organisation.slug,
        "cases_in_organisation": Case.objects.filter(organisation=organisation).count(),
        "received_in_year": figures["current"]["totals"]["received"],
        "closed_in_year": figures["current"]["totals"]["closed_in_period"],
        "runs": runs,
        "first_run_ms": first_ms,
        "touched_a_case_each_run": touch,
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "app_cpu_ms": round(statistics.median(app_cpu), 1),
        "db_cpu_ms": round(statistics.median(db_cpu), 1),
        "queries": queries,
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_query": slowest["sql"][:300],
    }
    print(
        f"  {row['organisation']:<26} {row['cases_in_organisation']:>9,} cases, {row['received_in_year']:>7,} in "
        f"{year}: p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  CPU app {row['app_cpu_ms']:.0f} ms "
        f"db {row['db_cpu_ms']:.0f} ms  {queries} queries  "
        f"(slowest {row['slowest_query_ms']} ms)",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=int, default=0, help="load this many more cases first")
    parser.add_argument("--handlers", type=int, default=25)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", help="organisation slugs, comma-separated")
    parser.add_argument("--classify", action="store_true", help="classify every case (--load classifies its own)")
    parser.add_argument("--touch", action="store_true", help="change one case of June before each run")
    parser.add_argument("--json")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    print(f"Database: {version.split(' on ')[0]}; {os.cpu_count()} CPUs")
    after = Case.objects.aggregate(top=Max("id"))["top"] or 0
    if args.load:
        plans = loader.ensure_people(args.handlers)
        print(f"Loading {args.load:,} cases")
        seconds = loader.bulk_load(plans, args.load, args.seed + Case.objects.count())
        print(f"Loaded in {seconds:.0f} s")
    if args.load:
        classify(after)
    elif args.classify:
        classify()
    total = Case.objects.count()
    print(f"{total:,} cases in the database; the annual analysis of {args.year}, {args.runs} runs each")
    organisations = Organisation.objects.filter(pk__in=Case.objects.values("organisation")).order_by("id")
    if args.only:
        organisations = organisations.filter(slug__in=args.only.split(","))
    before = calibrate()
    print(f"Calibration loop: {before} ms (about 110 ms when the machine is quiet); load {os.getloadavg()[0]:.1f}")
    rows = [measure(organisation, args.year, args.runs, args.touch) for organisation in organisations]
    after = calibrate()
    print(f"Calibration loop: {after} ms; load {os.getloadavg()[0]:.1f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            result = {"database": version, "cases": total, "year": args.year, "calibration_ms": [before, after]}
            json.dump(result | {"rows": rows}, handle, indent=2)


if __name__ == "__main__":
    main()
