"""The working-day table the analyses join on (`WorkingDay`), filled from the engine's calendar once per year."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from plaint.engine.calendar import Calendar, CalendarRules
from plaint.reporting.models import WorkingDay

#: Working-day indexes count from here; any fixed day before every case does.
ORIGIN = dt.date(1999, 12, 31)


def calendar_key(rules: CalendarRules) -> str:
    """A stable name for a calendar's rules, such as `NL/library` or `NL/termijnenwet/+2027-05-06`."""
    extra = sorted({*rules.extra_holidays, *rules.closing_days})
    return "/".join([rules.jurisdiction, rules.holiday_set, *(f"+{day.isoformat()}" for day in extra)])[:200]


def working_days_ensure(*, rules: CalendarRules, first: dt.date, last: dt.date) -> str:
    """Make sure every day of the years from `first` to `last` is in the table for `rules`; return its key.

    Idempotent and safe to run concurrently (a year already there is skipped; a clash is ignored)."""
    key = calendar_key(rules)
    calendar = Calendar(rules)
    years = range(max(first.year, ORIGIN.year + 1), last.year + 1)
    present = set(
        WorkingDay.objects.filter(calendar=key, day__year__in=list(years), day__month=1, day__day=1).values_list(
            "day__year", flat=True
        )
    )
    for number in years:
        if number in present:
            continue
        day = dt.date(number, 1, 1)
        index = calendar.working_days_between(ORIGIN, day - dt.timedelta(days=1))
        rows = []
        while day.year == number:
            working = calendar.is_working_day(day)
            index += int(working)
            rows.append(WorkingDay(calendar=key, day=day, ordinal=day.toordinal(), index=index, working=working))
            day += dt.timedelta(days=1)
        try:
            with transaction.atomic():
                WorkingDay.objects.bulk_create(rows)
        except IntegrityError:
            pass  # filled by someone else meanwhile
    return key
