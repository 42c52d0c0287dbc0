"""`plaint letters list PROCEDURE_ID` and `plaint letters render PROCEDURE_ID LETTER_KEY --lang en|nl
--format pdf|html|txt --output FILE`, for template authors and the checks.

`render` uses the built-in sample case of the procedure and checks the letter's `must_contain`. Exit 2 for a
procedure or letter that does not exist, 1 for a template that fails (the message names the template and line).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.core.errors import PlaintError
from plaint.correspondence.letters.catalogue import bundled_procedure, bundled_procedure_ids, render_sample


class Command(BaseCommand):
    help = "The letters of a bundled procedure: list them, or render one on a sample case."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="list|render|samples")
        listing = subcommands.add_parser("list", help="key, when due, to whom, must_contain")
        listing.add_argument("procedure_id")
        listing.add_argument("--lang", choices=["en", "nl"], default="en")
        render = subcommands.add_parser("render", help="render a letter on the procedure's sample case")
        render.add_argument("procedure_id")
        render.add_argument("letter_key")
        render.add_argument("--lang", choices=["en", "nl"], default="en")
        render.add_argument("--format", choices=["pdf", "html", "txt"], default="pdf")
        render.add_argument("--output", metavar="FILE", help="where to write it (default: standard output)")

        samples = subcommands.add_parser("samples", help="write every bundled letter (en, nl; pdf, txt) to a folder")
        samples.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "samples":
            self._samples(Path(options["directory"]))
            return
        procedure = bundled_procedure(options["procedure_id"])
        if procedure is None:
            known = ", ".join(bundled_procedure_ids())
            raise CommandError(f"no bundled procedure {options['procedure_id']!r} (one of: {known})", returncode=2)
        lang = options["lang"]
        if options["subcommand"] == "list":
            for letter in procedure.letters:
                when = letter.when or "-"
                if letter.outcomes:
                    when += " (" + ", ".join(letter.outcomes) + ")"
                if letter.when is None:
                    when = "on a term's extension or miss" if lang == "en" else "bij verlenging of overschrijding"
                contains = ", ".join(letter.must_contain) or "-"
                self.stdout.write(
                    f"{letter.key}\t{letter.label.get(lang)}\twhen: {when}\tto: {', '.join(letter.to)}"
                    f"\tmust_contain: {contains}"
                )
            return
        key = options["letter_key"]
        if key not in procedure.letter_by_key:
            known = ", ".join(procedure.letter_by_key)
            raise CommandError(f"{procedure.id} has no letter {key!r} (one of: {known})", returncode=2)
        try:
            rendered = render_sample(procedure, key, lang)
        except PlaintError as error:
            raise CommandError(str(error.detail if hasattr(error, "detail") else error), returncode=1) from error
        output: bytes
        if options["format"] == "pdf":
            output = rendered.pdf
        elif options["format"] == "html":
            output = rendered.html.encode()
        else:
            output = rendered.text.encode()
        target = options.get("output")
        if target:
            Path(target).write_bytes(output)
            self.stdout.write(f"{procedure.id}/{key} ({lang}, {options['format']}) written to {target}")
        else:
            sys.stdout.buffer.write(output)

    def _samples(self, directory: Path) -> None:
        """docs/letters/: every letter of every bundled procedure on its sample case, as PDF and plain text."""
        count = 0
        for procedure_id in bundled_procedure_ids():
            procedure = bundled_procedure(procedure_id)
            assert procedure is not None
            folder = directory / procedure_id
            folder.mkdir(parents=True, exist_ok=True)
            for letter in procedure.letters:
                for lang in ("en", "nl"):
                    rendered = render_sample(procedure, letter.key, lang)
                    (folder / f"{letter.key}.{lang}.pdf").write_bytes(rendered.pdf)
                    (folder / f"{letter.key}.{lang}.txt").write_text(rendered.text, encoding="utf-8")
                    count += 1
        self.stdout.write(f"{count} letters written to {directory}")
