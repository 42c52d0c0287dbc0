"""Deployment settings: `PLAINT_ENV=production` selects this module. `plaint check --deploy` is clean here."""

from __future__ import annotations

from plaint.config import env as config
from plaint.config.settings.base import *  # noqa: F403

DEBUG = False
# A client could send X-Forwarded-Proto itself: it is believed only when PLAINT_PROXY_COUNT says a proxy sets it.
if PLAINT_PROXY_COUNT:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = config.env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe the web processes directly over plain HTTP; answer them instead of redirecting to https.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = config.env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# The language cookie (set by /i18n/setlang/) too: HTTPS only, out of reach of scripts, SameSite=Lax.
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Persistent connections by default (a connection per request costs a PostgreSQL backend's start, several ms of CPU);
# CONN_MAX_AGE=0 turns them off. They are checked before reuse, so a restarted PostgreSQL costs no failed request.
DATABASES["default"]["CONN_MAX_AGE"] = config.env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
