"""Shared fixtures. Each app's factories live beside its tests (tests/<app>/factories.py)."""

import pytest


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's `admin_client`, with the second factor passed: the admin (and everything else) treats a
    session without it as anonymous."""
    from tests.access.helpers import login_verified

    login_verified(client, admin_user)
    return client
