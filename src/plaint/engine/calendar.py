"""The calendar of the procedure engine: working days, public holidays and term arithmetic.

A procedure says "within five working days" or "within six months"; this module turns such a `Duration` and a start
date into a due date, for one jurisdiction's public holidays (from the `holidays` package) and one organisation's own
closing days. Pure Python: no Django, no I/O beyond the `holidays` package's built-in tables.

The rules, in one place (each is tested in ``tests/engine/test_calendar*.py``):

* **Calendar days and weeks** are plain date arithmetic: 2 March + 2 weeks = 16 March.
* **Working days** are Monday to Friday, except the jurisdiction's public holidays, `CalendarRules.extra_holidays` and
  `CalendarRules.closing_days`. A term of *n* working days ends on the *n*-th working day strictly *after* the start
  date; the start date itself never counts, even when it is a working day.
* **Months and years** land on the same day of the month; when that day does not exist the date is clamped to the
  month's last day (31 August + 6 months = 28 February; 29 February + 1 year = 28 February).
* **Moving the end** (`CalendarRules.move_end_to_working_day`, Algemene termijnenwet art. 1): a due date that is not a
  working day moves to the next working day. A term of one or more working days always ends on a working day already.
* **Amount 0** returns the start date, for every unit. With `move_end_to_working_day` the general rule applies to it
  too: a start date that is not a working day moves to the next working day. Without it, the start date is returned
  as it is, even for "0 working days" on a Sunday.
* **Holiday sets**: ``"library"`` is the `holidays` package as it is; ``"termijnenwet"`` (Netherlands only) is the
  list of Algemene termijnenwet art. 3: the library's Dutch public holidays without Good Friday, with Liberation Day
  (5 May) every year rather than every fifth.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

import holidays
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

__all__ = [
    "JURISDICTIONS",
    "Calendar",
    "CalendarRules",
    "Duration",
    "DurationUnit",
    "UnknownJurisdiction",
]

ONE_DAY: Final = timedelta(days=1)


@dataclass(frozen=True)
class _Jurisdiction:
    country: str
    subdiv: str | None
    language: str  # pinned, so holiday names do not depend on the process's locale


#: The supported jurisdiction codes (ISO 3166-1, or ISO 3166-2 for the parts of the United Kingdom).
JURISDICTIONS: Final[Mapping[str, _Jurisdiction]] = MappingProxyType(
    {
        "NL": _Jurisdiction("NL", None, "en_US"),
        "GB-ENG": _Jurisdiction("GB", "ENG", "en_GB"),
        "GB-WLS": _Jurisdiction("GB", "WLS", "en_GB"),
        "GB-SCT": _Jurisdiction("GB", "SCT", "en_GB"),
        "GB-NIR": _Jurisdiction("GB", "NIR", "en_GB"),
    }
)

HOLIDAY_SETS: Final = ("library", "termijnenwet")

EXTRA_HOLIDAY_NAME: Final = "Day declared equal to a public holiday"
CLOSING_DAY_NAME: Final = "Closing day"


class UnknownJurisdiction(ValueError):
    """A jurisdiction code the calendar has no public holidays for."""

    def __init__(self, code: str) -> None:
        self.code = code
        supported = ", ".join(JURISDICTIONS)
        super().__init__(f"Unknown jurisdiction {code!r}: the calendar supports {supported}.")


class DurationUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


_UNIT_NAMES: Final[Mapping[DurationUnit, tuple[str, str]]] = MappingProxyType(
    {
        DurationUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
        DurationUnit.WORKING_DAYS: ("working day", "working days"),
        DurationUnit.WEEKS: ("week", "weeks"),
        DurationUnit.MONTHS: ("month", "months"),
        DurationUnit.YEARS: ("year", "years"),
    }
)
_UNITS_BY_NAME: Final[Mapping[str, DurationUnit]] = MappingProxyType(
    {name: unit for unit, names in _UNIT_NAMES.items() for name in (*names, unit.value)}
    | {"day": DurationUnit.CALENDAR_DAYS, "days": DurationUnit.CALENDAR_DAYS}
)
_DURATION_TEXT: Final = re.compile(r"\s*(\d+)\s+([a-z_ ]+?)\s*")


@dataclass(frozen=True)
class Duration:
    """A term's length: an amount (0 or more) of one unit."""

    amount: int
    unit: DurationUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"A duration's amount is a whole number, not {self.amount!r}.")
        if self.amount < 0:
            raise ValueError(f"A duration's amount cannot be negative (got {self.amount}).")
        object.__setattr__(self, "unit", DurationUnit(self.unit))

    def __str__(self) -> str:
        singular, plural = _UNIT_NAMES[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"

    @classmethod
    def parse(cls, text: str) -> Duration:
        """The duration written as `str()` writes it: "5 working days", "6 weeks", "1 month".

        Also accepted: the unit's value ("10 working_days") and plain "days", meaning calendar days.
        """
        match = _DURATION_TEXT.fullmatch(text.lower())
        unit = _UNITS_BY_NAME.get(" ".join(match.group(2).split())) if match else None
        if match is None or unit is None:
            units = ", ".join(names[1] for names in _UNIT_NAMES.values())
            raise ValueError(f"Not a duration: {text!r}; write a number and a unit ({units}), e.g. '5 working days'.")
        return cls(int(match.group(1)), unit)


@dataclass(frozen=True)
class CalendarRules:
    """Everything that decides a calendar: stored with each term, so a term's due date can be explained later.

    `extra_holidays` are days declared equal to public holidays (by decree, for instance); `closing_days` are the
    organisation's own days off. Both are non-working days; any iterable of dates is accepted and kept as a frozenset.
    """

    jurisdiction: str
    holiday_set: str = "library"
    extra_holidays: frozenset[date] = field(default=frozenset())
    closing_days: frozenset[date] = field(default=frozenset())
    move_end_to_working_day: bool = False

    def __post_init__(self) -> None:
        if self.jurisdiction not in JURISDICTIONS:
            raise UnknownJurisdiction(self.jurisdiction)
        if self.holiday_set not in HOLIDAY_SETS:
            raise ValueError(f"Unknown holiday set {self.holiday_set!r}: choose one of {', '.join(HOLIDAY_SETS)}.")
        if self.holiday_set == "termijnenwet" and self.jurisdiction != "NL":
            raise ValueError(
                f"The holiday set 'termijnenwet' (Algemene termijnenwet) applies to the Netherlands only, "
                f"not to {self.jurisdiction!r}: use holiday_set='library' there."
            )
        object.__setattr__(self, "extra_holidays", _date_set(self.extra_holidays, "extra_holidays"))
        object.__setattr__(self, "closing_days", _date_set(self.closing_days, "closing_days"))


def _date_set(days: Iterable[date], name: str) -> frozenset[date]:
    result = frozenset(days)
    for day in result:
        # A datetime is a date too, but would never compare equal to the dates the calendar looks up.
        if not isinstance(day, date) or hasattr(day, "hour"):
            raise TypeError(f"{name} holds dates only, not {day!r}.")
    return result


@functools.lru_cache(maxsize=256)
def _public_holidays(jurisdiction: str, holiday_set: str, year: int) -> Mapping[date, str]:
    """The public holidays of one year, shared by every calendar of the same jurisdiction and holiday set."""
    where = JURISDICTIONS[jurisdiction]
    if holiday_set == "library":
        table = holidays.country_holidays(where.country, subdiv=where.subdiv, years=year, language=where.language)
        return MappingProxyType(dict(table))
    # Algemene termijnenwet art. 3: the library's public holidays, less Good Friday, plus Liberation Day every year
    # (the library lists it as a public holiday every fifth year and as an optional one every year).
    table = holidays.country_holidays(
        where.country, years=year, language=where.language, categories=("public", "optional")
    )
    good_friday = easter(year) - 2 * ONE_DAY
    return MappingProxyType({day: name for day, name in table.items() if day != good_friday})


class Calendar:
    """Working days and term arithmetic for one set of `CalendarRules`."""

    def __init__(self, rules: CalendarRules) -> None:
        self.rules = rules
        self._non_working_weekdays: dict[int, frozenset[date]] = {}

    @classmethod
    def for_jurisdiction(
        cls,
        jurisdiction: str,
        *,
        holiday_set: str = "library",
        extra_holidays: Iterable[date] = (),
        closing_days: Iterable[date] = (),
        move_end_to_working_day: bool = False,
    ) -> Calendar:
        """A calendar built from its rules in one call: ``Calendar.for_jurisdiction("GB-ENG")``."""
        rules = CalendarRules(
            jurisdiction,
            holiday_set=holiday_set,
            extra_holidays=frozenset(extra_holidays),
            closing_days=frozenset(closing_days),
            move_end_to_working_day=move_end_to_working_day,
        )
        return cls(rules)

    def __repr__(self) -> str:
        return f"Calendar({self.rules!r})"

    # Days

    def holidays_in(self, year: int) -> Mapping[date, str]:
        """Every named non-working day of `year`: public holidays, declared holidays and closing days, by date."""
        named = {day: CLOSING_DAY_NAME for day in self.rules.closing_days if day.year == year}
        named |= {day: EXTRA_HOLIDAY_NAME for day in self.rules.extra_holidays if day.year == year}
        named |= _public_holidays(self.rules.jurisdiction, self.rules.holiday_set, year)
        return dict(sorted(named.items()))

    def holiday_name(self, day: date) -> str | None:
        """The name of the public holiday on `day`, else "Closing day" or the declared-holiday name, else None.

        Weekends have no name: a Saturday that is no holiday gives None, although it is not a working day.
        """
        name = _public_holidays(self.rules.jurisdiction, self.rules.holiday_set, day.year).get(day)
        if name is not None:
            return name
        if day in self.rules.extra_holidays:
            return EXTRA_HOLIDAY_NAME
        if day in self.rules.closing_days:
            return CLOSING_DAY_NAME
        return None

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, and not a public holiday, declared holiday or closing day."""
        return day.weekday() < 5 and day not in self._non_working_weekdays_of(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days in (start, end]: after `start`, up to and including `end`.

        So ``working_days_between(start, add(start, Duration(n, WORKING_DAYS))) == n``. When `end` is before `start`
        the count is negative: ``working_days_between(a, b) == -working_days_between(b, a)``, so "working days left
        until the due date" is negative once the term has passed.
        """
        if end < start:
            return -self.working_days_between(end, start)
        weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
        closed = sum(
            1
            for year in range(start.year, end.year + 1)
            for day in self._non_working_weekdays_of(year)
            if start < day <= end
        )
        return weekdays - closed

    # Terms

    def add(self, start: date, duration: Duration) -> date:
        """The due date of a term of `duration` counted from `start` (see the module docstring for the rules)."""
        unit, amount = duration.unit, duration.amount
        if unit is DurationUnit.WORKING_DAYS:
            due = start
            for _ in range(amount):
                due = self.next_working_day(due)
        elif unit is DurationUnit.CALENDAR_DAYS:
            due = start + timedelta(days=amount)
        elif unit is DurationUnit.WEEKS:
            due = start + timedelta(weeks=amount)
        elif unit is DurationUnit.MONTHS:
            due = _add_months(start, amount)
        else:
            due = _add_months(start, 12 * amount)
        if self.rules.move_end_to_working_day and not self.is_working_day(due):
            due = self.next_working_day(due)
        return due

    def _non_working_weekdays_of(self, year: int) -> frozenset[date]:
        days = self._non_working_weekdays.get(year)
        if days is None:
            candidates = (
                set(_public_holidays(self.rules.jurisdiction, self.rules.holiday_set, year))
                | {day for day in self.rules.extra_holidays if day.year == year}
                | {day for day in self.rules.closing_days if day.year == year}
            )
            days = frozenset(day for day in candidates if day.weekday() < 5)
            self._non_working_weekdays[year] = days
        return days


def _add_months(start: date, months: int) -> date:
    """`start` plus whole months, clamped to the last day of a shorter month (dateutil's relativedelta does this)."""
    result: date = start + relativedelta(months=months)
    return result


def _weekdays_up_to(day: date) -> int:
    """The number of Mondays to Fridays from a fixed Monday in the past up to and including `day` (any origin does)."""
    weeks, rest = divmod(day.toordinal() - 1, 7)  # ordinal 1 (1 January of year 1) is a Monday
    return 5 * weeks + min(rest + 1, 5)
