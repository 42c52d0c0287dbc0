"""Every letter the six bundled procedures declare, rendered on the built-in sample case in English and Dutch: as
plain text, HTML and tagged PDF, with the organisation's letterhead, each showing what its procedure says it must
contain (WA-03, WH-02, WU-01, XS-08, WP-16, WP-09, WH-04, WH-05, WP-06, WP-08, WP-10, WP-17, XS-13, WU-10, WA-07,
WU-11, WH-08, WH-09, WP-11, XS-12, XS-15, WP-13, WU-13, WP-19); and a template that fails is named, with its line."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from plaint.correspondence.errors import LetterContentMissing, LetterTemplateError
from plaint.correspondence.letters.catalogue import bundled_procedure, bundled_procedure_ids, render_sample
from plaint.correspondence.letters.data import sample_letter_data
from plaint.correspondence.letters.render import render_letter

LETTERS = [
    (procedure_id, letter.key)
    for procedure_id in bundled_procedure_ids()
    for letter in bundled_procedure(procedure_id).letters  # type: ignore[union-attr]
]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_six_procedures_declare_their_letters():
    assert len(bundled_procedure_ids()) == 6
    assert len(LETTERS) >= 35


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(("procedure_id", "letter_key"), LETTERS)
def test_every_bundled_letter_renders_with_what_it_must_contain(procedure_id, letter_key, lang):
    procedure = bundled_procedure(procedure_id)
    letter = procedure.letter_by_key[letter_key]
    rendered = render_sample(procedure, letter_key, lang)
    data = sample_letter_data(procedure, letter_key, lang)
    text, html = _flat(rendered.text), rendered.html
    assert letter.label.get(lang) in text
    assert data["organisation"]["name"] in text  # the letterhead
    assert f'<html lang="{lang}">' in html
    for item in letter.must_contain:
        value = _flat(data["content"][item])
        assert value and value in text, item
    assert ("Geachte" in text) == (lang == "nl")


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(("procedure_id", "letter_key"), LETTERS[::4])
def test_a_letter_as_pdf_is_tagged_not_blank_and_holds_its_content(procedure_id, letter_key, lang):
    procedure = bundled_procedure(procedure_id)
    letter = procedure.letter_by_key[letter_key]
    pdf = render_sample(procedure, letter_key, lang).pdf
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged (PDF/UA-1)
    assert str(catalog.get("/Lang")) == lang
    words = _flat(" ".join(page.extract_text() for page in reader.pages))
    data = sample_letter_data(procedure, letter_key, lang)
    for item in letter.must_contain:
        assert _flat(data["content"][item])[:40] in words, item
    page = pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("L")
    inked = sum(page.histogram()[:200])
    assert inked > 5_000  # ink on the page: letterhead, addresses, text


def _render(source: str, lang: str = "en", **content: str):
    procedure = bundled_procedure("workare")
    letter = procedure.letter_by_key["outcome"]
    data = sample_letter_data(procedure, "outcome", lang)
    data["content"].update(content)
    return render_letter(letter=letter, source=source, template="org/outcome.en.liquid", data=data)


GOOD = (
    "{{ content.findings }} {{ content.outcome }} {{ content.suggestions_for_resolution }} "
    "{{ content.right_to_review }}"
)


def test_a_template_that_does_not_parse_is_named_with_its_line():
    with pytest.raises(LetterTemplateError) as raised:
        _render("Dear {{ recipient.name }},\n\n{% if content.findings %}\n{{ content.findings }\n")
    assert raised.value.template == "org/outcome.en.liquid"
    assert raised.value.line in (3, 4)
    assert "org/outcome.en.liquid:" in str(raised.value.detail)


def test_a_template_that_loops_forever_is_stopped():
    with pytest.raises(LetterTemplateError):
        _render(GOOD + "{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}")


def test_a_template_reaches_nothing_beyond_its_data():
    with pytest.raises(LetterTemplateError) as raised:
        _render(GOOD + "\n{{ case.__class__ }}{{ settings.SECRET_KEY }}")
    assert raised.value.line == 2
    with pytest.raises(LetterTemplateError):
        _render(GOOD + "{% include 'secrets.liquid' %}")


def test_a_template_that_leaves_out_what_the_letter_must_contain_is_refused():
    with pytest.raises(LetterContentMissing) as raised:
        _render("{{ content.findings }} {{ content.outcome }} {{ content.right_to_review }}")
    assert raised.value.item == "suggestions_for_resolution"
    assert "org/outcome.en.liquid" in str(raised.value.detail)


def test_a_letter_without_the_text_it_must_contain_is_refused():
    with pytest.raises(LetterContentMissing) as raised:
        _render(GOOD, findings="")
    assert raised.value.item == "findings"


def test_data_cannot_add_markup_to_a_letter():
    rendered = _render(GOOD, findings="<script>alert(1)</script> [click](javascript:alert(1)) **loud**")
    assert "<script>" not in rendered.html
    assert "javascript:" not in rendered.html.replace("javascript:alert(1))", "")
    assert "<strong>loud</strong>" not in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # the plain text keeps what was written
