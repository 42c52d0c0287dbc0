"""Every bundled procedure driven through the API from receipt to closure, including its escalation route.

Each step travels to its day, posts one action with the version last seen, and checks stage, status, version and the
terms. Due dates are worked out by hand from the seed documents and the real holidays (see the comments).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from plaint.access.models import User
from plaint.cases.models import Case, Category
from plaint.cases.selectors import case_view
from tests.api.conftest import Api, at, complaint
from tests.cases.factories import organisation_running, person_of, staff
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

D = dt.date
LONDON = "Europe/London"
AMSTERDAM = "Europe/Amsterdam"


WALKS: list[Walk] = []


@pytest.fixture(autouse=True)
def _every_walk_writes_letter_effects():
    """Every bundled procedure declares letters: each walk must have seen some written as effects."""
    WALKS.clear()
    yield
    assert WALKS and all(walk.letter_effects for walk in WALKS)


class Walk:
    """One case walked through the API: each step checks the answer and remembers the case as last seen.

    Every step also checks the one path of effects (issue 9): each letter the step makes due is an effect of its
    event (`letter.<key>`), and no other letter effect is written."""

    def __init__(self, api: Api, zone: str) -> None:
        self.api = api
        self.zone = zone
        self.case: dict[str, Any] = {}
        self.letter_effects: list[str] = []
        WALKS.append(self)

    def _letters_before(self, day: dt.date) -> Counter[tuple[str, str, str]]:
        if not self.case:
            return Counter()
        with at(day, zone=self.zone):
            view = case_view(case=Case.objects.select_related("organisation").get(pk=self.case["id"]))
        return Counter((letter.key, letter.because, letter.since.isoformat()) for letter in view.letters_due)

    def _check_effects(self, before: Counter[tuple[str, str, str]]) -> None:
        after = Counter((letter["key"], letter["because"], letter["since"]) for letter in self.case["letters_due"])
        new = sorted(f"letter.{key}" for (key, _because, _since) in (after - before).elements())
        event = self.case["events"][-1]["sequence"]
        written = sorted(
            effect["kind"]
            for effect in self.case["effects"]
            if effect["event"] == event and effect["kind"].startswith("letter.")
        )
        assert written == new, (self.case["events"][-1]["kind"], written, new)
        self.letter_effects += written

    def register(self, day: dt.date, user: User, body: dict[str, Any]) -> dict[str, Any]:
        with at(day, zone=self.zone):
            response = self.api.as_user(user).register(body)
        assert response.status_code == 201, response.json()
        # The 201 says what was made (id, reference, version); the detail is a GET of its Location away.
        assert response.json()["version"] == 1
        with at(day, zone=self.zone):
            self.case = self.api.client.get(response.headers["Location"]).json()
        self._check_effects(Counter())
        assert self.case["version"] == 1
        assert self.case["received_on"] == day.isoformat()
        return self.case

    def act(
        self, day: dt.date, user: User, action: str, stage: str, status: str = "open", **fields: Any
    ) -> dict[str, Any]:
        before = self.case["version"]
        letters = self._letters_before(day)
        with at(day, zone=self.zone):
            response = self.api.as_user(user).act(self.case["id"], action, {"version": before, **fields})
        assert response.status_code == 200, (action, response.json())
        # The action answers briefly (issue 17); the whole case is at Location.
        acted = response.json()
        assert response.headers["Location"] == acted["url"] == f"/api/cases/{acted['id']}/"
        with at(day, zone=self.zone):
            self.case = self.api.client.get(response.headers["Location"]).json()
        assert (acted["stage"], acted["status"], acted["version"]) == (stage, status, before + 1), action
        self._check_effects(letters)
        assert self.case["events"][-1]["kind"] == action
        assert self.case["events"][-1]["on"] == day.isoformat()
        assert (self.case["stage"], self.case["status"], self.case["version"]) == (stage, status, before + 1), action
        return self.case

    def terms(self) -> dict[str, tuple[str, str]]:
        return {term["key"]: (term["due"], term["state"]) for term in self.case["terms"]}

    def detail(self, day: dt.date, user: User, **headers: Any) -> dict[str, Any]:
        with at(day, zone=self.zone):
            response = self.api.as_user(user).detail(self.case["id"], **headers)
        assert response.status_code == 200
        return response.json()


def test_workers_union_from_informal_to_the_board_wu05_wu08_wu10_wu11_wu18(api):
    """WU-04/WU-05 informal stage then a formal complaint; WU-08 acknowledged within a week; WU-10 response within four
    weeks, with WU-18's explanation, apology and action taken; WU-11 the board responds within four weeks, finally."""
    # Given The Workers Union (England, calendar weeks) and its staff
    wu = organisation_running("workers-union")
    intake, manager, board = staff(wu, "intake_staff"), staff(wu, "manager"), staff(wu, "board_member")
    walk = Walk(api, LONDON)
    # When a member's complaint is registered on Monday 3 March 2025 (WU-02: by phone)
    case = walk.register(D(2025, 3, 3), intake, complaint(wu.slug, channel="phone"))
    # Then it starts informally (WU-04), with no term running yet
    assert (case["stage"], case["status"], case["next_due"], case["terms"]) == ("informal", "open", None, [])
    # When the member asks for a formal complaint on Wednesday 5 March (WU-05), recorded by staff on their behalf
    case = walk.act(D(2025, 3, 5), intake, "formal_requested", "formal", on_behalf_of="complainant")
    assert case["events"][-1]["role"] == "complainant"
    # Then management acknowledges within a week (WU-08) and responds within four weeks (WU-10)
    assert walk.terms() == {"acknowledgement": ("2025-03-12", "pending"), "response": ("2025-04-02", "pending")}
    assert case["next_due"] == "2025-03-12"
    assert case["responsible"] == ["manager"]
    walk.act(D(2025, 3, 7), manager, "acknowledged", "formal")
    assert walk.terms()["acknowledgement"] == ("2025-03-12", "met")
    walk.act(D(2025, 3, 10), manager, "complainant_heard", "formal")
    # WU-09: the conclusions are discussed with the staff member and their line manager
    walk.act(D(2025, 3, 25), manager, "report_shared", "formal", report="Conclusions", shared_with=["Tom", "Rachel"])
    case = walk.act(
        D(2025, 4, 1),
        manager,
        "decided",
        "formal",
        "closed",
        outcome="partly_well_founded",
        explanation="The visit was cancelled without notice.",
        apology="We are sorry.",
        action_taken="Rotas now have a stand-in.",
    )
    assert case["events"][-1]["data"] == {
        "outcome": "partly_well_founded",
        "explanation": "The visit was cancelled without notice.",
        "apology": "We are sorry.",
        "action_taken": "Rotas now have a stand-in.",
    }
    assert walk.terms()["response"] == ("2025-04-02", "met")
    assert (case["outcome"], case["next_due"], case["closed_on"]) == ("partly_well_founded", None, "2025-04-01")
    # When the member is not satisfied and the board is notified on Thursday 10 April (WU-11)
    case = walk.act(D(2025, 4, 10), manager, "escalated", "board", on_behalf_of="complainant")
    # Then the board responds within four weeks: 8 May
    assert walk.terms()["board_response"] == ("2025-05-08", "pending")
    assert case["next_due"] == "2025-05-08"
    walk.act(D(2025, 4, 22), board, "complainant_heard", "board")
    walk.act(D(2025, 4, 24), board, "subject_responded", "board")
    case = walk.act(
        D(2025, 5, 6),
        board,
        "decided",
        "board",
        "closed",
        outcome="unfounded",
        explanation="Findings.",
        hearing_skipped_reason="Not reached.",
    )
    # and its decision is final: nothing more may be done
    assert walk.terms()["board_response"] == ("2025-05-08", "met")
    assert case["my_actions"] == []
    assert [event["kind"] for event in case["events"]] == [
        "received",
        "formal_requested",
        "acknowledged",
        "complainant_heard",
        "report_shared",
        "decided",
        "escalated",
        "complainant_heard",
        "subject_responded",
        "decided",
    ]


