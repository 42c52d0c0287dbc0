"""`plaint worker`: the task consumer (huey's `run_huey`, configured by settings.HUEY["consumer"]), after preflight.

Run as many as you like, on as many machines as you like, against one Redis (REDIS_URL); each runs the periodic
tasks' scheduler too, and every job is idempotent, so a job that runs twice does no harm.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connections
from huey.contrib.djhuey import HUEY
from huey.contrib.djhuey.management.commands import run_huey

from plaint.core import preflight

# Under settings.HUEY["consumer"] (which wins): SIGTERM, as sent by systemd, Docker and `plaint run`, lets running
# jobs finish for up to 25 seconds instead of interrupting them.
CONSUMER_DEFAULTS = {"graceful_signal": "TERM", "shutdown_timeout": 25}


class Command(run_huey.Command):  # type: ignore[misc]
    help = "Run the task consumer (huey): background jobs and periodic tasks. Run `plaint migrate` first."

    def handle(self, *args: Any, **options: Any) -> None:
        preflight.run_preflight()
        if HUEY.immediate:
            raise preflight.PreflightError(
                "HUEY_IMMEDIATE: is on, so jobs run inside the web processes and a worker has nothing to do; unset it"
            )
        for key, value in CONSUMER_DEFAULTS.items():
            if options.get(key) is None and key not in self.configured_consumer_options():
                options[key] = value
        from plaint.core.tasks import worker_heartbeat

        use_plaint_log_format()
        worker_heartbeat()  # enqueue one now, so /healthz shows this worker within seconds, not at the next minute
        connections.close_all()
        super().handle(*args, **options)

    @staticmethod
    def configured_consumer_options() -> dict[str, Any]:
        from django.conf import settings

        return dict(settings.HUEY.get("consumer", {}))


def use_plaint_log_format() -> None:
    """Send huey's log records through Plaint's handlers once (run_huey would otherwise add a second handler)."""
    huey_logger = logging.getLogger("huey")
    if not huey_logger.handlers:
        for handler in logging.getLogger().handlers:
            huey_logger.addHandler(handler)
        huey_logger.propagate = False
