"""Helpers to run the real `plaint` command in child processes (no mocks: real sockets, databases, queues)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

WAIT_SECONDS = 30.0
# Variables the test run may carry that must not leak into a child's configuration.
CHILD_UNSET = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "PLAINT_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HUEY_IMMEDIATE",
    "PORT",
    "DEBUG",
)


def child_env(data_dir: Path, **variables: str) -> dict[str, str]:
    """The environment for a child `plaint`: this one, minus Plaint's settings, plus `variables`."""
    env = {key: value for key, value in os.environ.items() if key not in CHILD_UNSET}
    env["PLAINT_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(variables)
    return env


def plaint(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m plaint ARGS` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "plaint", *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def listening_socket() -> Iterator[int]:
    """A port on 127.0.0.1 that something (this socket) listens on."""
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        yield int(occupant.getsockname()[1])


def wait_for(condition: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


@dataclass
class Child:
    """A long-running `plaint` child process whose output goes to a log file (shown when a test fails)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=timeout)


@dataclass
class Children:
    """Starts child processes and, on exit, stops every one of them (and their process groups)."""

    directory: Path
    started: list[Child] = field(default_factory=list)

    def start(self, name: str, *args: str, env: dict[str, str]) -> Child:
        log = self.directory / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # own process group, so a stray grandchild can be killed with it
                [sys.executable, "-m", "plaint", *args], env=env, stdout=out, stderr=subprocess.STDOUT, process_group=0
            )
        child = Child(name, process, log)
        self.started.append(child)
        return child

    def stop_all(self) -> None:
        for child in reversed(self.started):
            child.stop()
            with contextlib.suppress(ProcessLookupError):  # gunicorn workers, should any have outlived the master
                os.killpg(child.process.pid, signal.SIGKILL)

    def outputs(self) -> str:
        return "\n".join(f"--- {child.name} (exit {child.process.poll()}):\n{child.output()}" for child in self.started)


class Browser:
    """A tiny HTTP client with a cookie jar: logs in through the staff login like a person does."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(
        self, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=10) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())

    def json(self, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        status, body = self.request(url, data=data, headers=headers)
        return status, json.loads(body)

    def cookie(self, name: str) -> str:
        return next(cookie.value or "" for cookie in self.cookies if cookie.name == name)

    def share_cookies_with(self, other: Browser) -> None:
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)

    def log_in(self, base: str, username: str, password: str) -> None:
        """The staff login as a person does it: password, then (first time) set up an authenticator app from the
        secret on the enrolment page and confirm it with the app's code."""
        import base64
        import re
        from urllib.parse import urlencode

        from django_otp.oath import totp

        status, _ = self.request(f"{base}/accounts/login/")
        assert status == 200
        form = {"username": username, "password": password, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        referer = {"Referer": f"{base}/accounts/login/"}
        status, body = self.request(
            f"{base}/accounts/login/?next=/admin/", data=urlencode(form).encode(), headers=referer
        )
        assert status == 200, body[:500]
        secret = re.search(rb"<code>([A-Z2-7]+)</code>", body)
        assert secret is not None, "expected the enrolment page of a first login"
        key = base64.b32decode(secret.group(1) + b"=" * (-len(secret.group(1)) % 8))
        form = {"code": f"{totp(key):06d}", "csrfmiddlewaretoken": self.cookie("csrftoken")}
        status, body = self.request(f"{base}/accounts/login/enrol/", data=urlencode(form).encode(), headers=referer)
        assert status == 200, body[:500]
        assert b"recovery-codes" in body, "the enrolment did not finish"
        assert any(cookie.name == "sessionid" for cookie in self.cookies), "the login did not start a session"

    def post_json(self, url: str, base: str) -> tuple[int, Any]:
        headers = {"X-CSRFToken": self.cookie("csrftoken"), "Referer": f"{base}/", "Content-Type": "application/json"}
        return self.json(url, data=b"{}", headers=headers)


def health(base: str) -> Any:
    try:
        status, body = Browser().json(f"{base}/healthz")
    except (OSError, ValueError):
        return None
    return body if status == 200 else None


@contextlib.contextmanager
def own_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Settings for children: a database of their own next to the test run's (PostgreSQL or SQLite), and the same
    task queue (REDIS_URL when the run has one, else a SQLite queue in the children's data directory)."""
    variables: dict[str, str] = {}
    if os.environ.get("REDIS_URL"):
        # A queue of their own, so parallel test workers sharing the Redis server never take each other's jobs.
        variables["REDIS_URL"] = os.environ["REDIS_URL"]
        variables["PLAINT_QUEUE_NAME"] = f"plaint-test-{uuid.uuid4().hex[:12]}"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        yield variables  # SQLite: the children use plaint.sqlite3 in their own data directory
        return
    import psycopg

    name = f"plaint_mp_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield variables | {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
