"""Activating a procedure version from a date (WP-23: new cases only): the administrator sees what changes and the
plan, confirms, and `procedure_adopt` puts it in force (audited); a past day, a version adopted before and a
non-administrator are refused with a message saying what is allowed, never a 500, nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.procedures.models import ProcedureAdoption
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def xs():
    org = organisation_running("xs2more", name="Xs2more")
    return {"org": org, "admin": staff(org, "administrator"), "handler": staff(org, "handler")}


def _post(client, org, procedure, day, confirm=False, prefix=""):
    data = {
        "organisation": org.slug,
        "procedure": procedure,
        "active_from_0": str(day.day),
        "active_from_1": str(day.month),
        "active_from_2": str(day.year),
    }
    if confirm:
        data["confirm"] = "on"
    return client.post(f"{prefix}/workspace/procedures/activate/", data)


@pytest.mark.clause("WP-23")
def test_preview_then_activate_from_a_date(client, xs):
    login_verified(client, xs["admin"])
    start = DAY + dt.timedelta(days=7)
    with at(DAY):
        body = _post(client, xs["org"], "werkpro:1", start).content.decode()
        assert 'id="preview"' in body and "What changes from 9 March 2026" in body
        assert not ProcedureAdoption.objects.filter(procedure_id="werkpro").exists()  # nothing before confirming
        nl = _post(client, xs["org"], "werkpro:1", start, prefix="/nl").content.decode()
        assert "Wat verandert er vanaf 9 maart 2026" in nl
        response = _post(client, xs["org"], "werkpro:1", start, confirm=True)
    assert response.status_code == 302
    new = ProcedureAdoption.objects.get(organisation=xs["org"], procedure_id="werkpro")
    old = ProcedureAdoption.objects.get(organisation=xs["org"], procedure_id="xs2more")
    assert new.active_from == start and old.active_until == start  # cases received before keep theirs
    actions = set(AuditRecord.objects.filter(action__startswith="procedure.").values_list("action", flat=True))
    assert actions >= {"procedure.adopted", "procedure.adoption_changed"}


def test_refusals_say_what_is_allowed(client, xs):
    login_verified(client, xs["admin"])
    with at(DAY):
        body = _post(client, xs["org"], "werkpro:1", DAY - dt.timedelta(days=1), confirm=True).content.decode()
        assert "Choose today or a later day: a new version applies to new cases only." in body
        body = _post(client, xs["org"], "xs2more:1", DAY + dt.timedelta(days=3), confirm=True).content.decode()
        assert "govuk-error-summary" in body
        body = _post(client, xs["org"], "nonsense:9", DAY, confirm=True).content.decode()
        assert "govuk-error-summary" in body
    assert ProcedureAdoption.objects.filter(organisation=xs["org"]).count() == 1
    login_verified(client, xs["handler"])
    assert client.get("/workspace/procedures/activate/").status_code == 403


@pytest.mark.clause("WP-23")
def test_the_preview_says_what_changes_in_sentences_in_both_languages(client, xs):
    """Going from the bundled xs2more procedure to werkpro: stages and terms read as sentences, in English and Dutch."""
    login_verified(client, xs["admin"])
    start = DAY + dt.timedelta(days=7)
    with at(DAY):
        en = _post(client, xs["org"], "werkpro:1", start).content.decode()
        nl = _post(client, xs["org"], "werkpro:1", start, prefix="/nl").content.decode()
    assert "Stage added: Complaints officer" in en and "Term removed: Acknowledge receipt (was 2 weeks)" in en
    assert "Fase toegevoegd: Klachtenfunctionaris" in nl and "Fase verwijderd: Beoordelen klacht" in nl
    assert "Termijn verwijderd: Ontvangst bevestigen (was 2 weken)" in nl
    assert "Termijn toegevoegd: Bindende uitspraak van de klachtencommissie binnen 6 maanden" in nl
    assert "<code>" not in en and "+ stage" not in nl
