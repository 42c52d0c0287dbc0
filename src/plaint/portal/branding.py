"""Colour contrast (WCAG 2.2, 1.4.3 and 1.4.11): an organisation's colours are accepted only when readable."""

from __future__ import annotations

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
NEAR_BLACK = "#0b0c0c"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(colour: str) -> str:
    """White or near-black, whichever reads better on `colour`."""
    return WHITE if contrast(colour, WHITE) >= contrast(colour, NEAR_BLACK) else NEAR_BLACK
