"""The one place Plaint asks for the time, so tests can freeze it (time-machine) and code never calls `now()` ad hoc."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


def now() -> dt.datetime:
    """The current moment, timezone-aware, in UTC."""
    return dt.datetime.now(tz=dt.UTC)


def today_in(zone: str) -> dt.date:
    """Today's date in the given IANA time zone (an organisation's, for instance)."""
    from zoneinfo import ZoneInfo

    return now().astimezone(ZoneInfo(zone)).date()


class _HasTimeZone(Protocol):
    @property
    def time_zone(self) -> str: ...


def today_for(organisation: _HasTimeZone) -> dt.date:
    """ "Today" for an organisation: its own day, in its time zone. Every date Plaint compares with today (a term
    missed, a case overdue, an action's day, the day a membership counts) is the organisation's, never UTC's."""
    return today_in(organisation.time_zone)
