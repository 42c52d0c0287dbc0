"""Checking and previewing a new version of a procedure file before anyone adopts it (docs/workspace.md).

Reads only: the engine parses the file (every problem as `file:line: message`), draws its diagram, writes its policy
text in both languages and plans a case received on a sample date; the comparison lists what differs from the
version in force (stages, terms and their durations). Nothing is stored.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from plaint.engine import Procedure
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
    svg = procedure_diagram_svg(procedure, lang=language)
    result = CheckResult(
        procedure=procedure,
        diagram_data_url="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
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


def differences(old: Procedure, new: Procedure, lang: str) -> list[str]:
    """What the new version changes in stages and terms, in short lines."""
    found: list[str] = []
    old_stages = {stage.key for stage in old.stages}
    new_stages = {stage.key for stage in new.stages}
    found += [f"+ stage {key}" for key in sorted(new_stages - old_stages)]
    found += [f"- stage {key}" for key in sorted(old_stages - new_stages)]
    old_terms = {term.key: term for term in old.terms}
    new_terms = {term.key: term for term in new.terms}
    for key in sorted(new_terms.keys() - old_terms.keys()):
        found.append(f"+ term {key}: {new_terms[key].duration}")
    for key in sorted(old_terms.keys() - new_terms.keys()):
        found.append(f"- term {key}: {old_terms[key].duration}")
    for key in sorted(old_terms.keys() & new_terms.keys()):
        if str(old_terms[key].duration) != str(new_terms[key].duration):
            found.append(f"~ term {key}: {old_terms[key].duration} → {new_terms[key].duration}")
    return found
