"""The case the document tests (service and API) share: The Workers Union's first stage, with its people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plaint.cases.models import Case, Party
from tests.api.conftest import at
from tests.cases.factories import organisation_running, register, staff
from tests.organisations.factories import PersonFactory

DAY = dt.date(2025, 3, 3)


def union_case() -> tuple[Case, dict[str, Any]]:
    """Intake staff and handlers see sensitive documents; an administrator acts on the case but does not; an
    expert linked to it only reads; a handler elsewhere sees nothing."""
    with at(DAY):
        organisation = organisation_running("workers-union")
        desk = staff(organisation, "intake_staff")
        people = {
            "desk": desk,
            "handler": staff(organisation, "handler"),
            "administrator": staff(organisation, "administrator"),
            "outsider": staff(organisation_running("xs2more"), "handler"),
            "expert": PersonFactory(with_login=True).user,
        }
        case = register(organisation, desk)
        Party.objects.create(case=case, role="expert", person=people["expert"].person)
    return case, people
