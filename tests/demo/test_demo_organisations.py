"""`plaint demo load`: the demo organisations, people in every role, and logins that work."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from plaint.access.models import User
from plaint.demo import data
from plaint.organisations import selectors
from plaint.organisations.models import ExternalBody, Membership, Organisation, OrganisationalUnit, Person, Role
from plaint.procedures.models import ProcedureAdoption
from plaint.procedures.selectors import procedure_for
from tests.access.helpers import totp_code
from tests.organisations.factories import bundle_procedures

pytestmark = pytest.mark.django_db

PROCEDURE_IDS = ["workers-union", "workare", "workare-handling", "werk-in-vertrouwen", "xs2more", "werkpro"]
MODELS = [Organisation, OrganisationalUnit, ExternalBody, Person, Membership, ProcedureAdoption, User]


@pytest.fixture
def bundled(monkeypatch, tmp_path):
    return bundle_procedures(monkeypatch, tmp_path / "bundled", *PROCEDURE_IDS)


def _snapshot() -> dict[str, object]:
    counts: dict[str, object] = {model.__name__: model.objects.count() for model in MODELS}
    counts["roles"] = sorted(Membership.roles.through.objects.values_list("membership_id", "role_id"))
    counts["line managers"] = sorted(Membership.objects.values_list("pk", "line_manager_id"))
    counts["unit managers"] = sorted(OrganisationalUnit.objects.values_list("pk", "manager_id"))
    counts["passwords"] = sorted(User.objects.values_list("username", "password"))
    return counts


def _load() -> str:
    out = StringIO()
    call_command("demo", "load", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demo_load_twice_is_idempotent_and_prints_the_logins(bundled):
    # Given an empty installation, when the demo is loaded
    first = _load()
    after_first = _snapshot()
    # and loaded again
    second = _load()
    # then the second run changed nothing
    assert _snapshot() == after_first
    assert "up to date" in second
    # and both runs print the logins and the password
    for output in (first, second):
        assert "xs-handler" in output
        assert "wp-manager" in output
        assert data.DEMO_PASSWORD in output
    assert Organisation.objects.count() == 8


def test_demo_has_people_in_every_role_for_every_organisation(bundled):
    # Given the demo data
    _load()
    on = dt.date(2025, 6, 1)
    # when each organisation's people are listed per role, then every role is held by someone with a login
    for organisation in Organisation.objects.all():
        for code in Role.Code.values:
            people = list(selectors.people_with_role(organisation=organisation, role=code, on=on))
            assert people, f"{organisation} has nobody in role {code}"
            assert all(person.user_id for person in people)


def test_demo_line_management_runs_from_staff_to_the_board(bundled):
    # Given the demo data, when the chain above a handler is asked for (WU-07)
    _load()
    union = Organisation.objects.get(slug="workers-union")
    handler = Person.objects.get(user__username="wu-handler")
    chain = selectors.line_management_chain(person=handler, organisation=union)
    # then it is the manager, the senior manager and the board member
    assert [person.user.username for person in chain if person.user] == [
        "wu-manager",
        "wu-senior-manager",
        "wu-board-member",
    ]


def test_demo_werk_in_vertrouwen_clients_wv02(bundled):
    # Given the demo data, when the procedure of each client of Werk in vertrouwen is asked for
    _load()
    firm = Organisation.objects.get(slug="werk-in-vertrouwen")
    own = Organisation.objects.get(slug="welzijn-de-linde")
    without = Organisation.objects.get(slug="bakkerij-het-korenblad")
    on = dt.date(2025, 6, 1)
    # then the client with a regulation uses its own and the one without uses the firm's (WV-02)
    assert set(selectors.clients_of(organisation=firm)) == {own, without}
    assert procedure_for(organisation=own, on=on).organisation == own
    assert procedure_for(organisation=without, on=on).procedure_id == "werk-in-vertrouwen"


def test_demo_external_bodies_and_units_come_from_the_seeds(bundled):
    _load()
    werkpro = Organisation.objects.get(slug="werkpro")
    committee = werkpro.external_bodies.get(name="Klachtencommissie Maatschappelijke Dienstverlening")
    assert "9701 ED Groningen" in committee.address
    assert set(werkpro.units.values_list("kind", flat=True)) == {"department", "location", "project", "team"}
    woonkans = werkpro.units.get(name="Woonkans")
    # a project without its own manager routes to the manager above it (WP-02)
    assert selectors.unit_manager(unit=woonkans).user.username == "wp-senior-manager"
    xs2more = Organisation.objects.get(slug="xs2more")
    assert list(xs2more.external_bodies.values_list("name", flat=True)) == [
        "College voor Klachten en Arbitrage van Blik op Werk"
    ]
    workare_handling = Organisation.objects.get(reference_prefix="WH")
    assert workare_handling.external_bodies.get().name == "Legal Ombudsman"
    assert procedure_for(organisation=workare_handling, on=dt.date(2025, 6, 1)).procedure_id == "workare-handling"


def test_demo_load_skips_adoptions_whose_procedure_is_not_bundled_yet(monkeypatch, tmp_path):
    # Given only the xs2more procedure is bundled
    bundle_procedures(monkeypatch, tmp_path / "bundled", "xs2more")
    # when the demo is loaded, then it warns about the others and adopts xs2more only
    err = StringIO()
    call_command("demo", "load", stdout=StringIO(), stderr=err)
    assert "workers-union" in err.getvalue()
    assert list(ProcedureAdoption.objects.values_list("procedure_id", flat=True)) == ["xs2more"]
    # and once the files are there, a later run adds the missing adoptions
    bundle_procedures(monkeypatch, tmp_path / "bundled", *PROCEDURE_IDS)
    _load()
    assert ProcedureAdoption.objects.count() == 8  # WerkPro's two versions (WP-20, WP-23) and one for each other


@pytest.mark.parametrize("username", ["admin", "xs-handler", "wp-manager", "wu-board-member"])
def test_a_demo_login_can_log_in_to_the_admin(bundled, client, username):
    # Given the demo data
    _load()
    # when a demo person logs in with the shared password (the admin's login hands over to the staff login)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": data.DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post(
        "/accounts/login/", {"username": username, "password": data.DEMO_PASSWORD, "next": "/admin/"}
    )
    # and, at this first login, sets up an authenticator app and confirms it with its code
    assert response["Location"] == "/accounts/login/enrol/?next=%2Fadmin%2F"
    client.get(response["Location"])
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    client.post(response["Location"], {"code": totp_code(device)})
    response = client.get("/admin/")
    # then they reach the admin
    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
