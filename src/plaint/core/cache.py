"""The shared cache (docs/deploy.md, docs/portal.md): Django's Redis cache whose `clear()` removes only its own keys.

Huey keeps its queue in the same Redis database (`REDIS_URL`), and Django's `RedisCache.clear()` flushes the whole
database: a test's or an operator's `cache.clear()` would drop queued jobs (emails among them). Here it deletes the
keys under the cache's prefix and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClient(RedisCacheClient):
    """Django's client makes a new `redis.Redis` per operation, which builds its tables of response callbacks each
    time (~0.1 ms of CPU): one per connection pool instead (a `redis.Redis` is safe to share between threads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[bool, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        client = self._clients.get(write)
        if client is None:
            client = self._clients[write] = super().get_client(key, write=write)
        return client


class PrefixedRedisCache(RedisCache):
    """`RedisCache` with a `clear()` limited to `KEY_PREFIX` (which must be set), reusing its Redis clients."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClient
        if not self.key_prefix:
            raise ValueError("PrefixedRedisCache needs a KEY_PREFIX: clear() deletes the keys under it.")

    def clear(self) -> None:
        client = self._cache.get_client(None, write=True)
        pattern = "".join(f"\\{char}" if char in "*?[]\\" else char for char in self.key_prefix) + ":*"
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