def test_workare_operational_complaint_reviewed_by_the_md_wa01_wa03_wa04_wa05_wa07_wa08(api):
    """WA-03 acknowledgement in five working days across Easter; WA-04 an operational complaint goes to the Managing
    Director; WA-05 a meeting; WA-07 the ten- and 21-working-day terms only warn; WA-08 a review by the MD."""
    # Given Workare's Occupational Health service (England, working days) and its staff
    wa = organisation_running("workare")
    intake, contract_manager, md = staff(wa, "intake_staff"), staff(wa, "manager"), staff(wa, "board_member")
    walk = Walk(api, LONDON)
    # When an operational complaint arrives in writing on Monday 14 April 2025
    case = walk.register(D(2025, 4, 14), intake, complaint(wa.slug, nature="operational"))
    # Then it is acknowledged within five working days: Good Friday (18 April) and Easter Monday (21 April) are
    # holidays in England, so 15, 16, 17, 22 and 23 April count: due Wednesday 23 April (WA-03)
    assert case["stage"] == "initial_contact"
    assert walk.terms() == {"acknowledgement": ("2025-04-23", "pending")}
    walk.act(D(2025, 4, 16), intake, "acknowledged", "initial_contact")
    # The outcome follows within 21 working days of the acknowledgement and an explanation after ten (WA-07): ten
    # working days from 16 April is Friday 2 May; 21 is Tuesday 20 May (the early May bank holiday, 5 May, skipped)
    assert walk.terms() == {
        "acknowledgement": ("2025-04-23", "met"),
        "first_response": ("2025-05-02", "pending"),
        "written_outcome": ("2025-05-20", "pending"),
        # WA-06's 21 days apply only when no meeting is held
        "detailed_reply": ("2025-05-07", "not_applicable"),
    }
    # and warn-only terms never make the case due (WA-07)
    assert walk.case["next_due"] is None
    # When it cannot be resolved straight away it goes to investigation (WA-02), routed to the MD (WA-04)
    case = walk.act(D(2025, 4, 16), intake, "handling_started", "investigation")
    assert case["responsible"] == ["board_member"]
    case = walk.act(D(2025, 4, 17), contract_manager, "handler_assigned", "investigation", handler=person_of(md).pk)
    assert case["handler"]["id"] == person_of(md).pk
    # WA-05: a meeting with the Managing Director, by appointment
    case = walk.act(D(2025, 4, 24), md, "meeting_planned", "investigation", meeting_date="2025-05-01", **{"with": "MD"})
    assert case["events"][-1]["data"] == {"meeting_date": "2025-05-01", "with": "MD"}
    walk.act(D(2025, 5, 1), md, "meeting_held", "investigation", report="Met the complainant.")
    # When ten working days have passed without a response, the case warns (WA-07), in the reader's language
    detail = walk.detail(D(2025, 5, 6), md, HTTP_ACCEPT_LANGUAGE="nl")
    assert any("2 mei 2025" in warning and "WA-07" in warning for warning in detail["warnings"])
    assert any("moeten gebeuren" in warning for warning in detail["warnings"])
    # When the MD decides on Monday 12 May, the case closes with the written outcome in time
    case = walk.act(
        D(2025, 5, 12),
        md,
        "decided",
        "investigation",
        "closed",
        outcome="partly_well_founded",
        explanation="Findings.",
        hearing_skipped_reason="Not reached.",
    )
    assert walk.terms()["written_outcome"] == ("2025-05-20", "met")
    # When the complainant asks in writing for a review weeks later (WA-08: no time limit), the MD reviews
    case = walk.act(D(2025, 6, 2), contract_manager, "review_requested", "review", on_behalf_of="complainant")
    assert case["responsible"] == ["board_member"]
    case = walk.act(
        D(2025, 6, 20), md, "review_decided", "review", "closed", outcome="upheld", reasons="The facts stand."
    )
    assert case["outcome"] == "upheld"


