"""The "case in stage X" factory: a case brought to a stage by the shortest run its procedure allows."""

from __future__ import annotations

import pytest

from tests.cases.factories import case_in_stage, organisation_running

pytestmark = pytest.mark.django_db


def test_case_in_stage_takes_the_shortest_run_through_the_services():
    # Given an organisation running the Workers Union's procedure, when a case is asked for in the board stage
    organisation = organisation_running("workers-union")
    case = case_in_stage(organisation, "board")
    # then it got there through real events: requested formally, decided, escalated to the board
    assert (case.stage, case.status) == ("board", "open")
    kinds = list(case.events.order_by("sequence").values_list("kind", flat=True))
    assert kinds[-3:] == ["formal_requested", "decided", "escalated"]


def test_case_in_stage_closed_with_an_outcome():
    # Given an organisation running Xs2more's procedure, when a complaint closed unresolved in handling is asked for
    organisation = organisation_running("xs2more")
    case = case_in_stage(organisation, "handling", status="closed-unresolved")
    # then it is closed there with that outcome, after a decision
    assert (case.stage, case.status, case.outcome) == ("handling", "closed", "unresolved")
    assert case.events.filter(kind="decided").exists()
