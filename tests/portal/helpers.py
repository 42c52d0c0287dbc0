"""Set-ups for the portal's tests: an organisation running a bundled procedure, and a filled-in form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plaint.cases.models import Case
from plaint.core import clock
from plaint.correspondence.models import Letter, LetterDelivery
from plaint.organisations.models import Organisation
from tests.cases.factories import organisation_running


def portal_organisation(procedure_id: str = "workers-union", **fields: Any) -> Organisation:
    defaults = {"name": "The Workers Union", "slug": "twu", "email": "complaints@twu.example"}
    return organisation_running(procedure_id, **{**defaults, **fields})


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "complaint",
        "description": "The coach did not turn up three times.",
        "incident_date_0": "",
        "incident_date_1": "",
        "incident_date_2": "",
        "about": "",
        "wanted": "",
        "name": "Sam Taylor",
        "email": "sam@example.org",
        "phone": "",
        "language": "en",
        "website": "",
        "submission": "a" * 32,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


PDF = b"%PDF-1.7\n% a letter\n%%EOF\n"


def make_letter(case: Case, key: str = "acknowledgement", **fields: Any) -> Letter:
    """A letter as the letter handler stores it (docs/letters.md), without rendering one."""
    values = {
        "organisation": case.organisation,
        "case": case,
        "key": key,
        "title": "Acknowledgement of your complaint",
        "template": f"{key}.liquid",
        "recipient_role": "complainant",
        "recipient_name": "Sam Taylor",
        "recipient_email": "sam@example.org",
        "to_complainant": True,
        "language": case.language,
        "subject": "We have received your complaint",
        "body_text": "Dear Sam",
        "body_html": "<p>Dear Sam</p>",
        "pdf": PDF,
        "delivery": LetterDelivery.EMAIL,
        "delivered_on": dt.date(2025, 4, 22),
        "dedupe_key": f"{case.pk}:{key}:{fields.get('recipient_role', 'complainant')}",
        "created_at": clock.now(),
    }
    values.update(fields)
    return Letter.objects.create(**values)
