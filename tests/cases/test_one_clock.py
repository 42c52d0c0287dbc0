"""One clock (issue 9): "today" is the organisation's day in its time zone, for the case detail, the overdue list,
the inbox and the sweep alike. Frozen at 23:30 and 00:30 in Amsterdam and London, and across the switches to and from
summer time, so that the UTC date differs from the organisation's (the gap the issue found)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plaint.access.models import User
from plaint.cases.models import Case, Term, TermState
from plaint.cases.selectors import CaseFilters, case_list, cases_overdue
from plaint.cases.services import cases_sweep
from plaint.core import clock
from tests.api.conftest import Api
from tests.cases.factories import organisation_running, register, staff
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
AMSTERDAM, LONDON = "Europe/Amsterdam", "Europe/London"

#: (time zone, the day the term is due, the local moment, whether the term is missed then)
MOMENTS = [
    # an ordinary winter night: Amsterdam is UTC+1, London UTC
    (AMSTERDAM, D(2026, 2, 10), dt.datetime(2026, 2, 10, 23, 30), False),
    (AMSTERDAM, D(2026, 2, 10), dt.datetime(2026, 2, 11, 0, 30), True),  # 23:30 UTC on the 10th
    (LONDON, D(2026, 2, 10), dt.datetime(2026, 2, 10, 23, 30), False),
    (LONDON, D(2026, 2, 10), dt.datetime(2026, 2, 11, 0, 30), True),
    # a summer night: Amsterdam is UTC+2, London UTC+1
    (AMSTERDAM, D(2026, 6, 10), dt.datetime(2026, 6, 10, 23, 30), False),  # 21:30 UTC
    (AMSTERDAM, D(2026, 6, 10), dt.datetime(2026, 6, 11, 0, 30), True),  # 22:30 UTC on the 10th
    (LONDON, D(2026, 6, 10), dt.datetime(2026, 6, 10, 23, 30), False),
    (LONDON, D(2026, 6, 10), dt.datetime(2026, 6, 11, 0, 30), True),  # 23:30 UTC on the 10th
    # the night summer time starts (Sunday 29 March 2026): the clock is still on winter time at 00:30
    (AMSTERDAM, D(2026, 3, 28), dt.datetime(2026, 3, 28, 23, 30), False),
    (AMSTERDAM, D(2026, 3, 28), dt.datetime(2026, 3, 29, 0, 30), True),  # 23:30 UTC on the 28th
    (AMSTERDAM, D(2026, 3, 29), dt.datetime(2026, 3, 29, 23, 30), False),  # summer time now: 21:30 UTC
    (LONDON, D(2026, 3, 29), dt.datetime(2026, 3, 29, 23, 30), False),  # 22:30 UTC
    (LONDON, D(2026, 3, 29), dt.datetime(2026, 3, 30, 0, 30), True),  # 23:30 UTC on the 29th
    # the night summer time ends (Sunday 25 October 2026)
    (AMSTERDAM, D(2026, 10, 24), dt.datetime(2026, 10, 25, 0, 30), True),  # still summer time: 22:30 UTC on the 24th
    (AMSTERDAM, D(2026, 10, 25), dt.datetime(2026, 10, 25, 23, 30), False),  # winter time again: 22:30 UTC
    (LONDON, D(2026, 10, 24), dt.datetime(2026, 10, 25, 0, 30), True),  # 23:30 UTC on the 24th
    (LONDON, D(2026, 10, 25), dt.datetime(2026, 10, 25, 23, 30), False),  # winter time again: 23:30 UTC
]


def _case_due(zone: str, due: dt.date) -> tuple[Case, Api, User]:
    """A case of an organisation in `zone` registered well before, whose first term is due on `due` (its other
    terms a month later: stored due dates are kept as they are, docs/cases.md)."""
    organisation = organisation_running("xs2more", time_zone=zone)
    intake = staff(organisation, "intake_staff")
    with time_machine.travel(dt.datetime(due.year, due.month, 1, 12, tzinfo=dt.UTC), tick=False):
        case = register(organisation, intake)
    term = case.terms.filter(warn_only=False).order_by("due").first()
    assert term is not None
    case.terms.exclude(pk=term.pk).update(due=due + dt.timedelta(days=30))
    Term.objects.filter(pk=term.pk).update(due=due, state=TermState.PENDING)
    case.first_term = term.key
    Case.objects.filter(pk=case.pk).update(next_due=due)
    return case, Api().as_user(intake), intake


@pytest.mark.parametrize(("zone", "due", "local", "missed"), MOMENTS, ids=lambda v: str(v))
def test_today_is_the_organisations_day_everywhere(zone, due, local, missed):
    # Given a case whose term is due on `due`, in an organisation in `zone`
    case, api, actor = _case_due(zone, due)
    # When the clock stands at `local` in that zone
    moment = local.replace(tzinfo=ZoneInfo(zone))
    with time_machine.travel(moment, tick=False):
        assert clock.today_in(zone) == local.date()
        # then the detail, the overdue list and the inbox filter agree on whether the term is missed
        detail = api.detail(case.pk).json()
        states = {term["key"]: term["state"] for term in detail["terms"]}
        assert states.pop(case.first_term) == ("missed" if missed else "pending")
        assert set(states.values()) <= {"pending"}
        listed = [item["id"] for item in api.list(overdue="true").json()["results"]]
        assert listed == ([case.pk] if missed else [])
        not_listed = [item["id"] for item in api.list(overdue="false").json()["results"]]
        assert not_listed == ([] if missed else [case.pk])
        assert list(cases_overdue(actor=actor).values_list("pk", flat=True)) == ([case.pk] if missed else [])
        assert case_list(actor=actor, filters=CaseFilters(overdue=True)).exists() is missed
        # and the sweep marks it missed exactly then
        assert cases_sweep() == (1 if missed else 0)
    assert Term.objects.get(case=case, key=case.first_term).state == (TermState.MISSED if missed else TermState.PENDING)


def test_organisations_in_two_zones_each_keep_their_own_day():
    # Given two cases due on 10 June, one in Amsterdam and one in London, seen by a superuser
    amsterdam, _api, _user = _case_due(AMSTERDAM, D(2026, 6, 10))
    london, _api, _user = _case_due(LONDON, D(2026, 6, 10))
    admin = UserFactory(is_superuser=True)
    # When it is 00:30 on 11 June in Amsterdam, 23:30 on 10 June in London (22:30 UTC)
    with time_machine.travel(dt.datetime(2026, 6, 10, 22, 30, tzinfo=dt.UTC), tick=False):
        overdue = set(cases_overdue(actor=admin).values_list("pk", flat=True))
        # then only Amsterdam's is overdue
        assert overdue == {amsterdam.pk}
        assert cases_sweep() == 1
    assert Term.objects.get(case=amsterdam, key=amsterdam.first_term).state == TermState.MISSED
    assert Term.objects.get(case=london, key=london.first_term).state == TermState.PENDING
