"""The procedure model's Literal types and the vocabulary's word lists say the same thing: neither may drift."""

from __future__ import annotations

from typing import get_args

import pytest

from plaint.engine import definition, vocabulary


@pytest.mark.parametrize(
    ("literal", "words"),
    [
        (definition.Outcome, vocabulary.OUTCOMES),
        (definition.Kind, vocabulary.KINDS),
        (definition.Channel, vocabulary.CHANNELS),
        (definition.StageKind, vocabulary.STAGE_KINDS),
        (definition.LetterContent, vocabulary.LETTER_CONTENTS),
        (definition.Enclosure, vocabulary.ENCLOSURES),
        (definition.FactName, vocabulary.FACTS),
        (definition.TermParty, vocabulary.TERM_PARTIES),
        (definition.Jurisdiction, vocabulary.JURISDICTION_CODES),
    ],
    ids=lambda value: getattr(value, "__name__", None) or "words",
)
def test_each_literal_type_lists_exactly_the_vocabularys_words(literal, words):
    # Given a word list of the vocabulary and the type the procedure model validates with,
    # then both hold the same words in the same order
    assert get_args(literal) == tuple(words)
