"""API request benchmark (issue 17): an action, a case detail and the staff list, over HTTP with a token.

    export PLAINT_DATA_DIR=/tmp/bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_plaint
    .venv/bin/plaint migrate
    .venv/bin/python bench/visibility.py --load 100000 --runs 1    # once: 100,000 cases and the conflicts
    .venv/bin/python bench/api_requests.py [--actions 200] [--runs 50] [--json results.json]

Everything goes through Django's test client in this process with `Authorization: Token …` (URL routing, every
middleware, DRF, the services and selectors): everything but the socket. CPU is counted as bench/inbox.py does:
this process's `time.process_time()` (the whole request) and the PostgreSQL backend's user + system time from
`/proc` (the database runs on this machine), per request, over the timed loop only.

1. Actions: `--actions` complaints are registered for XS2More (`POST /api/cases/`, not timed), then each is
   acknowledged once (`POST /api/cases/{id}/actions/acknowledged/` with its version): the timed loop.
2. The case detail (`GET /api/cases/{id}/`) of one of those cases, `--runs` times, by its intake officer.
3. The staff list (`GET /api/cases/`: the first page, soonest due first, with its count) for the kinds of staff user
   bench/visibility.py measures, `--runs` times each.

Each row prints the statements of one request (counted separately), the calibration loop and the machine's load.
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
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from inbox import backend_cpu_ms, calibration_ms
from rest_framework.authtoken.models import Token
from visibility import actors

import cases as loader  # sets up Django
from plaint.access.models import User

ORGANISATION = "xs2more"
BODY = {
    "organisation": ORGANISATION,
    "kind": "complaint",
    "channel": "in_writing",
    "description": "A complaint registered by the action benchmark.",
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
}


def client_for(user: User) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def statements(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def cpu_loop(name: str, calls: list[Callable[[], Any]], expect: int) -> dict[str, Any]:
    """Runs every call once: wall samples, and app and DB CPU per call over the whole loop."""
    samples = []
    cpu_started, db_started = time.process_time(), backend_cpu_ms()
    for call in calls:
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expect, (response.status_code, response.content[:500])
    app = (time.process_time() - cpu_started) * 1000 / len(calls)
    db = (backend_cpu_ms() - db_started) / len(calls)
    row = loader.summary(name, samples)
    row.update(app_cpu_ms=app, db_cpu_ms=db, load=os.getloadavg()[0])
    print(f"    CPU per request: app {app:.1f} ms, db {db:.1f} ms (load {row['load']:.2f})")
    return row


def measure(actions: int, runs: int) -> list[dict[str, Any]]:
    rows = []
    if actions:
        rows += measure_actions(actions, runs)
    for label, user in actors().items():
        staff_client = client_for(user)
        staff_client.get("/api/cases/")  # warm
        queries = statements(lambda staff_client=staff_client: staff_client.get("/api/cases/"))
        page = staff_client.get("/api/cases/").json()
        row = cpu_loop(f"GET /api/cases/ {label}", [lambda c=staff_client: c.get("/api/cases/")] * runs, 200)
        rows.append({**row, "queries": queries, "count": page["count"], "count_exact": page["count_exact"]})
        print(f"    statements per list: {queries}; count {page['count']} (exact: {page['count_exact']})")
    return rows


def measure_actions(actions: int, runs: int) -> list[dict[str, Any]]:
    rows = []
    intake = User.objects.get(username="xs-intake-staff")
    client = client_for(intake)
    cases = []
    for _ in range(actions + 2):
        response = client.post("/api/cases/", BODY, content_type="application/json")
        assert response.status_code == 201, response.content
        cases.append(response.json())
    spare, counted = cases.pop(), cases.pop()

    def act(case: dict[str, Any]) -> Any:
        url = f"/api/cases/{case['id']}/actions/acknowledged/"
        return client.post(url, {"version": case["version"]}, content_type="application/json")

    act(spare)  # warm
    queries = statements(lambda: act(counted))
    row = cpu_loop("POST acknowledged (one action)", [lambda case=case: act(case) for case in cases], 200)
    rows.append({**row, "queries": queries})
    print(f"    statements per action: {queries}")

    detail = f"/api/cases/{cases[0]['id']}/"
    client.get(detail)
    queries = statements(lambda: client.get(detail))
    row = cpu_loop("GET case detail", [lambda: client.get(detail)] * runs, 200)
    rows.append({**row, "queries": queries})
    print(f"    statements per detail: {queries}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=200, help="0: the staff lists only")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    print(f"load {os.getloadavg()}, calibration loop {calibration_ms():.0f} ms")
    rows = measure(args.actions, args.runs)
    print(f"load {os.getloadavg()}, calibration loop {calibration_ms():.0f} ms")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2, default=str)


if __name__ == "__main__":
    main()
