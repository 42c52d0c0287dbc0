"""Properties of the calendar's arithmetic, over every jurisdiction, both Dutch holiday sets, random closing days and
dates from 1990 to 2090, checked with hypothesis against the holidays library's real dates."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from plaint.engine.calendar import JURISDICTIONS, Calendar, CalendarRules, Duration, DurationUnit

WORKING_DAYS = DurationUnit.WORKING_DAYS

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
amounts = st.integers(min_value=0, max_value=60)


@st.composite
def calendars(draw: st.DrawFn, *, move_end: bool | None = None) -> Calendar:
    jurisdiction = draw(st.sampled_from(sorted(JURISDICTIONS)))
    holiday_set = draw(st.sampled_from(["library", "termijnenwet"])) if jurisdiction == "NL" else "library"
    near = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
    return Calendar(
        CalendarRules(
            jurisdiction,
            holiday_set=holiday_set,
            extra_holidays=draw(st.frozensets(near, max_size=5)),
            closing_days=draw(st.frozensets(near, max_size=15)),
            move_end_to_working_day=draw(st.booleans()) if move_end is None else move_end,
        )
    )


def brute_force_working_days(calendar: Calendar, start: date, end: date) -> int:
    days = (start + timedelta(days=offset) for offset in range(1, (end - start).days + 1))
    return sum(1 for day in days if calendar.is_working_day(day))


@given(calendars(), dates, st.integers(min_value=1, max_value=60))
def test_n_working_days_end_on_a_working_day_strictly_after_the_start(calendar: Calendar, start: date, n: int) -> None:
    # given any calendar, start and n >= 1
    # when n working days are added
    due = calendar.add(start, Duration(n, WORKING_DAYS))
    # then the due date is a working day after the start
    assert due > start
    assert calendar.is_working_day(due)


@given(calendars(), dates, amounts)
def test_working_days_between_start_and_due_is_the_amount(calendar: Calendar, start: date, n: int) -> None:
    # given a term of n working days
    due = calendar.add(start, Duration(n, WORKING_DAYS))
    # when its working days are counted
    # then there are exactly n, both by the fast count and day by day
    if n == 0 and calendar.rules.move_end_to_working_day and not calendar.is_working_day(start):
        # (the one exception: zero working days from a non-working day moves to the next working day)
        assert due == calendar.next_working_day(start)
        return
    assert calendar.working_days_between(start, due) == n
    assert brute_force_working_days(calendar, start, due) == n


@given(calendars(move_end=False), dates, amounts, amounts)
def test_adding_n_then_m_working_days_is_adding_n_plus_m(calendar: Calendar, start: date, n: int, m: int) -> None:
    # given two consecutive terms of working days
    # when they are added one after the other, and at once
    # then they end on the same day
    after_n = calendar.add(start, Duration(n, WORKING_DAYS))
    assert calendar.add(after_n, Duration(m, WORKING_DAYS)) == calendar.add(start, Duration(n + m, WORKING_DAYS))


@given(calendars(), dates, dates)
def test_working_days_between_matches_a_day_by_day_count_and_is_antisymmetric(
    calendar: Calendar, first: date, second: date
) -> None:
    # given two dates at most a few years apart
    start, end = min(first, second), min(max(first, second), min(first, second) + timedelta(days=1500))
    # when the working days between them are counted
    count = calendar.working_days_between(start, end)
    # then the fast count agrees with counting day by day, and reversing the dates negates it
    assert count == brute_force_working_days(calendar, start, end)
    assert calendar.working_days_between(end, start) == -count


@given(calendars(), dates, dates, dates)
def test_working_days_between_is_additive(calendar: Calendar, a: date, b: date, c: date) -> None:
    assert calendar.working_days_between(a, b) + calendar.working_days_between(b, c) == (
        calendar.working_days_between(a, c)
    )


@given(calendars(), dates)
def test_next_working_day_skips_only_non_working_days(calendar: Calendar, day: date) -> None:
    # given any day
    # when the next working day is asked for
    following = calendar.next_working_day(day)
    # then it is a working day after `day` and every day in between is not
    assert following > day
    assert calendar.is_working_day(following)
    assert calendar.working_days_between(day, following) == 1


@given(calendars(move_end=False), dates, amounts)
def test_weeks_are_seven_calendar_days(calendar: Calendar, start: date, n: int) -> None:
    weeks = calendar.add(start, Duration(n, DurationUnit.WEEKS))
    assert weeks == calendar.add(start, Duration(7 * n, DurationUnit.CALENDAR_DAYS))
    assert weeks == start + timedelta(days=7 * n)


@given(calendars(move_end=False), dates, st.integers(min_value=0, max_value=120))
def test_month_addition_lands_in_the_right_month_and_clamps_to_its_last_day(
    calendar: Calendar, start: date, n: int
) -> None:
    # given any start and n months
    # when they are added
    due = calendar.add(start, Duration(n, DurationUnit.MONTHS))
    # then the due date is in the month n months later, on the same day or that month's last day
    year, month = divmod(start.year * 12 + start.month - 1 + n, 12)
    assert (due.year, due.month) == (year, month + 1)
    assert due.day == min(start.day, stdlib_calendar.monthrange(due.year, due.month)[1])


@given(calendars(move_end=False), dates, dates, st.integers(min_value=0, max_value=120))
def test_month_addition_is_monotonic(calendar: Calendar, first: date, second: date, n: int) -> None:
    earlier, later = sorted((first, second))
    months = Duration(n, DurationUnit.MONTHS)
    assert calendar.add(earlier, months) <= calendar.add(later, months)
    assert calendar.add(earlier, months) <= calendar.add(earlier, Duration(n + 1, DurationUnit.MONTHS))


@given(calendars(), dates, st.integers(min_value=0, max_value=10))
def test_years_are_twelve_months(calendar: Calendar, start: date, n: int) -> None:
    assert calendar.add(start, Duration(n, DurationUnit.YEARS)) == calendar.add(
        start, Duration(12 * n, DurationUnit.MONTHS)
    )


@given(calendars(move_end=False), dates, amounts, st.sampled_from(list(DurationUnit)))
def test_moving_the_end_gives_a_working_day_never_earlier_and_only_when_needed(
    plain: Calendar, start: date, n: int, unit: DurationUnit
) -> None:
    # given the same rules without and with moving the end to a working day
    rules = plain.rules
    moving = Calendar(
        CalendarRules(
            rules.jurisdiction,
            holiday_set=rules.holiday_set,
            extra_holidays=rules.extra_holidays,
            closing_days=rules.closing_days,
            move_end_to_working_day=True,
        )
    )
    duration = Duration(n, unit)
    # when the same term is counted on both
    unmoved, moved = plain.add(start, duration), moving.add(start, duration)
    # then the moved due date is a working day, never earlier, and the first working day from the unmoved one on
    assert moving.is_working_day(moved)
    assert moved >= unmoved
    assert moved == (unmoved if plain.is_working_day(unmoved) else plain.next_working_day(unmoved))


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(list(DurationUnit)))
def test_a_duration_parses_back_from_its_text(amount: int, unit: DurationUnit) -> None:
    duration = Duration(amount, unit)
    assert Duration.parse(str(duration)) == duration
