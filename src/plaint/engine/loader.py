"""Reading a procedure file: YAML with line numbers, then the pydantic models, then the cross-reference checks.

Every way a file can be wrong ends in a `ProcedureError` whose problems each name the file, the line and what is
wrong; nothing here lets a traceback through for a bad file. The YAML is composed into nodes first (so each value's
line is known), duplicate keys are refused, and pydantic's error locations are mapped back to those lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from plaint.engine.definition import Procedure
from plaint.engine.errors import Problem, ProcedureError
from plaint.engine.messages import Message, closest

Loc = tuple[str | int, ...]


class Lines:
    """Where each value of a YAML document starts (1-based): by path of keys and indexes."""

    def __init__(self) -> None:
        self.values: dict[Loc, int] = {}
        self.keys: dict[Loc, int] = {}

    def of(self, loc: Loc, *, key: bool = False) -> int:
        """The line of `loc`, or of its nearest ancestor that has one. With `key`, prefer the line of the key."""
        loc = tuple(loc)
        while loc:
            if key and loc in self.keys:
                return self.keys[loc]
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), 1)


class _Loader(yaml.SafeLoader):
    """The safe loader; used only to compose nodes and construct scalars."""


_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


class _Builder:
    def __init__(self, loader: _Loader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines = Lines()
        self.problems: list[Problem] = []

    def problem(self, line: int, loc: Loc, message: Message) -> None:
        self.problems.append(Problem(self.file, line, where(loc), message))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.lines.values[loc] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == _MERGE_TAG:
                    self.problem(line, loc, Message("yaml_unsupported", {"problem": "merge keys (<<)"}))
                    continue
                key = self.scalar(key_node)
                if not isinstance(key, str):
                    self.problem(line, loc, Message("key_not_string", {"found": kind_of(key)}))
                    continue
                if key in first_line:
                    self.problem(
                        line, (*loc, key), Message("duplicate_key", {"key": key, "first_line": first_line[key]})
                    )
                    continue
                first_line[key] = line
                self.lines.keys[(*loc, key)] = line
                result[key] = self.build(value_node, (*loc, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return node  # a collection used as a key; reported by the caller as not text
        return self.loader.construct_object(node, deep=True)


def where(loc: Loc) -> str:
    """`("stages", 0, "actions", 1, "event")` → `stages[0].actions[1].event`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def kind_of(value: object) -> str:
    """The YAML name of a value's type, for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, datetime | date):
        return f"a date ({value})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def parse_yaml(text: str, file: str) -> tuple[Any, Lines]:
    """The document's data and its lines; raises `ProcedureError` for syntax errors, several documents, empty files."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ProcedureError([Problem(file, 1, "", Message("file_empty"))])
        builder = _Builder(loader, file)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        if isinstance(error, yaml.composer.ComposerError) and "single document" in str(error.context):
            raise ProcedureError([Problem(file, line, "", Message("multiple_documents"))]) from None
        problem = " ".join(filter(None, [error.problem, error.context])) or str(error)
        raise ProcedureError([Problem(file, line, "", Message("yaml_syntax", {"problem": problem}))]) from None
    except yaml.YAMLError as error:
        raise ProcedureError([Problem(file, 1, "", Message("yaml_syntax", {"problem": str(error)}))]) from None
    except (ValueError, TypeError, OverflowError) as error:  # a scalar the constructor cannot build, e.g. 2024-02-30
        raise ProcedureError([Problem(file, 1, "", Message("yaml_unsupported", {"problem": str(error)}))]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise ProcedureError(builder.problems)
    if not isinstance(data, dict):
        raise ProcedureError([Problem(file, 1, "", Message("not_mapping", {"found": kind_of(data)}))])
    return data, builder.lines


_TYPE_NAMES: Final = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
    "none_required": "nothing",
}


def _all_field_names() -> frozenset[str]:
    names: set[str] = set()
    stack: list[type[BaseModel]] = [Procedure]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        names.update(model.model_fields)
        stack.extend(sub for sub in _submodels(model) if sub not in seen)
    return frozenset(names)


def _submodels(model: type[BaseModel]) -> list[type[BaseModel]]:
    import typing

    found: list[type[BaseModel]] = []

    def walk(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.append(annotation)
            return
        for arg in typing.get_args(annotation):
            walk(arg)

    for field in model.model_fields.values():
        walk(field.annotation)
    return found


FIELD_NAMES: Final = _all_field_names()


def message_for(error: ErrorDetails) -> tuple[Loc, bool, Message]:
    """Where the error is (the mapping, for a missing key), whether to point at the key line, and the message."""
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        return loc, True, _vocabulary_message(kind, ctx, value, error["msg"])
    if kind == "missing":
        return loc[:-1], False, Message("missing", {"field": loc[-1]})
    if kind == "extra_forbidden":
        return loc, True, Message("extra_forbidden", {"field": loc[-1], "suggestion": closest(loc[-1], FIELD_NAMES)})
    return loc, False, _vocabulary_message(kind, ctx, value, error["msg"])


def _vocabulary_message(kind: str, ctx: dict[str, Any], value: object, fallback: str) -> Message:
    from plaint.engine.messages import codes

    if kind in codes():
        return Message(kind, ctx)
    if kind in ("literal_error", "enum"):
        return Message("not_allowed_value", {"value": value, "choices": ctx.get("expected", "")})
    if kind in _TYPE_NAMES:
        return Message("wrong_type", {"expected": _TYPE_NAMES[kind], "found": kind_of(value)})
    if kind in ("too_short",):
        return Message("too_short")
    if kind in ("greater_than_equal",):
        return Message("number_too_small", {"minimum": ctx.get("ge")})
    return Message("invalid_value", {"detail": fallback})


def validate_data(data: Mapping[str, Any], lines: Lines, file: str) -> Procedure:
    """The procedure in `data`, or a `ProcedureError` with every structural and cross-reference problem."""
    from plaint.engine.validation import cross_check

    try:
        procedure = Procedure.model_validate(data)
    except ValidationError as error:
        problems = []
        details = error.errors(include_url=False)
        locs = [tuple(detail["loc"]) for detail in details]
        for detail in details:
            loc_ = tuple(detail["loc"])
            if any(len(other) > len(loc_) and other[: len(loc_)] == loc_ for other in locs):
                continue  # a container's error caused by its item's error: the item's says more
            loc, key, message = message_for(detail)
            problems.append(Problem(file, lines.of(loc, key=key), where(loc), message))
        raise ProcedureError(problems) from None
    problems = [
        Problem(file, lines.of(loc, key=key), where(loc), message) for loc, key, message in cross_check(procedure)
    ]
    if problems:
        raise ProcedureError(problems)
    return procedure


def load_text(text: str, file: str = "<procedure>") -> Procedure:
    data, lines = parse_yaml(text, file)
    return validate_data(data, lines, file)


def load_bytes(raw: bytes, file: str = "<procedure>") -> Procedure:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ProcedureError([Problem(file, line, "", Message("file_not_utf8", {"position": error.start}))]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return load_text(text, file)


def load_file(path: Path | str) -> Procedure:
    """Read and check one procedure file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ProcedureError(
            [Problem(str(path), 1, "", Message("file_unreadable", {"reason": error.strerror}))]
        ) from None
    return load_bytes(raw, str(path))
