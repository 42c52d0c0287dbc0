"""`POST /api/cases/{id}/compliment-copy/` (WU-01), and the generic `report_shared` action taking the same path."""

from __future__ import annotations

import pytest

from plaint.cases.models import CaseEvent, Party
from plaint.correspondence.models import OutboundEmail
from plaint.organisations.models import Membership
from tests.api.conftest import Api
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _copy(api: Api, case_id: int, body: dict) -> object:
    return api.client.post(f"/api/cases/{case_id}/compliment-copy/", body, format="json")


@pytest.mark.clause("WU-01")
def test_staff_send_the_copy_and_get_the_case_and_emails(union, smtp, django_capture_on_commit_callbacks):
    # Given a compliment about a staff member, and the desk that registered it
    case = union.compliment(union.about_worker())
    api = Api().as_user(union.desk)
    # when they ask for the copy to be sent
    with django_capture_on_commit_callbacks(execute=True):
        response = _copy(api, case.pk, {"version": case.version, "note": "Lovely"})
    # then the answer holds the case after the action and the email to the line manager
    assert response.status_code == 200, response.content
    body = response.json()
    # (two steps: the copy shared, and the procedure's `compliment_copy` letter recorded as sent with its emails)
    assert body["case"]["version"] == case.version + 2
    assert [event["kind"] for event in body["case"]["events"]][-3:] == [
        "report_shared",
        "compliment_forwarded",
        "letter_sent",
    ]
    assert body["case"]["events"][-1]["data"]["letter"] == "compliment_copy"
    assert "compliment_copy" not in [letter["key"] for letter in body["case"]["letters_due"]]
    assert [(email["recipient_email"], email["because"], email["language"]) for email in body["emails"]] == [
        ("lena@union.example", "line_manager", "en")
    ]
    # queued when the answer was given; the worker (in-process here) sent it once the transaction committed
    assert body["emails"][0]["status"] == "queued"
    assert OutboundEmail.objects.get(pk=body["emails"][0]["id"]).status == "sent"
    assert len(smtp.mailbox.messages) == 1


@pytest.mark.clause("WU-01")
def test_the_generic_action_sends_the_copy_too(union, smtp, django_capture_on_commit_callbacks):
    """One path (issue 9): the generic report_shared on a compliment writes the compliment_copy letter's effect,
    whose handler sends the copy once the action commits; nothing is recorded without being sent."""
    # Given a compliment
    case = union.compliment(union.about_worker())
    api = Api().as_user(union.desk)
    # when the generic report_shared action is used
    with django_capture_on_commit_callbacks(execute=True):
        response = api.act(case.pk, "report_shared", {"version": case.version})
    # then it is accepted, and the job queued on commit sent the copy and recorded the letter as sent
    assert response.status_code == 200, response.content
    kinds = list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True))
    assert kinds[-3:] == ["report_shared", "compliment_forwarded", "letter_sent"]
    assert [m["To"].addresses[0].addr_spec for m in smtp.mailbox.messages] == ["lena@union.example"]
    # and the case detail shows the effect, handled
    detail = api.client.get(f"/api/cases/{case.pk}/").json()
    assert [(item["kind"], item["state"]) for item in detail["effects"]] == [("letter.compliment_copy", "done")]


def test_the_generic_action_is_refused_when_nobody_can_receive_the_copy(union):
    # Given a compliment about a staff member without line manager, and nobody with the manager role
    Membership.objects.filter(person=person_of(union.worker)).update(line_manager=None)
    Membership.objects.filter(person__in=[person_of(union.line_manager), person_of(union.unit_manager)]).delete()
    case = union.compliment(union.about_worker())
    # when the generic action is used, then it is refused as the copy operation is, and nothing is recorded
    response = Api().as_user(union.desk).act(case.pk, "report_shared", {"version": case.version})
    assert response.status_code == 400 and response.json()["code"] == "no_service_manager"
    assert not CaseEvent.objects.filter(case=case, kind="report_shared").exists()


def test_report_shared_on_a_complaint_sends_no_copy(union):
    # Given a formal complaint whose conclusions are shared (WU-09), report_shared is recorded as before
    complaint = register(union.organisation, union.desk)
    response = Api().as_user(union.desk).act(complaint.pk, "report_shared", {"version": complaint.version})
    assert response.json().get("code") != "no_service_manager"
    assert OutboundEmail.objects.count() == 0


def test_a_complaint_is_409(union):
    complaint = register(union.organisation, union.desk)
    response = _copy(Api().as_user(union.desk), complaint.pk, {"version": complaint.version})
    assert response.status_code == 409 and response.json()["code"] == "not_a_compliment"


def test_no_manager_is_400_saying_what_to_add(union):
    # Given a compliment about a staff member without line manager, and nobody with the manager role
    Membership.objects.filter(person=person_of(union.worker)).update(line_manager=None)
    Membership.objects.filter(person__in=[person_of(union.line_manager), person_of(union.unit_manager)]).delete()
    case = union.compliment(union.about_worker())
    response = _copy(Api().as_user(union.desk), case.pk, {"version": case.version})
    assert response.status_code == 400
    assert response.json()["code"] == "no_service_manager"
    assert "Wendy Worker" in response.json()["detail"] and "line manager" in response.json()["detail"]
    assert OutboundEmail.objects.count() == 0


def test_outsiders_get_404_and_readers_403(union):
    # Given a compliment, staff of another organisation, and an expert who reads a confidential compliment
    case = union.compliment(union.about_worker())
    other = organisation_running("xs2more")
    outsider = staff(other, "intake_staff")
    response = _copy(Api().as_user(outsider), case.pk, {"version": case.version})
    assert response.status_code == 404
    confidential = union.compliment(union.about_worker(), confidentiality="confidential")
    expert = PersonFactory(with_login=True)
    Party.objects.create(case=confidential, role="expert", person=expert)
    response = _copy(Api().as_user(expert.user), confidential.pk, {"version": confidential.version})
    assert response.status_code == 403
    assert OutboundEmail.objects.count() == 0
    # and the answer needs the version
    response = _copy(Api().as_user(union.desk), case.pk, {})
    assert response.status_code == 400 and "version" in response.json()["errors"]
