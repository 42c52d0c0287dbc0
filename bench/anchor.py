"""Plaint beside django-helpdesk (issue 17): the anchor's workloads (../shared/anchors/helpdesk/README.md) run
against Plaint with the anchor's own client, statistics and CPU accounting, printed beside the anchor's results.

    createdb -h 127.0.0.1 -U postgres bench_plaint
    export PLAINT_DATA_DIR=/tmp/bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_plaint
    .venv/bin/plaint migrate
    .venv/bin/python bench/visibility.py --load 100000 --runs 1     # once: 100,000 cases (bench/cases.py's loader)
    .venv/bin/python bench/anchor.py [--m 2000] [--json results.json] [--helpdesk FILE.json]

What is the same as the anchor: the client (`arequest` from the anchor's bench.py: asyncio streams, one TCP
connection per request, imported, not copied), the concurrency (8 virtual users), the rounds (M split into 4) and
the 20 warm-up submissions, the statistics (`summary`) and the CPU accounting (`Probe`: the app server's process
tree and PostgreSQL's postmaster tree from /proc, the client's own CPU, the machine's busy share and load), the
calibration loop, and the server configuration (gunicorn, 2 sync workers, `--timeout 600`, no access log,
`DEBUG=False`, `CONN_MAX_AGE=60`: `plaint web --worker-class sync --workers 2 --timeout 600 --no-access-log`).

What differs, and why:
* **W1** submits over the JSON API (`POST /api/cases/`, token authentication, one request per case), because
  Plaint's public form (the portal issue) is measured by that issue the same way. Helpdesk's W1 is GET form + POST
  form per case; the ratios below compare Plaint's one request with helpdesk's two, per case, as issue 17 asks.
  Every submission carries a unique index in its description; afterwards the database is asked for each: lost,
  lost after a 201, duplicated. The W1 cases are kept (Plaint's history and audit trail are append-only).
* **W2** is the API's case list as a staff member (complaints officer) of the organisation with the most cases:
  open cases, soonest due first, page of 25, with the count (`GET /api/cases/?status=open&page_size=25`), 50 runs.
* **W3** (reports) and **W4** (raw inserts) are not run here: `bench/report.py` measures the analyses, and W4 does
  not involve either application.

The anchor's numbers are read from its newest result file (`--helpdesk` to choose one); the two are only comparable
when run back to back on a quiet machine (load under 2): this script prints the load before each workload and the
calibration loop at start and end, so a reader can judge.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import importlib.util
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROOT = Path(__file__).resolve().parent.parent
ANCHOR = Path(os.environ.get("PLAINT_ANCHOR_DIR", ROOT.parent / "shared" / "anchors" / "helpdesk"))


def anchor_module() -> Any:
    """The anchor's bench.py, for its client and accounting (it imports nothing of helpdesk at the top)."""
    spec = importlib.util.spec_from_file_location("helpdesk_anchor", ANCHOR / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hd = anchor_module()

import cases  # noqa: E402, F401  (sets up Django, as every benchmark here)

# isort: split
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from plaint.access.models import User  # noqa: E402
from plaint.cases.models import Case  # noqa: E402
from plaint.demo.data import username_for  # noqa: E402
from plaint.organisations.models import Organisation  # noqa: E402

WORDS = ["coach", "appointment", "invoice", "meeting", "report", "manager", "delay", "payment", "letter", "advice"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_web(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DEBUG="False", CONN_MAX_AGE="60", ALLOWED_HOSTS="127.0.0.1,localhost")
    command = [
        str(ROOT / ".venv" / "bin" / "plaint"),
        "web",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "600",
        "--no-access-log",
    ]
    log = open(os.environ.get("PLAINT_DATA_DIR", "/tmp") + "/anchor-web.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("plaint web did not start: see anchor-web.log")


def stop_web(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def w1_body(rng: random.Random, prefix: str, index: int, organisation: str) -> bytes:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 90)))
    return json.dumps(
        {
            "organisation": organisation,
            "kind": "complaint",
            "channel": "in_writing",
            "summary": f"{prefix} #{index}",
            "description": f"{prefix} #{index} {words.capitalize()}.",
            "complainant": {"name": f"Bench {index}", "email": f"{prefix}-{index}@example.org"},
        }
    ).encode()


async def w1_round(
    port: int, indices: range, concurrency: int, prefix: str, seed: int, token: str, organisation: str
) -> tuple[list[dict[str, Any]], float]:
    rng = random.Random(seed)
    iterator = iter(indices)
    out: list[dict[str, Any]] = []
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}

    async def worker() -> None:
        for index in iterator:
            record: dict[str, Any] = {"i": index}
            started = time.perf_counter()
            try:
                body = w1_body(rng, prefix, index, organisation)
                response = await hd.arequest("127.0.0.1", port, "POST", "/api/cases/", headers, body)
                ended = time.perf_counter()
                ok = response.status == 201 and response.header("location").startswith("/api/cases/")
                record.update(ok=ok, status=response.status, post_ms=(ended - started) * 1000)
                if not ok:
                    record["error"] = response.text[:300]
            except (OSError, ValueError, IndexError) as error:
                record.update(ok=False, status=None, error=repr(error))
            out.append(record)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out, time.perf_counter() - started


