"""The shared cache (docs/deploy.md, docs/portal.md): Redis with REDIS_URL, so the portal's rate limits count across
every process; its `clear()` never flushes Huey's queue in the same Redis database."""

from __future__ import annotations

import os
import uuid

import pytest

from plaint.config.env import cache_config


def test_redis_url_gives_a_shared_cache_with_its_own_prefix_and_none_a_per_process_one():
    shared = cache_config("redis://127.0.0.1:6379/3", "plaint")["default"]
    assert shared == {
        "BACKEND": "plaint.core.cache.PrefixedRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
        "KEY_PREFIX": "plaint-cache",
    }
    assert cache_config(None, "plaint")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL), as CI's second run")
def test_clear_removes_the_caches_keys_only_and_counts_are_shared_between_clients():
    import redis

    from plaint.core.cache import PrefixedRedisCache

    url = os.environ["REDIS_URL"]
    prefix = f"test-{uuid.uuid4().hex[:8]}-cache"
    one = PrefixedRedisCache(url, {"KEY_PREFIX": prefix})
    other = PrefixedRedisCache(url, {"KEY_PREFIX": prefix})  # another process's cache, say
    raw = redis.Redis.from_url(url)
    queue_key = f"huey.redis.test-{uuid.uuid4().hex[:8]}"
    raw.rpush(queue_key, b"a queued job")
    try:
        one.add("rate", 0)
        one.incr("rate")
        other.incr("rate")
        assert one.get("rate") == 2  # one count for every process: the rate limit holds across workers
        one.clear()
        assert other.get("rate") is None
        assert raw.lrange(queue_key, 0, -1) == [b"a queued job"]  # the queue is untouched
    finally:
        raw.delete(queue_key)
        one.clear()


def test_a_prefix_is_required():
    from plaint.core.cache import PrefixedRedisCache

    with pytest.raises(ValueError, match="KEY_PREFIX"):
        PrefixedRedisCache("redis://127.0.0.1:6379/0", {})
