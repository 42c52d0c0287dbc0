"""Settings for the test suite: the base settings with fast password hashing and a test data directory."""

from __future__ import annotations

from plaint.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY["immediate"] = True  # noqa: F405 - jobs run in the test process unless a test starts a real consumer
# The tests run in one process, which learns of every uploaded procedure version as it stores it: no periodic re-read
# (which would add a query at an unpredictable moment to the query-count tests).
PLAINT_PROCEDURE_REFRESH_SECONDS = None
# One cache per test process even with REDIS_URL (CI): the rate limits' counts and `cache.clear()` of one xdist
# worker must not reach another's tests. tests/core/test_cache.py tests the Redis cache itself.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
