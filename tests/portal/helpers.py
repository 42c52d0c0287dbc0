"""Set-ups for the portal's tests: an organisation running a bundled procedure, and a filled-in form."""

from __future__ import annotations

from typing import Any

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
