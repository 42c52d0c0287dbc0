"""Visibility benchmark (issue 5): `cases_visible_to`, the access filter of every case list, at a million cases.

    export PLAINT_DATA_DIR=/tmp/bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_plaint
    .venv/bin/plaint migrate
    .venv/bin/python bench/visibility.py --load 1000000     # once: bench/cases.py's loader, then the conflicts
    .venv/bin/python bench/visibility.py [--runs 20] [--json results.json]   # measures what is loaded

1. With `--load N`, loads N cases as bench/cases.py does (the demo organisations and people, COPY, ANALYZE).
2. Adds, once per database, what makes the filter work hard, deterministically by case id: 5% of the cases
   confidential; 10% with a staff member of their organisation as subject (a third of them marked involved); 2%
   about a unit (so its manager has a conflict); and 4% of The Workers Union's cases about a bench team manager whose
   line manager is the demo manager (routed past to the senior manager in the stages that route: WU-07).
3. For six kinds of staff user, measures the first page of `case_list` (no filters: the API's default list, 50 rows,
   soonest next due date first), its exact count and the count capped at COUNT_CAP (what the API's case list asks on
   every page since plaint.api.pagination), median and p95 over
   `--runs`, and prints EXPLAIN (ANALYZE, BUFFERS) of both queries.

Not part of `make test`; results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from django.db import connection
from django.db.models import Max

import cases as loader
from plaint.access.models import User
from plaint.api.pagination import COUNT_CAP
from plaint.cases.models import Case, Party
from plaint.cases.selectors import case_list, cases_visible_to
from plaint.demo.data import username_for
from plaint.organisations import services as org_services
from plaint.organisations.models import Membership, Organisation, OrganisationalUnit, Person

PAGE = 50  # the API's CasePagination.page_size
MARK = "bench-visibility"  # Party.group of the rows this script adds, so it adds them once
TEAM_MANAGER = "Bench team manager WU"


def actors() -> dict[str, User]:
    """The staff users measured, by what makes their filter different."""
    users = {
        "complaints officer (WerkPro)": username_for("WP", "complaints_officer"),
        "handler with assigned cases (WerkPro)": username_for("WP", "handler"),
        "unit manager, subject of some cases (WerkPro)": username_for("WP", "manager"),
        "line manager routed past (Workers Union)": username_for("WU", "manager"),
        "firm officer serving 2 clients (Werk in vertrouwen, WV-02)": "wv-complaints-officer",
        "superuser": "admin",
    }
    return {label: User.objects.get(username=username) for label, username in users.items()}


def team_manager() -> Person:
    """A manager of The Workers Union whose line manager is the demo manager: complaints about them go to the senior
    manager, past the demo manager (WU-07)."""
    organisation = Organisation.objects.get(slug="workers-union")
    existing = Person.objects.filter(name=TEAM_MANAGER).first()
    if existing is not None:
        return existing
    manager = Person.objects.get(user__username=username_for("WU", "manager"))
    person = org_services.person_create(name=TEAM_MANAGER)
    org_services.membership_create(person=person, organisation=organisation, roles=["manager"], line_manager=manager)
    return person


def add_conflicts() -> None:
    """Confidential cases, people and units as subjects, involved people: once per case (the rows are marked `MARK`;
    cases loaded later, with higher ids, get theirs on the next run)."""
    done = Party.objects.filter(group=MARK).aggregate(last=Max("case_id"))["last"] or 0
    if not Case.objects.filter(pk__gt=done).exists():
        print("  conflicts already added")
        return
    started = time.perf_counter()
    wu_team_manager = team_manager()
    columns = (
        'case_id, role, person_id, unit_id, name, email, phone, address, "group", internal, involved, '
        "authorisation, consent_given_on, consent_withdrawn_on"
    )
    party_table = Party._meta.db_table
    case_table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {case_table} SET confidentiality = 'confidential' WHERE id %% 20 = 3 AND id > %s", [done]
        )
        for organisation in Organisation.objects.order_by("pk"):
            people = sorted(
                set(
                    Membership.objects.filter(organisation=organisation, roles__isnull=False).values_list(
                        "person_id", flat=True
                    )
                )
            )
            units = list(OrganisationalUnit.objects.filter(organisation=organisation).values_list("pk", flat=True))
            if people:
                cursor.execute(
                    f"INSERT INTO {party_table} ({columns}) SELECT id, 'subject', (%s::int[])[1 + (id * 7919) %% %s], "
                    f"NULL, '', '', '', '', %s, true, id %% 3 = 0, '', NULL, NULL FROM {case_table} "
                    "WHERE organisation_id = %s AND id %% 10 = 7 AND id > %s",
                    [people, len(people), MARK, organisation.pk, done],
                )
            if units:
                cursor.execute(
                    f"INSERT INTO {party_table} ({columns}) SELECT id, 'subject', NULL, (%s::int[])[1 + id %% %s], "
                    f"'', '', '', '', %s, false, false, '', NULL, NULL FROM {case_table} "
                    "WHERE organisation_id = %s AND id %% 50 = 11 AND id > %s",
                    [units, len(units), MARK, organisation.pk, done],
                )
        cursor.execute(
            f"INSERT INTO {party_table} ({columns}) SELECT c.id, 'subject', %s, NULL, '', '', '', '', %s, true, false, "
            f"'', NULL, NULL FROM {case_table} c JOIN organisations_organisation o ON o.id = c.organisation_id "
            "WHERE o.slug = 'workers-union' AND c.id %% 25 = 4 AND c.id > %s",
            [wu_team_manager.pk, MARK, done],
        )
        cursor.execute("ANALYZE")
    print(f"  conflicts added in {time.perf_counter() - started:.1f} s")


def timed(function: Callable[[], Any], runs: int) -> list[float]:
    function()  # warm: the procedure files, the stage table
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def explain(sql: str, params: tuple[Any, ...] | list[Any]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(runs: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rows: list[dict[str, Any]] = []
    plans: dict[str, str] = {}
    for label, user in actors().items():
        page_ms = timed(lambda user=user: list(case_list(actor=user)[:PAGE]), runs)
        count_ms = timed(lambda user=user: case_list(actor=user).count(), runs)
        # What the API's case list counts since it caps its count (plaint.api.pagination)
        capped_ms = timed(lambda user=user: case_list(actor=user).order_by()[: COUNT_CAP + 1].count(), runs)
        visible = case_list(actor=user).count()
        filter_ms = timed(lambda user=user: cases_visible_to(actor=user).query.sql_with_params(), runs)
        row = {"actor": label, "visible": visible}
        measured = (
            ("page", page_ms),
            ("count", count_ms),
            (f"count capped at {COUNT_CAP:,}", capped_ms),
            ("filter (Python only)", filter_ms),
        )
        for name, samples in measured:
            summary = loader.summary(f"{label[:40]}: {name}", samples)
            row[name] = {key: summary[key] for key in ("p50", "p95", "mean")}
        rows.append(row)
        print(f"    visible: {visible:,}")
        if connection.vendor == "postgresql":
            page_sql, page_params = case_list(actor=user)[:PAGE].query.sql_with_params()
            count_sql, count_params = case_list(actor=user).order_by().values("pk").query.sql_with_params()
            plans[f"{label}: page"] = explain(page_sql, page_params)
            plans[f"{label}: count"] = explain(f"SELECT count(*) FROM ({count_sql}) AS visible", count_params)
            for key in (f"{label}: page", f"{label}: count"):
                print(f"\n  EXPLAIN ANALYZE {key}:")
                for line in plans[key].splitlines()[:40]:
                    print(f"    {line}")
                print()
    return rows, plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=int, default=0, help="load this many cases first (bench/cases.py's loader)")
    parser.add_argument("--handlers", type=int, default=25, help="extra handlers per organisation, when loading")
    parser.add_argument("--runs", type=int, default=20, help="runs of each read")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--json", help="write the numbers and plans to this file")
    args, _ignored = parser.parse_known_args()  # `make bench` passes bench/cases.py's arguments to every script

    print(f"Database: {connection.vendor}; {os.cpu_count()} CPUs")
    if args.load:
        plans = loader.ensure_people(args.handlers)
        print(f"Loading {args.load:,} cases")
        loader.bulk_load(plans, args.load, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        loader.demo_load()
    if not Case.objects.exists():
        raise SystemExit("No cases: run with --load N (or bench/cases.py) first.")
    add_conflicts()
    print(f"Cases: {Case.objects.count():,}; parties: {Party.objects.count():,}")
    rows, plans = measure(args.runs)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"database": connection.vendor, "reads": rows, "plans": plans}, handle, indent=2, default=str)


if __name__ == "__main__":
    main()
