"""Reading Plaint's settings from the environment.

Every variable is documented once, in `.env.example` and `docs/deploy.md`. A wrong value raises `ConfigError`,
which the `plaint` command turns into one line naming the variable, and exit code 2.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


class ConfigError(ImproperlyConfigured):
    """A setting from the environment is missing or wrong; the message names it."""


env = environ.Env()


def data_dir() -> Path:
    """Where the embedded default keeps its files (SQLite databases, the generated secret key)."""
    path = Path(env.str("PLAINT_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_production() -> bool:
    value = str(env.str("PLAINT_ENV", default="development"))
    if value not in {"development", "production", "test"}:
        raise ConfigError(f"PLAINT_ENV: '{value}' is not one of development, production, test")
    return bool(value == "production")


def database_config(default_sqlite: Path) -> dict[str, Any]:
    raw = env.str("DATABASE_URL", default="")
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    scheme = urlsplit(raw).scheme
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL: scheme '{scheme or '(none)'}' is not supported; "
            "use sqlite:////absolute/path.sqlite3 or postgres://user@host:5432/name"
        )
    try:
        config: dict[str, Any] = environ.Env.db_url_config(raw)
    except Exception as error:  # environ raises several types for malformed URLs
        raise ConfigError(f"DATABASE_URL: cannot be read ({error})") from error
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ConfigError("DATABASE_URL: names no database (postgres://user@host:5432/NAME)")
    try:
        port = urlsplit(raw).port
    except ValueError as error:
        raise ConfigError(f"DATABASE_URL: {error}") from error
    if port is not None:
        config["PORT"] = port
    return config


def redis_url() -> str | None:
    raw = env.str("REDIS_URL", default="")
    if not raw:
        return None
    raw = str(raw)
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"REDIS_URL: scheme '{parts.scheme or '(none)'}' is not supported; use redis://host:6379/0")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        raise ConfigError(f"REDIS_URL: {error}") from error
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError("REDIS_URL: names no host (redis://host:6379/0)")
    return raw


def cache_config(redis: str | None, queue_name: str) -> dict[str, Any]:
    """CACHES: Redis shared by every process when `REDIS_URL` is set (its keys under `<queue name>-cache:`, and a
    `clear()` that removes only those, not Huey's queue in the same database); else Django's local-memory cache,
    one per process (so rate limits are counted per process)."""
    if redis:
        return {
            "default": {
                "BACKEND": "plaint.core.cache.PrefixedRedisCache",
                "LOCATION": redis,
                "KEY_PREFIX": f"{queue_name}-cache",
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def secret_key(production: bool, directory: Path) -> str:
    value = str(env.str("SECRET_KEY", default=""))
    if value:
        if production and len(value) < 50:
            raise ConfigError("SECRET_KEY: must be at least 50 characters in production")
        return value
    if production:
        raise ConfigError("SECRET_KEY: required when PLAINT_ENV=production (50 or more random characters)")
    # The embedded default generates a key once and keeps it, so sessions survive restarts.
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return str(key_file.read_text().strip())


def audit_keys(directory: Path) -> list[str]:
    """The audit trail's keys, the current one first (docs/audit.md): `PLAINT_AUDIT_KEY`, else the file named by
    `PLAINT_AUDIT_KEY_FILE` (default `audit_key` in the data directory, beside the secret key's), made once when
    missing. `PLAINT_AUDIT_OLD_KEYS` (comma-separated) keeps earlier keys after a rotation, to verify older records."""
    value = str(env.str("PLAINT_AUDIT_KEY", default=""))
    if not value:
        key_file = Path(env.str("PLAINT_AUDIT_KEY_FILE", default=str(directory / "audit_key")))
        try:
            if not key_file.exists():
                key_file.parent.mkdir(parents=True, exist_ok=True)
                key_file.write_text(secrets.token_urlsafe(48))
                key_file.chmod(0o600)
            value = key_file.read_text().strip()
        except OSError as error:
            raise ConfigError(f"PLAINT_AUDIT_KEY_FILE: cannot read or create {key_file}: {error.strerror}") from error
    old = [str(key).strip() for key in env.list("PLAINT_AUDIT_OLD_KEYS", default=[]) if str(key).strip()]
    for name, key in [("PLAINT_AUDIT_KEY", value), *(("PLAINT_AUDIT_OLD_KEYS", key) for key in old)]:
        if len(key) < 32:
            raise ConfigError(f"{name}: an audit key has at least 32 characters")
    return [value, *old]


def port() -> int:
    try:
        value: int = env.int("PORT", default=8000)
    except ValueError as error:
        raise ConfigError(f"PORT: '{env.str('PORT')}' is not a number") from error
    if not 1 <= value <= 65535:
        raise ConfigError(f"PORT: {value} is not between 1 and 65535")
    return value
