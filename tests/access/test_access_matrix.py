"""The access matrix (issue 5, docs/access.md): every role against every API endpoint and staff page, for cases of
their own organisation and of another, confidential or not, where they are a subject or not.

One organisation (The Workers Union's procedure, which routes a complaint about a manager to a senior manager:
WU-07) has a person in every role plus an expert who is only a party; a second organisation has its own cases.
`EXPECTED` is the table: what each role may do with each case (nothing, see it, act on it). Every endpoint's status
follows from that level, lists never include a case the role may not see, and every refusal is logged and
recorded in the audit trail (`access.denied`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from plaint.access.models import User
from plaint.access.models_audit import AuditRecord
from plaint.cases.models import Attachment, Case, Party
from plaint.cases.services import PartyInput, case_act
from plaint.organisations.models import Organisation
from tests.access.helpers import login_verified, totp_code
from tests.api.conftest import at
from tests.cases import attachment_samples as samples
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clause("WU-07", "WP-04", "XS-14", "WA-11", "WP-21", "WA-12", "WP-22")]

DAY = dt.date(2025, 3, 3)
ROLES = (
    "intake_staff",
    "handler",
    "manager",
    "senior_manager",
    "board_member",
    "complaints_officer",
    "committee_member",
    "analyst",
    "administrator",
)
NONE, VIEW, ACT = "none", "view", "act"
CASES = (
    "normal",
    "confidential",
    "own_subject",
    "about_manager",
    "about_line_manager",
    "other_normal",
    "other_confidential",
)

#: What each role may do with each case. `normal`: a complaint in its first stage; `confidential`: one in the
#: formal stage (worked on by manager, senior manager, board); `own_subject`: a case about the role holder;
#: `about_manager`: a formal complaint about a team manager whose line manager is the `manager` (routed past to the
#: senior manager: WU-07); `about_line_manager`: a formal complaint about the `manager`, to whom most roles report:
#: whoever reports to a subject, directly or further down, is in conflict like the subject (issue 14);
#: `other_*`: cases of the second organisation. The expert is a party of `normal` and
#: `confidential` without any membership: may read, never act.
EXPECTED: dict[str, dict[str, str]] = {
    "intake_staff": dict.fromkeys(CASES, NONE) | {"normal": ACT, "about_manager": ACT},
    "handler": dict.fromkeys(CASES, NONE) | {"normal": ACT, "about_manager": ACT},
    "manager": dict.fromkeys(CASES, NONE) | {"normal": ACT, "confidential": ACT},
    "senior_manager": dict.fromkeys(CASES, NONE)
    | {"normal": ACT, "confidential": ACT, "about_manager": ACT, "about_line_manager": ACT},
    "board_member": dict.fromkeys(CASES, NONE)
    | {"normal": ACT, "confidential": ACT, "about_manager": ACT, "about_line_manager": ACT},
    "complaints_officer": dict.fromkeys(CASES, NONE) | {"normal": ACT, "about_manager": ACT},
    "committee_member": dict.fromkeys(CASES, NONE) | {"normal": ACT, "about_manager": ACT},
    "analyst": dict.fromkeys(CASES, NONE),
    "administrator": dict.fromkeys(CASES, NONE) | {"normal": ACT, "about_manager": ACT},
    "expert": dict.fromkeys(CASES, NONE) | {"normal": VIEW, "confidential": VIEW},
}
#: The cases whose sensitive sections each role may read (`cases.view_sensitive`, WA-11): those it handles, is a
#: committee member or expert of, or whose current stage its role works on; never a case it may not see.
SENSITIVE: dict[str, set[str]] = {
    "intake_staff": {"normal"},
    "handler": {"normal"},
    "manager": {"normal", "confidential"},
    "senior_manager": {"normal", "confidential", "about_manager", "about_line_manager"},
    "board_member": {"confidential", "about_manager", "about_line_manager"},
    "complaints_officer": set(),
    "committee_member": set(),
    "analyst": set(),
    "administrator": set(),
    "expert": {"normal", "confidential"},
}
DETAIL = {NONE: 404, VIEW: 200, ACT: 200}
ACTION = {NONE: 404, VIEW: 403, ACT: 409}  # sent with a stale version: past the access check, the 409 of the service
CONSENT = {NONE: 404, VIEW: 403, ACT: 200}
WITHDRAW = {NONE: 404, VIEW: 403, ACT: 409}  # no consent recorded yet: past the access check, a 409
ADMIN_CHANGE = {NONE: 404, VIEW: 200, ACT: 200}
#: A case's documents (issue #4): listed and downloaded as the case is seen; added as it is acted on.
ATTACHMENT_ADD = {NONE: 404, VIEW: 403, ACT: 201}
ATTACHMENT_DOWNLOAD = {NONE: 404, VIEW: 200, ACT: 200}
#: Classifying (categories, causes: XS-22) is open to whoever acts on the case; an empty body changes nothing.
CLASSIFY = {NONE: 404, VIEW: 403, ACT: 200}
#: A party joining later (WV-03): as the case is acted on.
PARTY_ADD = {NONE: 404, VIEW: 403, ACT: 201}
#: The compliment copy (WU-01) on these complaints: past the access check, the 409 that it is not a compliment.
COMPLIMENT_COPY = {NONE: 404, VIEW: 403, ACT: 409}
#: Who reads the anonymised case data of their organisation (`cases.view_anonymised`); everyone else gets 403.
ANONYMISED_READERS = ("analyst", "administrator", "senior_manager", "board_member", "complaints_officer")
#: One action of each input family (plain, with a person, with an outcome, a party's), each with valid input.
ACTION_FAMILIES = {
    "acknowledged": {},
    "complainant_heard": {},
    "handler_assigned": {"handler": 1},
    "decided": {"outcome": "unfounded"},
    "withdrawn": {"on_behalf_of": "complainant"},
}


@dataclass
class World:
    own: Organisation
    other: Organisation
    users: dict[str, User]
    cases: dict[str, Case]
    representatives: dict[str, Party]


def _world() -> World:
    own = organisation_running("workers-union", slug="own-union")
    other = organisation_running("xs2more", slug="other-org")
    desk = staff(own, "intake_staff", name="Desk")  # registers the cases; not in the matrix
    users: dict[str, User] = {}
    board = staff(own, "board_member", name="Board member")
    senior = staff(own, "senior_manager", line_manager=person_of(board), name="Senior manager")
    manager = staff(own, "manager", line_manager=person_of(senior), name="Manager")
    users.update(board_member=board, senior_manager=senior, manager=manager)
    for role in ROLES:
        if role not in users:
            users[role] = staff(own, role, line_manager=person_of(manager), name=role.replace("_", " ").title())
    expert_person = PersonFactory(with_login=True, name="External expert")
    users["expert"] = expert_person.user
    team_manager = staff(own, "manager", line_manager=person_of(manager), name="Team manager")
    representative = PartyInput(role="representative", name="Rep Resentative", authorisation="Union steward")

    def expert_on(case: Case) -> Case:
        Party.objects.create(case=case, role="expert", person=expert_person)
        return case

    cases: dict[str, Case] = {}
    cases["normal"] = expert_on(register(own, desk, representative=representative))
    confidential = register(own, desk, confidentiality="confidential", representative=representative)
    cases["confidential"] = expert_on(case_act(case=confidential, actor=desk, action="formal_requested"))
    about_team_manager = (PartyInput(role="subject", person_id=person_of(team_manager).pk),)
    about = register(own, desk, subjects=about_team_manager, representative=representative)
    cases["about_manager"] = case_act(case=about, actor=desk, action="formal_requested")
    about_line_manager = (PartyInput(role="subject", person_id=person_of(manager).pk),)
    about = register(own, desk, subjects=about_line_manager, representative=representative)
    cases["about_line_manager"] = case_act(case=about, actor=desk, action="formal_requested")
    other_desk = staff(other, "intake_staff")
    cases["other_normal"] = register(other, other_desk, representative=representative)
    cases["other_confidential"] = register(
        other, other_desk, confidentiality="confidential", representative=representative
    )
    for role, user in users.items():
        if role != "expert":
            subject = PartyInput(role="subject", person_id=person_of(user).pk)
            cases[f"own_subject:{role}"] = register(own, desk, subjects=(subject,), representative=representative)
    representatives = {name: case.parties.get(role="representative") for name, case in cases.items()}
    return World(own=own, other=other, users=users, cases=cases, representatives=representatives)


def _case_name(world: World, role: str, name: str) -> str:
    return f"own_subject:{role}" if name == "own_subject" else name


def _document(case: Case) -> Attachment:
    return Attachment.objects.create(
        case=case,
        file=ContentFile(samples.PDF, name="letter.pdf"),
        original_name="letter.pdf",
        content_type="application/pdf",
        size=len(samples.PDF),
        uploaded_by=case.created_by,
        uploaded_at=case.received_at,
    )


def _denials() -> int:
    return AuditRecord.objects.filter(action="access.denied").count()


class Checker:
    """Sends one request and checks its status; a refusal must be logged and recorded."""

    def __init__(self, client: Client, caplog: pytest.LogCaptureFixture) -> None:
        self.client = client
        self.caplog = caplog
        self.failures: list[str] = []

    def check(self, label: str, expected: int, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        before = _denials()
        self.caplog.clear()
        with self.caplog.at_level(logging.WARNING, logger="plaint.access"):
            if method == "get":
                response = self.client.get(path)
            elif method == "upload":
                response = self.client.post(path, body or {})  # multipart/form-data
            else:
                response = self.client.post(path, body or {}, content_type="application/json")
        if response.status_code != expected:
            self.failures.append(f"{label}: {response.status_code}, expected {expected}")
        if expected in (403, 404) and response.status_code == expected:
            if _denials() <= before:
                self.failures.append(f"{label}: refusal not recorded in the audit trail")
            if "access denied" not in self.caplog.text:
                self.failures.append(f"{label}: refusal not logged")
        return response


@pytest.mark.parametrize("role", [*ROLES, "expert"])
def test_access_matrix(role, client, caplog, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with at(DAY):
        world = _world()
        user = world.users[role]
        login_verified(client, user)
        checker = Checker(client, caplog)
        # The list: exactly the cases the role may see, never another
        listed = {row["id"] for row in client.get("/api/cases/?page_size=200").json()["results"]}
        for name in CASES:
            case = world.cases[_case_name(world, role, name)] if role != "expert" or name != "own_subject" else None
            if case is None:
                continue
            level = EXPECTED[role][name]
            label = f"{role} × {name}"
            if (case.pk in listed) != (level != NONE):
                checker.failures.append(f"{label}: listed={case.pk in listed}, expected level {level}")
            checker.check(f"{label} detail", DETAIL[level], "get", f"/api/cases/{case.pk}/")
            for action, fields in ACTION_FAMILIES.items():
                path = f"/api/cases/{case.pk}/actions/{action}/"
                checker.check(f"{label} {action}", ACTION[level], "post", path, {"version": 0, **fields})
            party = world.representatives[_case_name(world, role, name)]
            base = f"/api/cases/{case.pk}/parties/{party.pk}/consent/"
            withdrawal = {"withdrawn_on": "2025-03-03"}
            checker.check(f"{label} consent withdrawal", WITHDRAW[level], "post", f"{base}withdrawal/", withdrawal)
            checker.check(f"{label} consent", CONSENT[level], "post", base, {"given_on": "2025-03-01"})
            documents = f"/api/cases/{case.pk}/attachments/"
            letter = {"file": samples.upload("letter.pdf", samples.PDF)}
            checker.check(f"{label} documents", DETAIL[level], "get", documents)
            checker.check(f"{label} add document", ATTACHMENT_ADD[level], "upload", documents, letter)
            download = f"{documents}{_document(case).pk}/content/"
            checker.check(f"{label} download", ATTACHMENT_DOWNLOAD[level], "get", download)
            sensitive = name in SENSITIVE[role]
            sections = f"/api/cases/{case.pk}/sensitive-sections/"
            read = 404 if level == NONE else (200 if sensitive else 403)
            add = 404 if level == NONE else (201 if sensitive and level == ACT else 403)
            section = {"kind": "medical", "title": "GP letter", "text": "Seen by the GP."}
            checker.check(f"{label} sensitive sections", read, "get", sections)
            checker.check(f"{label} add sensitive section", add, "post", sections, section)
            checker.check(f"{label} classify", CLASSIFY[level], "post", f"/api/cases/{case.pk}/classification/", {})
            expert = {"role": "expert", "name": "Behavioural expert"}
            checker.check(f"{label} add party", PARTY_ADD[level], "post", f"/api/cases/{case.pk}/parties/", expert)
            copy = f"/api/cases/{case.pk}/compliment-copy/"
            checker.check(f"{label} compliment copy", COMPLIMENT_COPY[level], "post", copy, {"version": case.version})
            checker.check(f"{label} admin page", ADMIN_CHANGE[level], "get", f"/admin/cases/case/{case.pk}/change/")
        # Registering: for their own organisation when they hold a role that acts; another's slug is unknown to them
        may_register = role not in ("analyst", "expert")
        own_status = 201 if may_register else (403 if role == "analyst" else 400)
        body = {"kind": "complaint", "channel": "in_writing", "description": "x", "complainant": {"name": "Sam"}}
        checker.check(f"{role} register own", own_status, "post", "/api/cases/", {"organisation": "own-union", **body})
        checker.check(f"{role} register other", 400, "post", "/api/cases/", {"organisation": "other-org", **body})
        # Anonymised case data (WA-12, WP-22): the roles that analyse, for their own organisation only
        for suffix in ("anonymised-cases/", "anonymised-cases.csv"):
            own_data = 200 if role in ANONYMISED_READERS else 403
            checker.check(f"{role} {suffix} own", own_data, "get", f"/api/organisations/own-union/{suffix}")
            checker.check(f"{role} {suffix} other", 403, "get", f"/api/organisations/other-org/{suffix}")
        # The admin's case list: staff who work on cases; the analyst and the expert have no case pages
        changelist = client.get("/admin/cases/case/")
        expected_list = 403 if role in ("analyst", "expert") else 200
        if changelist.status_code != expected_list:
            checker.failures.append(f"{role} admin list: {changelist.status_code}, expected {expected_list}")
        if changelist.status_code == 200:
            shown = {case.reference for case in changelist.context["cl"].result_list}
            visible = {
                world.cases[_case_name(world, role, name)].reference for name in CASES if EXPECTED[role][name] != NONE
            }
            hidden = {world.cases[_case_name(world, role, n)].reference for n in CASES} - visible
            if shown & hidden:
                checker.failures.append(f"{role} admin list shows {sorted(shown & hidden)}")
        # A token: everyone with a second factor gets one (the cases are then checked per request as above)
        token = Client().post(
            "/api/auth/token/",
            {"username": user.username, "password": "Plaint-test-2025", "code": totp_code(_device(user))},
            content_type="application/json",
        )
        if token.status_code != 200:
            checker.failures.append(f"{role} token: {token.status_code}")
        assert not checker.failures, "\n".join(checker.failures)


def _device(user: User) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_the_staff_login_page_is_open_to_everyone(client):
    assert client.get("/accounts/login/").status_code == 200
