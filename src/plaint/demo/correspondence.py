"""What the demo (`plaint demo load`) does through this app: a compliment's copy to the service manager is sent by
`compliment_forward` (WU-01), as staff would, so the demo outbox holds real emails (printed by the console backend
of the embedded default; no mail leaves the machine unless EMAIL_URL says so)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.correspondence.services import compliment_forward


def _compliment_copy(*, case: Case, actor: User, on: dt.date | None = None, note: str = "", **_ignored: Any) -> Case:
    return compliment_forward(case=case, actor=actor, note=note, on=on).case


def demo_actions() -> dict[tuple[str, str], Any]:
    """The actions the demo takes through this app, by (case kind, action), for `plaint.demo.cases.demo_cases_load`."""
    return {("compliment", "report_shared"): _compliment_copy}
