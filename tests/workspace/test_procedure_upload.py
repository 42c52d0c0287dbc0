"""Uploading a new version of the organisation's procedure file, keeping it and activating it from a date (WP-23):
the file is checked first (mistakes as `file:line: message`, nothing kept), kept through the audited
`procedure_version_store`, listed, activated from a date for new cases only, and cases received from that day run
under it and are seen by the people who work on its stages; a version taken already, another organisation's version
and a non-administrator are refused with a message, nothing half-saved, never a 500."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import plaint.procedures
from plaint.access.models_audit import AuditRecord
from plaint.core.errors import InvalidInput
from plaint.procedures.models import ProcedureAdoption, ProcedureVersion
from plaint.procedures.selectors import procedure_definition
from plaint.procedures.services import procedure_adopt, procedure_version_store
from tests.access.helpers import login_verified
from tests.api.conftest import at
from tests.cases.factories import organisation_running, register, staff
from tests.workspace.test_procedure_activation import _post

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
START = DAY + dt.timedelta(days=7)


def version_two() -> bytes:
    original = (Path(plaint.procedures.BUNDLED_DIR) / "xs2more.yaml").read_text(encoding="utf-8")
    changed = original.replace("version: 1", "version: 2", 1)
    changed = changed.replace("duration: 2 weeks", "duration: 10 working days", 1)
    assert changed != original
    return changed.encode()


@pytest.fixture
def xs():
    with at(DAY):
        org = organisation_running("xs2more", name="Xs2more")
        return {"org": org, "admin": staff(org, "administrator"), "handler": staff(org, "handler", name="Hanna")}


def _upload(client, org, raw, *, keep=True, prefix="", name="xs2more.yaml"):
    data = {"organisation": org.slug, "file": SimpleUploadedFile(name, raw)}
    if keep:
        data["keep"] = "1"
    return client.post(f"{prefix}/workspace/procedures/check/", data)


@pytest.mark.clause("WP-23")
def test_upload_keep_compare_and_activate_for_new_cases_only(client, xs):
    login_verified(client, xs["admin"])
    with at(DAY):
        earlier = register(xs["org"], xs["admin"], summary="Before the new version")
        body = _upload(client, xs["org"], version_two()).content.decode()
        assert "Term changed: Acknowledge receipt within 10 working days instead of 2 weeks" in body
        assert "xs2more version 2 can now be activated from a date." in body
        stored = ProcedureVersion.objects.get(procedure_id="xs2more", version=2)
        assert stored.organisation == xs["org"] and stored.source.startswith(version_two().decode()[:40])
        record = AuditRecord.objects.get(action="procedure.version_stored")
        assert record.details["version"] == 2 and record.actor_id == xs["admin"].pk
        listing = client.get("/workspace/procedures/").content.decode()
        assert "Uploaded versions" in listing and "procedure=xs2more:2" in listing
        form = client.get("/workspace/procedures/activate/?organisation=xs2more&procedure=xs2more:2").content.decode()
        assert 'value="xs2more:2" selected' in form
        preview = _post(client, xs["org"], "xs2more:2", START).content.decode()
        assert "within 10 working days instead of 2 weeks" in preview
        assert not ProcedureAdoption.objects.filter(version=2).exists()  # nothing before confirming
        assert _post(client, xs["org"], "xs2more:2", START, confirm=True).status_code == 302
    adoption = ProcedureAdoption.objects.get(organisation=xs["org"], procedure_id="xs2more", version=2)
    assert adoption.active_from == START
    with at(START - dt.timedelta(days=1)):
        before = register(xs["org"], xs["admin"], summary="The day before")
    with at(START):
        after = register(xs["org"], xs["admin"], summary="On the first day")
    assert (earlier.procedure_version, before.procedure_version, after.procedure_version) == (1, 1, 2)
    assert procedure_definition(procedure_id="xs2more", version=2).version == 2
    # The handler sees and opens the case under the uploaded version (the access rules know its stages).
    login_verified(client, xs["handler"])
    with at(START):
        assert "On the first day" in client.get("/workspace/").content.decode()
        assert client.get(f"/workspace/cases/{after.pk}/").status_code == 200


def test_a_file_with_mistakes_is_shown_line_by_line_and_not_kept(client, xs):
    login_verified(client, xs["admin"])
    with at(DAY):
        broken = version_two().replace(b"id: xs2more", b"id: xs2more\nnonsense_key: 1", 1)
        for prefix, title, again in (
            ("", "The file has mistakes", "Check the corrected file"),
            ("/nl", "Het bestand bevat fouten", "Het verbeterde bestand controleren"),
        ):
            body = _upload(client, xs["org"], broken, prefix=prefix, name="mine.yaml").content.decode()
            assert title in body and "<code>mine.yaml:" in body
            assert again in body and 'type="file"' in body  # the form again, for the corrected file
    assert not ProcedureVersion.objects.exists() and not AuditRecord.objects.filter(action="procedure.version_stored")


def test_a_version_taken_already_is_refused(client, xs):
    login_verified(client, xs["admin"])
    bundled = (Path(plaint.procedures.BUNDLED_DIR) / "xs2more.yaml").read_bytes()
    with at(DAY):
        body = _upload(client, xs["org"], bundled).content.decode()
        assert "xs2more version 1 exists already: give the file a higher version number." in body
        assert _upload(client, xs["org"], version_two()).status_code == 200
        again = _upload(client, xs["org"], version_two(), prefix="/nl").content.decode()
        assert "xs2more versie 2 bestaat al" in again
    assert ProcedureVersion.objects.count() == 1


def test_another_organisations_version_cannot_be_adopted(xs):
    with at(DAY):
        other = organisation_running("xs2more", name="Other")
        procedure_version_store(organisation=xs["org"], raw=version_two(), file_name="xs2more.yaml")
        with pytest.raises(InvalidInput):
            procedure_adopt(organisation=other, procedure_id="xs2more", version=2, active_from=START)
    assert not ProcedureAdoption.objects.filter(version=2).exists()


def test_only_administrators_keep_a_version(client, xs):
    login_verified(client, xs["handler"])
    with at(DAY):
        assert _upload(client, xs["org"], version_two()).status_code == 403
    assert not ProcedureVersion.objects.exists()


def test_another_processs_upload_is_seen_after_the_refresh_interval(xs, settings, monkeypatch):
    """Production re-reads the list every PLAINT_PROCEDURE_REFRESH_SECONDS: a version stored by another process (here:
    written without this process's selectors knowing) reaches the access rules' stage table."""
    import hashlib

    from plaint.access.rules import stage_table
    from plaint.procedures import selectors

    raw = version_two().replace(b"version: 2", b"version: 7", 1)
    monkeypatch.setattr(selectors, "_stored", selectors._StoredVersions())
    with at(DAY):
        ProcedureVersion.objects.create(
            organisation=xs["org"],
            procedure_id="xs2more",
            version=7,
            file_name="x.yaml",
            source=raw.decode(),
            sha256=hashlib.sha256(raw).hexdigest(),
            uploaded_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        )
        assert not any(key[:2] == ("xs2more", 7) for key in stage_table().roles)  # tests: no re-reading
        settings.PLAINT_PROCEDURE_REFRESH_SECONDS = 5
        assert any(key[:2] == ("xs2more", 7) for key in stage_table().roles)


def test_an_uploaded_versions_diagram_is_shown_only_to_its_organisations_staff(client, xs):
    # Given a version kept by Xs2more, and the administrator of another organisation
    with at(DAY):
        procedure_version_store(organisation=xs["org"], raw=version_two(), file_name="xs2more.yaml")
        other = organisation_running("xs2more", name="Other")
        outsider = staff(other, "administrator", name="Otto")
    path = "/workspace/procedures/xs2more/2/diagram.svg"
    # Then its own staff see the diagram
    login_verified(client, xs["handler"])
    with at(DAY):
        assert client.get(path).status_code == 200
    # And the other organisation's staff get "not found", while the bundled version stays public to them
    client.logout()
    login_verified(client, outsider)
    with at(DAY):
        assert client.get(path).status_code == 404
        assert client.get("/workspace/procedures/xs2more/1/diagram.svg").status_code == 200


@pytest.mark.parametrize("prefix", ["", "/nl"])
def test_kept_versions_are_listed_read_only_in_the_admin(client, xs, prefix):
    from tests.organisations.factories import UserFactory

    with at(DAY):
        kept = procedure_version_store(organisation=xs["org"], raw=version_two(), file_name="xs2more.yaml")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    login_verified(client, superuser)
    listing = client.get(f"{prefix}/admin/procedures/procedureversion/")
    assert listing.status_code == 200 and "xs2more.yaml" in listing.content.decode()
    detail = client.get(f"{prefix}/admin/procedures/procedureversion/{kept.pk}/change/")
    body = detail.content.decode()
    assert detail.status_code == 200 and kept.sha256 in body and 'name="_save"' not in body
    # kept versions are never changed: no adding, changing or deleting, not even for a superuser
    assert client.get(f"{prefix}/admin/procedures/procedureversion/add/").status_code == 403
    assert client.post(f"{prefix}/admin/procedures/procedureversion/{kept.pk}/change/", {}).status_code == 403
    deleted = client.post(f"{prefix}/admin/procedures/procedureversion/{kept.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert ProcedureVersion.objects.filter(pk=kept.pk, source=kept.source).exists()
