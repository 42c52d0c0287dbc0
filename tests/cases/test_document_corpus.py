"""Every crafted document of the corpus gets its verdict (docs/cases.md, "What documents are refused")."""

from __future__ import annotations

import io

import pytest

from plaint.cases.attachment_types import Refused, sniff
from tests.cases.document_corpus import CORPUS, Sample


def verdict(content: bytes) -> str:
    try:
        return f"accepted:{sniff(io.BytesIO(content)).code}"
    except Refused as refusal:
        return f"refused:{refusal.reason}"


def test_the_corpus_is_large_and_every_name_is_unique():
    assert len(CORPUS) >= 30
    assert len({sample.name for sample in CORPUS}) == len(CORPUS)
    assert sum(sample.verdict.startswith("refused:") for sample in CORPUS) >= 25


@pytest.mark.parametrize("sample", CORPUS, ids=lambda sample: sample.name)
def test_each_document_gets_its_verdict(sample: Sample):
    assert verdict(sample.content) == sample.verdict, sample.why


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    # Given the 300 MB bomb, when it is judged, then far less than its size was read (the directory decided)
    bomb = next(sample for sample in CORPUS if sample.name == "bomb.xlsx")
    assert len(bomb.content) < 2 * 1024 * 1024
    assert verdict(bomb.content) == "refused:archive"
