"""WP-15 through the services with a frozen clock: the complainant's six months end at midnight in the
organisation's time zone (Europe/Amsterdam), not UTC; a late filing is flagged on the case and on its event."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plaint.cases.selectors import case_view
from plaint.cases.services import case_act
from tests.cases.factories import case_in_stage, organisation_running, staff

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: dt.date, hour: int, minute: int) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM), tick=False)


def _closed_case():
    organisation = organisation_running("werkpro", time_zone="Europe/Amsterdam")
    with at(dt.date(2025, 5, 26), 10, 0):
        case = case_in_stage(organisation, "manager", status="closed-unresolved")
    return organisation, case


@pytest.mark.parametrize(
    ("day", "hour", "minute", "late"),
    [
        (dt.date(2025, 11, 26), 23, 59, False),  # the last day, a minute before midnight in Amsterdam (22:59 UTC)
        (dt.date(2025, 11, 27), 0, 1, True),  # a minute after midnight in Amsterdam (still 26 November in UTC)
    ],
)
def test_wp15_filing_with_the_committee_just_before_and_after_midnight(day, hour, minute, late):
    organisation, case = _closed_case()
    with at(dt.date(2025, 6, 1), 10, 0):
        (limit,) = case_view(case=case).limits
    assert (limit.started_on, limit.due, limit.state) == (dt.date(2025, 5, 26), dt.date(2025, 11, 26), "open")
    intake = staff(organisation, "intake_staff")
    with at(day, hour, minute):
        case = case_act(case=case, actor=intake, action="external_filed", data={}, on_behalf_of="complainant")
        view = case_view(case=case)
    event = case.events.order_by("-sequence").first()
    assert event is not None and event.kind == "external_filed"
    flagged = [warning for warning in view.warnings if warning.code == "external_filed_late"]
    if late:
        assert event.data["late"]["clauses"] == ["WP-15"]
        assert "27 november 2025" in flagged[0].text("nl") and "(WP-15)" in flagged[0].text("en")
    else:
        assert "late" not in event.data and not flagged
