"""`plaint web`: the web server (gunicorn serving plaint.config.wsgi), after the preflight checks.

Migrations are a separate step (`plaint migrate`); this command refuses to start while any is unapplied.
"""

from __future__ import annotations

import logging
import os
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from plaint.core import preflight


def default_workers() -> int:
    """Gunicorn's rule of thumb (2 x cores + 1), capped: each process holds a Django app and its connections."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def parse_bind(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ArgumentTypeError(f"'{value}' is not HOST:PORT (127.0.0.1:8000, 0.0.0.0:8000, [::1]:8000)")
    return host, int(port)


#: Gunicorn worker classes Plaint runs with: threads in each process (the default), or one request per process.
WORKER_CLASSES = ("gthread", "sync")


def gunicorn_options(
    *,
    bind: str,
    workers: int,
    threads: int,
    worker_class: str = "gthread",
    timeout: int = 30,
    access_log: bool = True,
) -> dict[str, Any]:
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads if worker_class == "gthread" else 1,
        "timeout": timeout,
        "graceful_timeout": max(1, timeout - 5),
        "keepalive": 5,
        # Recycle workers now and then, so a slow leak never takes a process down.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower(),
        "proc_name": "plaint-web",
        # Several `plaint web` processes may run side by side; the shared default control socket would clash.
        "control_socket_disable": True,
    }


class Command(BaseCommand):
    help = "Serve Plaint over HTTP with gunicorn (production web server); run `plaint migrate` first."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            type=parse_bind,
            default=None,
            help="HOST:PORT to listen on (default: 127.0.0.1:$PORT, behind a reverse proxy)",
        )
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="web processes (default: %(default)s)"
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per web process (default: %(default)s)")
        parser.add_argument(
            "--worker-class",
            choices=WORKER_CLASSES,
            default="gthread",
            help="gthread: --threads requests at once per process; sync: one (default: %(default)s)",
        )
        parser.add_argument(
            "--timeout", type=int, default=30, help="seconds before a stuck request's worker is restarted (default: 30)"
        )
        parser.add_argument(
            "--no-access-log",
            dest="access_log",
            action="store_false",
            help="no line per request on stdout (the proxy logs them); errors are logged either way",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["bind"] is None:
            host, port = "127.0.0.1", int(settings.PORT)
            port_setting, how_to_change = "PORT", f"PORT={preflight.suggested_port(port)} plaint web"
        else:
            host, port = options["bind"]
            port_setting = "--bind"
            how_to_change = f"--bind {host}:{preflight.suggested_port(port)}"
        preflight.run_preflight(bind=(host, port), port_setting=port_setting, how_to_change_port=how_to_change)
        serve(
            bind=f"{host}:{port}",
            workers=max(1, options["workers"]),
            threads=max(1, options["threads"]),
            worker_class=options["worker_class"],
            timeout=max(1, options["timeout"]),
            access_log=options["access_log"],
        )


def serve(
    *, bind: str, workers: int, threads: int, worker_class: str = "gthread", timeout: int = 30, access_log: bool = True
) -> None:
    from gunicorn.app.base import BaseApplication

    class PlaintWeb(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            chosen = gunicorn_options(
                bind=bind,
                workers=workers,
                threads=threads,
                worker_class=worker_class,
                timeout=timeout,
                access_log=access_log,
            )
            for key, value in chosen.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from django.core.servers.basehttp import get_internal_wsgi_application

            return get_internal_wsgi_application()  # settings.WSGI_APPLICATION: plaint.config.wsgi.application

    PlaintWeb(prog="plaint web").run()
