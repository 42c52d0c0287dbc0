"""The letters the bundled procedures declare, their templates, and rendering one on the built-in sample case."""

from __future__ import annotations

from plaint.correspondence.errors import LetterTemplateError
from plaint.correspondence.letters.data import LANGUAGES, sample_letter_data
from plaint.correspondence.letters.render import RenderedLetter, render_letter
from plaint.correspondence.letters.templating import bundled_source, bundled_template_name
from plaint.engine import Procedure, load_directory
from plaint.engine.definition import Letter
from plaint.procedures import BUNDLED_DIR


def bundled_procedure(procedure_id: str) -> Procedure | None:
    """The newest version of a bundled procedure, or None."""
    registry = load_directory(BUNDLED_DIR)
    if procedure_id not in registry.ids():
        return None
    return registry.latest(procedure_id)


def bundled_procedure_ids() -> tuple[str, ...]:
    return load_directory(BUNDLED_DIR).ids()


def template_source(procedure: Procedure, letter: Letter, lang: str) -> tuple[str, str]:
    """The template's name and text for a letter in a language (the bundled one)."""
    name = bundled_template_name(procedure.id, letter.key, lang)
    source = bundled_source(procedure.id, letter.key, lang)
    if source is None:
        raise LetterTemplateError(template=name, line=None, reason="there is no template for this letter")
    return name, source


def render_sample(procedure: Procedure, letter_key: str, lang: str) -> RenderedLetter:
    """A letter of the procedure rendered on the built-in sample case (the CLI, the previews, the checks)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: use en or nl")
    letter = procedure.letter_by_key[letter_key]
    name, source = template_source(procedure, letter, lang)
    return render_letter(
        letter=letter, source=source, template=name, data=sample_letter_data(procedure, letter_key, lang)
    )
