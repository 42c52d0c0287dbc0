"""The one place Plaint asks for the time, so tests can freeze it (time-machine) and code never calls `now()` ad hoc."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current moment, timezone-aware, in UTC."""
    return dt.datetime.now(tz=dt.UTC)


def today_in(zone: str) -> dt.date:
    """Today's date in the given IANA time zone (an organisation's, for instance)."""
    from zoneinfo import ZoneInfo

    return now().astimezone(ZoneInfo(zone)).date()
