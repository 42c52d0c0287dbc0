"""The procedure as an SVG flow chart: valid, accessible, complete and deterministic, for every bundled procedure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest

from plaint.engine import Procedure, load_directory, load_file
from plaint.engine.render import procedure_diagram_svg
from plaint.engine.render.diagram import CSS
from plaint.engine.render.graph import layers, moves
from plaint.engine.render.text import duration_words
from plaint.procedures import BUNDLED_DIR

SVG = "{http://www.w3.org/2000/svg}"
LOOPS = Path(__file__).parent / "render_fixtures" / "loops.yaml"
IDS = load_directory(BUNDLED_DIR).ids()
LANGS = ("en", "nl")


def bundled(procedure_id: str) -> Procedure:
    return load_directory(BUNDLED_DIR).latest(procedure_id)


def squeeze(text: str) -> str:
    """Text without any white space: a wrapped label is the same label."""
    return "".join(text.split())


def visible_text(root: ET.Element) -> str:
    return " ".join(element.text or "" for element in root.iter(f"{SVG}text"))


def test_every_bundled_procedure_is_covered() -> None:
    # Given the bundled directory / Then the parametrised tests below run over all of its procedures
    assert {"xs2more", "werkpro"} <= set(IDS)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("procedure_id", IDS)
def test_the_diagram_is_an_accessible_svg(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure / When it is drawn in a language
    procedure = bundled(procedure_id)
    root = ET.fromstring(procedure_diagram_svg(procedure, lang=lang))
    # Then it is SVG with role img, a title and a desc in that language, which aria-labelledby points at
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("lang") == lang
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.text == procedure.title.get(lang)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # and the desc tells the flow in words: every stage, in order, with who handles it
    positions = [(desc.text or "").find(stage.label.get(lang)) for stage in procedure.stages]
    assert -1 not in positions
    assert positions == sorted(positions)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("procedure_id", IDS)
def test_the_diagram_shows_every_stage_term_and_move(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure / When it is drawn
    procedure = bundled(procedure_id)
    root = ET.fromstring(procedure_diagram_svg(procedure, lang=lang))
    text = squeeze(visible_text(root))
    # Then every stage's label, every term's label and duration in words are visible text
    for stage in procedure.stages:
        assert squeeze(stage.label.get(lang)) in text, stage.key
    for term in procedure.terms:
        assert squeeze(term.label.get(lang)) in text, term.key
        assert squeeze(duration_words(term.duration, lang)) in text, term.key
    # and every move between stages is one arrow
    arrows = [path for path in root.iter(f"{SVG}path") if "edge" in (path.get("class") or "")]
    assert len(arrows) == len(moves(procedure))
    assert all(path.get("marker-end") for path in arrows)


@pytest.mark.parametrize("procedure_id", IDS)
def test_the_diagram_is_deterministic(procedure_id: str) -> None:
    # Given the same procedure loaded twice / When both are drawn / Then the bytes are the same
    first = procedure_diagram_svg(load_file(BUNDLED_DIR / f"{procedure_id}.yaml"), lang="nl")
    second = procedure_diagram_svg(load_file(BUNDLED_DIR / f"{procedure_id}.yaml"), lang="nl")
    assert first.encode() == second.encode()


@pytest.mark.parametrize("procedure_id", [*IDS, "loops"])
def test_boxes_do_not_overlap_and_fit_the_picture(procedure_id: str) -> None:
    # Given a procedure with several stages / When it is drawn
    procedure = load_file(LOOPS) if procedure_id == "loops" else bundled(procedure_id)
    root = ET.fromstring(procedure_diagram_svg(procedure, lang="en"))
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    boxes = [
        tuple(float(rect.get(name, 0)) for name in ("x", "y", "width", "height"))
        for rect in root.iter(f"{SVG}rect")
        if (rect.get("class") or "").startswith("box")
    ]
    # Then there is one box per stage, inside the picture, and no two boxes overlap
    assert len(boxes) == len(procedure.stages)
    for x, y, w, h in boxes:
        assert x >= 0 and x + w <= width and y >= 0 and y + h <= height
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in combinations(boxes, 2):
        assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1


def test_loops_branches_and_a_second_start_are_drawn() -> None:
    # Given a procedure where a review can send the case back, a closed case can be reopened in its stage, the
    # informal stage branches to the formal stage or the board, and compliments start in a stage of their own
    procedure = load_file(LOOPS)
    layer, back = layers(procedure, moves(procedure))
    # When it is laid out and drawn
    root = ET.fromstring(procedure_diagram_svg(procedure, lang="en"))
    text = squeeze(visible_text(root))
    # Then the loops are the review's way back and the reopening, and are drawn dashed (not by colour)
    assert back == {("review", "formal"), ("formal", "formal")}
    dashed = [path for path in root.iter(f"{SVG}path") if path.get("class") == "edge loop"]
    assert len(dashed) == 2
    # and both branches sit in the row below the informal stage; compliments start beside it
    assert layer["formal"] == layer["board"] == layer["informal"] + 1
    assert layer["feedback"] == layer["informal"] == 0
    assert squeeze("Starts here: compliment") in text and squeeze("Starts here: complaint") in text
    # and each arrow says what moves the case, including the outcome and whether the case was closed
    for label in ("Straight to the board", "Reopen (after closing)", "Decide on the review, if decision changed"):
        assert squeeze(label) in text
    # and the closing outcomes are written in the boxes
    assert squeeze("Case closes: Decide on the review (decision upheld)") in text


def test_a_move_that_skips_a_row_runs_down_a_lane() -> None:
    # Given WerkPro, where a case closed by the manager can go straight to the committee, skipping the officer
    procedure = bundled("werkpro")
    layer, _ = layers(procedure, moves(procedure))
    assert layer["committee"] - layer["manager"] == 2
    # When it is drawn / Then that arrow is drawn (one path per move) and labelled
    svg = procedure_diagram_svg(procedure, lang="en")
    assert svg.count('class="edge"') == len(moves(procedure))
    assert squeeze("Filed with the complaints committee or UWV (after closing)") in squeeze(
        visible_text(ET.fromstring(svg))
    )


def test_text_is_escaped_and_long_labels_are_wrapped() -> None:
    # Given a procedure whose texts hold markup characters and a long stage label
    procedure = load_file(LOOPS)
    # When it is drawn
    svg = procedure_diagram_svg(procedure, lang="en")
    root = ET.fromstring(svg)
    # Then the markup is text, not elements
    assert "<i>" not in svg and "&lt;i&gt;Ombudsman&lt;/i&gt;" in svg
    assert root.find(f"{SVG}title").text == "Loops & <branches> *test* procedure"  # type: ignore[union-attr]
    assert not [element for element in root.iter() if element.tag in (f"{SVG}i", f"{SVG}b", "i", "b")]
    # and the long label is spread over several lines, none of them too long for its box
    heads = [element.text or "" for element in root.iter(f"{SVG}text") if element.get("class") == "head"]
    informal = [line for line in heads if line and line in procedure.stages[0].label.en]
    assert len(informal) >= 2
    box_lines = [element.text or "" for group in root.iter(f"{SVG}g") for element in group.iter(f"{SVG}text")]
    assert len(box_lines) > 2 * len(procedure.stages)
    assert max(len(line) for line in box_lines) <= 40


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_text_contrast_is_at_least_aa() -> None:
    # Given the diagram's style sheet: the text colour and every fill text is drawn on
    text = re.search(r"text\{[^}]*fill:(#[0-9a-f]{6})", CSS)
    assert text is not None
    backgrounds = re.findall(r"\.(?:box|band|note|bg)\{fill:(#[0-9a-f]{6})", CSS)
    assert len(backgrounds) == 4
    # Then every pair has a contrast ratio of at least 4.5:1 (WCAG AA for normal text)
    for background in backgrounds:
        light, dark = sorted((_luminance(text.group(1)), _luminance(background)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, background


def test_an_unsupported_language_is_refused() -> None:
    # Given a procedure / When it is drawn in German / Then a ValueError names the languages there are
    with pytest.raises(ValueError, match="en or nl"):
        procedure_diagram_svg(bundled("xs2more"), lang="de")


def test_the_dutch_diagram_uses_dutch_words() -> None:
    # Given Xs2more (XS-24: the procedure is published, here as its schematic view) / When drawn in Dutch
    text = visible_text(ET.fromstring(procedure_diagram_svg(bundled("xs2more"), lang="nl")))
    # Then the fixed words are Dutch and the terms are in Dutch words
    assert "Behandeld door: Directie" in text
    assert "Handled by" not in text and "Term:" not in text
    assert squeeze("Termijn: Ontvangst bevestigen, binnen twee weken na ontvangst van uw klacht") in squeeze(text)
