"""The routing refusals through the API (issue 14): 409 in the one error shape, naming the rule and the clauses."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.cases.services import PartyInput, case_act
from tests.api.conftest import at
from tests.cases.factories import organisation_running, person_of, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 20)


def test_wu07_a_manager_deciding_a_complaint_routed_to_the_board_is_409_naming_rule_and_clause(api):
    with at(DAY):
        union = organisation_running("workers-union")
        desk = staff(union, "intake_staff")
        board = staff(union, "board_member")
        senior = staff(union, "senior_manager", line_manager=person_of(board))
        manager = staff(union, "manager", line_manager=person_of(staff(union, "senior_manager")))
        about = register(union, desk, subjects=(PartyInput(role="subject", person_id=person_of(senior).pk),))
        case = case_act(case=about, actor=desk, action="formal_requested")
        body = {"version": case.version, "outcome": "unfounded", "explanation": "Findings."}
        english = api.as_user(manager).act(case.pk, "decided", body)
        dutch = api.act(case.pk, "decided", body, HTTP_ACCEPT_LANGUAGE="nl")
        allowed = api.as_user(board).act(case.pk, "decided", body)
    for response in (english, dutch):
        assert response.status_code == 409
        assert response.json()["code"] == "routing_refused"
        assert response.json()["rule"] == "decision_by_routed_role"
        assert "WU-07" in response.json()["clauses"]
    assert "board_member" in english.json()["detail"] and "De procedure wijst" in dutch.json()["detail"]
    assert allowed.status_code == 200, allowed.json()
