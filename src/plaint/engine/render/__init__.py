"""Rendering a procedure for people: a flow chart (SVG) and the public "how to complain" text (Markdown, HTML).

Pure Python like the rest of the engine. `procedure_diagram_svg(procedure, lang=...)`,
`procedure_policy_markdown(procedure, lang=...)` and `procedure_policy_html(procedure, lang=...)`; `lang` is en or nl.
"""

from plaint.engine.render.diagram import procedure_diagram_svg
from plaint.engine.render.policy import procedure_policy_html, procedure_policy_markdown

__all__ = ["procedure_diagram_svg", "procedure_policy_html", "procedure_policy_markdown"]
