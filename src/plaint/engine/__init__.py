"""The procedure engine: pure Python, no Django. Procedures as data, the calendar, and the state machine of a case.

Public API:

* `load_file(path)`, `load_text(text, file)` → `Procedure`, or `ProcedureError` with `file:line: message` problems;
  `load_directory(path)` → `Registry` (all files, parsed once and cached).
* `evaluate(procedure, events, today)` → `CaseView`; `decide(procedure, events, action, actor_roles, today, data)` →
  `Decision`; events are `CaseEvent(kind, at, actor, data)`.
* `plan(procedure, received, given)` → the `Deadline`s of a case on the latest-allowed path.
* `procedure_paths(procedure, kind, roles)` → the shortest run of actions (`Step`s) to each stage;
  `case_path(procedure, stage)` → the run to one stage, a "case in stage X" factory for tests (`engine.paths`).
"""

from plaint.engine.definition import Procedure
from plaint.engine.errors import EngineInputError, Problem, ProcedureError
from plaint.engine.loader import load_bytes, load_file, load_text
from plaint.engine.machine import (
    Assignment,
    CaseEvent,
    CaseView,
    Decision,
    LetterDue,
    LimitView,
    TermView,
    decide,
    evaluate,
    term_state_on,
)
from plaint.engine.messages import Message
from plaint.engine.paths import Step, case_path, procedure_paths
from plaint.engine.plan import Deadline, plan
from plaint.engine.registry import Registry, load_directory

__all__ = [
    "Assignment",
    "CaseEvent",
    "CaseView",
    "Deadline",
    "Decision",
    "EngineInputError",
    "LetterDue",
    "LimitView",
    "Message",
    "Problem",
    "Procedure",
    "ProcedureError",
    "Registry",
    "Step",
    "TermView",
    "case_path",
    "decide",
    "evaluate",
    "load_bytes",
    "load_directory",
    "load_file",
    "load_text",
    "plan",
    "procedure_paths",
    "term_state_on",
]
