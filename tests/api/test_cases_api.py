"""The case operations over HTTP: registration, idempotency, the list and its filters, access, errors and conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaint.cases.models import Case, Category
from plaint.cases.services import case_act
from tests.api.conftest import at, complaint
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db

MARCH_3 = dt.date(2025, 3, 3)


@pytest.fixture
def xs():
    return organisation_running("xs2more")


@pytest.fixture
def intake(xs):
    return staff(xs, "intake_staff")


def test_registration_records_parties_and_answers_where_the_detail_is_wu02_xs21_wp24(api, xs, intake):
    """WU-02 any channel; XS-21 who the complainant is; WP-24 a representative or surviving relative may complain."""
    # Given a unit and an employee of the organisation
    unit = UnitFactory(organisation=xs, name="Bemiddeling")
    employee = staff(xs, "handler")
    body = complaint(
        xs.slug,
        channel="phone",
        summary="Coach absent",
        incident_date="2025-02-20",
        complainant={"name": "Sam Taylor", "email": "sam@example.org", "group": "affiliated_workers"},
        subjects=[{"person": person_of(employee).pk}, {"unit": unit.pk}],
        representative={"role": "surviving_relative", "name": "Alex Taylor", "authorisation": "Next of kin"},
        language="en",
    )
    # When it is registered
    with at(MARCH_3):
        response = api.as_user(intake).register(body)
    # Then the answer names the case (id, reference, version, where its detail is), built without reading it back
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["reference"].endswith("-2025-0001")
    assert (answer["version"], answer["status"], answer["url"]) == (1, "open", f"/api/cases/{answer['id']}/")
    assert response.headers["Location"] == answer["url"]
    # and the detail there has every party, its terms and the first event
    with at(MARCH_3):
        case = api.client.get(response.headers["Location"]).json()
    assert case["reference"] == answer["reference"]
    assert (case["channel"], case["summary"], case["incident_date"], case["language"]) == (
        "phone",
        "Coach absent",
        "2025-02-20",
        "en",
    )
    parties = [(party["role"], party["name"], party["involved"]) for party in case["parties"]]
    assert parties == [
        ("complainant", "Sam Taylor", False),
        ("subject", person_of(employee).name, True),
        ("subject", "Bemiddeling", True),
        ("surviving_relative", "Alex Taylor", False),
    ]
    assert case["parties"][0]["group"] == "affiliated_workers"
    assert [event["kind"] for event in case["events"]] == ["received"]
    assert case["events"][0]["actor"] == intake.username
    assert case["my_actions"] == ["handler_assigned", "escalated", "acknowledged"]
    assert case["allowed"]["complainant"] == ["withdrawn"]
    assert Case.objects.get().created_by == intake


def test_idempotency_key_creates_one_case(api, xs, intake):
    # Given a registration sent with an Idempotency-Key
    with at(MARCH_3):
        first = api.as_user(intake).register(complaint(xs.slug), HTTP_IDEMPOTENCY_KEY="form-42")
        # When the client retries it
        again = api.register(complaint(xs.slug), HTTP_IDEMPOTENCY_KEY="form-42")
        # and sends another one without a key
        other = api.register(complaint(xs.slug))
    # Then the retry answers 200 with the same case, and only the request without the key made a second one
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["reference"] == first.json()["reference"]
    assert Case.objects.count() == 2


def test_idempotency_key_reused_for_another_request_is_a_409(api, xs, intake):
    # Given a registration sent with an Idempotency-Key
    with at(MARCH_3):
        first = api.as_user(intake).register(complaint(xs.slug), HTTP_IDEMPOTENCY_KEY="form-42")
        # When the client sends a different request with the same key (another description, another summary)
        other = api.register(complaint(xs.slug, description="Something else."), HTTP_IDEMPOTENCY_KEY="form-42")
        summary = api.register(complaint(xs.slug, summary="Another"), HTTP_IDEMPOTENCY_KEY="form-42")
    # Then it is told the key was used for another request, and no second case exists
    assert first.status_code == 201
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert (summary.status_code, summary.json()["code"]) == (409, "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_idempotency_keys_are_per_user(api, xs, intake):
    # Given a colleague who happens to use the same key
    colleague = staff(xs, "intake_staff")
    with at(MARCH_3):
        mine = api.as_user(intake).register(complaint(xs.slug), HTTP_IDEMPOTENCY_KEY="form-1")
        theirs = api.as_user(colleague).register(complaint(xs.slug), HTTP_IDEMPOTENCY_KEY="form-1")
    # Then each registered their own case
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_idempotency_key_is_at_most_128_characters(api, xs, intake):
    with at(MARCH_3):
        response = api.as_user(intake).register(complaint(xs.slug), HTTP_IDEMPOTENCY_KEY="k" * 129)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert Case.objects.count() == 0


def test_invalid_registration_gets_a_message_per_field_in_dutch(api, xs, intake):
    # Given a registration with a missing description, a bad email, a nested subject without a name and a bad kind
    body = complaint(xs.slug, kind="moan", subjects=[{"name": "Bram"}, {}])
    del body["description"]
    body["complainant"]["email"] = "not-an-address"
    # When it is sent by a Dutch reader
    with at(MARCH_3):
        response = api.as_user(intake).register(body, HTTP_ACCEPT_LANGUAGE="nl")
    # Then the answer is 400 with one message per field, in Dutch
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert error["detail"] == "De invoer is niet geldig; zie de meldingen per veld."
    assert set(error["errors"]) == {"description", "kind", "complainant.email", "subjects.1.name"}
    assert error["errors"]["description"] == ["Dit veld is vereist."]
    assert error["errors"]["subjects.1.name"] == ["Geef een persoon, een eenheid of een naam."]
    assert response["Content-Language"] == "nl"
    assert Case.objects.count() == 0


def test_refusals_of_the_service_are_in_the_readers_language(api, xs, intake):
    # Given a registration received in the future, and a category the organisation does not have
    body = complaint(xs.slug, received_at="2025-03-04T09:00:00+01:00", categories=["nope"])
    # When it is sent in Dutch
    with at(MARCH_3):
        future = api.as_user(intake).register(body, HTTP_ACCEPT_LANGUAGE="nl")
        body["received_at"] = "2025-03-03T09:00:00+01:00"
        unknown = api.register(body, HTTP_ACCEPT_LANGUAGE="nl")
    # Then the service's refusals come back as 400 with Dutch messages per field
    assert future.status_code == 400
    assert future.json()["errors"] == {"received_at": ["Ligt in de toekomst."]}
    assert future.json()["detail"] == "Een dossier kan niet in de toekomst ontvangen zijn."
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"categories": ["Geen actieve categorie nope."]}


def test_another_organisations_slug_is_refused_without_saying_whether_it_exists(api, xs, intake):
    other = organisation_running("xs2more")
    with at(MARCH_3):
        response = api.as_user(intake).register(complaint(other.slug))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organisation"]


def test_an_action_the_procedure_does_not_allow_is_409_naming_the_allowed_ones_in_english_and_dutch(api, xs, intake):
    # Given a new case in the intake stage
    with at(MARCH_3):
        case = api.as_user(intake).register(complaint(xs.slug)).json()
        # When intake staff try to decide it, in English and in Dutch
        english = api.act(case["id"], "decided", {"version": 1, "outcome": "unfounded"})
        dutch = api.act(case["id"], "decided", {"version": 1, "outcome": "unfounded"}, HTTP_ACCEPT_LANGUAGE="nl")
    # Then both are 409 naming the actions that are allowed now
    for response in (english, dutch):
        assert response.status_code == 409
        assert response.json()["code"] == "action_not_allowed"
        assert response.json()["allowed_actions"] == ["handler_assigned", "escalated", "acknowledged"]
    assert english.json()["detail"].startswith("'decided' is not allowed now; allowed: handler_assigned, escalated")
    assert dutch.json()["detail"].startswith("'decided' mag nu niet; wel toegestaan: handler_assigned, escalated")
    # and nothing was recorded
    assert api.detail(case["id"]).json()["version"] == 1


def test_a_stale_version_is_409_with_the_current_version(api, xs, intake):
    # Given a case two people loaded at version 1
    with at(MARCH_3):
        case = api.as_user(intake).register(complaint(xs.slug)).json()
        # When the first acknowledges it and the second, not knowing, tries to pass it on
        first = api.act(case["id"], "acknowledged", {"version": 1})
        second = api.act(case["id"], "escalated", {"version": 1})
        dutch = api.act(case["id"], "escalated", {"version": 1}, HTTP_ACCEPT_LANGUAGE="nl")
    # Then the first succeeded and the second is told to reload, with the version to reload to
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "stale_case"
    assert second.json()["current_version"] == 2
    assert "version 1" in second.json()["detail"]
    assert "Laad" in dutch.json()["detail"]
    assert [event["kind"] for event in api.detail(case["id"]).json()["events"]] == ["received", "acknowledged"]


def test_two_people_acting_on_the_same_version_exactly_one_succeeds(api, xs, intake):
    # Given a case and two colleagues who both saw version 1
    colleague = staff(xs, "intake_staff")
    with at(MARCH_3):
        case = api.as_user(intake).register(complaint(xs.slug)).json()
        # When both acknowledge it
        answers = [
            api.as_user(user).act(case["id"], "acknowledged", {"version": 1}).status_code
            for user in (intake, colleague)
        ]
    # Then exactly one succeeds and the other gets 409
    assert sorted(answers) == [200, 409]
    assert Case.objects.get().version == 2


def test_a_case_of_another_organisation_is_404_and_never_listed(api, xs, intake):
    # Given a case of another organisation
    other = organisation_running("xs2more")
    with at(MARCH_3):
        theirs = register(other, staff(other, "intake_staff"))
        mine = register(xs, intake)
        api.as_user(intake)
        # When our staff ask for it, act on it and list cases
        detail = api.detail(theirs.pk)
        action = api.act(theirs.pk, "acknowledged", {"version": 1})
        listed = api.list()
    # Then it does not exist for them
    assert (detail.status_code, action.status_code) == (404, 404)
    assert detail.json() == {"code": "not_found", "detail": "No such case.", "errors": {}}
    assert [case["id"] for case in listed.json()["results"]] == [mine.pk]
    assert theirs.events.count() == 1


def test_anonymous_requests_are_401(api, xs, intake):
    with at(MARCH_3):
        case = register(xs, intake)
    for response in (api.list(), api.detail(case.pk), api.act(case.pk, "acknowledged", {"version": 1})):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"
    assert api.register(complaint(xs.slug)).status_code == 401


def test_bad_input_is_400_never_500(api, xs, intake):
    with at(MARCH_3):
        case = api.as_user(intake).register(complaint(xs.slug)).json()
        path = f"/api/cases/{case['id']}/actions/acknowledged/"
        malformed = api.client.post(path, data="{version: ", content_type="application/json")
        wrong_type = api.act(case["id"], "acknowledged", {"version": "one", "on": "yesterday"})
        unknown_action = api.act(case["id"], "dance", {"version": 1})
        builtin = api.act(case["id"], "received", {"version": 1})
        missing_field = api.act(case["id"], "handler_assigned", {"version": 1})
        bad_party = api.act(case["id"], "acknowledged", {"version": 1, "on_behalf_of": "neighbour"})
        bad_duration = api.act(case["id"], "term_extended", {"version": 1, "term": "handling", "by": "a while"})
        future = api.act(case["id"], "acknowledged", {"version": 1, "on": "2025-03-04"})
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "parse_error"
    assert wrong_type.status_code == 400
    assert set(wrong_type.json()["errors"]) == {"version", "on"}
    assert unknown_action.status_code == 400
    assert "handler_assigned" in unknown_action.json()["errors"]["action"][0]
    assert builtin.status_code == 400
    assert missing_field.json()["errors"] == {"handler": ["This field is required."]}
    assert list(bad_party.json()["errors"]) == ["on_behalf_of"]
    assert list(bad_duration.json()["errors"]) == ["by"]
    assert future.status_code == 400
    assert future.json()["errors"] == {"on": ["In the future."]}


def test_actions_record_their_own_fields_and_follow_ups_wp06(api):
    """WP-06: an agreement is recorded with who sees to it and when, and followed up until kept."""
    # Given a WerkPro case handled by a manager
    wp = organisation_running("werkpro")
    manager = staff(wp, "manager")
    with at(MARCH_3):
        case = api.as_user(manager).register(complaint(wp.slug)).json()
        # When an agreement is recorded and later kept
        case = api.act(
            case["id"],
            "agreement_recorded",
            {"version": 1, "description": "Weekly call", "owner": person_of(manager).pk, "follow_up_on": "2025-03-10"},
        ).json()
        assert case["version"] == 2
        follow_up = api.detail(case["id"]).json()["follow_ups"][0]
        acted = api.act(case["id"], "measure_completed", {"version": 2, "follow_up": follow_up["id"], "note": "Done"})
        assert acted.status_code == 200, acted.json()
        kept = api.detail(case["id"])
    # Then the agreement is followed up and marked kept, and the note is in the history
    assert follow_up["owner"] == {"id": person_of(manager).pk, "name": person_of(manager).name}
    assert follow_up["follow_up_on"] == "2025-03-10"
    assert kept.json()["follow_ups"][0]["completed_on"] == "2025-03-03"
    assert kept.json()["events"][-1]["note"] == "Done"


# The list


@pytest.fixture
def inbox(xs, intake):
    """Cases of two organisations the same person works for, in different stages, kinds and states."""
    wu = organisation_running("workers-union")
    MembershipFactory(person=person_of(intake), organisation=wu, roles=["intake_staff"])
    management = staff(xs, "senior_manager")
    handler = staff(xs, "handler")
    Category.objects.create(organisation=xs, code="service", name_en="Service", name_nl="Dienstverlening")
    with at(MARCH_3):
        waiting = register(xs, intake)  # intake, acknowledgement due 17 March
    with at(dt.date(2025, 3, 10)):
        handled = register(xs, intake, category_codes=["service"])  # due 24 March
        case_act(case=handled, actor=intake, action="escalated")
        case_act(
            case=handled,
            actor=management,
            action="handler_assigned",
            data={"handler": person_of(handler).pk, "delegate": True},
        )
        refused = register(xs, intake)
        case_act(case=refused, actor=intake, action="escalated")
        case_act(case=refused, actor=management, action="admissibility_decided", data={"outcome": "not_admissible"})
        compliment = register(wu, intake, kind="compliment")  # no term due
    return {
        "waiting": waiting.pk,
        "handled": handled.pk,
        "refused": refused.pk,
        "compliment": compliment.pk,
        "handler": person_of(handler).pk,
        "wu": wu.slug,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["waiting", "handled", "refused", "compliment"]),
        ({"organisation": "$wu"}, ["compliment"]),
        ({"kind": "compliment"}, ["compliment"]),
        ({"stage": "assessment"}, ["handled", "refused"]),
        ({"stage": "assessment", "status": "open"}, ["handled"]),
        ({"status": "closed"}, ["refused"]),
        ({"status": "open"}, ["waiting", "handled", "compliment"]),
        ({"handler": "$handler"}, ["handled"]),
        ({"category": "service"}, ["handled"]),
        ({"overdue": "true"}, ["waiting"]),
        ({"overdue": "false"}, ["handled", "refused", "compliment"]),
        ({"due_before": "2025-03-20"}, ["waiting"]),
        ({"due_before": "2025-04-30"}, ["waiting", "handled"]),
    ],
)
def test_list_filters_and_sorts_by_next_due_date(api, intake, inbox, params, expected):
    # Given cases in different states, on 18 March (the first case's acknowledgement was due on the 17th)
    params = {key: inbox[value[1:]] if value.startswith("$") else value for key, value in params.items()}
    # When the list is asked for with a filter
    with at(dt.date(2025, 3, 18)):
        response = api.as_user(intake).list(**params)
    # Then it holds exactly the matching cases, soonest due first and cases without a due date last
    assert response.status_code == 200, response.json()
    assert [case["id"] for case in response.json()["results"]] == [inbox[name] for name in expected]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "moan"},
        {"status": "pending"},
        {"handler": "bob"},
        {"overdue": "maybe"},
        {"due_before": "soon"},
        {"colour": "red"},
    ],
)
def test_list_refuses_unknown_filters_and_values(api, intake, params):
    response = api.as_user(intake).list(**params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == list(params)


def test_list_is_paginated(api, xs, intake):
    with at(MARCH_3):
        for _ in range(3):
            register(xs, intake)
        page = api.as_user(intake).list(page_size=2).json()
        last = api.list(page_size=2, page=2).json()
    assert (page["count"], len(page["results"]), len(last["results"])) == (3, 2, 1)
    assert page["next"] is not None and page["count_exact"] is True


def test_the_list_counts_up_to_a_cap_and_says_when_more_match(api, xs, intake, monkeypatch):
    """At a million cases an exact count costs more than the page: the list counts up to a cap (docs/cases.md)."""
    monkeypatch.setattr("plaint.api.pagination.COUNT_CAP", 3)
    with at(MARCH_3):
        for _ in range(5):
            register(xs, intake)
        first = api.as_user(intake).list(page_size=2).json()
        second = api.list(page_size=2, page=2).json()
        narrowed = api.list(page_size=2, status="closed").json()
    # five match: the count stops at the cap, says it is not exact, and the pages stop there too
    assert (first["count"], first["count_exact"], len(first["results"])) == (3, False, 2)
    assert (len(second["results"]), second["next"]) == (1, None)
    # a filter that lets fewer through is counted exactly
    assert (narrowed["count"], narrowed["count_exact"]) == (0, True)


def test_list_query_count_does_not_grow_with_the_number_of_cases(api, xs, intake, django_assert_num_queries):
    # Given one case, handled by someone, and the number of queries listing it takes
    handler = staff(xs, "handler")
    with at(MARCH_3):
        first = register(xs, intake)
        Case.objects.filter(pk=first.pk).update(handler=person_of(handler))
        api.as_user(intake)
        with CaptureQueriesContext(connection) as one:
            assert len(api.list().json()["results"]) == 1
        # When there are ten
        for _ in range(9):
            case = register(xs, intake)
            Case.objects.filter(pk=case.pk).update(handler=person_of(handler))
        # Then listing them takes as many queries
        with django_assert_num_queries(len(one.captured_queries)):
            assert len(api.list().json()["results"]) == 10


@pytest.mark.clause("XS-03")
def test_a_term_past_its_due_date_shows_as_missed_before_the_sweep_writes_it(api, xs, intake):
    # Given a complaint received on 3 March, whose acknowledgement term runs a few days
    with at(MARCH_3):
        registered = api.as_user(intake).register(complaint(xs.slug))
        created = api.client.get(registered.headers["Location"]).json()
    acknowledgement = next(term for term in created["terms"] if term["state"] == "pending")
    due = dt.date.fromisoformat(acknowledgement["due"])
    # When the case is read the day after that term's due date, before any sweep ran
    with at(due + dt.timedelta(days=1)):
        detail = api.detail(created["id"]).json()
    # Then the term shows as missed, with its stored due date, while the stored row still waits for the sweep
    shown = next(term for term in detail["terms"] if term["key"] == acknowledgement["key"])
    assert (shown["state"], shown["due"]) == ("missed", acknowledgement["due"])
    assert Case.objects.get(pk=created["id"]).terms.get(key=acknowledgement["key"]).state == "pending"
    # and on its due date itself it is still pending
    with at(due):
        on_the_day = api.detail(created["id"]).json()
    assert next(term for term in on_the_day["terms"] if term["key"] == acknowledgement["key"])["state"] == "pending"
