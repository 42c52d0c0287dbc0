"""`plaint sweep`: what the worker's hourly sweeps do, now, in their order: terms past their due date become missed
(cases), then today's reminder and escalation digests are queued (reminders.py). Safe to run twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plaint.cases.services import cases_sweep
from plaint.correspondence.reminders import reminders_sweep


class Command(BaseCommand):
    help = "Mark terms past their due date missed, then queue today's reminder digests (safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        missed = cases_sweep()
        self.stdout.write(f"cases refreshed: {missed}")
        self.stdout.write(f"digests queued: {reminders_sweep()}")
