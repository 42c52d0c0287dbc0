"""Checks run before Plaint starts serving or consuming: each failure is one line naming what to fix.

`plaint run`, `plaint web` and `plaint worker` call `run_preflight()`; `plaint.cli` turns a `PreflightError` (and a
database or Redis connection error raised by any other command) into that one line on stderr and exit code 2.
"""

from __future__ import annotations

import errno
import socket
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class PreflightError(Exception):
    """Plaint cannot start; the message is one line that names the setting and what is wrong."""


def one_line(text: object, limit: int = 300) -> str:
    """A driver's multi-line reason, squeezed onto one line."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def database_location() -> str:
    """Where the configured database is, for messages: 'PostgreSQL at host:port/name' or 'SQLite file path'."""
    config: dict[str, Any] = settings.DATABASES[DEFAULT_DB_ALIAS]
    if config["ENGINE"].endswith("sqlite3"):
        return f"SQLite file {config['NAME']}"
    host = config.get("HOST") or "localhost"
    port = config.get("PORT") or 5432
    return f"PostgreSQL at {host}:{port}/{config.get('NAME', '')}"


def database_unreachable_reason() -> str | None:
    """None when a real connection to the database can be made, else the driver's reason on one line."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.close()
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # the driver decides the type: psycopg.OperationalError, sqlite3.OperationalError, ...
        cause = error.__cause__ or error
        return one_line(cause) or type(cause).__name__
    return None


def database_error_message(reason: str) -> str:
    return f"DATABASE_URL: cannot connect to {database_location()}: {reason}"


def check_database() -> None:
    """The database answers, and every migration is applied (Plaint never migrates on its own)."""
    reason = database_unreachable_reason()
    if reason is not None:
        raise PreflightError(database_error_message(reason))
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise PreflightError(
            f"DATABASE_URL: {database_location()} has {len(plan)} unapplied migration(s); "
            "run `plaint migrate` first (make run does this for you)"
        )
    connection.close()  # do not carry a connection into forked web workers


def redis_location(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"socket {parts.path}"
    return f"{parts.hostname}:{parts.port or 6379}"


def redis_error_message(url: str, error: BaseException) -> str:
    return f"REDIS_URL: cannot connect to Redis at {redis_location(url)}: {one_line(error) or type(error).__name__}"


def check_redis() -> None:
    """When REDIS_URL is set, Redis answers a PING (the task queue lives there)."""
    url: str | None = settings.REDIS_URL
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        raise PreflightError(redis_error_message(url, error)) from None
    finally:
        client.close()


def check_port_free(host: str, port: int, *, setting: str, how_to_change: str) -> None:
    """Nothing listens on host:port yet (tried by binding, as the web server will); `setting` chose the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The web server sets SO_REUSEADDR too, so a port left in TIME_WAIT by a previous run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PreflightError(
                    f"{setting}: port {port} on {host} is in use; choose another with {how_to_change}"
                ) from None
            if error.errno == errno.EACCES:
                raise PreflightError(
                    f"{setting}: port {port} on {host} needs privileges; choose another with {how_to_change}"
                ) from None
            raise PreflightError(
                f"{setting}: cannot listen on {host}:{port} ({one_line(error)}); {how_to_change}"
            ) from None


def suggested_port(port: int) -> int:
    return 8080 if port != 8080 else 8081


def run_preflight(
    *, bind: tuple[str, int] | None = None, port_setting: str = "PORT", how_to_change_port: str = ""
) -> None:
    """Port (cheap and local) first, then the database and the task queue."""
    if bind is not None:
        check_port_free(*bind, setting=port_setting, how_to_change=how_to_change_port)
    check_database()
    check_redis()
