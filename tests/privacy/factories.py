"""Set-ups for privacy tests: Xs2more cases driven through the services to closure on a given day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from plaint.access.models import User
from plaint.cases.models import Attachment, Case
from plaint.cases.services import PartyInput, case_act
from plaint.organisations.models import Organisation
from tests.cases.factories import register


def at(day: dt.date) -> time_machine.travel:
    """The clock at 09:00 UTC on `day` (10:00 or 11:00 in Amsterdam: the same day there)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC), tick=False)


def xs2more_case(
    organisation: Organisation,
    staff: dict[str, User],
    *,
    received: dt.date,
    closed: dt.date | None = None,
    complainant: PartyInput | None = None,
    subjects: tuple[PartyInput, ...] = (),
    outcome: str = "well_founded",
    **fields: Any,
) -> Case:
    """A complaint received on `received`; with `closed`, handled and closed that day (decided with `outcome`)."""
    with at(received):
        case = register(
            organisation,
            staff["intake"],
            complainant=complainant
            or PartyInput(
                role="complainant", name="Jan Jansen", email="jan@example.org", phone="06 1234 5678", address="Dorp 1"
            ),
            subjects=subjects,
            summary=fields.pop("summary", "Coach did not turn up"),
            description=fields.pop("description", "Jan Jansen waited three times for coach Piet Pietersen."),
            **fields,
        )
        case_act(case=case, actor=staff["intake"], action="escalated", note="Passed on by phone with Jan.")
        case_act(case=case, actor=staff["manager"], action="handling_started")
    if closed is None:
        return case
    with at(closed):
        case_act(
            case=case,
            actor=staff["manager"],
            action="decided",
            data={"explanation": "Findings.", "hearing_skipped_reason": "Not reached.", "outcome": outcome},
        )
        case_act(
            case=case,
            actor=staff["manager"],
            action="measure_recorded",
            data={"description": "Piet Pietersen gets coaching on punctuality."},
        )
        case_act(case=case, actor=staff["manager"], action="closed", data={"outcome": "resolved"})
    case.refresh_from_db()
    return case


def attach(case: Case, user: User, *, name: str = "letter.txt", sensitive: bool = False) -> Attachment:
    return Attachment.objects.create(
        case=case,
        file=SimpleUploadedFile(name, b"Dear Sir, I am Jan Jansen.", content_type="text/plain"),
        original_name=name,
        content_type="text/plain",
        size=26,
        sensitive=sensitive,
        uploaded_by=user,
        uploaded_at=case.received_at,
    )
