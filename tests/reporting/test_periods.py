"""Reporting periods: years, quarters, spans, the period before, and clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.core.errors import InvalidInput
from plaint.reporting import periods


def test_years_quarters_and_the_period_before():
    assert (periods.year(2027).start, periods.year("2027").end) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert periods.year(2027).previous().label == "2026"
    q1 = periods.quarter("2027-Q1")
    assert (q1.start, q1.end, q1.previous().label) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31), "2026-Q4")
    assert periods.quarter("2028-Q1").previous().previous().end == dt.date(2027, 9, 30)
    span = periods.span(dt.date(2027, 3, 1), dt.date(2027, 3, 10))
    assert (span.previous().start, span.previous().end) == (dt.date(2027, 2, 19), dt.date(2027, 2, 28))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: periods.quarter("2027-Q5"), "“2027-Q5” is not a quarter, such as 2027-Q1 (Q1 to Q4)."),
        (lambda: periods.quarter("2027-Q0"), "is not a quarter"),
        (lambda: periods.quarter("Q1-2027"), "is not a quarter"),
        (lambda: periods.year("twenty"), "“twenty” is not a year, such as 2027."),
        (lambda: periods.year(99999), "is not a year"),
        (
            lambda: periods.span(dt.date(2027, 3, 1), dt.date(2027, 2, 1)),
            "The period ends (2027-02-01) before it starts (2027-03-01).",
        ),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message_in_english_and_dutch(make, message):
    with pytest.raises(InvalidInput) as caught:
        make()
    assert message in caught.value.text("en")
    assert caught.value.text("nl") != caught.value.text("en")
