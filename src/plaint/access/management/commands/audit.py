"""`plaint audit verify [--organisation SLUG] [--checkpoint FILE | --no-checkpoint]` and `plaint audit checkpoint`.

`verify` checks the audit trail's keyed hash chain, and the trail against the latest checkpoint (written outside the
database by `checkpoint`, daily by the worker): every chain (one per organisation, the system's, the legacy one) is
walked; exit 0 with "audit trail intact: N records"; exit 1 with one line per break (altered record, gap, broken
link, inserted record, tail cut, rewritten since the checkpoint), prefixed with the chain's name outside the legacy
chain; exit 2 for bad input. `-v 2` also prints each chain's last record and hash. `checkpoint` writes every chain's
head down (file, log, mail) and prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.access.audit_actions import catalogue_markdown
from plaint.access.audit_checkpoints import audit_checkpoint_write, checkpoint_file, latest_checkpoint
from plaint.access.audit_selectors import audit_verify, chain_labels
from plaint.organisations.models import Organisation


class Command(BaseCommand):
    help = "Check the audit trail: every record unchanged, none missing, the hash chain unbroken."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify|checkpoint|actions")
        verify = subcommands.add_parser("verify", help="verify the hash chain (and against the latest checkpoint)")
        verify.add_argument("--organisation", metavar="SLUG", help="report on one organisation's records only")
        verify.add_argument(
            "--checkpoint", metavar="FILE", help="a checkpoints file (default: PLAINT_AUDIT_CHECKPOINT_DIR's)"
        )
        verify.add_argument("--no-checkpoint", action="store_true", help="check the chain only")
        subcommands.add_parser("checkpoint", help="write every chain's head down outside the database")
        subcommands.add_parser("actions", help="print the catalogue of audit actions (the table in docs/audit.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "actions":
            self.stdout.write(catalogue_markdown())
            return
        if options["subcommand"] == "checkpoint":
            written = audit_checkpoint_write()
            self.stdout.write(f"audit checkpoint of {written.summary} written to {checkpoint_file()}")
            if options["verbosity"] >= 2:
                self.stdout.write(written.line)
            return
        checkpoint = None
        if not options.get("no_checkpoint"):
            given = options.get("checkpoint")
            if given and not Path(given).is_file():
                raise CommandError(f"no checkpoints file {given}", returncode=2)
            checkpoint = latest_checkpoint(Path(given) if given else None)
        organisation = None
        if options.get("organisation"):
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"no organisation with slug {options['organisation']!r}", returncode=2)
        report = audit_verify(organisation=organisation, checkpoint=checkpoint)
        if report.intact:
            self.stdout.write(f"audit trail intact: {report.records} records")
            if checkpoint is not None:
                self.stdout.write(f"matches the checkpoint of {checkpoint.at} ({checkpoint.summary})")
            if options["verbosity"] >= 2:
                labels = chain_labels(report.heads)
                for chain, (place, last_hash) in sorted(report.heads.items()):
                    self.stdout.write(f"chain {labels[chain] or chain}: last record {place}, hash {last_hash}")
            return
        for problem in report.problems:
            self.stdout.write(problem.line)
        if report.more_problems:
            self.stdout.write(f"… and {report.more_problems} more problems")
        self.stderr.write(
            f"audit trail broken: {len(report.problems) + report.more_problems} problem(s) in {report.records} records"
        )
        sys.exit(1)
