"""`plaint audit verify [--organisation SLUG]`: check the audit trail's hash chain.

Exit 0 with "audit trail intact: N records"; exit 1 with one line per break (altered record, gap, broken link,
inserted record); exit 2 for bad input. `-v 2` also prints the last record's hash, to write down elsewhere: a chain
rewritten from that point on would then no longer end in it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.access.audit_selectors import audit_verify
from plaint.organisations.models import Organisation


class Command(BaseCommand):
    help = "Check the audit trail: every record unchanged, none missing, the hash chain unbroken."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        verify = subcommands.add_parser("verify", help="verify the hash chain")
        verify.add_argument("--organisation", metavar="SLUG", help="report on one organisation's records only")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options.get("organisation"):
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"no organisation with slug {options['organisation']!r}", returncode=2)
        report = audit_verify(organisation=organisation)
        if report.intact:
            self.stdout.write(f"audit trail intact: {report.records} records")
            if options["verbosity"] >= 2:
                self.stdout.write(f"last record: {report.last_sequence}, hash {report.last_hash}")
            return
        for problem in report.problems:
            self.stdout.write(problem.line)
        if report.more_problems:
            self.stdout.write(f"… and {report.more_problems} more problems")
        self.stderr.write(
            f"audit trail broken: {len(report.problems) + report.more_problems} problem(s) in {report.records} records"
        )
        sys.exit(1)
