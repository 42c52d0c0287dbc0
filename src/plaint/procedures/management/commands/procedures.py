"""`plaint procedures ...`: list, check and plan procedure files. Thin: the engine does the work.

Each subcommand is a `Subcommand` (its arguments and its handler) in `SUBCOMMANDS`; add one by writing a function
pair and adding it to the tuple. Exit codes: 0 fine, 1 a checked file has problems, 2 bad input (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plaint.engine import EngineInputError, ProcedureError, load_directory, load_file, plan
from plaint.engine.definition import Procedure
from plaint.engine.messages import Lang, Message
from plaint.engine.registry import procedure_files
from plaint.procedures import BUNDLED_DIR


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    arguments: Callable[[ArgumentParser], None]
    handle: Callable[[BaseCommand, dict[str, Any]], None]


def _bad_input(message: Message) -> CommandError:
    return CommandError(message.text("en"), returncode=2)


def _directory(options: dict[str, Any]) -> Path:
    return Path(options.get("directory") or BUNDLED_DIR)


def load_procedure(procedure_id: str, directory: Path) -> Procedure:
    """The procedure `<directory>/<id>.yaml`; bad input → CommandError with exit code 2."""
    path = directory / f"{procedure_id}.yaml"
    if not path.is_file():
        from plaint.engine.messages import closest

        known = [file.stem for file in procedure_files(directory)] if directory.is_dir() else []
        raise _bad_input(
            Message("unknown_procedure", {"value": procedure_id, "suggestion": closest(procedure_id, known)})
        )
    try:
        return load_file(path)
    except ProcedureError as error:
        raise CommandError(error.problems[0].text(), returncode=2) from None


def _version_on(procedure: Procedure, directory: Path, received: date) -> Procedure:
    """The version of the procedure a case received on `received` runs under (WP-23): an earlier one kept beside the
    newest as `<id>.v<version>.yaml` (docs/procedures.md), else the newest."""
    try:
        return load_directory(directory).on(procedure.id, received)
    except (ProcedureError, EngineInputError):
        return procedure


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _bad_input(Message("bad_date", {"value": text})) from None


# list


def _list_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--directory", help="a directory of procedure files (default: the bundled procedures)")


def _list(command: BaseCommand, options: dict[str, Any]) -> None:
    broken = False
    for path in procedure_files(_directory(options)):
        try:
            procedure = load_file(path)
        except ProcedureError as error:
            broken = True
            for line in error.lines():
                command.stderr.write(line)
            continue
        command.stdout.write(
            f"{procedure.id:<20} v{procedure.version:<3} {procedure.valid_from.isoformat()}  {procedure.title.en}"
        )
    if broken:
        sys.exit(1)


# check


def _check_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="procedure files to check")
    parser.add_argument("--lang", choices=("en", "nl"), default="en", help="language of the messages")


def _check(command: BaseCommand, options: dict[str, Any]) -> None:
    lang: Lang = "nl" if options["lang"] == "nl" else "en"
    failed = False
    for name in options["paths"]:
        try:
            load_file(name)
        except ProcedureError as error:
            failed = True
            for line in error.lines(lang):
                command.stdout.write(line)
        else:
            command.stdout.write(f"{name}: ok")
    if failed:
        sys.exit(1)


# plan


def _plan_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the procedure's id")
    parser.add_argument("--received", required=True, metavar="YYYY-MM-DD", help="the day the complaint was received")
    parser.add_argument(
        "--at",
        action="append",
        default=[],
        metavar="EVENT=YYYY-MM-DD",
        help="the day an event happened (repeatable); other events happen on the last day allowed",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--lang", choices=("en", "nl"), default="en", help="language of the text output (days and durations too)"
    )
    parser.add_argument("--directory", help="a directory of procedure files (default: the bundled procedures)")


def _plan(command: BaseCommand, options: dict[str, Any]) -> None:
    received = parse_day(options["received"])
    given: dict[str, date] = {}
    for item in options["at"]:
        event, sep, day = item.partition("=")
        if not sep or not event.strip():
            raise _bad_input(Message("bad_at", {"value": item}))
        given[event.strip()] = parse_day(day.strip())
    procedure = load_procedure(options["id"], _directory(options))
    procedure = _version_on(procedure, _directory(options), received)
    try:
        deadlines = plan(procedure, received, given)
    except EngineInputError as error:
        raise _bad_input(error.message) from None
    if options["json"]:
        document = {
            "procedure": procedure.id,
            "version": procedure.version,
            "deadlines": [deadline.as_json() for deadline in deadlines],
        }
        command.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if options.get("lang") == "nl":
        _plan_dutch(command, procedure, received, deadlines)
        return
    command.stdout.write(f"{procedure.id} v{procedure.version}: {procedure.title.en}; received {received.isoformat()}")
    for deadline in deadlines:
        term = deadline.term
        rule = term if term is not None else deadline.limit
        assert rule is not None
        clauses = f" [{', '.join(rule.clauses)}]" if rule.clauses else ""
        counted = f"{rule.duration} from {deadline.anchor} on {deadline.anchor_date.isoformat()}"
        if term is not None and term.extension is not None and deadline.key.endswith(".extended"):
            counted += f", extended by at most {term.extension.max_total}"
        if term is None:
            counted += "; the complainant's own time limit"
        command.stdout.write(f"{deadline.due.isoformat()}  {deadline.key:<28} {deadline.label.en} ({counted}){clauses}")


# diagram, policy (plaint.engine.render)


def _render_lang(value: str) -> str:
    if value not in ("en", "nl"):
        raise CommandError(f"unsupported language {value!r}: choose en or nl", returncode=2)
    return value


def _diagram_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the procedure's id")
    parser.add_argument("--lang", default="en", metavar="en|nl", help="language of the diagram (default: en)")
    parser.add_argument("--output", metavar="FILE.svg", help="write the SVG to this file (default: stdout)")
    parser.add_argument("--directory", help="a directory of procedure files (default: the bundled procedures)")


def _diagram(command: BaseCommand, options: dict[str, Any]) -> None:
    from plaint.engine.render import procedure_diagram_svg

    lang = _render_lang(options["lang"])
    svg = procedure_diagram_svg(load_procedure(options["id"], _directory(options)), lang=lang)
    if not options["output"]:
        command.stdout.write(svg, ending="")
        return
    try:
        Path(options["output"]).write_text(svg, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write {options['output']}: {error.strerror or error}", returncode=2) from None


def _policy_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the procedure's id")
    parser.add_argument("--lang", required=True, metavar="en|nl", help="language of the text")
    parser.add_argument("--format", default="md", metavar="md|html", help="Markdown (default) or HTML")
    parser.add_argument("--directory", help="a directory of procedure files (default: the bundled procedures)")


def _policy(command: BaseCommand, options: dict[str, Any]) -> None:
    from plaint.engine.render import procedure_policy_html, procedure_policy_markdown

    lang = _render_lang(options["lang"])
    if options["format"] not in ("md", "html"):
        raise CommandError(f"unsupported format {options['format']!r}: choose md or html", returncode=2)
    render = procedure_policy_html if options["format"] == "html" else procedure_policy_markdown
    command.stdout.write(render(load_procedure(options["id"], _directory(options)), lang=lang), ending="")


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("list", "list the bundled procedures", _list_arguments, _list),
    Subcommand("check", "check procedure files; exit 1 if any has problems", _check_arguments, _check),
    Subcommand("plan", "print every term promised for a case received on a day", _plan_arguments, _plan),
    Subcommand("diagram", "draw a procedure's stages as an SVG flow chart", _diagram_arguments, _diagram),
    Subcommand("policy", "print a procedure's public 'how to complain' text", _policy_arguments, _policy),
)


class Command(BaseCommand):
    help = "Procedure files: list, check, plan."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        for sub in SUBCOMMANDS:
            sub.arguments(subparsers.add_parser(sub.name, help=sub.help))

    def handle(self, *args: Any, **options: Any) -> None:
        by_name = {sub.name: sub for sub in SUBCOMMANDS}
        by_name[options["subcommand"]].handle(self, options)


def _plan_dutch(command: BaseCommand, procedure: Any, received: date, deadlines: Any) -> None:
    """The plan in Dutch: "26 november 2025  key  label (6 maanden vanaf internal_closed op 26 mei 2025)"."""
    from plaint.engine.messages import day_text, duration_text

    command.stdout.write(
        f"{procedure.id} v{procedure.version}: {procedure.title.nl}; ontvangen op {day_text(received, 'nl')}"
    )
    for deadline in deadlines:
        term = deadline.term
        rule = term if term is not None else deadline.limit
        clauses = f" [{', '.join(rule.clauses)}]" if rule.clauses else ""
        counted = (
            f"{duration_text(rule.duration, 'nl')} vanaf {deadline.anchor} op {day_text(deadline.anchor_date, 'nl')}"
        )
        if term is not None and term.extension is not None and deadline.key.endswith(".extended"):
            counted += f", verlengd met hoogstens {duration_text(term.extension.max_total, 'nl')}"
        if term is None:
            counted += "; de eigen termijn van de klager"
        command.stdout.write(
            f"{day_text(deadline.due, 'nl'):>17}  {deadline.key:<28} {deadline.label.nl} ({counted}){clauses}"
        )
