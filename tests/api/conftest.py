"""Set-ups for API tests: a client logged in as staff of an organisation running a bundled procedure."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from plaint.access.models import User


class Api:
    """An API client acting as one user at a time, with the paths of the case operations."""

    def __init__(self) -> None:
        self.client = APIClient()

    def as_user(self, user: User | None) -> Api:
        self.client.force_authenticate(user=user)
        return self

    def register(self, body: dict[str, Any], **headers: Any) -> Any:
        return self.client.post("/api/cases/", body, format="json", **headers)

    def list(self, **params: Any) -> Any:
        return self.client.get("/api/cases/", params)

    def detail(self, case_id: int, **headers: Any) -> Any:
        return self.client.get(f"/api/cases/{case_id}/", **headers)

    def act(self, case_id: int, action: str, body: dict[str, Any], **headers: Any) -> Any:
        return self.client.post(f"/api/cases/{case_id}/actions/{action}/", body, format="json", **headers)


@pytest.fixture
def api() -> Api:
    return Api()


def at(day: dt.date, hour: int = 10, zone: str = "Europe/Amsterdam") -> time_machine.travel:
    """Freeze the clock at `hour` o'clock on `day` in `zone` (terms depend on the date)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone)), tick=False)


def complaint(organisation: str, **fields: Any) -> dict[str, Any]:
    """A registration body: a written complaint from a named complainant."""
    return {
        "organisation": organisation,
        "kind": "complaint",
        "channel": "in_writing",
        "description": "My coach did not turn up three times.",
        "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
        **fields,
    }
