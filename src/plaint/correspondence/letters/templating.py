"""The sandbox letter templates run in: python-liquid, plain data only, limits on loops and output.

Liquid never calls a method of what it is given and evaluates no code; a template sees only the letter's data dict
(`plaint.correspondence.letters.data`), loads no other template, and stops with an error when a loop runs past
`loop_iteration_limit`, the output grows past `output_stream_limit` or it names something the data does not hold
(`StrictUndefined`). Every failure becomes a `LetterTemplateError` naming the template and, where Liquid knows it, the
line.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import liquid
from liquid import DictLoader, StrictUndefined
from liquid.exceptions import LiquidError

from plaint.correspondence.errors import LetterTemplateError


class LetterEnvironment(liquid.Environment):
    """Liquid with limits: a template that loops forever or writes without end is stopped."""

    loop_iteration_limit = 2_000
    output_stream_limit = 200_000
    local_namespace_limit = 50_000
    context_depth_limit = 10


ENVIRONMENT = LetterEnvironment(loader=DictLoader({}), undefined=StrictUndefined, autoescape=False)

BODIES = "plaint.correspondence.letters"


def bundled_template_name(procedure_id: str, letter_key: str, lang: str) -> str:
    return f"{procedure_id}/{letter_key}.{lang}.liquid"


def bundled_source(procedure_id: str, letter_key: str, lang: str) -> str | None:
    """The bundled template of a letter in a language, or None when there is none."""
    path = resources.files(BODIES).joinpath("bodies", procedure_id, f"{letter_key}.{lang}.liquid")
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8")


def _line(error: LiquidError, source: str) -> int | None:
    token = getattr(error, "token", None)
    start = getattr(token, "start_index", None) if token is not None else None
    if isinstance(start, int) and start >= 0:
        return source.count("\n", 0, start) + 1
    if "end of file" in str(getattr(error, "message", "")):
        return source.count("\n") + 1
    return None


def _reason(error: LiquidError) -> str:
    message = getattr(error, "message", None) or str(error)
    return str(message).splitlines()[0]


def compile_template(source: str, *, name: str) -> liquid.BoundTemplate:
    """Parse a template; `LetterTemplateError` (template, line, what is wrong) when it does not parse."""
    try:
        return ENVIRONMENT.from_string(source, name=name)
    except LiquidError as error:
        raise LetterTemplateError(template=name, line=_line(error, source), reason=_reason(error)) from error


def render_template(source: str, *, name: str, data: dict[str, Any]) -> str:
    """Render a template on the letter's data; `LetterTemplateError` for any failure while rendering."""
    template = compile_template(source, name=name)
    try:
        return template.render(**data)
    except LiquidError as error:
        raise LetterTemplateError(template=name, line=_line(error, source), reason=_reason(error)) from error
    except (RecursionError, MemoryError) as error:
        raise LetterTemplateError(template=name, line=None, reason=type(error).__name__) from error
