"""The demo shows the routes (issue 14): the colleague manager when the manager was involved (WP-04), the reviewer who
must be unconnected (WH-07) and one officer's confidential case at a firm (WV-01, WV-03, WA-11), each visible only
to whom the procedure routes it, as README's demo section says."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.cases.routing_services import RoutingRefused
from plaint.cases.selectors import cases_visible_to
from plaint.cases.services import case_act
from plaint.demo.loader import demo_load
from plaint.demo.routes import demo_routes_load
from plaint.organisations.models import Person

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 9, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def routes():
    with time_machine.travel(NOW, tick=False):
        demo_load()
        first = demo_routes_load()
        assert first.warnings == [] and first.created == 3
        yield {case.idempotency_key.rsplit(":", 1)[1]: case for case in Case.objects.all()}


def _sees(username: str, case: Case) -> bool:
    user = User.objects.get(username=username)
    fresh = Case.objects.select_related("organisation").get(pk=case.pk)
    listed = cases_visible_to(actor=user).filter(pk=case.pk).exists()
    assert user.has_perm("cases.view_case", fresh) == listed
    return listed


def test_the_route_cases_load_once(routes):
    with time_machine.travel(NOW, tick=False):
        again = demo_routes_load()
    assert (again.created, again.skipped) == (0, 3)
    assert Case.objects.count() == 3


@pytest.mark.clause("WP-04", "WP-02")
def test_wp04_the_colleague_manager_handles_the_complaint_about_the_involved_manager(routes):
    case = routes["wp04-colleague-manager"]
    assert case.handler == Person.objects.get(user__username="wp-manager-2")
    assert _sees("wp-manager-2", case)
    assert not _sees("wp-manager", case)  # the manager complained about


@pytest.mark.clause("WH-07")
def test_wh07_the_director_who_decided_may_not_review_the_unconnected_panel_member_may(routes):
    case = Case.objects.get(pk=routes["wh07-unconnected-review"].pk)
    assert (case.stage, case.status) == ("review", "open")
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(RoutingRefused) as refused:
            case_act(
                case=case,
                actor=User.objects.get(username="wh-senior-manager-2"),
                action="review_decided",
                data={"outcome": "upheld", "reasons": "I stand by it."},
            )
        assert refused.value.rule == "unconnected_review"
        stephen = Person.objects.get(user__username="wh-committee-member")
        case = case_act(
            case=case,
            actor=User.objects.get(username="wh-committee-member"),
            action="handler_assigned",
            data={"handler": stephen.pk},
        )
    assert case.handler == stephen


@pytest.mark.clause("WV-01", "WV-03", "WA-11")
def test_wv03_one_officers_confidential_case_is_seen_by_that_officer_alone(routes):
    case = routes["wv03-one-officer-confidential"]
    assert case.confidentiality == "confidential"
    assert [category.code for category in case.categories.all()] == ["intimidation"]  # WV-01
    assert _sees("wv-complaints-officer", case)
    for username in ("wv-complaints-officer-2", "kb-manager", "kb-senior-manager", "kb-administrator"):
        assert not _sees(username, case), username
