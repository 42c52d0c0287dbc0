"""`plaint run`: the embedded default. Starts `plaint web` on 127.0.0.1:$PORT and `plaint worker` together.

The two are child processes, supervised: when either stops, the other is stopped and `plaint run` exits non-zero;
Ctrl-C or SIGTERM stops both cleanly (exit 0). Migrations are a separate step (`make run` runs `plaint migrate`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from plaint.core import preflight

STOP_TIMEOUT = 30.0  # seconds a child gets to finish after SIGTERM before it is killed
READY_TIMEOUT = 60.0  # seconds the web server gets to accept connections


class Stop(Exception):
    """SIGINT or SIGTERM arrived."""


def _raise_stop(signum: int, frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


def _die_with_parent() -> None:
    """In the child, before exec (Linux): receive SIGTERM if `plaint run` itself is killed outright."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass


class Command(BaseCommand):
    help = "Run Plaint on this machine: the web server on 127.0.0.1:$PORT and the task consumer, together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=2, help="web processes (default: %(default)s)")

    def handle(self, *args: Any, **options: Any) -> None:
        port = int(settings.PORT)
        preflight.run_preflight(
            bind=("127.0.0.1", port),
            how_to_change_port=f"PORT={preflight.suggested_port(port)} make run",
        )
        python = [sys.executable, "-m", "plaint"]
        commands = {
            "web": [*python, "web", "--bind", f"127.0.0.1:{port}", "--workers", str(options["workers"])],
            "worker": [*python, "worker"],
        }
        children: dict[str, subprocess.Popen[bytes]] = {}
        previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        exit_code = 0
        try:
            for name, command in commands.items():
                # Own process group: Ctrl-C reaches only this supervisor, which then stops the children in order.
                children[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    command, process_group=0, preexec_fn=_die_with_parent if sys.platform == "linux" else None
                )
            if self.wait_until_listening(port, children):
                self.stdout.write(
                    f"Plaint is running at http://127.0.0.1:{port}/ (admin: /admin/, health: /healthz)\n"
                    "Stop it with Ctrl-C.",
                    self.style.SUCCESS,
                )
            exit_code = self.supervise(children)
        except Stop as stop:
            self.stderr.write(f"plaint: {stop}, stopping the web server and the worker")
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop_all(children)
        if exit_code:
            raise SystemExit(exit_code)

    @staticmethod
    def wait_until_listening(port: int, children: dict[str, subprocess.Popen[bytes]]) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children.values()):
                return False
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.2)
        return False

    def supervise(self, children: dict[str, subprocess.Popen[bytes]]) -> int:
        """Wait until a child stops; return the exit code for `plaint run` (never 0: nothing should stop)."""
        while True:
            for name, child in children.items():
                code = child.poll()
                if code is not None:
                    self.stderr.write(f"plaint: `plaint {name}` stopped (exit code {code}); stopping the rest")
                    return code if code > 0 else 1
            time.sleep(0.5)

    @staticmethod
    def stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
