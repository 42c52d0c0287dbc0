import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate limits count in the cache per client address; every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
