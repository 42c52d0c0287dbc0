"""`plaint reminders sweep`: queue today's reminder digests now (the worker does it every hour)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from plaint.correspondence.reminders import reminders_sweep


class Command(BaseCommand):
    help = "Reminders and escalations: one digest per person per working day."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="sweep")
        subcommands.add_parser("sweep", help="queue today's digests (safe to run twice)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"digests queued: {reminders_sweep()}")
