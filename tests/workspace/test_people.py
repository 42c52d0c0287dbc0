"""People and roles in the workspace (`/workspace/people/`): an organisation's administrator lists, adds (and invites),
changes and ends memberships through the audited organisations services; others get 403, another organisation's
member 404; a refusal is a message saying what is allowed, never a 500, and nothing is half-saved."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from plaint.access.models import User
from plaint.access.models_audit import AuditRecord
from plaint.organisations.models import Membership, Person
from plaint.organisations.services import unit_create
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, person_of, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def org():
    with at(DAY):
        organisation = organisation_running("xs2more", name="Xs2more")
        admin = staff(organisation, "administrator", name="Ada Admin")
        handler = staff(organisation, "handler", name="Hugo Handler")
        unit = unit_create(organisation=organisation, kind="team", name="Coaching")
    return {"org": organisation, "admin": admin, "handler": handler, "unit": unit}


def _membership(user: User) -> Membership:
    return Membership.objects.get(person__user=user)


def test_only_administrators_manage_people(client, org):
    login_verified(client, org["handler"])
    assert client.get("/workspace/people/").status_code == 403
    assert client.post("/workspace/people/add/", {"name": "X"}).status_code == 403
    assert client.get(f"/workspace/people/{_membership(org['admin']).pk}/").status_code == 404
    assert "People and roles" not in client.get("/workspace/").content.decode()


@pytest.mark.parametrize("prefix,title", [("", "People and roles"), ("/nl", "Medewerkers en rollen")])
def test_the_list_in_english_and_dutch(client, org, prefix, title):
    login_verified(client, org["admin"])
    with at(DAY):
        body = client.get(f"{prefix}/workspace/people/").content.decode()
    assert title in body and "Hugo Handler" in body and "Ada Admin" in body


@pytest.mark.clause("WU-09", "WP-02")
def test_add_a_person_with_roles_unit_line_manager_and_an_invitation(client, org):
    login_verified(client, org["admin"])
    manager = person_of(org["handler"])
    with at(DAY):
        response = client.post(
            "/workspace/people/add/",
            {
                "organisation": org["org"].slug,
                "name": "Nina Nieuw",
                "email": "nina@example.org",
                "language": "nl",
                "unit": str(org["unit"].pk),
                "line_manager": str(manager.pk),
                "roles": ["handler", "intake_staff"],
                "username": "nina",
            },
        )
    assert response.status_code == 302
    person = Person.objects.get(name="Nina Nieuw")
    membership = Membership.objects.get(person=person)
    assert membership.unit == org["unit"] and membership.line_manager == manager
    assert sorted(membership.roles.values_list("code", flat=True)) == ["handler", "intake_staff"]
    assert person.user is not None and person.user.username == "nina" and person.user.language == "nl"
    # The invitation, in the person's language, with a one-time link to choose a password
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina@example.org"]
    assert "Kies uw wachtwoord" in mail.outbox[0].body
    link = re.search(r"http://testserver(/nl/accounts/reset/\S+)", mail.outbox[0].body)
    assert link is not None
    assert client.get(link.group(1), follow=True).status_code == 200
    actions = list(
        AuditRecord.objects.filter(action__startswith="membership.", target_id=str(membership.pk))
        .order_by("sequence")
        .values_list("action", "actor_description")
    )
    assert actions == [
        ("membership.created", org["admin"].username),
        ("membership.role_granted", org["admin"].username),
        ("membership.role_granted", org["admin"].username),
    ]


def test_a_refused_addition_keeps_what_was_typed_and_saves_nothing(client, org):
    login_verified(client, org["admin"])
    with at(DAY):
        response = client.post(
            "/workspace/people/add/",
            {
                "organisation": org["org"].slug,
                "name": "Dup",
                "email": "d@example.org",
                "language": "en",
                "username": org["handler"].username,
                "roles": ["handler"],
                "unit": "999999",
            },
        )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body and 'value="Dup"' in body
    assert not Person.objects.filter(name="Dup").exists()
    # a username without an email address says what is needed
    with at(DAY):
        body = client.post(
            "/workspace/people/add/",
            {"organisation": org["org"].slug, "name": "Dup", "language": "en", "username": "dup"},
        ).content.decode()
    assert "Enter an email address, so the invitation to sign in can be sent." in body
    assert not User.objects.filter(username="dup").exists()


def test_change_roles_unit_and_line_manager_audited(client, org):
    login_verified(client, org["admin"])
    membership = _membership(org["handler"])
    with at(DAY):
        response = client.post(
            f"/workspace/people/{membership.pk}/",
            {
                "job_title": "Coach",
                "unit": str(org["unit"].pk),
                "line_manager": str(person_of(org["admin"]).pk),
                "roles": ["manager"],
            },
        )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.job_title == "Coach" and membership.unit == org["unit"]
    assert list(membership.roles.values_list("code", flat=True)) == ["manager"]
    assert set(AuditRecord.objects.filter(target_id=str(membership.pk)).values_list("action", flat=True)) >= {
        "membership.changed",
        "membership.role_granted",
        "membership.role_revoked",
    }


def test_a_line_manager_loop_is_refused_with_the_rule(client, org):
    login_verified(client, org["admin"])
    handler, admin = _membership(org["handler"]), _membership(org["admin"])
    admin.line_manager = handler.person
    admin.save()
    with at(DAY):
        response = client.post(
            f"/workspace/people/{handler.pk}/", {"line_manager": str(admin.person.pk), "roles": ["handler"]}
        )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    handler.refresh_from_db()
    assert handler.line_manager is None


def test_an_administrator_cannot_lock_themself_out(client, org):
    login_verified(client, org["admin"])
    own = _membership(org["admin"])
    with at(DAY):
        body = client.post(f"/workspace/people/{own.pk}/", {"roles": ["handler"]}).content.decode()
        assert "You cannot take the administrator role from yourself; another administrator can." in body
        assert own.roles.filter(code="administrator").exists()
        body = client.post(f"/workspace/people/{own.pk}/end/", {"confirm": "on"}).content.decode()
    assert "You cannot end your own membership; another administrator can." in body
    own.refresh_from_db()
    assert own.ended_on is None


def test_end_a_membership_after_confirming(client, org):
    login_verified(client, org["admin"])
    membership = _membership(org["handler"])
    with at(DAY):
        body = client.post(f"/workspace/people/{membership.pk}/end/", {}).content.decode()
        assert "Tick the box to confirm, or go back." in body
        membership.refresh_from_db()
        assert membership.ended_on is None
        assert client.post(f"/workspace/people/{membership.pk}/end/", {"confirm": "on"}).status_code == 302
        membership.refresh_from_db()
        assert membership.ended_on == DAY
        assert AuditRecord.objects.filter(action="membership.changed", target_id=str(membership.pk)).exists()
        body = client.get(f"/workspace/people/{membership.pk}/end/").content.decode()
    assert "This membership has already ended." in body


def test_another_organisations_member_is_not_found(client, org):
    other = organisation_running("werkpro", name="WerkPro")
    stranger = staff(other, "handler")
    login_verified(client, org["admin"])
    membership = _membership(stranger)
    for path in ("", "end/", "invite/"):
        assert client.post(f"/workspace/people/{membership.pk}/{path}", {"confirm": "on"}).status_code == 404
    assert client.get(f"/workspace/people/?organisation={other.slug}").status_code == 404
    assert client.get("/workspace/people/?organisation=%27%3B--").status_code == 404


@pytest.mark.parametrize("prefix,language", [("", "en"), ("/nl", "nl")])
def test_the_new_persons_language_defaults_to_the_pages(client, org, prefix, language):
    login_verified(client, org["admin"])
    with at(DAY):
        body = client.get(f"{prefix}/workspace/people/add/?organisation={org['org'].slug}").content.decode()
    selected = re.search(r'<option value="(\w+)"[^>]*selected', body[body.index('name="language"') :])
    assert selected is not None and selected.group(1) == language
