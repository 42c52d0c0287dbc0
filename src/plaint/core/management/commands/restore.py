"""`plaint restore DIR [--force]`: bring back a backup made by `plaint backup` (plaint.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database, task queue and documents from DIR. Stop Plaint first; --force replaces data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--force", action="store_true", help="replace an installation that holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(Path(options["directory"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(
            f"restored the backup of {manifest['made_at']}: {sum(manifest['tables'].values())} rows, "
            f"{manifest['media_files']} document files"
        )
        self.stdout.write("now run `plaint migrate` (if this release is newer) and `plaint audit verify`")
