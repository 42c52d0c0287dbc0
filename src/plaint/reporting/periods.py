"""Reporting periods: a year, a quarter (2027-Q1) or any span of days, and the period before it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from plaint.core.errors import InvalidInput, lazy_format

_QUARTER = re.compile(r"^(\d{4})-Q(\d+)$")


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(
                lazy_format(
                    _("The period ends (%(end)s) before it starts (%(start)s)."),
                    end=self.end.isoformat(),
                    start=self.start.isoformat(),
                )
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same shape just before: the previous year, quarter, or as many days."""
        if self.label.isdigit():
            return year(int(self.label) - 1)
        if _QUARTER.match(self.label):
            start = self.start - relativedelta(months=3)
            return quarter(f"{start.year}-Q{(start.month - 1) // 3 + 1}")
        end = self.start - dt.timedelta(days=1)
        start = end - dt.timedelta(days=self.days - 1)
        return Period(start, end, f"{start.isoformat()}/{end.isoformat()}")

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}


def year(value: int | str) -> Period:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1900 <= number <= 9999:
        raise InvalidInput(lazy_format(_("“%(value)s” is not a year, such as 2027."), value=value))
    return Period(dt.date(number, 1, 1), dt.date(number, 12, 31), str(number))


def quarter(value: str) -> Period:
    match = _QUARTER.match(value.strip())
    if match is None or not 1 <= int(match.group(2)) <= 4 or not 1900 <= int(match.group(1)) <= 9999:
        raise InvalidInput(lazy_format(_("“%(value)s” is not a quarter, such as 2027-Q1 (Q1 to Q4)."), value=value))
    number, q = int(match.group(1)), int(match.group(2))
    start = dt.date(number, 3 * q - 2, 1)
    end = start + relativedelta(months=3) - dt.timedelta(days=1)
    return Period(start, end, f"{number}-Q{q}")


def span(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, f"{start.isoformat()}/{end.isoformat()}")
