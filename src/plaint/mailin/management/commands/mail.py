"""`plaint mail ingest FILE.eml [--organisation SLUG]` and `plaint mail serve [--host H] [--port P]` (docs/mail.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.mailin.receiver import receiver
from plaint.mailin.services import mail_ingest
from plaint.organisations.models import Organisation


class Command(BaseCommand):
    help = "Mail coming in: take one message from a file, or run the SMTP receiver."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="ingest|serve")
        ingest = subcommands.add_parser("ingest", help="take one message (an .eml file, or - for standard input)")
        ingest.add_argument("file", metavar="FILE")
        ingest.add_argument("--organisation", metavar="SLUG", help="the organisation it was sent to")
        serve = subcommands.add_parser("serve", help="run the SMTP receiver (loopback, behind your mail server)")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8025)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "ingest":
            self._ingest(options["file"], options.get("organisation"))
        else:
            self._serve(options["host"], options["port"])

    def _ingest(self, name: str, slug: str | None) -> None:
        organisation = None
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(f"no organisation {slug}")
        try:
            raw = self.stdin_bytes() if name == "-" else Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {name}: {error.strerror}") from None
        row = mail_ingest(raw, channel="file", organisation=organisation)
        line = f"{row.message_id}: {row.outcome}"
        if row.reason:
            line += f" ({row.reason}{': ' + row.detail if row.detail else ''})"
        if row.case is not None:
            line += f" case {row.case.reference}"
        self.stdout.write(line)

    def stdin_bytes(self) -> bytes:
        import sys

        return sys.stdin.buffer.read()

    def _serve(self, host: str, port: int) -> None:
        controller = receiver(host, port)
        controller.start()
        self.stdout.write(f"receiving mail on {host}:{port}; stop with Ctrl-C")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