def test_workare_handling_review_then_the_legal_ombudsman_wh02_wh04_wh05_wh07_wh08_wh09(api):
    """WH-02 acknowledgement within three days; WH-04 meeting invitation within 14 days of it; WH-05 confirmation
    within three days of the meeting; WH-07/WH-08 a review by someone unconnected, final position within 14 days;
    WH-09 then the Legal Ombudsman."""
    # Given Workare Client Services (England, calendar days)
    wh = organisation_running("workare-handling")
    intake, director = staff(wh, "intake_staff"), staff(wh, "senior_manager")
    reviewer, admin = staff(wh, "committee_member"), staff(wh, "administrator")
    walk = Walk(api, LONDON)
    # When a complaint is received on Monday 3 March 2025
    case = walk.register(D(2025, 3, 3), intake, complaint(wh.slug))
    # Then it is acknowledged within three days and resolved within eight weeks (WH-01, WH-02)
    assert walk.terms() == {"acknowledgement": ("2025-03-06", "pending"), "eight_weeks": ("2025-04-28", "pending")}
    assert (case["stage"], case["next_due"]) == ("investigation", "2025-03-06")
    walk.act(D(2025, 3, 4), intake, "acknowledged", "investigation")
    # and the complainant is invited to a meeting within 14 days of the acknowledgement (WH-04)
    assert walk.terms()["meeting_invitation"] == ("2025-03-18", "pending")
    walk.act(D(2025, 3, 5), director, "handler_assigned", "investigation", handler=person_of(director).pk)
    walk.act(D(2025, 3, 10), director, "meeting_offered", "investigation")
    walk.act(D(2025, 3, 17), director, "meeting_held", "investigation", report="What took place")
    # Then the director confirms in writing within three days of the meeting (WH-05)
    assert walk.terms()["meeting_confirmation"] == ("2025-03-20", "pending")
    walk.act(
        D(2025, 3, 19),
        director,
        "decided",
        "investigation",
        "closed",
        outcome="agreement",
        explanation="Findings.",
        hearing_skipped_reason="Not reached.",
    )
    assert walk.terms()["meeting_confirmation"] == ("2025-03-20", "met")
    # When the complainant asks for a review (WH-07), it goes to someone unconnected; final position in 14 days (WH-08)
    case = walk.act(D(2025, 3, 31), intake, "review_requested", "review", on_behalf_of="complainant")
    assert walk.terms()["final_position"] == ("2025-04-14", "pending")
    assert case["responsible"] == ["committee_member"]
    walk.act(D(2025, 4, 1), director, "handler_assigned", "review", handler=person_of(reviewer).pk)
    walk.act(D(2025, 4, 11), reviewer, "review_decided", "review", "closed", outcome="upheld", reasons="Reasons.")
    assert walk.terms()["final_position"] == ("2025-04-14", "met")
    # When the complainant then goes to the Legal Ombudsman (WH-09)
    case = walk.act(D(2025, 5, 1), admin, "external_filed", "ombudsman", on_behalf_of="complainant", body="LeO")
    assert case["events"][-1]["data"] == {"body": "LeO"}
    # Then the ombudsman's decision closes the case
    case = walk.act(
        D(2025, 8, 1),
        admin,
        "external_decided",
        "ombudsman",
        "closed",
        on_behalf_of="external_body",
        outcome="unfounded",
    )
    assert case["outcome"] == "unfounded"


