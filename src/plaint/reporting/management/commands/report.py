"""`plaint report annual|quarterly|regenerate`: make a report (stored and audited) and write its file.

    plaint report annual --organisation SLUG --year YYYY --lang en|nl --format pdf|csv|xlsx|json --output FILE
    plaint report quarterly --organisation SLUG --quarter YYYY-Qn [--commissioner NAME] --format … --output FILE
    plaint report regenerate --id N --output FILE

`--by USERNAME` makes it as that staff member (their access applies); without it the system makes it. JSON and CSV
go to standard output without `--output`. Bad input is one line on standard error and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.access.models import User
from plaint.core.errors import PlaintError
from plaint.reporting import periods
from plaint.reporting.models import GeneratedReport
from plaint.reporting.selectors import analysis_organisation
from plaint.reporting.services import ReportRequest, report_make, report_regenerate

FORMATS = ("pdf", "csv", "xlsx", "json")


class Command(BaseCommand):
    help = "Make the annual analysis or the quarterly anonymised registration of an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="annual|quarterly|regenerate")
        annual = subcommands.add_parser("annual", help="the annual analysis (XS-20, WU-15; per client: WV-07)")
        annual.add_argument("--year", required=True, metavar="YYYY")
        quarterly = subcommands.add_parser("quarterly", help="the anonymised registration per commissioning party")
        quarterly.add_argument("--quarter", required=True, metavar="YYYY-Qn")
        quarterly.add_argument("--commissioner", metavar="NAME", help="only this commissioning party")
        for sub in (annual, quarterly):
            sub.add_argument("--organisation", required=True, metavar="SLUG")
            sub.add_argument("--lang", choices=("en", "nl"), default="en")
            sub.add_argument("--format", choices=FORMATS, default="pdf")
            sub.add_argument("--output", metavar="FILE", help="where to write (JSON and CSV: standard output if none)")
            sub.add_argument("--by", metavar="USERNAME", help="the staff member making it (default: the system)")
        regenerate = subcommands.add_parser("regenerate", help="write a stored report's file again, identically")
        regenerate.add_argument("--id", required=True, type=int)
        regenerate.add_argument("--output", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "regenerate":
                report = GeneratedReport.objects.filter(pk=options["id"]).first()
                if report is None:
                    raise CommandError(f"no report {options['id']}", returncode=2)
                self._write(report_regenerate(report=report), report.format, options.get("output"))
                return
            actor = _actor(options.get("by"))
            if options["subcommand"] == "annual":
                period = periods.year(options["year"])
            else:
                period = periods.quarter(options["quarter"])
            organisation = analysis_organisation(actor=actor, slug=options["organisation"])
            request = ReportRequest(
                kind=options["subcommand"],
                organisation=organisation,
                period=period,
                language=options["lang"],
                format=options["format"],
                commissioner=options.get("commissioner"),
            )
            if options["format"] in ("pdf", "xlsx") and not options.get("output"):
                raise CommandError(f"--output FILE is needed for {options['format']}", returncode=2)
            report, content = report_make(actor=actor, request=request)
        except PlaintError as error:
            raise CommandError(error.text("en"), returncode=2) from None
        self._write(content, report.format, options.get("output"))
        self.stderr.write(f"report {report.pk}: {report.get_kind_display()} {period.label}, sha256 {report.sha256}")

    def _write(self, content: bytes, fmt: str, output: str | None) -> None:
        if not output or output == "-":
            if fmt in ("pdf", "xlsx"):
                raise CommandError(f"--output FILE is needed for {fmt}", returncode=2)
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}", returncode=2) from None


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}", returncode=2)
    return user
