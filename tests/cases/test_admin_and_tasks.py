import datetime as dt

import pytest
import time_machine

from plaint.cases.tasks import sweep
from tests.access.helpers import login_verified
from tests.cases.factories import organisation_running, register, staff
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["", "/nl"])
def test_cases_are_read_only_in_the_admin_in_english_and_dutch(client, prefix):
    # Given a registered case and an administrator
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        xs = organisation_running("xs2more")
        case = register(xs, staff(xs, "intake_staff"))
    admin = UserFactory(is_superuser=True)
    login_verified(client, admin)
    # When the administrator opens the list and the case
    listing = client.get(f"{prefix}/admin/cases/case/")
    detail = client.get(f"{prefix}/admin/cases/case/{case.pk}/change/")
    # Then both render, show the history, and offer no way to add or change a case
    assert listing.status_code == 200 and case.reference in listing.text
    assert detail.status_code == 200 and "received" in detail.text
    assert client.get(f"{prefix}/admin/cases/case/add/").status_code == 403
    assert client.post(f"{prefix}/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    if prefix == "/nl":
        assert "Dossiers" in listing.text or "dossiers" in listing.text


def test_the_hourly_sweep_marks_missed_terms():
    # Given a case whose acknowledgement fell due on 4 May 2026
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        xs = organisation_running("xs2more")
        case = register(xs, staff(xs, "intake_staff"))
    # When the periodic job runs on 5 May
    with time_machine.travel(dt.datetime(2026, 5, 5, 9, tzinfo=dt.UTC), tick=False):
        swept = sweep.call_local()
    # Then it refreshed that case, and the term is missed
    assert swept == 1
    assert case.terms.get(key="acknowledgement").state == "missed"


def test_an_organisations_administrator_sees_only_its_cases_in_the_admin_as_the_readme_says():
    """README: the admin holds organisations, people, roles, the outbox and the audit trail for superusers; an
    organisation's administrator sees its cases there (read-only, each read audited), nothing of the installation."""
    organisation = organisation_running("xs2more")
    user = staff(organisation, "administrator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    from django.test import Client

    client = Client()
    login_verified(client, user)
    index = client.get("/admin/")
    assert index.status_code == 200
    text = index.content.decode()
    assert "/admin/cases/case/" in text
    for model in ("organisations/organisation/", "organisations/person/", "access/user/"):
        assert f"/admin/{model}" not in text
    assert client.get("/admin/organisations/organisation/").status_code in (302, 403)
