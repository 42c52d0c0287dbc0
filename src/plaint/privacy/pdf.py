"""The data-subject export as an accessible PDF: a Django template rendered by WeasyPrint, tagged (PDF/UA-1).

The template loads nothing from outside (every fetch is refused), so an export never reaches the network or the
file system, whatever the data holds.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from plaint.cases.models import PartyRole, Status
from plaint.engine.render.text import CATALOGUE

#: Tagged PDF for screen readers: structure, reading order, language and title (PDF/UA-1).
PDF_VARIANT = "pdf/ua-1"


class _NoFetching(URLFetcher):  # type: ignore[misc]
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"The export loads no external resources ({url[:40]}).")


def _word(group: str, code: str, language: str) -> str:
    """The engine's word for a kind or outcome in the language; the code with spaces when it has none."""
    words = CATALOGUE.get(f"{group}.{code}")
    if words is None:
        return code.replace("_", " ")
    return words[1] if language == "nl" else words[0]


def _labelled(data: dict[str, Any], language: str) -> dict[str, Any]:
    """A copy of the export with readable words beside the codes (the JSON keeps the codes only)."""
    cases = []
    for case in data["cases"]:
        labelled = dict(case)
        labelled["kind"] = _word("kind", case["kind"], language)
        labelled["outcome"] = _word("outcome", case["outcome"], language) if case["outcome"] else ""
        labelled["status"] = str(Status(case["status"]).label)
        labelled["your_part"] = [part | {"role": str(PartyRole(part["role"]).label)} for part in case["your_part"]]
        labelled["course"] = [
            step | {"event": step["event"].replace("_", " "), "outcome": _word("outcome", step["outcome"], language)}
            if step["outcome"]
            else step | {"event": step["event"].replace("_", " ")}
            for step in case.get("course", ())
        ]
        cases.append(labelled)
    return data | {"cases": cases}


def render_export_html(*, data: dict[str, Any], language: str) -> str:
    with translation.override(language):
        return render_to_string("privacy/export.html", {"export": _labelled(data, language), "language": language})


def render_export_pdf(*, data: dict[str, Any], language: str) -> bytes:
    html = render_export_html(data=data, language=language)
    pdf = HTML(string=html, url_fetcher=_NoFetching()).write_pdf(pdf_variant=PDF_VARIANT)
    assert isinstance(pdf, bytes)
    return pdf
