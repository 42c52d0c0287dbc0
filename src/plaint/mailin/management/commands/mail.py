"""`plaint mail ingest FILE.eml [--organisation SLUG]`, `plaint mail serve [--host H] [--port P]` and
`plaint mail poll [--mailbox URL] [--organisation SLUG]` (docs/mail.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from imapclient.exceptions import IMAPClientError

from plaint.mailin.poller import Mailbox, mail_poll
from plaint.mailin.receiver import receiver
from plaint.mailin.services import mail_ingest
from plaint.organisations.models import Organisation


class Command(BaseCommand):
    help = "Mail coming in: take one message from a file, or run the SMTP receiver."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="ingest|serve|poll")
        ingest = subcommands.add_parser("ingest", help="take one message (an .eml file, or - for standard input)")
        ingest.add_argument("file", metavar="FILE")
        ingest.add_argument("--organisation", metavar="SLUG", help="the organisation it was sent to")
        serve = subcommands.add_parser("serve", help="run the SMTP receiver (loopback, behind your mail server)")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8025)
        poll = subcommands.add_parser("poll", help="take new messages from an IMAP mailbox")
        poll.add_argument("--mailbox", metavar="URL", help="imaps://user:password@host/FOLDER (PLAINT_MAIL_IMAP_URL)")
        poll.add_argument("--organisation", metavar="SLUG", help="the organisation the mailbox belongs to")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "ingest":
            self._ingest(options["file"], options.get("organisation"))
        elif options["subcommand"] == "poll":
            self._poll(options.get("mailbox") or settings.PLAINT_MAIL_IMAP_URL, options.get("organisation"))
        else:
            self._serve(options["host"], options["port"])

    def _organisation(self, slug: str | None) -> Organisation | None:
        if not slug:
            return None
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"no organisation {slug}")
        return organisation

    def _poll(self, url: str, slug: str | None) -> None:
        if not url:
            raise CommandError("give --mailbox or set PLAINT_MAIL_IMAP_URL")
        try:
            mailbox = Mailbox.from_url(url)
        except ValueError as error:
            raise CommandError(str(error)) from None
        organisation = self._organisation(slug)
        try:
            taken = mail_poll(mailbox=mailbox, organisation=organisation)
        except (OSError, IMAPClientError) as error:
            raise CommandError(f"{mailbox.host}:{mailbox.port}: {error}") from None
        self.stdout.write(f"messages taken: {taken}")

    def _ingest(self, name: str, slug: str | None) -> None:
        organisation = self._organisation(slug)
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
