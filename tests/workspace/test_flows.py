"""Two bundled procedures driven through the workspace's pages (plain POSTs, no JavaScript) from staff intake to
closure: one in English (Workare Client Services), one in Dutch (Xs2more), with a conflict-of-interest reassignment, an
extension with reasons and a refused action with its message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from plaint.access.models import User
from plaint.cases.models import Case
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, person_of, staff

pytestmark = pytest.mark.django_db

D = dt.date


class PageWalk:
    """One case walked through the workspace's pages by several people."""

    def __init__(self, client: Client, prefix: str, zone: str) -> None:
        self.client, self.prefix, self.zone = client, prefix, zone
        self.case: Case | None = None

    def as_user(self, user: User) -> PageWalk:
        self.user = user
        return self

    def _login(self) -> None:
        """Sign in again on the travelled-to day: sessions end after 30 idle minutes."""
        login_verified(self.client, self.user)

    def intake(self, day: dt.date, fields: dict[str, Any]) -> Any:
        with at(day, zone=self.zone):
            self._login()
            check = self.client.post(f"{self.prefix}/workspace/intake/", {**fields, "step": "check"})
            assert check.status_code == 200, check.content.decode()[:2000]
            saved = self.client.post(f"{self.prefix}/workspace/intake/", {**fields, "step": "register"})
        assert saved.status_code == 302
        self.case = Case.objects.get(pk=int(saved["Location"].rstrip("/").split("/")[-1]))
        return check

    def page(self, day: dt.date) -> str:
        assert self.case is not None
        with at(day, zone=self.zone):
            self._login()
            response = self.client.get(f"{self.prefix}/workspace/cases/{self.case.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    def post(self, day: dt.date, slug: str, **fields: Any) -> Any:
        assert self.case is not None
        self.case.refresh_from_db()
        data = {f"{slug}-version": self.case.version, **{f"{slug}-{name}": value for name, value in fields.items()}}
        with at(day, zone=self.zone):
            self._login()
            return self.client.post(f"{self.prefix}/workspace/cases/{self.case.pk}/actions/{slug}/", data)

    def act(self, day: dt.date, slug: str, stage: str, status: str = "open", **fields: Any) -> Case:
        # The action is offered on the page before it is taken
        assert f"/actions/{slug}/" in self.page(day), slug
        response = self.post(day, slug, **fields)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
        assert self.case is not None
        self.case.refresh_from_db()
        assert (self.case.stage, self.case.status) == (stage, status), slug
        return self.case


@pytest.mark.clause("WH-02", "WH-04", "WH-05", "WU-06")
def test_workare_handling_in_english_from_phone_intake_to_closure(client):
    # Given Workare Client Services (England) and its staff
    wh = organisation_running("workare-handling", name="Workare Client Services")
    intake, director = staff(wh, "intake_staff", name="Ian Intake"), staff(wh, "senior_manager", name="Dee Director")
    walk = PageWalk(client, "", "Europe/London")
    # When a complaint taken by phone is checked and registered on Monday 3 March 2025
    check = walk.as_user(intake).intake(
        D(2025, 3, 3),
        {
            "organisation": wh.slug,
            "kind": "complaint",
            "channel": "phone",
            "description": "Nobody called me back about my invoice.",
            "complainant_name": "Sam Taylor",
            "complainant_email": "sam@example.org",
        },
    )
    # Then the check showed the first stage and the terms, and the case now runs them
    assert "If you register it now" in check.content.decode()
    assert walk.case is not None and walk.case.created_by == intake
    # When it is acknowledged, the director takes it, offers and holds a meeting and decides
    walk.act(D(2025, 3, 4), "acknowledged", "investigation")
    walk.as_user(director).act(D(2025, 3, 5), "handler_assigned", "investigation", handler=person_of(director).pk)
    walk.act(D(2025, 3, 10), "meeting_offered", "investigation")
    walk.act(D(2025, 3, 17), "meeting_held", "investigation", report="What took place")
    case = walk.act(
        D(2025, 3, 19),
        "decided",
        "investigation",
        "closed",
        outcome="agreement",
        explanation="Agreed.",
        hearing_skipped_reason="Agreed by phone.",
    )
    # Then it is closed with its outcome, and the history shows each step in English
    assert case.outcome == "agreement"
    body = walk.page(D(2025, 3, 19))
    assert "History" in body and "(closed: agreement)" in body


@pytest.mark.clause("XS-13", "XS-14", "XS-19", "WU-07")
def test_xs2more_in_dutch_with_a_conflict_of_interest_an_extension_and_a_refusal(client):
    # Given Xs2more (Dutch calendar), its staff, and a complaint about one of its handlers
    xs = organisation_running("xs2more", name="Xs2more")
    intake, management = staff(xs, "intake_staff", name="Ina Intake"), staff(xs, "senior_manager", name="Mo Manager")
    involved, other = staff(xs, "handler", name="Bert Betrokken"), staff(xs, "handler", name="Vera Vrij")
    walk = PageWalk(client, "/nl", "Europe/Amsterdam")
    check = walk.as_user(intake).intake(
        D(2025, 3, 3),
        {
            "organisation": xs.slug,
            "kind": "complaint",
            "channel": "letter",
            "description": "Mijn coach was onbeleefd.",
            "complainant_name": "Piet Klager",
            "complainant_address": "Dorpsstraat 1\n1234 AB Ergens",  # the acknowledgement is posted to him
            "subject_person": str(person_of(involved).pk),
        },
    )
    # Then the check, in Dutch, names who may not handle it and why
    text = check.content.decode()
    assert "Als u het nu registreert" in text and "Bert Betrokken" in text
    assert "Bert Betrokken" in walk.page(D(2025, 3, 3)).split("Wie deze zaak niet mag behandelen")[1]
    walk.act(D(2025, 3, 5), "acknowledged", "intake")
    walk.act(D(2025, 3, 5), "escalated", "assessment")
    # When management tries to delegate it to the handler the complaint is about
    refused = walk.as_user(management).post(
        D(2025, 3, 10), "handler_assigned", handler=person_of(involved).pk, delegate="on"
    )
    # Then it is refused with a message in Dutch and nothing changes; another handler is assigned instead
    assert refused.status_code == 200  # the page, with the refusal on it
    assert "Niet uitgevoerd" in refused.content.decode() or "Er is een probleem" in refused.content.decode()
    assert walk.case is not None and Case.objects.get(pk=walk.case.pk).delegate is None
    case = walk.act(D(2025, 3, 10), "handler_assigned", "assessment", handler=person_of(other).pk, delegate="on")
    assert case.delegate == person_of(other)
    walk.act(D(2025, 3, 10), "handling_started", "handling")
    walk.as_user(other).act(D(2025, 3, 20), "complainant_heard", "handling")
    walk.act(D(2025, 3, 21), "subject_responded", "handling")
    # When management extends the six weeks by six more, with reasons (XS-13)
    walk.as_user(management).act(
        D(2025, 4, 10), "term_extended", "handling", term="handling", by="6 weeks", reason="Ziek"
    )
    assert case.terms.get(key="handling").due == D(2025, 5, 26)
    # Then a further extension is refused, with the procedure's message, on the refreshed case
    again = walk.post(D(2025, 4, 11), "term_extended", term="handling", by="1 week", reason="Nog steeds ziek")
    assert again.status_code == 200
    assert "XS-13" in again.content.decode() and "Niet uitgevoerd" in again.content.decode()
    # When the handler decides and management closes it
    walk.as_user(other).act(
        D(2025, 5, 20),
        "decided",
        "handling",
        outcome="unfounded",
        explanation="Geen bewijs.",
        hearing_skipped_reason="-",
    )
    case = walk.as_user(management).act(D(2025, 5, 22), "closed", "handling", "closed", outcome="unresolved")
    assert case.status == "closed"
