"""What else the case page tells: the complainant's earlier cases with the organisation that the person may see
(XS-16) and a subject or category that recurs in the organisation's cases of the last year (XS-17), in English and
Dutch; neither reveals a case the person may not see nor another organisation's."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.cases.services import PartyInput
from plaint.cases.visibility_selectors import cases_visible_to
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, person_of, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
SAM = PartyInput(role="complainant", name="Sam Taylor", email="sam@example.org")
KIM = PartyInput(role="complainant", name="Kim Jansen", email="kim@example.org")


@pytest.fixture
def xs():
    with at(DAY - dt.timedelta(days=200)):
        org = organisation_running("xs2more", name="Xs2more")
        other = organisation_running("xs2more", name="Elsewhere")
        intake = staff(org, "intake_staff", name="Ida Intake")
        coach = staff(org, "handler", name="Cas Coach")
        about_coach = (PartyInput(role="subject", person_id=person_of(coach).pk),)
        first = register(org, intake, summary="First time", complainant=SAM, subjects=about_coach)
        kims = register(org, intake, summary="Kim's own", complainant=KIM, subjects=about_coach)
        register(other, staff(other, "intake_staff"), summary="At another organisation", complainant=SAM)
    with at(DAY):
        now = register(org, intake, summary="Again", complainant=SAM, subjects=about_coach)
    return {"org": org, "intake": intake, "first": first, "kims": kims, "now": now, "coach": coach}


@pytest.mark.clause("XS-16", "XS-17")
@pytest.mark.parametrize(
    "prefix,recurring",
    [
        ("", "Cas Coach is the subject of 2 other cases this year."),
        ("/nl", "Cas Coach is dit jaar beklaagde in 2 andere zaken."),
    ],
)
def test_earlier_cases_of_the_complainant_and_a_recurring_subject(client, xs, prefix, recurring):
    login_verified(client, xs["intake"])
    with at(DAY):
        visible = set(cases_visible_to(actor=xs["intake"]).values_list("pk", flat=True))
        body = client.get(f"{prefix}/workspace/cases/{xs['now'].pk}/").content.decode()
    assert {xs["first"].pk, xs["kims"].pk} <= visible  # what follows is not hidden by the access rules
    earlier = body[body.index('<h2 class="govuk-heading-m">', body.index(xs["now"].reference)) :]
    assert xs["first"].reference in earlier  # Sam's earlier case, matched on the email address
    assert "Kim's own" not in body and "At another organisation" not in body
    assert recurring in body


@pytest.mark.clause("XS-16")
def test_earlier_cases_the_person_may_not_see_are_not_listed(client, xs):
    """Hugo may not see Sam's earlier complaint about him (WU-07), so the page does not list it, nor its reference."""
    hugo = staff(xs["org"], "handler", name="Hugo Handler")
    with at(DAY - dt.timedelta(days=100)):
        about_hugo = (PartyInput(role="subject", person_id=person_of(hugo).pk),)
        hidden = register(xs["org"], xs["intake"], summary="About Hugo", complainant=SAM, subjects=about_hugo)
    login_verified(client, hugo)
    with at(DAY):
        visible = set(cases_visible_to(actor=hugo).values_list("pk", flat=True))
        body = client.get(f"/workspace/cases/{xs['now'].pk}/").content.decode()
    assert hidden.pk not in visible and xs["now"].pk in visible
    assert xs["first"].reference in body  # the earlier case he may see is listed
    assert hidden.reference not in body and "About Hugo" not in body
