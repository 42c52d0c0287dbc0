"""`plaint privacy ...`: data-subject export and erasure, and the retention sweep. Thin: the services do the work.

Exit codes: 0 done; 1 an erasure was refused for some case (open or on legal hold: each printed with its reason);
2 bad input (one line on stderr).
"""

from __future__ import annotations

import datetime as dt
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.access.models import User
from plaint.core.errors import PlaintError
from plaint.organisations.models import Organisation
from plaint.privacy import services
from plaint.privacy.models import DataSubjectRequest, RequestStatus


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _subject_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--email", default="", help="the person's email address")
    parser.add_argument("--name", default="", help="the person's name (exact; beware of namesakes)")
    parser.add_argument("--organisation", metavar="SLUG", help="only this organisation's cases (default: all)")
    parser.add_argument("--language", choices=("en", "nl"), default="en", help="language of the texts and the PDF")
    parser.add_argument("--by", metavar="USERNAME", help="the staff member performing it (default: the system)")


def _request(options: dict[str, Any], kind: str) -> DataSubjectRequest:
    if not (options["email"].strip() or options["name"].strip()):
        raise _bad("give --email or --name to identify the person")
    organisation = None
    if options.get("organisation"):
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise _bad(f"no organisation with slug {options['organisation']!r}")
    return services.subject_request_create(
        kind=kind,
        actor=_actor(options),
        email=options["email"],
        name=options["name"],
        organisation=organisation,
        language=options["language"],
        reason=options.get("reason") or "",
    )


def _actor(options: dict[str, Any]) -> User | None:
    if not options.get("by"):
        return None
    user = User.objects.filter(username=options["by"]).first()
    if user is None:
        raise _bad(f"no user {options['by']!r}")
    return user


class Command(BaseCommand):
    help = "Data protection: export or erase a person's data, and apply the retention periods."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        export = subparsers.add_parser("export", help="everything about a person, as JSON or PDF (GDPR art. 15)")
        _subject_arguments(export)
        export.add_argument("--format", choices=("json", "pdf"), default="json")
        export.add_argument("--output", metavar="FILE", help="write to FILE (required for pdf; default: stdout)")
        erase = subparsers.add_parser("erase", help="anonymise a person's closed cases (GDPR art. 17)")
        _subject_arguments(erase)
        erase.add_argument("--reason", required=True, help="why (recorded on the request)")
        sweep = subparsers.add_parser("sweep", help="apply every procedure's retention to closed cases")
        sweep.add_argument("--today", metavar="YYYY-MM-DD", help="the day to judge by (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['subcommand']}")(options)
        except PlaintError as error:
            raise _bad(error.text("en")) from None

    def _export(self, options: dict[str, Any]) -> None:
        output = Path(options["output"]) if options.get("output") else None
        if options["format"] == "pdf" and output is None:
            raise _bad("--format pdf needs --output FILE")
        if output is not None and not output.parent.is_dir():
            raise _bad(f"cannot write {output}: no such directory")
        request = _request(options, "export")
        export = services.subject_export(request=request, actor=_actor(options))
        content = export.pdf() if options["format"] == "pdf" else export.json_text().encode("utf-8") + b"\n"
        if output is None:
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            output.write_bytes(content)
        except OSError as error:
            raise _bad(f"cannot write {output}: {error.strerror}") from None
        self.stderr.write(f"request {request.pk}: {len(export.data['cases'])} case(s) exported to {output}")

    def _erase(self, options: dict[str, Any]) -> None:
        if not options["reason"].strip():
            raise _bad("give --reason")
        request = _request(options, "erase")
        request = services.subject_erase(request=request, actor=_actor(options), reason=options["reason"])
        self.stdout.write(f"request {request.pk}: {request.get_status_display()}")
        for line in request.decision.splitlines():
            self.stdout.write(f"  {line}")
        if request.status in (RequestStatus.PARTLY_REFUSED, RequestStatus.REFUSED):
            sys.exit(1)

    def _sweep(self, options: dict[str, Any]) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise _bad(f"--today: {options['today']!r} is not a date (YYYY-MM-DD)") from None
        result = services.retention_sweep(today=today)
        self.stdout.write(
            f"anonymised: {result.anonymised}, documents deleted: {result.documents_deleted}, "
            f"skipped on legal hold: {result.on_legal_hold}"
        )
        for reference in result.failed:
            self.stderr.write(f"{reference}: skipped (changed while sweeping; tried again next time)")
