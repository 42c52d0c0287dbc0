"""The calendar's product rules, each on real dates: terms in days, weeks, months and working days, holidays per
jurisdiction, the Algemene termijnenwet, closing days and moving a due date off a non-working day."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from plaint.engine import calendar as calendar_module
from plaint.engine.calendar import Calendar, CalendarRules, Duration, DurationUnit, UnknownJurisdiction

CALENDAR_DAYS = DurationUnit.CALENDAR_DAYS
WORKING_DAYS = DurationUnit.WORKING_DAYS
WEEKS = DurationUnit.WEEKS
MONTHS = DurationUnit.MONTHS
YEARS = DurationUnit.YEARS


def working_days(amount: int) -> Duration:
    return Duration(amount, WORKING_DAYS)


# Calendar days and weeks


@pytest.mark.clause("XS-03")
def test_xs03_two_weeks_from_receipt_is_the_same_weekday_two_weeks_later() -> None:
    # given a complaint received on Monday 2 March 2026 (Xs2more, Netherlands)
    calendar = Calendar.for_jurisdiction("NL")
    # when the two-week acknowledgement term is counted
    due = calendar.add(date(2026, 3, 2), Duration(2, WEEKS))
    # then it ends on Monday 16 March 2026
    assert due == date(2026, 3, 16)


@pytest.mark.clause("WU-08")
def test_wu08_one_week_ignores_bank_holidays() -> None:
    # given a formal complaint received on Good Friday eve, Thursday 2 April 2026 (England)
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when the one-week acknowledgement term is counted
    due = calendar.add(date(2026, 4, 2), Duration(1, WEEKS))
    # then Good Friday and Easter Monday do not lengthen it: Thursday 9 April 2026
    assert due == date(2026, 4, 9)


@pytest.mark.clause("WH-01")
def test_wh01_eight_weeks_to_consider_the_complaint() -> None:
    # given a complaint received on Thursday 17 December 2026 (England)
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when the eight-week term is counted
    due = calendar.add(date(2026, 12, 17), Duration(8, WEEKS))
    # then it ends on Thursday 11 February 2027, Christmas and New Year included
    assert due == date(2027, 2, 11)


def test_calendar_days_are_plain_date_arithmetic_across_a_year_end() -> None:
    # given a Dutch calendar
    calendar = Calendar.for_jurisdiction("NL")
    # when 21 calendar days are added to 20 December 2026
    due = calendar.add(date(2026, 12, 20), Duration(21, CALENDAR_DAYS))
    # then the holidays do not matter: 10 January 2027 (a Sunday, left where it is)
    assert due == date(2027, 1, 10)


# Working days


@pytest.mark.clause("WA-03")
def test_wa03_five_working_days_start_counting_the_day_after_receipt() -> None:
    # given a written complaint received on Thursday 17 December 2026 (Workare, England)
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when the five-working-day acknowledgement term is counted
    due = calendar.add(date(2026, 12, 17), working_days(5))
    # then Fri 18, Mon 21, Tue 22, Wed 23 and Thu 24 count: due Thursday 24 December 2026
    assert due == date(2026, 12, 24)


@pytest.mark.clause("WA-03")
def test_wa03_five_working_days_skip_christmas_the_substitute_boxing_day_and_new_year() -> None:
    # given the library's real English bank holidays around the turn of 2026/27
    calendar = Calendar.for_jurisdiction("GB-ENG")
    assert calendar.holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert calendar.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"  # 26 December is a Saturday
    assert calendar.holiday_name(date(2027, 1, 1)) == "New Year's Day"
    # when a written complaint received on Wednesday 23 December 2026 gets five working days
    due = calendar.add(date(2026, 12, 23), working_days(5))
    # then Thu 24, Tue 29, Wed 30, Thu 31 Dec and Mon 4 Jan count: due Monday 4 January 2027
    assert due == date(2027, 1, 4)


@pytest.mark.clause("WA-03")
def test_wa03_a_complaint_received_at_the_weekend_counts_from_monday() -> None:
    # given a written complaint received on Saturday 7 March 2026 (England)
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when five working days are counted
    due = calendar.add(date(2026, 3, 7), working_days(5))
    # then Monday 9 to Friday 13 March count: due Friday 13 March 2026
    assert due == date(2026, 3, 13)


@pytest.mark.clause("WA-07")
def test_wa07_outcome_within_21_working_days_and_delay_explained_after_ten() -> None:
    # given an acknowledgement sent on Monday 30 March 2026 (England: Good Friday 3 April, Easter Monday 6 April,
    # Early May bank holiday 4 May)
    calendar = Calendar.for_jurisdiction("GB-ENG")
    acknowledged = date(2026, 3, 30)
    # when the ten- and 21-working-day terms are counted from the acknowledgement
    explain_delay_by = calendar.add(acknowledged, working_days(10))
    outcome_by = calendar.add(acknowledged, working_days(21))
    # then ten working days are 31 March, 1, 2, 7, 8, 9, 10, 13, 14 and 15 April: Wednesday 15 April 2026
    assert explain_delay_by == date(2026, 4, 15)
    # and eleven more are 16, 17, 20 to 24 and 27 to 30 April: 21 working days end on Thursday 30 April 2026
    assert outcome_by == date(2026, 4, 30)
    assert calendar.working_days_between(acknowledged, outcome_by) == 21


def test_zero_working_days_on_a_working_day_is_the_start_itself() -> None:
    # given a Tuesday
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when zero working days are added
    # then the start itself is the due date
    assert calendar.add(date(2026, 3, 3), working_days(0)) == date(2026, 3, 3)


def test_zero_of_any_unit_on_a_sunday_returns_the_sunday_without_moving_the_end() -> None:
    # given a Sunday and a calendar that does not move due dates
    calendar = Calendar.for_jurisdiction("NL")
    sunday = date(2026, 3, 8)
    # when zero of any unit is added
    # then the Sunday itself is returned, not the next working day
    for unit in DurationUnit:
        assert calendar.add(sunday, Duration(0, unit)) == sunday


def test_zero_of_any_unit_on_a_sunday_moves_to_monday_when_the_end_moves() -> None:
    # given a Sunday and a calendar that moves due dates off non-working days
    calendar = Calendar.for_jurisdiction("NL", move_end_to_working_day=True)
    # when zero of any unit (working days too) is added
    # then the general rule applies: the due date moves to Monday 9 March 2026
    for unit in DurationUnit:
        assert calendar.add(date(2026, 3, 8), Duration(0, unit)) == date(2026, 3, 9)


def test_working_days_between_counts_after_start_up_to_and_including_end() -> None:
    # given an English calendar and the week of Good Friday 2026
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when the working days from Monday 30 March to Tuesday 7 April are counted
    # then Tue 31, Wed 1, Thu 2 and Tue 7 count (Good Friday, the weekend and Easter Monday do not)
    assert calendar.working_days_between(date(2026, 3, 30), date(2026, 4, 7)) == 4
    # and an empty interval counts none, a reversed one counts negatively
    assert calendar.working_days_between(date(2026, 3, 30), date(2026, 3, 30)) == 0
    assert calendar.working_days_between(date(2026, 4, 7), date(2026, 3, 30)) == -4


def test_next_working_day_is_strictly_after_the_day() -> None:
    # given an English calendar
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when asking for the working day after a working day, and after Maundy Thursday 2026
    # then it is the next day, and Tuesday after Easter (Good Friday, weekend and Easter Monday skipped)
    assert calendar.next_working_day(date(2026, 3, 3)) == date(2026, 3, 4)
    assert calendar.next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)


# Months and years


@pytest.mark.clause("WP-15")
def test_wp15_six_months_from_31_august_clamps_to_the_end_of_february() -> None:
    # given internal handling that ended on Monday 31 August 2026 (WerkPro, Netherlands)
    calendar = Calendar.for_jurisdiction("NL")
    # when the six months to go to the Klachtencommissie are counted
    due = calendar.add(date(2026, 8, 31), Duration(6, MONTHS))
    # then 31 February does not exist: the term ends on Sunday 28 February 2027
    assert due == date(2027, 2, 28)


@pytest.mark.clause("WP-18")
def test_wp18_six_months_for_the_committee_ends_on_the_same_day_of_the_month() -> None:
    # given a complaint the committee received on Thursday 15 October 2026
    calendar = Calendar.for_jurisdiction("NL")
    # when the committee's six months are counted
    due = calendar.add(date(2026, 10, 15), Duration(6, MONTHS))
    # then it must decide by Thursday 15 April 2027
    assert due == date(2027, 4, 15)


def test_one_month_from_31_january_in_a_leap_year_is_29_february() -> None:
    # given 31 January 2028 (2028 is a leap year)
    calendar = Calendar.for_jurisdiction("NL")
    # when one month is added
    # then the end of February is 29 February 2028
    assert calendar.add(date(2028, 1, 31), Duration(1, MONTHS)) == date(2028, 2, 29)


@pytest.mark.clause("WP-03")
def test_wp03_one_year_from_an_event_on_29_february_ends_on_28_february() -> None:
    # given an event on 29 February 2024 and one on Monday 2 March 2026
    calendar = Calendar.for_jurisdiction("NL")
    # when the one-year admissibility term is counted
    # then 29 February 2025 does not exist and the term clamps to 28 February 2025
    assert calendar.add(date(2024, 2, 29), Duration(1, YEARS)) == date(2025, 2, 28)
    assert calendar.add(date(2026, 3, 2), Duration(1, YEARS)) == date(2027, 3, 2)


# Moving the end to a working day (Algemene termijnenwet art. 1)


def test_four_weeks_ending_on_kings_day_move_to_the_next_working_day() -> None:
    # given a Dutch calendar that moves due dates, and a complaint received on Monday 30 March 2026
    calendar = Calendar.for_jurisdiction("NL", move_end_to_working_day=True)
    # when four weeks are counted, ending on Monday 27 April 2026, King's Day
    due = calendar.add(date(2026, 3, 30), Duration(4, WEEKS))
    # then the due date moves to Tuesday 28 April 2026
    assert due == date(2026, 4, 28)
    # and without the rule it stays on King's Day
    assert Calendar.for_jurisdiction("NL").add(date(2026, 3, 30), Duration(4, WEEKS)) == date(2026, 4, 27)


@pytest.mark.clause("WP-15")
def test_wp15_six_months_ending_on_a_sunday_move_to_monday() -> None:
    # given a Dutch calendar that moves due dates
    calendar = Calendar.for_jurisdiction("NL", move_end_to_working_day=True)
    # when six months from 31 August 2026 end on Sunday 28 February 2027
    due = calendar.add(date(2026, 8, 31), Duration(6, MONTHS))
    # then the term ends on Monday 1 March 2027
    assert due == date(2027, 3, 1)


@pytest.mark.clause("XS-13")
def test_xs13_six_weeks_extended_by_six_weeks_lands_on_whit_monday_and_moves() -> None:
    # given a complaint received on Monday 13 April 2026 by Xs2more (Netherlands)
    plain = Calendar.for_jurisdiction("NL")
    moving = Calendar.for_jurisdiction("NL", move_end_to_working_day=True)
    received = date(2026, 4, 13)
    # when the six-week handling term is counted, then extended (with reasons) by at most six weeks
    handling_due = plain.add(received, Duration(6, WEEKS))
    extended_due = plain.add(handling_due, Duration(6, WEEKS))
    # then handling is due on Monday 25 May 2026, and the extension ends on Monday 6 July 2026
    assert handling_due == date(2026, 5, 25)
    assert extended_due == date(2026, 7, 6)
    assert extended_due == plain.add(received, Duration(12, WEEKS))
    # and 25 May 2026 is Whit Monday: a calendar that moves due dates makes it Tuesday 26 May
    assert plain.holiday_name(date(2026, 5, 25)) is not None
    assert moving.add(received, Duration(6, WEEKS)) == date(2026, 5, 26)


def test_working_day_terms_are_not_moved_because_they_already_end_on_a_working_day() -> None:
    # given the same English rules with and without moving the end
    moving = Calendar.for_jurisdiction("GB-ENG", move_end_to_working_day=True)
    plain = Calendar.for_jurisdiction("GB-ENG")
    # when five working days are counted from 23 December 2026
    # then both give Monday 4 January 2027
    assert moving.add(date(2026, 12, 23), working_days(5)) == plain.add(date(2026, 12, 23), working_days(5))


# The United Kingdom


def test_christmas_2021_on_a_weekend_gives_substitute_days_on_monday_and_tuesday() -> None:
    # given Christmas Day 2021 on a Saturday and Boxing Day on a Sunday
    for code in ("GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"):
        calendar = Calendar.for_jurisdiction(code)
        # when looking at Monday 27 and Tuesday 28 December 2021
        # then both are substitute bank holidays, and Wednesday 29 is a working day again
        assert not calendar.is_working_day(date(2021, 12, 27)), code
        assert not calendar.is_working_day(date(2021, 12, 28)), code
        assert calendar.is_working_day(date(2021, 12, 29)), code


def test_christmas_2022_on_a_sunday_moves_to_tuesday_27_december() -> None:
    # given Christmas Day 2022 on a Sunday
    calendar = Calendar.for_jurisdiction("GB-ENG")
    # when looking at the days after
    # then Boxing Day is Monday 26 and Christmas is observed on Tuesday 27 December 2022
    assert calendar.holiday_name(date(2022, 12, 26)) == "Boxing Day"
    assert calendar.holiday_name(date(2022, 12, 27)) == "Christmas Day (observed)"
    assert calendar.working_days_between(date(2022, 12, 23), date(2022, 12, 28)) == 1


def test_easter_monday_is_a_bank_holiday_in_england_and_wales_but_not_in_scotland() -> None:
    # given Easter Monday 2026, 6 April
    easter_monday = date(2026, 4, 6)
    # when asking each nation
    # then it is a bank holiday in England, Wales and Northern Ireland, a working day in Scotland
    assert not Calendar.for_jurisdiction("GB-ENG").is_working_day(easter_monday)
    assert not Calendar.for_jurisdiction("GB-WLS").is_working_day(easter_monday)
    assert not Calendar.for_jurisdiction("GB-NIR").is_working_day(easter_monday)
    assert Calendar.for_jurisdiction("GB-SCT").is_working_day(easter_monday)


def test_scotland_has_2_january_and_saint_andrews_day_instead() -> None:
    # given Friday 2 January 2026 and Monday 30 November 2026
    scotland, england = Calendar.for_jurisdiction("GB-SCT"), Calendar.for_jurisdiction("GB-ENG")
    # when asking Scotland and England
    # then they are bank holidays in Scotland only
    for day in (date(2026, 1, 2), date(2026, 11, 30)):
        assert not scotland.is_working_day(day)
        assert england.is_working_day(day)
    assert scotland.holiday_name(date(2026, 11, 30)) == "Saint Andrew's Day"


def test_northern_ireland_has_saint_patricks_day_and_the_twelfth() -> None:
    # given 17 March (a Tuesday in 2026) and 12 July (a Sunday in 2026, so observed on Monday 13 July)
    northern_ireland, england = Calendar.for_jurisdiction("GB-NIR"), Calendar.for_jurisdiction("GB-ENG")
    # when asking Northern Ireland and England
    # then they are bank holidays in Northern Ireland only
    for day in (date(2026, 3, 17), date(2026, 7, 13), date(2027, 7, 12)):
        assert not northern_ireland.is_working_day(day), day
        assert england.is_working_day(day), day
    assert northern_ireland.holiday_name(date(2026, 3, 17)) == "Saint Patrick's Day"


# The Netherlands


def test_kings_day_is_27_april_or_the_saturday_before_when_it_falls_on_a_sunday() -> None:
    # given a Dutch calendar
    calendar = Calendar.for_jurisdiction("NL")
    # when asking for King's Day in 2026 (27 April, a Monday) and 2025 (27 April a Sunday)
    # then it is 27 April 2026, and 26 April 2025 rather than the Sunday
    assert calendar.holiday_name(date(2026, 4, 27)) == "King's Day"
    assert calendar.holiday_name(date(2025, 4, 26)) == "King's Day"
    assert calendar.holiday_name(date(2025, 4, 27)) is None


def test_dutch_public_holidays_of_2026_are_the_librarys() -> None:
    # given a Dutch calendar on the library's holiday set
    calendar = Calendar.for_jurisdiction("NL")
    # when listing 2026's non-working weekdays
    weekdays = {day for day in calendar.holidays_in(2026) if day.weekday() < 5}
    # then they are New Year, Good Friday, Easter Monday, King's Day, Ascension, Whit Monday and Christmas
    assert weekdays == {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
    }
    # and Boxing Day, a Saturday in 2026, is a holiday that changes nothing
    assert calendar.holiday_name(date(2026, 12, 26)) == "Second Day of Christmas"


def test_liberation_day_is_a_library_holiday_in_lustrum_years_only() -> None:
    # given a Dutch calendar on the library's holiday set
    calendar = Calendar.for_jurisdiction("NL")
    # when asking about 5 May in 2025 (a lustrum) and 2026
    # then only 2025's is a holiday
    assert not calendar.is_working_day(date(2025, 5, 5))
    assert calendar.is_working_day(date(2026, 5, 5))


def test_termijnenwet_counts_liberation_day_every_year_and_not_good_friday() -> None:
    # given a Dutch calendar on the Algemene termijnenwet's holiday set
    calendar = Calendar.for_jurisdiction("NL", holiday_set="termijnenwet")
    # when asking about Tuesday 5 May 2026 and Good Friday, 3 April 2026
    # then Liberation Day is a holiday and Good Friday a working day
    assert not calendar.is_working_day(date(2026, 5, 5))
    assert calendar.holiday_name(date(2026, 5, 5)) == "Liberation Day"
    assert calendar.is_working_day(date(2026, 4, 3))
    assert calendar.holiday_name(date(2026, 4, 3)) is None


@pytest.mark.parametrize("year", [2025, 2026, 2030])
def test_termijnenwet_holidays_are_exactly_those_of_article_3(year: int) -> None:
    # given the library's own dates for the Dutch holidays of `year`
    library = holidays.country_holidays("NL", years=year, language="en_US")
    by_name = {name: day for day, name in library.items()}
    expected = {
        by_name["New Year's Day"],
        by_name["Easter Sunday"],
        by_name["Easter Monday"],
        by_name["Ascension Day"],
        by_name["Pentecost"],
        by_name["Pentecost Monday"],
        by_name["Christmas Day"],
        by_name["Second Day of Christmas"],
        by_name["King's Day"],
        date(year, 5, 5),  # Liberation Day, every year
    }
    # when listing the termijnenwet holidays
    calendar = Calendar.for_jurisdiction("NL", holiday_set="termijnenwet")
    # then they are exactly article 3's: no Good Friday, Liberation Day every year
    assert set(calendar.holidays_in(year)) == expected


def test_termijnenwet_outside_the_netherlands_is_an_error() -> None:
    # given English rules asking for the Dutch termijnenwet
    # when the rules are made
    # then a ValueError names the problem
    with pytest.raises(ValueError, match=r"termijnenwet.*Netherlands only"):
        CalendarRules("GB-ENG", holiday_set="termijnenwet")


def test_an_unknown_holiday_set_is_an_error() -> None:
    with pytest.raises(ValueError, match="Unknown holiday set 'bank'"):
        CalendarRules("NL", holiday_set="bank")


# Extra holidays and closing days


def test_extra_holidays_and_closing_days_are_not_working_days() -> None:
    # given a Dutch organisation closed on Friday 15 May 2026 (after Ascension) and a decreed holiday on 5 May 2026
    calendar = Calendar(
        CalendarRules(
            "NL",
            extra_holidays=frozenset({date(2026, 5, 5)}),
            closing_days=frozenset({date(2026, 5, 15)}),
        )
    )
    # when asking about those days
    # then neither is a working day, and each has a name
    assert not calendar.is_working_day(date(2026, 5, 5))
    assert not calendar.is_working_day(date(2026, 5, 15))
    assert calendar.holiday_name(date(2026, 5, 5)) == "Day declared equal to a public holiday"
    assert calendar.holiday_name(date(2026, 5, 15)) == "Closing day"
    # and five working days from Wednesday 13 May skip Ascension (14) and the closing day (15): Mon 18 to Fri 22 May
    assert calendar.add(date(2026, 5, 13), working_days(5)) == date(2026, 5, 22)
    assert calendar.working_days_between(date(2026, 5, 13), date(2026, 5, 22)) == 5


def test_a_closing_day_on_a_public_holiday_keeps_the_holidays_name() -> None:
    calendar = Calendar.for_jurisdiction("NL", closing_days=[date(2026, 12, 25), date(2026, 12, 24)])
    assert calendar.holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert calendar.holiday_name(date(2026, 12, 24)) == "Closing day"
    assert calendar.holiday_name(date(2026, 12, 23)) is None


def test_rules_keep_any_iterable_of_days_as_a_frozenset_and_stay_hashable() -> None:
    rules = CalendarRules("NL", closing_days={date(2026, 12, 24)})  # type: ignore[arg-type]
    assert rules.closing_days == frozenset({date(2026, 12, 24)})
    assert hash(rules) == hash(CalendarRules("NL", closing_days=frozenset({date(2026, 12, 24)})))


def test_rules_refuse_datetimes_among_the_days() -> None:
    from datetime import datetime

    with pytest.raises(TypeError, match="dates only"):
        CalendarRules("NL", closing_days=frozenset({datetime(2026, 12, 24, 9, 0)}))


# Jurisdictions and the cache


def test_unknown_jurisdiction_lists_the_supported_codes() -> None:
    # given a code the calendar does not know
    # when a calendar is asked for it
    with pytest.raises(UnknownJurisdiction) as raised:
        Calendar.for_jurisdiction("GB")
    # then the error is a ValueError naming every supported code
    assert isinstance(raised.value, ValueError)
    assert raised.value.code == "GB"
    for code in ("NL", "GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"):
        assert code in str(raised.value)


def test_holidays_are_looked_up_once_per_year_however_many_terms_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    # given an empty holiday cache and a count of the library's lookups
    calendar_module._public_holidays.cache_clear()
    lookups: list[int] = []
    real_lookup = holidays.country_holidays

    def counting_lookup(*args: object, **kwargs: object) -> holidays.HolidayBase:
        lookups.append(1)
        return real_lookup(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(holidays, "country_holidays", counting_lookup)
    # when many terms within 2026 are counted, on two calendars of the same jurisdiction
    for calendar in (Calendar.for_jurisdiction("GB-ENG"), Calendar.for_jurisdiction("GB-ENG", closing_days=[])):
        for day in range(1, 29):
            calendar.add(date(2026, 2, day), working_days(10))
            calendar.holiday_name(date(2026, 3, day))
    # then the library was asked once, for 2026
    assert len(lookups) == 1
    calendar_module._public_holidays.cache_clear()


# Durations


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(5, WORKING_DAYS), "5 working days"),
        (Duration(1, WORKING_DAYS), "1 working day"),
        (Duration(6, WEEKS), "6 weeks"),
        (Duration(1, MONTHS), "1 month"),
        (Duration(1, YEARS), "1 year"),
        (Duration(21, CALENDAR_DAYS), "21 calendar days"),
        (Duration(0, WEEKS), "0 weeks"),
    ],
)
def test_a_duration_reads_as_english_and_parses_back(duration: Duration, text: str) -> None:
    assert str(duration) == text
    assert Duration.parse(text) == duration


def test_a_duration_parses_unit_values_and_plain_days() -> None:
    assert Duration.parse("10 working_days") == Duration(10, WORKING_DAYS)
    assert Duration.parse(" 14  Days ") == Duration(14, CALENDAR_DAYS)


@pytest.mark.parametrize("text", ["five working days", "5 fortnights", "-1 weeks", "5", ""])
def test_a_duration_that_is_no_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="Not a duration"):
        Duration.parse(text)


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        Duration(-1, WEEKS)


def test_a_duration_accepts_the_units_value_and_keeps_the_enum() -> None:
    duration = Duration(3, "weeks")  # type: ignore[arg-type]
    assert duration.unit is WEEKS
