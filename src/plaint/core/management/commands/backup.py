"""`plaint backup DIR`: a consistent online copy of the embedded installation (plaint.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Copy the SQLite database, the task queue and the documents into DIR (new or empty), while Plaint runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        try:
            manifest = backup(directory)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backup written to {directory}: {rows} rows in {len(manifest['tables'])} tables, "
            f"{manifest['media_files']} document files{', the task queue' if manifest['queue'] else ''}"
        )
        self.stdout.write("not included: the secret key and the audit key; keep those apart (docs/deploy.md)")
