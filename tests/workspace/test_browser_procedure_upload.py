"""Uploading a new version of the procedure file in Debian's chromium, in English and Dutch: a file with a mistake
(its `file:line: message`, and the form again), then the corrected file checked and kept (diagram, policy text in
both languages, the plan, what changes), then activated from a date; axe (WCAG 2.2 AA) on every page, no console
error or CSP refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from plaint.core import clock
from plaint.procedures.models import ProcedureAdoption, ProcedureVersion
from tests.cases.factories import organisation_running, staff
from tests.workspace.test_browser import sign_in
from tests.workspace.test_procedure_upload import version_two

pytestmark = pytest.mark.browser


@pytest.mark.clause("WP-23")
@pytest.mark.parametrize("language", ["en", "nl"])
def test_upload_keep_and_activate_a_new_version(browse, live_server, language, tmp_path):
    prefix = "" if language == "en" else "/nl"
    org = organisation_running("xs2more", name="Xs2more")
    admin = staff(org, "administrator")
    page = browse.page
    sign_in(browse, live_server.url, admin, prefix)
    browse.goto(f"{live_server.url}{prefix}/workspace/procedures/")
    broken = tmp_path / "xs2more-v2.yaml"
    broken.write_bytes(version_two().replace(b"id: xs2more", b"id: xs2more\nnonsense_key: 1", 1))
    page.locator("#id_file").set_input_files(str(broken))
    with page.expect_navigation():
        page.locator("button[name=keep]").click()
    expect(page.locator(".govuk-error-summary code").first).to_contain_text("xs2more-v2.yaml:")
    browse.check(f"upload mistakes {language}")
    assert not ProcedureVersion.objects.exists()
    good = tmp_path / "xs2more-v2-fixed.yaml"
    good.write_bytes(version_two())
    # The corrected file goes up from the page that showed the mistakes: no way back to find the form.
    page.locator("#id_file").set_input_files(str(good))
    with page.expect_navigation():
        page.locator("button[name=keep]").click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    expect(page.locator("img.workspace-diagram")).to_be_visible()
    browse.check(f"upload kept {language}")
    with page.expect_navigation():
        page.locator("main a[href*='procedure=xs2more:2']").first.click()
    expect(page.locator("#id_procedure")).to_have_value("xs2more:2")
    day = clock.today_for(org) + dt.timedelta(days=14)
    page.locator("#id_active_from_0").fill(str(day.day))
    page.locator("#id_active_from_1").fill(str(day.month))
    page.locator("#id_active_from_2").fill(str(day.year))
    with page.expect_navigation():
        page.locator("main form[method=post] button.govuk-button").click()
    expect(page.locator("#preview")).to_be_visible()
    browse.check(f"upload activate preview {language}")
    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.locator("main form[method=post] button.govuk-button").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    browse.check(f"upload activated {language}")
    assert ProcedureAdoption.objects.get(organisation=org, version=2).active_from == day
