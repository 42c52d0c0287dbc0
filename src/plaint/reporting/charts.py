"""Charts as SVG from Vega-Lite specs, rendered offline by vl-convert (deterministic, no script, no style attribute).

Vega's own ARIA labels are English only, so they are turned off (`aria: false`); every chart is shown in a
`<figure>` with a caption and the table of its numbers beside it, which is what a screen reader reads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

import vl_convert

if TYPE_CHECKING:
    from plaint.reporting.presenters import Table

_ROLE = re.compile(r' (?:aria-roledescription|role|aria-label)="[^"]*"')
_LOCALES: dict[str, Literal["nl-NL", "en-GB"]] = {"nl": "nl-NL", "en": "en-GB"}


def bar_chart(*, labels: list[str], values: list[float], title: str, language: str, percent: bool = False) -> str:
    """A horizontal bar chart of `values` by `labels` as an SVG document (a string)."""
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": {"aria": False, "font": "DejaVu Sans", "view": {"stroke": None}},
        "width": 360,
        "data": {"values": [{"label": label, "value": value} for label, value in zip(labels, values, strict=True)]},
        "mark": {"type": "bar", "color": "#1d70b8"},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": title,
                **({"axis": {"format": ".0%"}, "scale": {"domain": [0, 1]}} if percent else {}),
            },
        },
    }
    svg: str = vl_convert.vegalite_to_svg(spec, format_locale=_LOCALES.get(language, "en-GB"))
    return decorative(svg)


def decorative(svg: str) -> str:
    """The SVG as a picture a screen reader skips (its figure's caption and table say what it shows): hidden at
    the root, without the English role descriptions Vega still writes with `aria: false`."""
    svg = _ROLE.sub("", svg)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def table_chart(table: Table, language: str) -> str | None:
    """The chart of a table that has one: its first column as labels, its `chart_value` column as bars."""
    if table.chart is None:
        return None
    rows = [row for row in table.rows if isinstance(row[table.chart_value], int | float)]
    if not rows:
        return None
    return bar_chart(
        labels=[str(row[0]) for row in rows],
        values=[float(row[table.chart_value]) for row in rows],
        title=table.columns[table.chart_value],
        language=language,
        percent=table.chart == "share",
    )
