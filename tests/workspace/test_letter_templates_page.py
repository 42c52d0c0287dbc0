"""The organisation's letter templates in the workspace (issue #10): its administrators see each letter in English and
Dutch, preview a text on the sample case, save it only when it passes the check (what the letter must contain, the
sandbox; refused with the template and line, nothing saved), use the bundled text again, and choose which letters need a
second person's approval; others get 403 (WH-09)."""

from __future__ import annotations

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.correspondence.letters.templating import bundled_source
from plaint.correspondence.models import LetterApprovalRule, LetterTemplate
from tests.access.helpers import login_verified
from tests.cases.factories import organisation_running, staff

pytestmark = pytest.mark.django_db


@pytest.mark.clause("WH-09")
def test_preview_save_check_reset_and_approval_rule(client):
    org = organisation_running("workare-handling", name="Workare Handling")
    admin = staff(org, "administrator")
    login_verified(client, admin)
    base = f"/workspace/letters/templates/workare-handling/final_position/en/?organisation={org.slug}"
    listing = client.get(f"/workspace/letters/templates/?organisation={org.slug}").content.decode()
    nl = client.get(f"/nl/workspace/letters/templates/?organisation={org.slug}").content.decode()
    assert "bundled text" in listing and "Briefsjablonen" in nl
    page = client.get(base).content.decode()
    assert "content.external_body" in page
    source = bundled_source("workare-handling", "final_position", "en")
    preview = client.post(base, {"decision": "preview", "source": source + "\nWith kind regards."})
    assert preview.status_code == 200 and "Preview on a sample case" in preview.content.decode()
    # leaving out the external body's time limit is refused, nothing saved
    bad = source.replace("{{ content.external_time_limit }}", "")
    refused = client.post(base, {"decision": "save", "source": bad})
    assert refused.status_code == 200 and "external_time_limit" in refused.content.decode()
    broken = client.post(base, {"decision": "save", "source": "{% if %}"})
    assert "final_position.en.liquid" in broken.content.decode()
    assert not LetterTemplate.objects.exists()
    assert client.post(base, {"decision": "save", "source": source + "\nWith kind regards."}).status_code == 302
    assert LetterTemplate.objects.get().source.endswith("With kind regards.")
    client.post(base, {"decision": "reset"})
    assert not LetterTemplate.objects.exists()
    assert AuditRecord.objects.filter(action="letter.template_reset").count() == 1
    client.post(
        "/workspace/letters/templates/",
        {"organisation": org.slug, "procedure": "workare-handling", "letter": "final_position", "required": "yes"},
    )
    assert LetterApprovalRule.objects.filter(organisation=org, letter_key="final_position").exists()


def test_only_administrators(client):
    org = organisation_running("workare")
    login_verified(client, staff(org, "complaints_officer"))
    assert client.get("/workspace/letters/templates/").status_code == 403
    assert client.get("/workspace/letters/templates/workare/outcome/en/").status_code == 403
