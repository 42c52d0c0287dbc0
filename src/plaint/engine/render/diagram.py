"""A procedure as a flow chart in SVG: stages as boxes from top to bottom, moves between them as labelled arrows.

The layout is computed here, without Graphviz: stages are put in layers (the longest path from an entry stage, loops
ignored), each layer a row of boxes in file order. Arrows leave a box at the bottom and enter the next at the top,
running horizontally in the gap between rows, each in a band of its own so no two labels overlap. An arrow that skips
rows runs down a lane on the right; an arrow that loops back (a review that returns to an earlier stage, a reopened
case) runs up a lane on the left, dashed. Terms, closing outcomes and who handles a stage are written in its box.

The output is deterministic (same procedure, same bytes), valid XML, and accessible: `role="img"`, a `<title>` and a
`<desc>` that tells the whole flow in words, every text a real `<text>` element, dark text on light fills, and nothing
said by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Final

from plaint.engine.definition import Action, Procedure, Stage
from plaint.engine.messages import Lang
from plaint.engine.render.graph import Move, closings, entry_kinds, layers, moves, term_stage
from plaint.engine.render.text import (
    check_lang,
    clean,
    duration_words,
    join_words,
    t,
    tx,
    wrap,
)

__all__ = ["procedure_diagram_svg"]

BOX_WIDTH: Final = 300
PAD: Final = 10
COLUMN_GAP: Final = 40
MARGIN: Final = 40
LANE_GAP: Final = 16
ROW_GAP_MIN: Final = 30
GAP_PAD: Final = 8
LABEL_LINE: Final = 15
LABEL_CHARS: Final = 30
ENTRY_BAND: Final = 12
# Line height and characters per line of each kind of text in a box (13px Arial is about 7px a character).
STYLES: Final = {"head": (19, 31), "meta": (17, 40), "term": (17, 40), "close": (17, 40)}

CSS: Final = (
    "text{font-family:Arial,Helvetica,sans-serif;fill:#111827}"
    ".title{font-size:18px;font-weight:bold}"
    ".head{font-size:15px;font-weight:bold}"
    ".meta,.close{font-size:13px}"
    ".term{font-size:13px;font-style:italic}"
    ".label{font-size:12px}"
    ".box{fill:#ffffff;stroke:#374151;stroke-width:1.5}"
    ".external{stroke-dasharray:6 3}"
    ".band{fill:#e5e7eb;stroke:none}"
    ".rule{stroke:#374151;stroke-width:1}"
    ".edge{fill:none;stroke:#1f2937;stroke-width:1.5}"
    ".loop{stroke-dasharray:6 4}"
    ".note{fill:#f9fafb;stroke:#6b7280;stroke-width:1}"
    ".bg{fill:#ffffff;fill-opacity:0.95}"
)


@dataclass
class _Box:
    stage: Stage
    head: list[str]
    lines: list[tuple[str, str]]  # (text, style)
    x: float = 0
    y: float = 0
    height: float = 0
    out: list[_Edge] = field(default_factory=list)
    into: list[_Edge] = field(default_factory=list)


@dataclass
class _Edge:
    move: Move
    label: list[str]
    kind: str  # "next" (to the next row), "skip" (down the right lane), "loop" (up the left lane)
    lane_x: float = 0
    start_x: float = 0
    end_x: float = 0
    exit_y: float = 0
    entry_y: float = 0
    label_y: float = 0


def procedure_diagram_svg(procedure: Procedure, *, lang: str) -> str:
    """The procedure's stages and the moves between them, as an SVG document in `lang` (en or nl)."""
    language = check_lang(lang)
    all_moves = moves(procedure)
    layer, back = layers(procedure, all_moves)
    boxes = {stage.key: _box(procedure, stage, language) for stage in procedure.stages}
    rows: list[list[_Box]] = [[] for _ in range(max(layer.values()) + 1)]
    for stage in procedure.stages:
        rows[layer[stage.key]].append(boxes[stage.key])
    edges = [_edge(procedure, move, layer, back, language) for move in all_moves]

    # Horizontal: rows centred between the lanes of the looping arrows (left) and the skipping ones (right).
    loops = [edge for edge in edges if edge.kind == "loop"]
    skips = [edge for edge in edges if edge.kind == "skip"]
    content = max(len(row) * BOX_WIDTH + (len(row) - 1) * COLUMN_GAP for row in rows)
    left = MARGIN + len(loops) * LANE_GAP + (LANE_GAP if loops else 0)
    width = left + content + (len(skips) * LANE_GAP + LANE_GAP if skips else 0) + MARGIN
    for row in rows:
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * COLUMN_GAP
        for index, box in enumerate(row):
            box.x = left + (content - row_width) / 2 + index * (BOX_WIDTH + COLUMN_GAP)
    for number, edge in enumerate(loops):
        edge.lane_x = left - LANE_GAP * (number + 1)
    for number, edge in enumerate(skips):
        edge.lane_x = left + content + LANE_GAP * (number + 1)
    for edge in edges:
        boxes[edge.move.source].out.append(edge)
        boxes[edge.move.target].into.append(edge)
    for box in boxes.values():
        box.out.sort(key=lambda e: e.lane_x if e.kind != "next" else boxes[e.move.target].x)
        for number, edge in enumerate(box.out):
            edge.start_x = box.x + BOX_WIDTH * (number + 1) / (len(box.out) + 1)
        box.into.sort(key=lambda e: e.lane_x if e.kind != "next" else e.start_x)
        for number, edge in enumerate(box.into):
            edge.end_x = box.x + BOX_WIDTH * (number + 1) / (len(box.into) + 1)

    # Vertical: the title, the note on actions allowed anywhere, then gap 0, row 0, gap 1, row 1, ... gap n.
    title_lines = wrap(tx(procedure.title, language), max(30, int(width - 2 * MARGIN) // 10))
    note = _anywhere(procedure, language, int(content) // 7)
    y: float = MARGIN + 22 * len(title_lines)
    note_y = y + 6
    if note:
        y = note_y + 2 * PAD + 17 * len(note) + 6
    bands: list[list[tuple[_Edge, bool]]] = [[] for _ in range(len(rows) + 1)]  # (edge, is the labelled exit band)
    for edge in edges:
        bands[layer[edge.move.source] + 1].append((edge, True))
        if edge.kind != "next":
            bands[layer[edge.move.target]].append((edge, False))
    for box in boxes.values():
        box.height = 2 * PAD + 19 * len(box.head) + 6 + sum(STYLES[style][0] for _, style in box.lines)
    for number in range(len(rows) + 1):
        needed = sum(len(edge.label) * LABEL_LINE + 6 if exit else ENTRY_BAND for edge, exit in bands[number])
        inner = 0 < number < len(rows)
        gap = max(ROW_GAP_MIN if inner else 0, needed + 2 * GAP_PAD if needed else 0)
        band_y = y + GAP_PAD
        for edge, exit in bands[number]:
            size = len(edge.label) * LABEL_LINE + 6 if exit else ENTRY_BAND
            if exit:
                edge.label_y = band_y
                edge.exit_y = band_y + size - 3
            if not exit or edge.kind == "next":
                edge.entry_y = band_y + size - 3
            band_y += size
        y += gap
        if number < len(rows):
            row_height = max(box.height for box in rows[number])
            for box in rows[number]:
                box.y = y
            y += row_height
    height = y + MARGIN / 2

    parts = _document(procedure, language, width, height, edges, boxes)
    for number, line in enumerate(title_lines):
        parts.append(_text(MARGIN, MARGIN + 16 + 22 * number, line, "title"))
    if note:
        parts.append(_rect(left, note_y, content, 2 * PAD + 17 * len(note), "note"))
        for number, (line, style) in enumerate(note):
            parts.append(_text(left + PAD, note_y + PAD + 13 + 17 * number, line, style))
    for box in boxes.values():
        parts.extend(_draw_box(box))
    for edge in edges:
        parts.append(_draw_edge(edge, boxes, f"plaint-{procedure.id}"))
    for edge in edges:
        parts.extend(_draw_label(edge, width))
    parts.append("</svg>\n")
    return "".join(parts)


def _box(procedure: Procedure, stage: Stage, lang: Lang) -> _Box:
    head = wrap(tx(stage.label, lang), STYLES["head"][1])
    lines: list[tuple[str, str]] = []

    def add(text: str, style: str) -> None:
        lines.extend((line, style) for line in wrap(text, STYLES[style][1]))

    kinds = entry_kinds(procedure).get(stage.key)
    if kinds:
        add(t("starts_here", lang, kinds=join_words([t(f"kind.{kind}", lang) for kind in kinds], lang)), "meta")
    add(t("handled_by", lang, roles=", ".join(procedure.role_label(role, lang) for role in stage.handled_by)), "meta")
    if stage.routing is not None and stage.routing.independent:
        add(t("independent_short", lang), "meta")
    if stage.external_body is not None and stage.external_body in procedure.external_body_by_key:
        body = tx(procedure.external_body_by_key[stage.external_body].name, lang)
        if body != tx(stage.label, lang):
            add(body, "meta")
    for term in procedure.terms:
        if term_stage(procedure, term).key == stage.key:
            since = t(f"event.{term.anchor}.since", lang)
            add(
                t(
                    "term_line",
                    lang,
                    label=tx(term.label, lang),
                    duration=duration_words(term.duration, lang),
                    since=since,
                ),
                "term",
            )
    for closing in closings(stage.actions):
        add(t("closes_line", lang, what=_closing_text(closing.action, closing.outcomes, lang)), "close")
    if stage.final:
        add(t("final_line", lang), "close")
    return _Box(stage, head, lines)


def _action_label(action: Action, lang: Lang) -> str:
    return tx(action.label, lang) if action.label is not None else t(f"event.{action.event}.label", lang)


def _closing_text(action: Action, outcomes: tuple[str, ...], lang: Lang) -> str:
    label = _action_label(action, lang)
    if outcomes:
        return f"{label} ({', '.join(t(f'outcome.{outcome}', lang) for outcome in outcomes)})"
    return label


def _edge(
    procedure: Procedure, move: Move, layer: dict[str, int], back: frozenset[tuple[str, str]], lang: Lang
) -> _Edge:
    label = _action_label(move.action, lang)
    if move.outcome is not None:
        label = t("if_outcome", lang, label=label, outcome=t(f"outcome.{move.outcome}", lang))
    if move.action.when_closed:
        label = t("after_closing", lang, label=label)
    if (move.source, move.target) in back or move.source == move.target:
        kind = "loop"
    elif layer[move.target] == layer[move.source] + 1:
        kind = "next"
    else:
        kind = "skip"
    return _Edge(move, wrap(label, LABEL_CHARS), kind)


def _anywhere(procedure: Procedure, lang: Lang, chars: int) -> list[tuple[str, str]]:
    if not procedure.actions:
        return []
    items: list[str] = []
    for action in procedure.actions:
        label = _action_label(action, lang)
        if action.goes_to is not None and action.goes_to in procedure.stage_by_key:
            label = t("goes_to_stage", lang, label=label, target=tx(procedure.stage_by_key[action.goes_to].label, lang))
        elif action.closes:
            label = t("closes_case", lang, label=_closing_text(action, action.outcomes, lang))
        items.append(label)
    lines = [(line, "head") for line in wrap(t("anywhere_title", lang), chars)]
    lines.extend((line, "meta") for line in wrap("; ".join(items), chars))
    return lines


def _document(
    procedure: Procedure, lang: Lang, width: float, height: float, edges: list[_Edge], boxes: dict[str, _Box]
) -> list[str]:
    ident = f"plaint-{procedure.id}"
    title = tx(procedure.title, lang)
    stages = "; ".join(
        t(
            "diagram_desc_stage",
            lang,
            number=number,
            label=tx(stage.label, lang),
            roles=join_words([procedure.role_label(role, lang) for role in stage.handled_by], lang),
        )
        for number, stage in enumerate(procedure.stages, start=1)
    )
    desc = [t("diagram_desc", lang, title=title, count=len(procedure.stages), stages=stages)]
    if edges:
        described = [
            t(
                "diagram_desc_move",
                lang,
                source=tx(boxes[edge.move.source].stage.label, lang),
                target=tx(boxes[edge.move.target].stage.label, lang),
                label=" ".join(edge.label),
            )
            for edge in edges
        ]
        desc.append(t("diagram_desc_moves", lang, moves="; ".join(described)))
    if procedure.terms:
        desc.append(
            t(
                "diagram_desc_terms",
                lang,
                terms="; ".join(
                    f"{tx(term.label, lang)}: {duration_words(term.duration, lang)}" for term in procedure.terms
                ),
            )
        )
    w, h = _n(width), _n(height)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" lang="{lang}" xml:lang="{lang}" '
        f'width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{_esc(title)}</title>',
        f'<desc id="{ident}-desc">{_esc(" ".join(desc))}</desc>',
        f"<defs><style>{CSS}</style>"
        f'<marker id="{ident}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f2937"/></marker></defs>',
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
    ]


def _draw_box(box: _Box) -> list[str]:
    external = box.stage.kind == "external"
    head_height = PAD + 19 * len(box.head)
    parts = [
        f'<g aria-label="{_esc(" ".join(box.head))}">',
        _rect(box.x, box.y, BOX_WIDTH, box.height, "box external" if external else "box"),
        _rect(box.x + 1, box.y + 1, BOX_WIDTH - 2, head_height, "band"),
    ]
    y = box.y + PAD + 14
    for line in box.head:
        parts.append(_text(box.x + PAD, y, line, "head"))
        y += 19
    rule_y = box.y + head_height + 2
    parts.append(
        f'<line class="rule" x1="{_n(box.x)}" y1="{_n(rule_y)}" x2="{_n(box.x + BOX_WIDTH)}" y2="{_n(rule_y)}"/>'
    )
    y = rule_y + 4 + 13
    for line, style in box.lines:
        parts.append(_text(box.x + PAD, y, line, style))
        y += STYLES[style][0]
    parts.append("</g>")
    return parts


def _draw_edge(edge: _Edge, boxes: dict[str, _Box], ident: str) -> str:
    source, target = boxes[edge.move.source], boxes[edge.move.target]
    bottom, top = source.y + source.height, target.y
    if edge.kind == "next":
        d = f"M{_n(edge.start_x)},{_n(bottom)} V{_n(edge.exit_y)} H{_n(edge.end_x)} V{_n(top)}"
    else:
        d = (
            f"M{_n(edge.start_x)},{_n(bottom)} V{_n(edge.exit_y)} H{_n(edge.lane_x)} V{_n(edge.entry_y)} "
            f"H{_n(edge.end_x)} V{_n(top)}"
        )
    style = "edge loop" if edge.kind == "loop" else "edge"
    return f'<path class="{style}" d="{d}" marker-end="url(#{ident}-arrow)"/>'


def _draw_label(edge: _Edge, width: float) -> list[str]:
    """The label above the arrow's horizontal run, starting just right of the line leaving the box."""
    chars = max(len(line) for line in edge.label)
    label_width = chars * 6.4 + 6
    x = min(edge.start_x + 5, width - label_width - 4)
    parts = [_rect(x - 1, edge.label_y, label_width, len(edge.label) * LABEL_LINE + 1, "bg")]
    for number, line in enumerate(edge.label):
        parts.append(_text(x + 2, edge.label_y + 12 + number * LABEL_LINE, line, "label"))
    return parts


def _rect(x: float, y: float, width: float, height: float, cls: str) -> str:
    return f'<rect class="{cls}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"/>'


def _text(x: float, y: float, text: str, cls: str) -> str:
    return f'<text class="{cls}" x="{_n(x)}" y="{_n(y)}">{_esc(text)}</text>'


def _esc(text: str) -> str:
    return escape(clean(text), quote=True)


def _n(value: float) -> str:
    """A coordinate: whole numbers without a decimal point, others with one decimal."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"
