"""Shared fixtures. Each app's factories live beside its tests (tests/<app>/factories.py)."""

import pytest
from hypothesis import HealthCheck, settings

from tests.web.browser import (  # noqa: F401
    browse,
    browse_nojs,
    browser_context_args,
    browser_type_launch_args,
    pytest_runtest_protocol,
)

# Property tests fail for a wrong answer only, never for the wall clock: on a loaded machine (two cores shared by many
# processes) generating a calendar can take longer than hypothesis's default 200 ms deadline or its too-slow check.
settings.register_profile("plaint", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("plaint")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (English). A request answered in Dutch leaves Dutch active in the
    thread, as a real worker thread would until its next request; a later test in the same process must not inherit
    it (with `pytest -n 2` the order of tests differs per run)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _portal_intake_forgotten():
    """The portal keeps organisations per process, invalidated by signals (plaint.portal.selectors.portal_intake);
    a test's rolled-back transaction sends none, so the next test must not meet the last one's organisation."""
    from plaint.portal.selectors import intake_forget

    intake_forget()
    yield
    intake_forget()


@pytest.fixture(autouse=True)
def _audit_checkpoints_of_this_test(settings, tmp_path):
    """Each test writes (and `plaint audit verify` reads) its own audit checkpoints, never another test's."""
    settings.PLAINT_AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's `admin_client`, with the second factor passed: the admin (and everything else) treats a
    session without it as anonymous."""
    from tests.access.helpers import login_verified

    login_verified(client, admin_user)
    return client


@pytest.fixture(autouse=True)
def _empty_audit_trail_after_transactional_tests(request):
    """On PostgreSQL the audit trail refuses TRUNCATE of a non-empty table (it is append-only), so Django's flush
    after a transactional test would fail once a test wrote audit records. Empty it first, as a superuser could.

    Set up after pytest-django's database fixture, so torn down before its flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction", False)) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")  # set up before this fixture, so torn down after it
        # pytest-django runs transactional tests last, and each one's flush empties the rows data migrations
        # seeded: put the fixed roles back, as the migration made them.
        from plaint.organisations.models import Role

        for code in Role.Code.values:
            Role.objects.get_or_create(code=code)
    yield
    if transactional:
        from django.db import connection

        if connection.vendor == "postgresql":
            from tests.access.audit_support import erase_audit_trail

            erase_audit_trail()
