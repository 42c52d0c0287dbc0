"""Backups of the embedded default (SQLite): `plaint backup DIR` and `plaint restore DIR [--force]`.

A backup is a folder: `plaint.sqlite3` (the database, copied with SQLite's online backup API, so it is consistent
while Plaint runs), `tasks.sqlite3` (the task queue, the same way, when it lives in SQLite), `media/` (the documents),
`audit-checkpoints/` (a copy of the audit trail's checkpoints, for reference) and `manifest.json` (when, what, how
many rows per table, the audit keys' ids). The database is copied before the documents: a document is stored before
the row that names it commits, so every document the copy names is in `media/` (one added meanwhile is there too,
unnamed and harmless). The audit key and the secret key are **not** in a backup: keep them apart (docs/deploy.md).

PostgreSQL installations back up with pg_dump (docs/deploy.md); these commands refuse to run there.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from plaint.core import clock

MANIFEST = "manifest.json"
DATABASE_FILE = "plaint.sqlite3"
QUEUE_FILE = "tasks.sqlite3"
MEDIA_DIR = "media"
CHECKPOINTS_DIR = "audit-checkpoints"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done as asked (one line for the command to print)."""


@dataclass(frozen=True)
class Paths:
    database: Path
    queue: Path | None
    media: Path
    checkpoints: Path


def installation_paths() -> Paths:
    database = settings.DATABASES["default"]
    if not str(database["ENGINE"]).endswith("sqlite3"):
        raise BackupError(
            "plaint backup and restore are for the embedded SQLite database; back up PostgreSQL with pg_dump "
            "(docs/deploy.md)"
        )
    queue = settings.HUEY.get("filename") if str(settings.HUEY.get("huey_class", "")).endswith("SqliteHuey") else None
    return Paths(
        database=Path(str(database["NAME"])),
        queue=Path(queue) if queue else None,
        media=Path(settings.MEDIA_ROOT),
        checkpoints=Path(settings.PLAINT_AUDIT_CHECKPOINT_DIR),
    )


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API: readers and the WAL included)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    copy.close()
    origin.close()


def _row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
        listed = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        tables = [str(row[0]) for row in database.execute(listed)]
        # Table names come from the database's own catalogue, quoted: not input.
        counts = {
            table: int(database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608
            for table in tables
        }
    database.close()
    return dict(sorted(counts.items()))


def backup(directory: Path) -> dict[str, Any]:
    """Write a backup of this installation into `directory` (new or empty) and return its manifest."""
    paths = installation_paths()
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: give a new or empty folder")
    if not paths.database.is_file():
        raise BackupError(f"no database at {paths.database}: nothing to back up")
    directory.mkdir(parents=True, exist_ok=True)
    connection.close()  # this process's own connection holds no transaction open across the copy
    _copy_sqlite(paths.database, directory / DATABASE_FILE)
    queue_copied = False
    if paths.queue is not None and paths.queue.is_file():
        _copy_sqlite(paths.queue, directory / QUEUE_FILE)
        queue_copied = True
    media_files = 0
    if paths.media.is_dir():
        shutil.copytree(paths.media, directory / MEDIA_DIR)
        media_files = sum(1 for path in (directory / MEDIA_DIR).rglob("*") if path.is_file())
    if paths.checkpoints.is_dir():
        shutil.copytree(paths.checkpoints, directory / CHECKPOINTS_DIR)
    manifest = {
        "format": FORMAT,
        "made_at": clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "queue": queue_copied,
        "media_files": media_files,
        "tables": _row_counts(directory / DATABASE_FILE),
        "audit_key_ids": _audit_key_ids(directory / DATABASE_FILE),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _audit_key_ids(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
        try:
            rows = database.execute("SELECT DISTINCT key_id FROM access_auditrecord WHERE key_id != ''").fetchall()
        except sqlite3.OperationalError:  # no audit table (a database from before the trail was keyed)
            rows = []
    database.close()
    return sorted(str(row[0]) for row in rows)


def _has_data(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
            found = database.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone()
        database.close()
    except sqlite3.DatabaseError:
        return True  # something is there that is not an empty database: do not overwrite it silently
    return found is not None


def restore(directory: Path, *, force: bool = False) -> dict[str, Any]:
    """Bring the backup in `directory` back: database, queue and documents. Refuses to overwrite an installation
    that holds data unless `force`. Plaint (web and worker) must be stopped meanwhile."""
    paths = installation_paths()
    manifest_file = directory / MANIFEST
    if not manifest_file.is_file() or not (directory / DATABASE_FILE).is_file():
        raise BackupError(f"{directory} is not a Plaint backup (no {MANIFEST} or {DATABASE_FILE})")
    manifest: dict[str, Any] = json.loads(manifest_file.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{directory}: backup format {manifest.get('format')!r} is not {FORMAT}")
    has_media = paths.media.is_dir() and any(paths.media.iterdir())
    if (_has_data(paths.database) or has_media) and not force:
        raise BackupError(
            f"{paths.database} (or {paths.media}) already holds data: stop Plaint and add --force to replace it"
        )
    connection.close()
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # a stale write-ahead log must not be replayed over the restored file
        Path(f"{paths.database}{suffix}").unlink(missing_ok=True)
    _copy_sqlite(directory / DATABASE_FILE, paths.database)
    if paths.queue is not None and (directory / QUEUE_FILE).is_file():
        for suffix in ("-wal", "-shm"):
            Path(f"{paths.queue}{suffix}").unlink(missing_ok=True)
        _copy_sqlite(directory / QUEUE_FILE, paths.queue)
    if paths.media.exists():
        shutil.rmtree(paths.media)
    if (directory / MEDIA_DIR).is_dir():
        shutil.copytree(directory / MEDIA_DIR, paths.media)
    else:
        paths.media.mkdir(parents=True)
    return manifest
