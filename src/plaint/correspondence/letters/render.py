"""A letter rendered: its body from the Liquid template, framed with the organisation's letterhead, as plain text,
HTML (for the email and the page) and tagged PDF (WeasyPrint, PDF/UA-1).

One template gives both forms: the body is written as plain text with light Markdown (paragraphs, `**bold**`,
`- lists`), rendered once with the data as it is (the plain text) and once with the data's Markdown characters
escaped, then through markdown-it with raw HTML off (the HTML). So nothing in a case's data can add markup, and a
template cannot write HTML. The frame (letterhead, addresses, date, reference, subject, enclosures) is Plaint's own
Django template, not the organisation's.

`must_contain_check` is run on every rendered letter: each item of the letter's `must_contain` must have a text in
the data and that text must appear in the rendered body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from markdown_it import MarkdownIt
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from plaint.correspondence.errors import LetterContentMissing, LetterTemplateError
from plaint.correspondence.letters.data import CONTENT_LABELS, pick
from plaint.correspondence.letters.templating import render_template
from plaint.engine.definition import Letter

#: Tagged PDF for screen readers: structure, reading order, language and title (PDF/UA-1).
PDF_VARIANT = "pdf/ua-1"

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
#: ASCII punctuation that Markdown could read as markup; escaped in data for the HTML form.
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#+\-.!|~=])")


class _NoFetching(URLFetcher):  # type: ignore[misc]
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"A letter loads no external resources ({url[:40]}).")


@dataclass(frozen=True)
class RenderedLetter:
    template: str
    lang: str
    subject: str
    body_text: str  # the template's output, plain
    body_html: str  # the same as HTML (no frame)
    text: str  # the whole letter as plain text (the email's text part)
    html: str  # the whole letter as an HTML page (the email's HTML part, the PDF's source)
    title: str

    @cached_property
    def pdf(self) -> bytes:
        document = HTML(string=self.html, url_fetcher=_NoFetching()).write_pdf(pdf_variant=PDF_VARIANT)
        assert isinstance(document, bytes)
        return document


def _escaped(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, str):
        return _MARKUP.sub(r"\\\1", value)
    return value


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _plain_text(body: str) -> str:
    """The body for the plain-text form: Markdown's bold markers and hard-break spaces taken out."""
    return re.sub(r"\*\*(.+?)\*\*", r"\1", body).replace("  \n", "\n")


def _flat(text: str) -> str:
    return " ".join(text.split())


def must_contain_check(*, letter: Letter, template: str, data: dict[str, Any], body_text: str) -> None:
    """Each item the letter must contain has a text in the data, and the rendered body shows it."""
    shown = _flat(body_text)
    lang = str(data.get("lang", "en"))
    for item in letter.must_contain:
        value = _flat(str(data["content"].get(item, "")))
        label = pick(CONTENT_LABELS[item], lang)
        if not value:
            raise LetterContentMissing(template=template, item=item, label=label, empty=True)
        if value not in shown:
            raise LetterContentMissing(template=template, item=item, label=label, empty=False)


def render_letter(*, letter: Letter, source: str, template: str, data: dict[str, Any]) -> RenderedLetter:
    """Render a letter on its data; `LetterTemplateError` / `LetterContentMissing` name the template when it fails."""
    body_text = _tidy(render_template(source, name=template, data=data))
    if not body_text.strip():
        raise LetterTemplateError(template=template, line=None, reason="the letter is empty")
    must_contain_check(letter=letter, template=template, data=data, body_text=body_text)
    body_html = _MARKDOWN.render(_tidy(render_template(source, name=template, data=_escaped(data))))
    lang = "nl" if data.get("lang") == "nl" else "en"
    title = str(data["letter"]["label"])
    reference = str(data["case"]["reference"])
    subject = f"{title} ({reference})" if reference else title
    context = {"data": data, "body_text": _plain_text(body_text), "body_html": body_html, "title": title, "lang": lang}
    with translation.override(lang):
        html = render_to_string("correspondence/letter/letter.html", context)
        text = _tidy(render_to_string("correspondence/letter/letter.txt", context))
    return RenderedLetter(
        template=template,
        lang=lang,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        text=text,
        html=html,
        title=title,
    )