def test_werk_in_vertrouwen_client_case_officer_then_committee_wv01_wv02_wv04_wv05_wv06(api):
    """WV-02 a client without its own regulation follows Werk in vertrouwen's, whose officer and committee act on the
    client's case; WV-06 the complaints officer tries mediation; WV-04 admissibility then well-foundedness; WV-05
    judgement and measures; WV-01 categories of undesirable behaviour."""
    # Given Werk in vertrouwen serving a client organisation that follows its regulation
    firm = OrganisationFactory(provider=True)
    client = organisation_running("werk-in-vertrouwen", served_by=firm)
    Category.objects.create(organisation=client, code="intimidation", name_en="Intimidation", name_nl="Intimidatie")
    intake, client_board = staff(client, "intake_staff"), staff(client, "board_member")
    officer, committee = staff(firm, "complaints_officer"), staff(firm, "committee_member")
    walk = Walk(api, AMSTERDAM)
    # When the client's staff register a complaint about intimidation (WV-01)
    case = walk.register(D(2025, 3, 3), intake, complaint(client.slug, categories=["intimidation"]))
    assert (case["stage"], case["categories"], case["terms"]) == ("complaints_officer", ["intimidation"], [])
    # Then the firm's complaints officer sees it and handles it (WV-02, WV-06)
    detail = walk.detail(D(2025, 3, 3), officer)
    assert detail["my_roles"] == ["complaints_officer"]
    walk.act(D(2025, 3, 4), officer, "acknowledged", "complaints_officer")
    walk.act(D(2025, 3, 6), officer, "complainant_heard", "complaints_officer")
    walk.act(D(2025, 3, 10), officer, "mediation_started", "complaints_officer")
    walk.act(D(2025, 3, 24), officer, "mediation_ended", "complaints_officer", outcome="unresolved")
    # When the complainant asks for a formal investigation, the committee takes over (WV-03)
    walk.act(D(2025, 3, 26), officer, "formal_requested", "committee", on_behalf_of="complainant")
    walk.act(D(2025, 3, 27), committee, "handler_assigned", "committee", handler=person_of(committee).pk)
    # and first decides admissibility, then well-foundedness (WV-04)
    case = walk.act(D(2025, 4, 3), committee, "admissibility_decided", "committee", outcome="admissible")
    assert case["outcome"] == "admissible"
    walk.act(D(2025, 4, 10), committee, "complainant_heard", "committee")
    walk.act(D(2025, 4, 11), committee, "subject_responded", "committee")
    walk.act(D(2025, 5, 8), committee, "decided", "committee", outcome="well_founded", explanation="Final report")
    # Then the client's management records the measures advised (WV-05) and the committee closes the case
    case = walk.act(D(2025, 5, 20), client_board, "measure_recorded", "committee", description="Training for leads")
    assert [item["description"] for item in case["follow_ups"]] == ["Training for leads"]
    case = walk.act(D(2025, 5, 22), committee, "closed", "committee", "closed")
    assert (case["outcome"], case["next_due"]) == ("well_founded", None)


