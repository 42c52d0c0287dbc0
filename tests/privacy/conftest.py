from __future__ import annotations

import pytest

from tests.cases.factories import organisation_running, staff


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def xs(db):
    """Xs2more with a receiving employee, management and a privacy administrator."""
    organisation = organisation_running("xs2more", reference_prefix="XS")
    people = {
        "intake": staff(organisation, "intake_staff"),
        "manager": staff(organisation, "senior_manager"),
        "admin": staff(organisation, "administrator"),
    }
    return organisation, people
