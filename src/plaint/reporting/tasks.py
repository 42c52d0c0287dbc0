"""Background jobs of reporting. Thin: each calls a service, and each is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from plaint.reporting import sweep_services


@db_periodic_task(crontab(minute="15", hour="5"), name="reporting.sweep")
@lock_task("reporting.sweep")
def sweep() -> dict[str, int]:
    """Every day: remind owners of overdue improvements, prepare the reports the procedures' duties made due."""
    result = sweep_services.reporting_sweep()
    return {"reminded": result.reminded, "prepared": result.prepared}