def run_w1(port: int, args: argparse.Namespace, probe: Any, token: str, organisation: str) -> dict[str, Any]:
    runid = time.strftime("%Y%m%dT%H%M%S")
    prefix = f"anchor-w1-{runid}"
    warm = range(min(20, args.m))
    asyncio.run(w1_round(port, warm, min(args.concurrency, 4), prefix + "-warm", 1, token, organisation))
    sizes = [args.m // args.w1_rounds + (1 if r < args.m % args.w1_rounds else 0) for r in range(args.w1_rounds)]
    records: list[dict[str, Any]] = []
    rounds = []
    start = 0
    before = probe.snap()
    for number, count in enumerate(sizes):
        out, wall = asyncio.run(
            w1_round(port, range(start, start + count), args.concurrency, prefix, 1000 + number, token, organisation)
        )
        start += count
        ok = sum(1 for record in out if record["ok"])
        rounds.append({"submitted": count, "ok": ok, "wall_s": round(wall, 3), "cases_per_s": round(ok / wall, 2)})
        records.extend(out)
        print(f"    W1 round {number + 1}/{len(sizes)}: {ok}/{count} ok, {ok / wall:.1f} cases/s", flush=True)
    after = probe.snap()
    return w1_result(args, prefix, records, rounds, before, after)


def w1_result(
    args: argparse.Namespace,
    prefix: str,
    records: list[dict[str, Any]],
    rounds: list[dict[str, Any]],
    before: Any,
    after: Any,
) -> dict[str, Any]:
    """W1's figures as the anchor reports them, verified in the database: every case's summary starts with
    `<prefix> #<index>`; lost, lost after an HTTP success, duplicated."""
    ok_records = [record for record in records if record["ok"]]
    summaries = Case.objects.filter(summary__startswith=prefix + " #").values_list("summary", flat=True)
    found = [int(summary.split("#", 1)[1].split()[0]) for summary in summaries]
    attempted = set(range(args.m))
    total_wall = sum(item["wall_s"] for item in rounds)
    return {
        "submitted": args.m,
        "concurrency": args.concurrency,
        "rounds": rounds,
        "http_ok": len(ok_records),
        "http_errors": args.m - len(ok_records),
        "error_samples": [
            {"status": record.get("status"), "error": record.get("error", "")[:200]}
            for record in records
            if not record["ok"]
        ][:5],
        "verify": {
            "found_in_db": len(found),
            "lost": len(attempted - set(found)),
            "lost_after_http_ok": len({record["i"] for record in ok_records} - set(found)),
            "duplicates": len(found) - len(set(found)),
        },
        "cases_per_s_overall": round(len(ok_records) / total_wall, 2) if total_wall else None,
        "latency_ms": {"post": hd.summary([record["post_ms"] for record in ok_records])},
        "resources": hd.Probe.delta(before, after, units=len(ok_records) or None),
    }


def run_w2(port: int, args: argparse.Namespace, probe: Any, token: str) -> dict[str, Any]:
    path = "/api/cases/?status=open&page_size=25"
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def get() -> Any:
        return asyncio.run(hd.arequest("127.0.0.1", port, "GET", path, headers))

    for _ in range(3):
        get()
    samples = []
    before = probe.snap()
    response = None
    for _ in range(args.w2_reps):
        started = time.perf_counter()
        response = get()
        samples.append((time.perf_counter() - started) * 1000)
    after = probe.snap()
    assert response is not None and response.status == 200, response.text[:300] if response else None
    body = response.json()
    return {
        "path": path,
        "rows": len(body["results"]),
        "count": body["count"],
        "count_exact": body["count_exact"],
        "bytes": len(response.content),
        "latency_ms": hd.summary(samples),
        "resources": hd.Probe.delta(before, after, units=len(samples)),
    }


def helpdesk_result(path: str | None) -> tuple[str, dict[str, Any]] | None:
    # The anchor writes its results under /tmp/bench/results (its README); a copy may sit beside its scripts.
    pattern = "helpdesk-postgres-*.json"
    found = glob.glob(str(ANCHOR / "results" / pattern)) + glob.glob("/tmp/bench/results/" + pattern)
    files = [path] if path else sorted(found, key=os.path.basename)
    for candidate in reversed(files):
        data = json.loads(Path(candidate).read_text())
        if data.get("w1"):
            return candidate, data
    return None


W2_APP = ("w2", "resources", "app_cpu_ms_per_unit")
W2_DB = ("w2", "resources", "db_cpu_ms_per_unit")


def side_by_side(plaint: dict[str, Any], anchor: tuple[str, dict[str, Any]] | None) -> None:
    rows = [
        ("W1 cases/s", ("w1", "cases_per_s_overall"), ("w1", "tickets_per_s_overall")),
        ("W1 request p50 ms (Plaint POST; helpdesk GET+POST)", ("w1", "latency_ms", "post", "p50"), None),
        ("W1 app CPU ms/case", ("w1", "resources", "app_cpu_ms_per_unit"), ("w1", "resources", "app_cpu_ms_per_unit")),
        ("W1 DB CPU ms/case", ("w1", "resources", "db_cpu_ms_per_unit"), ("w1", "resources", "db_cpu_ms_per_unit")),
        ("W1 lost", ("w1", "verify", "lost"), ("w1", "verify", "lost")),
        ("W1 duplicates", ("w1", "verify", "duplicates"), ("w1", "verify", "duplicates")),
        ("W2 p50 ms (helpdesk: its JSON rows call)", ("w2", "latency_ms", "p50"), ("w2", "json_ms", "p50")),
        ("W2 p95 ms (helpdesk: its JSON rows call)", ("w2", "latency_ms", "p95"), ("w2", "json_ms", "p95")),
        (
            "W2 app CPU ms/request (helpdesk: HTML+JSON avg)",
            ("w2", "resources", "app_cpu_ms_per_unit"),
            ("w2", "resources", "app_cpu_ms_per_unit"),
        ),
        (
            "W2 DB CPU ms/request (helpdesk: HTML+JSON avg)",
            ("w2", "resources", "db_cpu_ms_per_unit"),
            ("w2", "resources", "db_cpu_ms_per_unit"),
        ),
    ]
    helpdesk = anchor[1] if anchor else {}
    if anchor:
        print(f"\nhelpdesk: {anchor[0]}")
        w1 = helpdesk.get("w1", {}).get("latency_ms", {}).get("get_plus_post", {})
        rows[1] = (rows[1][0], rows[1][1], None)
        helpdesk.setdefault("_", {})["w1_gp_p50"] = w1.get("p50")
        rows[1] = (rows[1][0], rows[1][1], ("_", "w1_gp_p50"))
    # The last column is helpdesk's figure divided by Plaint's: above 1 Plaint costs less (or, for cases/s, below 1
    # Plaint is faster).
    print(f"{'':52} {'Plaint':>12} {'helpdesk':>12} {'helpdesk/Plaint':>16}")
    for label, ours, theirs in rows:
        mine = hd.dig(plaint, ".".join(ours))
        other = hd.dig(helpdesk, ".".join(theirs)) if theirs else None
        ratio = (
            f"{other / mine:.2f}x" if isinstance(mine, int | float) and isinstance(other, int | float) and mine else ""
        )
        print(f"{label:52} {fmt(mine):>12} {fmt(other):>12} {ratio:>16}")


def fmt(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else ("-" if value is None else f"{value:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--m", type=int, default=2000, help="W1 cases (default 2000, as the anchor)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (as the anchor)")
    parser.add_argument("--w1-rounds", type=int, default=4)
    parser.add_argument("--w2-reps", type=int, default=50)
    parser.add_argument("--only", default="w1,w2")
    parser.add_argument("--helpdesk", help="the anchor's result file (default: its newest with W1)")
    parser.add_argument("--json", help="write Plaint's numbers to this file")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/anchor.py compares on PostgreSQL, as the anchor: set DATABASE_URL")
    organisation = max(Organisation.objects.all(), key=lambda org: Case.objects.filter(organisation=org).count())
    prefix = organisation.reference_prefix
    tokens = {}
    for role in ("intake_staff", "complaints_officer"):
        user = User.objects.get(username=username_for(prefix, role))
        tokens[role] = Token.objects.get_or_create(user=user)[0].key
    result: dict[str, Any] = {
        "cases_in_db": Case.objects.count(),
        "organisation": organisation.slug,
        "calibration_start": hd.calibrate("postgres"),
        "load1_start": os.getloadavg()[0],
    }
    print(f"{result['cases_in_db']:,} cases; {organisation.slug}; load {result['load1_start']:.2f}")
    print(f"calibration: {result['calibration_start']}")
    port = free_port()
    web = start_web(port, args.workers)
    try:
        probe = hd.Probe(web.pid, hd.pg_postmaster_pid())
        only = set(args.only.split(","))
        if "w2" in only:
            print(f"W2 (load {os.getloadavg()[0]:.2f})", flush=True)
            result["w2"] = run_w2(port, args, probe, tokens["complaints_officer"])
        if "w1" in only:
            print(f"W1 (load {os.getloadavg()[0]:.2f})", flush=True)
            result["w1"] = run_w1(port, args, probe, tokens["intake_staff"], organisation.slug)
    finally:
        stop_web(web)
    result["calibration_end"] = hd.calibrate("postgres")
    result["load1_end"] = os.getloadavg()[0]
    print(f"calibration at the end: {result['calibration_end']}; load {result['load1_end']:.2f}")
    side_by_side(result, helpdesk_result(args.helpdesk))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
