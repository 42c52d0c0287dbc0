"""The anchor's W1 against Plaint's public form (issue 15, "Speed"; issue 17, "Intake"): django-helpdesk's public
intake (../shared/anchors/helpdesk/README.md) re-implemented against `/complaints/<slug>/new/`.

    createdb -h 127.0.0.1 -U postgres bench_plaint
    export PLAINT_DATA_DIR=/tmp/bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_plaint
    export REDIS_URL=redis://127.0.0.1:6379/0 CONN_MAX_AGE=60
    .venv/bin/plaint migrate && .venv/bin/plaint demo load --quiet
    .venv/bin/python bench/portal.py [--m 2000] [--json plaint-portal.json] [--helpdesk helpdesk-postgres-….json]
    .venv/bin/python bench/portal.py --profile 200     # where the time goes: cProfile of 200 GET + POST, in-process
    .venv/bin/python bench/portal.py --cpu 300         # CPU ms per GET and per POST, statements per request

The same as the anchor's W1, piece by piece: the client (`arequest` from the anchor's bench.py: asyncio streams, one
TCP connection per request), a **new anonymous visitor** per case (no cookies carried over: GET the form, take the
CSRF cookie and the token from the HTML, POST multipart/form-data with the token, `Origin` and `Referer` and an empty
file part, expect the redirect without following it: Plaint answers `303 See Other` to the receipt page where
helpdesk answers 302), 8 virtual users, 2,000 cases in 4 rounds after 20 warm-ups, statistics, calibration loop and
CPU accounting from /proc (`Probe`: the gunicorn tree and PostgreSQL's postmaster tree), and the server:
`plaint web --worker-class sync --workers 2 --timeout 600 --no-access-log`, `DEBUG=False`, `CONN_MAX_AGE=60`.

The portal limits submissions per client address (docs/portal.md); every virtual user here comes from 127.0.0.1,
so the server is started with `PLAINT_PORTAL_SUBMIT_RATE=1000000/h` (the documented setting, not a code change).
The limit is still counted on every POST, as in production.

Verified afterwards in the database, as the anchor does: every submission carries a unique index at the start of
its description (so in the case's summary) and in its email address: lost, lost after a 303, duplicated, and the
confirmation emails queued (one per case, the anchor's `notes_found`). Plaint keeps W1's cases (its history and audit
trail are append-only). What Plaint does per case and helpdesk does not: the engine's admissibility and terms, the
case history and its hash-chained audit record, the private link (hashed), the confirmation email rendered in the
case's language and queued, the submission key that makes a replayed form one case (and the receipt in a signed
cookie), all in one transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import anchor

# isort: split
from django.db import connection

from plaint.cases.models import Case
from plaint.correspondence.models import OutboundEmail
from plaint.organisations.models import Organisation

hd = anchor.hd
SUBMISSION_RE = re.compile(rb'name="submission" value="([0-9a-f]+)"')
CSRF_COOKIE_RE = re.compile(r"csrftoken=([^;]+)")
WORDS = anchor.WORDS
SUBMIT_RATE = "1000000/h"


def form_fields(rng: random.Random, prefix: str, index: int) -> dict[str, str]:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 90)))
    return {
        "kind": "complaint",
        "description": f"{prefix} #{index} {words.capitalize()}.",
        "incident_date": "",
        "about": "",
        "wanted": "",
        "name": f"Bench {index}",
        "email": f"{prefix}-{index}@example.org",
        "phone": "",
        "language": rng.choice(("en", "nl")),
        "represented_name": "",
        "relationship": "",
        "website": "",
    }


async def submit(port: int, path: str, fields: dict[str, str], boundary: str) -> dict[str, Any]:
    """One new anonymous visitor: GET the form (CSRF cookie and token, the submission key), POST it multipart."""
    started = time.perf_counter()
    got = await hd.arequest("127.0.0.1", port, "GET", path, {})
    got_at = time.perf_counter()
    token = hd.CSRF_RE_B.search(got.content)
    submission = SUBMISSION_RE.search(got.content)
    cookie = got.cookies().get("csrftoken")
    if got.status != 200 or not token or not submission or not cookie:
        return {"ok": False, "status": got.status, "error": "form GET failed: " + got.text[:200]}
    data = dict(fields, csrfmiddlewaretoken=token.group(1).decode(), submission=submission.group(1).decode())
    body = hd.multipart_body(data, boundary, empty_file_field="documents")
    origin = f"http://127.0.0.1:{port}"
    headers = {
        "Origin": origin,
        "Referer": origin + path,
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    posted = await hd.arequest("127.0.0.1", port, "POST", path, headers, body)
    ended = time.perf_counter()
    ok = posted.status == 303 and "/received/" in posted.header("location")
    record = {
        "ok": ok,
        "status": posted.status,
        "get_ms": (got_at - started) * 1000,
        "post_ms": (ended - got_at) * 1000,
        "total_ms": (ended - started) * 1000,
    }
    if not ok:
        record["error"] = posted.text[:300]
    return record


async def w1_round(
    port: int, indices: range, concurrency: int, prefix: str, seed: int, slug: str
) -> tuple[list[dict[str, Any]], float]:
    rng = random.Random(seed)
    iterator = iter(indices)
    out: list[dict[str, Any]] = []
    path = f"/complaints/{slug}/new/"

    async def worker() -> None:
        for index in iterator:
            try:
                record = await submit(port, path, form_fields(rng, prefix, index), f"----benchboundary{seed}x{index}")
            except (OSError, ValueError, IndexError) as error:
                record = {"ok": False, "status": None, "error": repr(error)}
            record["i"] = index
            out.append(record)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out, time.perf_counter() - started


def run_w1(port: int, args: argparse.Namespace, probe: Any, slug: str) -> dict[str, Any]:
    prefix = f"portal-w1-{time.strftime('%Y%m%dT%H%M%S')}"
    asyncio.run(w1_round(port, range(min(20, args.m)), min(args.concurrency, 4), prefix + "-warm", 1, slug))
    sizes = [args.m // args.w1_rounds + (1 if r < args.m % args.w1_rounds else 0) for r in range(args.w1_rounds)]
    records: list[dict[str, Any]] = []
    rounds = []
    start = 0
    before = probe.snap()
    for number, count in enumerate(sizes):
        indices = range(start, start + count)
        out, wall = asyncio.run(w1_round(port, indices, args.concurrency, prefix, 1000 + number, slug))
        start += count
        ok = sum(1 for record in out if record["ok"])
        rounds.append({"submitted": count, "ok": ok, "wall_s": round(wall, 3), "cases_per_s": round(ok / wall, 2)})
        records.extend(out)
        print(f"    W1 round {number + 1}/{len(sizes)}: {ok}/{count} ok, {ok / wall:.1f} cases/s", flush=True)
    after = probe.snap()
    result = anchor.w1_result(args, prefix, records, rounds, before, after)
    result["verify"]["confirmation_emails"] = OutboundEmail.objects.filter(
        recipient_email__regex=rf"^{prefix}-[0-9]+@"
    ).count()
    ok_records = [record for record in records if record["ok"]]
    for name, key in (("get_form", "get_ms"), ("get_plus_post", "total_ms")):
        result["latency_ms"][name] = hd.summary([record[key] for record in ok_records])
    return result


def filled_in(got: Any, fields: dict[str, str]) -> dict[str, str]:
    """The fields to POST, with the CSRF token and the submission key of the form page `got` (test client)."""
    token = hd.CSRF_RE_B.search(got.content)
    submission = SUBMISSION_RE.search(got.content)
    assert got.status_code == 200 and token and submission
    return dict(fields, csrfmiddlewaretoken=token.group(1).decode(), submission=submission.group(1).decode())


def profile(count: int, slug: str, out: str | None) -> None:
    """cProfile of `count` GET + POST through Django's test client in this process (URL routing, every middleware,
    the form, the service, the templates): everything but gunicorn and the socket."""
    import cProfile
    import pstats

    from django.test import Client

    os.environ["PLAINT_PORTAL_SUBMIT_RATE"] = SUBMIT_RATE
    from django.conf import settings

    settings.PLAINT_PORTAL_SUBMIT_RATE = SUBMIT_RATE
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(7)
    prefix = f"portal-prof-{time.strftime('%Y%m%dT%H%M%S')}"
    path = f"/complaints/{slug}/new/"

    def one(index: int) -> None:
        client = Client(enforce_csrf_checks=True)
        got = client.get(path)
        data = filled_in(got, form_fields(rng, prefix, index))
        posted = client.post(path, data, HTTP_ORIGIN="http://testserver", HTTP_REFERER="http://testserver" + path)
        assert posted.status_code == 303, posted.content[:300]

    for index in range(10):
        one(index)
    profiler = cProfile.Profile(time.process_time)  # CPU time: waits for PostgreSQL are not the app's cost
    cpu = time.process_time()
    profiler.enable()
    for index in range(10, 10 + count):
        one(index)
    profiler.disable()
    cpu = time.process_time() - cpu
    print(f"{count} GET + POST in-process: {cpu * 1000 / count:.1f} ms CPU per case (client, server and profiler)")
    stats = pstats.Stats(profiler)
    if out:
        stats.dump_stats(out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def cpu_per_request(count: int, slug: str) -> None:
    """CPU time per GET and per POST in-process (`time.process_time`, no profiler: client and server, every
    middleware), and the statements each runs, counted on 5 more cases: steadier than wall time on a busy machine."""
    from django.conf import settings
    from django.db import reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PLAINT_PORTAL_SUBMIT_RATE = SUBMIT_RATE
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(11)
    prefix = f"portal-cpu-{time.strftime('%Y%m%dT%H%M%S')}"
    path = f"/complaints/{slug}/new/"
    spent = {"GET": 0.0, "POST": 0.0}
    queries = {"GET": [0], "POST": [0]}

    def one(index: int, count_queries: bool) -> None:
        client = Client(enforce_csrf_checks=True)
        capture = CaptureQueriesContext(connection)
        started = time.process_time()
        if count_queries:
            capture.__enter__()
        got = client.get(path)
        if count_queries:
            capture.__exit__(None, None, None)
            queries["GET"].append(len(capture.captured_queries))
        spent["GET"] += time.process_time() - started
        data = filled_in(got, form_fields(rng, prefix, index))
        capture = CaptureQueriesContext(connection)
        started = time.process_time()
        if count_queries:
            capture.__enter__()
        posted = client.post(path, data, HTTP_ORIGIN="http://testserver", HTTP_REFERER="http://testserver" + path)
        if count_queries:
            capture.__exit__(None, None, None)
            queries["POST"].append(len(capture.captured_queries))
        spent["POST"] += time.process_time() - started
        assert posted.status_code == 303, posted.content[:300]

    for index in range(10):
        one(index, False)
    for index in range(10, 15):
        one(index, True)
    reset_queries()
    spent = {"GET": 0.0, "POST": 0.0}
    for index in range(15, 15 + count):
        one(index, False)
    load = os.getloadavg()[0]
    print(f"{count} GET + POST in-process, load {load:.2f}:")
    for method in ("GET", "POST"):
        print(f"  {method:4} {spent[method] * 1000 / count:6.2f} ms CPU, {max(queries[method])} statements")
    print(f"  both {(spent['GET'] + spent['POST']) * 1000 / count:6.2f} ms CPU per case")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--m", type=int, default=2000, help="W1 cases (default 2000, as the anchor)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (as the anchor)")
    parser.add_argument("--w1-rounds", type=int, default=4)
    parser.add_argument("--organisation", help="the organisation's slug (default: the one with the most cases)")
    parser.add_argument("--helpdesk", help="the anchor's result file (default: its newest with W1)")
    parser.add_argument("--json", help="write Plaint's numbers to this file")
    parser.add_argument("--profile", type=int, metavar="N", help="profile N submissions in-process instead")
    parser.add_argument("--cpu", type=int, metavar="N", help="CPU ms per GET and per POST over N cases, in-process")
    parser.add_argument("--profile-out", help="with --profile: write the pstats file here")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/portal.py compares on PostgreSQL, as the anchor: set DATABASE_URL")
    if args.organisation:
        organisation = Organisation.objects.get(slug=args.organisation)
    else:
        organisation = max(Organisation.objects.all(), key=lambda org: Case.objects.filter(organisation=org).count())
    if args.cpu:
        cpu_per_request(args.cpu, organisation.slug)
        return
    if args.profile:
        profile(args.profile, organisation.slug, args.profile_out)
        return
    result: dict[str, Any] = {
        "cases_in_db": Case.objects.count(),
        "organisation": organisation.slug,
        "calibration_start": hd.calibrate("postgres"),
        "load1_start": os.getloadavg()[0],
    }
    print(f"{result['cases_in_db']:,} cases; {organisation.slug}; load {result['load1_start']:.2f}")
    print(f"calibration: {result['calibration_start']}")
    os.environ["PLAINT_PORTAL_SUBMIT_RATE"] = SUBMIT_RATE
    port = anchor.free_port()
    web = anchor.start_web(port, args.workers)
    try:
        probe = hd.Probe(web.pid, hd.pg_postmaster_pid())
        print(f"W1 over the public form (load {os.getloadavg()[0]:.2f})", flush=True)
        result["w1"] = run_w1(port, args, probe, organisation.slug)
    finally:
        anchor.stop_web(web)
    result["calibration_end"] = hd.calibrate("postgres")
    result["load1_end"] = os.getloadavg()[0]
    print(f"calibration at the end: {result['calibration_end']}; load {result['load1_end']:.2f}")
    print(json.dumps(result["w1"]["verify"]), json.dumps(result["w1"]["error_samples"])[:600])
    side_by_side(result, anchor.helpdesk_result(args.helpdesk))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))


GET_POST = ("w1", "latency_ms", "get_plus_post")


def side_by_side(plaint: dict[str, Any], found: tuple[str, dict[str, Any]] | None) -> None:
    rows = [
        ("W1 cases/s", ("w1", "cases_per_s_overall"), ("w1", "tickets_per_s_overall")),
        ("W1 GET form p50 ms", ("w1", "latency_ms", "get_form", "p50"), ("w1", "latency_ms", "get_form", "p50")),
        ("W1 POST p50 ms", ("w1", "latency_ms", "post", "p50"), ("w1", "latency_ms", "post", "p50")),
        ("W1 GET + POST p50 ms", (*GET_POST, "p50"), (*GET_POST, "p50")),
        ("W1 GET + POST p95 ms", (*GET_POST, "p95"), (*GET_POST, "p95")),
        ("W1 app CPU ms/case", ("w1", "resources", "app_cpu_ms_per_unit"), ("w1", "resources", "app_cpu_ms_per_unit")),
        ("W1 DB CPU ms/case", ("w1", "resources", "db_cpu_ms_per_unit"), ("w1", "resources", "db_cpu_ms_per_unit")),
        ("W1 lost", ("w1", "verify", "lost"), ("w1", "verify", "lost")),
        ("W1 lost after HTTP ok", ("w1", "verify", "lost_after_http_ok"), ("w1", "verify", "lost_after_http_ok")),
        ("W1 duplicates", ("w1", "verify", "duplicates"), ("w1", "verify", "duplicates")),
    ]
    helpdesk = found[1] if found else {}
    if found:
        print(f"\nhelpdesk: {found[0]}")
    # The last column is helpdesk's figure divided by Plaint's: above 1 Plaint costs less (for cases/s: below 1
    # Plaint is faster).
    print(f"{'':36} {'Plaint':>12} {'helpdesk':>12} {'helpdesk/Plaint':>16}")
    for label, ours, theirs in rows:
        mine = hd.dig(plaint, ".".join(ours))
        other = hd.dig(helpdesk, ".".join(theirs)) if theirs else None
        ratio = (
            f"{other / mine:.2f}x" if isinstance(mine, int | float) and isinstance(other, int | float) and mine else ""
        )
        print(f"{label:36} {anchor.fmt(mine):>12} {anchor.fmt(other):>12} {ratio:>16}")


if __name__ == "__main__":
    main()