def test_xs2more_delegated_extended_then_blik_op_werk_xs03_xs04_xs05_xs09_xs12_xs13_xs17_xs19(api):
    """XS-03/XS-05 two-week terms; XS-04/XS-19 management delegates the handling; XS-09 both sides heard; XS-13 six
    weeks, extended with reasons by at most six more; XS-17 measures; XS-12 then Blik op Werk."""
    # Given Xs2more (Dutch calendar, terms ending on a weekend or holiday move to the next working day)
    xs = organisation_running("xs2more")
    intake, management, handler = staff(xs, "intake_staff"), staff(xs, "senior_manager"), staff(xs, "handler")
    walk = Walk(api, AMSTERDAM)
    # When a complaint form is registered on Monday 3 March 2025
    case = walk.register(D(2025, 3, 3), intake, complaint(xs.slug, channel="complaint_form"))
    # Then: acknowledge and take into handling within two weeks, refuse within four, answer within six (Mondays)
    assert walk.terms() == {
        "acknowledgement": ("2025-03-17", "pending"),
        "taken_into_handling": ("2025-03-17", "pending"),
        "refusal_notice": ("2025-03-31", "pending"),
        "handling": ("2025-04-14", "pending"),
    }
    assert case["next_due"] == "2025-03-17"
    walk.act(D(2025, 3, 5), intake, "acknowledged", "intake")
    walk.act(D(2025, 3, 5), intake, "escalated", "assessment")
    # When management delegates the handling to an employee not involved (XS-19) and takes it into handling (XS-05)
    case = walk.act(
        D(2025, 3, 10), management, "handler_assigned", "assessment", handler=person_of(handler).pk, delegate=True
    )
    assert case["delegate"]["id"] == person_of(handler).pk
    case = walk.act(D(2025, 3, 10), management, "handling_started", "handling")
    assert walk.terms()["taken_into_handling"] == ("2025-03-17", "met")
    assert walk.terms()["refusal_notice"][1] == "not_applicable"
    assert case["next_due"] == "2025-04-14"
    # Then the delegate hears both sides (XS-09)
    walk.act(D(2025, 3, 20), handler, "complainant_heard", "handling")
    walk.act(D(2025, 3, 21), handler, "subject_responded", "handling")
    # When management extends the six weeks by six more, with reasons (XS-13): 14 April + 6 weeks = Monday 26 May
    walk.act(D(2025, 4, 10), management, "term_extended", "handling", term="handling", by="6 weeks", reason="Ill")
    assert walk.terms()["handling"] == ("2025-05-26", "extended")
    assert walk.case["next_due"] == "2025-05-26"
    # Then a further extension beyond six weeks in all is refused, naming what is allowed
    with at(D(2025, 4, 11), zone=AMSTERDAM):
        refused = api.as_user(management).act(
            walk.case["id"],
            "term_extended",
            {"version": walk.case["version"], "term": "handling", "by": "1 week", "reason": "Still ill"},
        )
    assert refused.status_code == 409
    assert "XS-13" in refused.json()["detail"]
    # When a measure is recorded (XS-17) and the complaint is judged (XS-07) and closed unresolved (XS-18)
    case = walk.act(D(2025, 5, 1), handler, "measure_recorded", "handling", description="Check-in call after 1 week")
    assert case["follow_ups"][0]["kind"] == "measure"
    walk.act(
        D(2025, 5, 20),
        handler,
        "decided",
        "handling",
        outcome="unfounded",
        explanation="Findings.",
        hearing_skipped_reason="Not reached.",
    )
    assert walk.terms()["handling"] == ("2025-05-26", "met")
    case = walk.act(D(2025, 5, 22), management, "closed", "handling", "closed", outcome="unresolved")
    # Then the complainant is pointed to Blik op Werk (XS-12)
    assert "external_referral" in [letter["key"] for letter in case["letters_due"]]
    # When the complainant files with Blik op Werk, and it decides
    walk.act(D(2025, 6, 2), management, "external_filed", "external", on_behalf_of="complainant")
    case = walk.act(
        D(2025, 9, 1),
        management,
        "external_decided",
        "external",
        "closed",
        on_behalf_of="external_body",
        outcome="partly_well_founded",
    )
    assert (case["outcome"], case["closed_on"]) == ("partly_well_founded", "2025-09-01")


