"""Plaint as deployed: two web processes and one worker, sharing one database and one task queue.

The children run the real `plaint web` and `plaint worker` commands against a database of their own on the test
run's database server (a fresh PostgreSQL database, or a SQLite file) and the test run's task queue (REDIS_URL, or
a SQLite queue). pytest-django's test database lives inside this process's transactions, so they cannot share it.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.core.plaint_processes import Browser, Children, child_env, free_port, health, own_database, plaint, wait_for

pytestmark = pytest.mark.multiprocess

ADMIN = {"DJANGO_SUPERUSER_USERNAME": "ops", "DJANGO_SUPERUSER_EMAIL": "ops@example.org"}
PASSWORD = "probe-the-queue-42"


@pytest.fixture
def installation(tmp_path):
    """Environment for children: migrated database, an admin, and the data directory they share."""
    with own_database(tmp_path) as variables:
        env = child_env(tmp_path, **variables)
        migrated = plaint("migrate", "--noinput", "-v0", env=env, timeout=120)
        assert migrated.returncode == 0, migrated.stderr
        admin = plaint("createsuperuser", "--noinput", env=env | ADMIN | {"DJANGO_SUPERUSER_PASSWORD": PASSWORD})
        assert admin.returncode == 0, admin.stderr
        yield env


@pytest.fixture
def children(tmp_path):
    started = Children(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def test_work_submitted_to_one_web_process_is_seen_by_another_and_done_by_the_worker(installation, children):
    # Given two web processes on their own ports (and no worker yet)
    web1, web2 = (f"http://127.0.0.1:{free_port()}" for _ in range(2))
    for name, base in (("web1", web1), ("web2", web2)):
        children.start(name, "web", "--bind", base.removeprefix("http://"), "--workers", "1", env=installation)
    try:
        wait_for(lambda: health(web1) and health(web2), "both web processes to answer /healthz")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{children.outputs()}") from None

    # When an admin logs in on web 1 and sends a probe through the task queue there
    admin = Browser()
    admin.log_in(web1, ADMIN["DJANGO_SUPERUSER_USERNAME"], PASSWORD)
    status, created = admin.post_json(f"{web1}/ops/queue-probes", web1)
    assert status == 201, created
    assert created["processed_at"] is None

    # then the same session sees the probe through web 2, still waiting for a worker
    other_tab = Browser()
    admin.share_cookies_with(other_tab)
    status, seen = other_tab.json(f"{web2}/ops/queue-probes/{created['id']}")
    assert status == 200
    assert seen == created

    # When a worker starts
    children.start("worker", "worker", env=installation)

    # then it processes the probe, and web 2 shows the result and the worker's heartbeat
    def processed():
        return other_tab.json(f"{web2}/ops/queue-probes/{created['id']}")[1]["processed_at"] is not None

    try:
        wait_for(processed, "the worker to process the probe")
        wait_for(lambda: (health(web2) or {}).get("worker", {}).get("last_seen"), "the worker's heartbeat")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{children.outputs()}") from None
    status, result = other_tab.json(f"{web2}/ops/queue-probes/{created['id']}")
    worker_host, _, worker_pid = result["processed_by"].rpartition(":")
    assert worker_host and worker_pid.isdigit()
    assert int(worker_pid) != children.started[0].process.pid

    # and every child stops cleanly when asked to
    assert [child.stop() for child in children.started] == [0, 0, 0], children.outputs()


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    pids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(value) for value in (task / "children").read_text().split()]
    return pids


def child_commands(pid: int) -> dict[str, int]:
    """`plaint run`'s children by their command ("web", "worker") and process id."""
    commands = {}
    for child in child_pids(pid):
        arguments = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        commands[arguments[arguments.index(b"plaint") + 1].decode()] = child
    return commands


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from Linux /proc")
def test_plaint_run_starts_web_and_worker_and_stops_both(installation, children, tmp_path):
    # Given `plaint run` (what `make run` starts) on a free port
    port = free_port()
    run = children.start("run", "run", env=installation | {"PORT": str(port)})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: health(base), "plaint run to answer /healthz")
        wait_for(lambda: "Plaint is running at" in run.output(), "the address to be printed")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{children.outputs()}") from None
    # then it says where, and runs a web server and a worker
    assert f"Plaint is running at {base}/ (admin: /admin/, health: /healthz)" in run.output()
    processes = child_commands(run.process.pid)
    web, worker = processes["web"], processes["worker"]
    wait_for(lambda: (health(base) or {}).get("worker", {}).get("last_seen"), "the worker's heartbeat")

    # When its worker dies
    os.kill(worker, signal.SIGKILL)
    # then `plaint run` stops the web server too and exits non-zero
    exit_code = run.process.wait(timeout=60)
    assert exit_code != 0
    assert "`plaint worker` stopped" in run.output()
    assert not alive(web) and not alive(worker)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from Linux /proc")
def test_plaint_run_stops_cleanly_on_sigterm(installation, children):
    # Given a running `plaint run`
    port = free_port()
    run = children.start("run", "run", env=installation | {"PORT": str(port)})
    wait_for(lambda: health(f"http://127.0.0.1:{port}"), "plaint run to answer /healthz")
    web, worker = child_pids(run.process.pid)
    # When it is asked to stop (SIGTERM, as a service manager does; Ctrl-C sends SIGINT, handled alike)
    run.process.send_signal(signal.SIGTERM)
    # then it stops both children and exits 0
    assert run.process.wait(timeout=60) == 0, run.output()
    assert not alive(web) and not alive(worker)
