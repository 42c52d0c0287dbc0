"""Checking and previewing a new version of a procedure file before anyone adopts it (docs/workspace.md).

Reads only: the engine parses the file (every problem as `file:line: message`), draws its diagram, writes its policy
text in both languages and plans a case received on a sample date; the comparison lists what differs from the
version in force (stages, terms and their durations) as sentences in the person's language. Nothing is stored.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plaint.engine import Procedure
from plaint.engine.calendar import Duration, DurationUnit
from plaint.engine.errors import EngineInputError, ProcedureError
from plaint.engine.loader import load_bytes
from plaint.engine.plan import plan
from plaint.engine.render.diagram import procedure_diagram_svg
from plaint.engine.render.policy import procedure_policy_html

#: The largest procedure file accepted for a check (the bundled ones are 10-40 kB).
MAX_BYTES = 512 * 1024


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    procedure: Procedure | None = None
    diagram_data_url: str = ""
    policy_en: str = ""
    policy_nl: str = ""
    plan: list[tuple[str, dt.date]] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)


def procedure_check(
    *, raw: bytes, file_name: str, lang: str, sample_day: dt.date, in_force: Procedure | None
) -> CheckResult:
    """Parse and preview an uploaded procedure file; `problems` holds every mistake found, in the person's language."""
    if len(raw) > MAX_BYTES:
        return CheckResult(problems=[f"{file_name}:1: > {MAX_BYTES // 1024} kB"])
    try:
        procedure = load_bytes(raw, file_name)
    except ProcedureError as error:
        return CheckResult(problems=error.lines(lang))
    except (EngineInputError, ValueError, UnicodeDecodeError) as error:
        return CheckResult(problems=[f"{file_name}:1: {error}"])
    language: Literal["en", "nl"] = "nl" if lang == "nl" else "en"
    result = CheckResult(
        procedure=procedure,
        diagram_data_url=diagram_data_url(procedure, lang=language),
        policy_en=procedure_policy_html(procedure, lang="en"),
        policy_nl=procedure_policy_html(procedure, lang="nl"),
    )
    try:
        result.plan = [(deadline.label.get(language), deadline.due) for deadline in plan(procedure, sample_day)]
    except EngineInputError as error:
        result.problems.append(str(error))
    if in_force is not None:
        result.differences = differences(in_force, procedure, language)
    return result


def diagram_data_url(procedure: Procedure, *, lang: str) -> str:
    """The procedure's diagram as a `data:` address for an `<img>` in the page (the CSP allows `data:` images)."""
    svg = procedure_diagram_svg(procedure, lang="nl" if lang == "nl" else "en")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _duration(duration: Duration) -> str:
    """A term's length in words in the active language ("5 werkdagen")."""
    n = duration.amount
    words = {
        DurationUnit.CALENDAR_DAYS: ngettext("%(n)d calendar day", "%(n)d calendar days", n),
        DurationUnit.WORKING_DAYS: ngettext("%(n)d working day", "%(n)d working days", n),
        DurationUnit.WEEKS: ngettext("%(n)d week", "%(n)d weeks", n),
        DurationUnit.MONTHS: ngettext("%(n)d month", "%(n)d months", n),
        DurationUnit.YEARS: ngettext("%(n)d year", "%(n)d years", n),
    }
    return words[duration.unit] % {"n": n}


def differences(old: Procedure, new: Procedure, lang: str) -> list[str]:
    """What the new version changes in stages and terms, as sentences in `lang` using the procedure's own labels."""
    language: Literal["en", "nl"] = "nl" if lang == "nl" else "en"
    found: list[str] = []
    old_stages = {stage.key: stage for stage in old.stages}
    new_stages = {stage.key: stage for stage in new.stages}
    old_terms = {term.key: term for term in old.terms}
    new_terms = {term.key: term for term in new.terms}
    with translation.override(language):
        for key in sorted(new_stages.keys() - old_stages.keys()):
            found.append(_("Stage added: %(stage)s") % {"stage": new_stages[key].label.get(language)})
        for key in sorted(old_stages.keys() - new_stages.keys()):
            found.append(_("Stage removed: %(stage)s") % {"stage": old_stages[key].label.get(language)})
        for key in sorted(new_terms.keys() - old_terms.keys()):
            term = new_terms[key]
            found.append(
                _("Term added: %(term)s within %(duration)s")
                % {"term": term.label.get(language), "duration": _duration(term.duration)}
            )
        for key in sorted(old_terms.keys() - new_terms.keys()):
            term = old_terms[key]
            found.append(
                _("Term removed: %(term)s (was %(duration)s)")
                % {"term": term.label.get(language), "duration": _duration(term.duration)}
            )
        for key in sorted(old_terms.keys() & new_terms.keys()):
            before, after = old_terms[key].duration, new_terms[key].duration
            if str(before) != str(after):
                found.append(
                    _("Term changed: %(term)s within %(new)s instead of %(old)s")
                    % {
                        "term": new_terms[key].label.get(language),
                        "new": _duration(after),
                        "old": _duration(before),
                    }
                )
    return found
