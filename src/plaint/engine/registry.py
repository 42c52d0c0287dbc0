"""All procedure files of a directory, parsed once and cached until a file changes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plaint.engine.definition import Procedure
from plaint.engine.errors import EngineInputError, Problem, ProcedureError
from plaint.engine.loader import load_file
from plaint.engine.messages import Message, closest


@dataclass(frozen=True)
class Registry:
    """Procedures by id, each id's versions oldest first."""

    versions: dict[str, tuple[Procedure, ...]]

    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.versions))

    def latest(self, procedure_id: str) -> Procedure:
        return self._versions(procedure_id)[-1]

    def on(self, procedure_id: str, day: date) -> Procedure:
        """The version a case started on `day` runs under (WP-23: a new version applies to new cases)."""
        valid = [
            p
            for p in self._versions(procedure_id)
            if p.valid_from <= day and (p.valid_until is None or day <= p.valid_until)
        ]
        if not valid:
            raise EngineInputError(Message("no_version_on", {"value": procedure_id, "day": day}))
        return max(valid, key=lambda p: (p.valid_from, p.version))

    def _versions(self, procedure_id: str) -> tuple[Procedure, ...]:
        try:
            return self.versions[procedure_id]
        except KeyError:
            suggestion = closest(procedure_id, self.versions)
            raise EngineInputError(
                Message("unknown_procedure", {"value": procedure_id, "suggestion": suggestion})
            ) from None


def procedure_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.iterdir() if path.suffix in (".yaml", ".yml") and path.is_file())


def load_directory(directory: Path | str) -> Registry:
    """Every procedure file in `directory`; a `ProcedureError` lists the problems of all bad files together."""
    directory = Path(directory)
    files = procedure_files(directory)
    stamp = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    return _load(stamp)


@functools.lru_cache(maxsize=8)
def _load(stamp: tuple[tuple[str, int, int], ...]) -> Registry:
    problems: list[Problem] = []
    found: dict[str, dict[int, tuple[Procedure, str]]] = {}
    for name, _, _ in stamp:
        try:
            procedure = load_file(name)
        except ProcedureError as error:
            problems.extend(error.problems)
            continue
        versions = found.setdefault(procedure.id, {})
        if procedure.version in versions:
            message = Message(
                "duplicate_procedure",
                {
                    "value": procedure.id,
                    "version": procedure.version,
                    "first": versions[procedure.version][1],
                    "second": name,
                },
            )
            problems.append(Problem(name, 1, "", message))
            continue
        versions[procedure.version] = (procedure, name)
    if problems:
        raise ProcedureError(problems)
    return Registry({key: tuple(p for _, (p, _) in sorted(versions.items())) for key, versions in found.items()})