def test_werkpro_manager_officer_then_klachtencommissie_wp04_wp07_wp09_wp10_wp15_wp16_wp18_wp19(api):
    """WP-04 the manager handles; WP-07 then the complaints officer (WP-09 two weeks for the subject, WP-10 reports,
    six weeks); WP-15 the Klachtencommissie within six months (WP-18), admissibility first (WP-16), hearings (WP-17),
    and WerkPro's measures within a month (WP-19)."""
    # Given WerkPro (Dutch calendar) and its people
    wp = organisation_running("werkpro")
    intake, manager, officer = staff(wp, "intake_staff"), staff(wp, "manager"), staff(wp, "complaints_officer")
    admin = staff(wp, "administrator")
    walk = Walk(api, AMSTERDAM)
    # When a client's complaint about a jobcoach is filed with the manager on Monday 3 March 2025 (WP-02)
    body = complaint(wp.slug, subjects=[{"name": "Bram Wolters"}], incident_date="2025-02-20")
    case = walk.register(D(2025, 3, 3), intake, body)
    assert (case["stage"], case["responsible"], case["terms"]) == ("manager", ["manager"], [])
    assert [party["role"] for party in case["parties"]] == ["complainant", "subject"]
    walk.act(D(2025, 3, 5), manager, "handler_assigned", "manager", handler=person_of(manager).pk)
    walk.act(D(2025, 3, 12), manager, "meeting_held", "manager", report="Talk", shared_with=["complainant", "Bram"])
    walk.act(
        D(2025, 3, 14),
        manager,
        "decided",
        "manager",
        outcome="unfounded",
        explanation="Findings.",
        hearing_skipped_reason="Not reached.",
    )
    # When the complainant goes to the complaints officer on Monday 17 March (WP-07): six weeks, Monday 28 April
    case = walk.act(D(2025, 3, 17), manager, "escalated", "complaints_officer", on_behalf_of="complainant")
    assert walk.terms() == {"officer_handling": ("2025-04-28", "pending")}
    # Then the subject has two weeks to respond (WP-09): 19 March + 2 weeks = Wednesday 2 April
    walk.act(D(2025, 3, 19), officer, "response_requested", "complaints_officer")
    assert walk.terms()["subject_response"] == ("2025-04-02", "pending")
    assert walk.case["next_due"] == "2025-04-02"
    walk.act(D(2025, 3, 31), officer, "subject_responded", "complaints_officer")
    walk.act(D(2025, 4, 3), officer, "meeting_held", "complaints_officer", report="Hearing", shared_with=["all"])
    walk.act(
        D(2025, 4, 22),
        officer,
        "decided",
        "complaints_officer",
        outcome="unfounded",
        explanation="Findings.",
        hearing_skipped_reason="Not reached.",
    )
    assert walk.terms()["officer_handling"] == ("2025-04-28", "met")
    walk.act(D(2025, 4, 24), officer, "internal_closed", "complaints_officer", "closed", outcome="unresolved")
    # When the complainant goes to the Klachtencommissie on 15 May (WP-15): six months is Saturday 15 November,
    # moved to Monday 17 November (WP-18)
    walk.act(D(2025, 5, 15), admin, "external_filed", "committee", on_behalf_of="complainant")
    assert walk.terms()["committee_decision"] == ("2025-11-17", "pending")
    # Then the committee decides admissibility first (WP-16), hears the parties (WP-17) and decides (WP-18)
    ext = {"on_behalf_of": "external_body"}
    walk.act(D(2025, 6, 5), admin, "external_admissibility_decided", "committee", outcome="admissible", **ext)
    walk.act(D(2025, 7, 10), admin, "external_hearing_held", "committee", **ext)
    walk.act(D(2025, 9, 1), admin, "external_decided", "committee", outcome="partly_well_founded", **ext)
    # and WerkPro reports its measures within a month (WP-19): Wednesday 1 October
    assert walk.terms()["measures_notice"] == ("2025-10-01", "pending")
    walk.act(D(2025, 9, 20), manager, "measure_recorded", "committee", description="New intake checklist")
    assert walk.terms()["measures_notice"] == ("2025-10-01", "met")
    case = walk.act(D(2025, 9, 22), admin, "closed", "committee", "closed")
    assert (case["outcome"], case["next_due"]) == ("partly_well_founded", None)
