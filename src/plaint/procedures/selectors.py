"""Reads of the procedures app: which procedure an organisation's new cases follow on a given day."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from typing import TYPE_CHECKING

from django.conf import settings

from plaint.engine import EngineInputError, Message, Procedure, load_directory
from plaint.engine.loader import load_text
from plaint.procedures import BUNDLED_DIR
from plaint.procedures.models import ProcedureAdoption, ProcedureVersion, bundled_procedure_ids

if TYPE_CHECKING:
    from plaint.organisations.models import Organisation

__all__ = [
    "adoption_in_force",
    "adoptions_of",
    "bundled_procedure_ids",
    "bundled_versions",
    "procedure_definition",
    "procedure_for",
    "remember_stored",
    "stored_procedures",
    "stored_versions_of",
]


def adoption_in_force(*, organisation: Organisation, on: dt.date) -> ProcedureAdoption | None:
    """The organisation's own adoption in force on `on` (a new version applies from its start: WP-23), or None."""
    return (
        ProcedureAdoption.objects.in_force_on(on)
        .filter(organisation=organisation)
        .select_related("organisation")
        .order_by("-active_from")
        .first()
    )


def procedure_for(*, organisation: Organisation, on: dt.date) -> ProcedureAdoption | None:
    """The procedure that governs a case of `organisation` received on `on` (WV-02).

    The organisation's own adoption if one is in force; otherwise that of the organisation that provides its
    complaints service (`served_by`); otherwise None.
    """
    own = adoption_in_force(organisation=organisation, on=on)
    if own is not None:
        return own
    if organisation.served_by_id is None:
        return None
    provider = organisation.served_by
    assert provider is not None
    return adoption_in_force(organisation=provider, on=on)


def adoptions_of(*, organisation: Organisation) -> list[ProcedureAdoption]:
    """Every adoption of the organisation, newest first: its procedure history."""
    return list(ProcedureAdoption.objects.filter(organisation=organisation).order_by("-active_from"))


def procedure_definition(*, procedure_id: str, version: int) -> Procedure:
    """The parsed procedure a case runs under: the bundled file with that id and version, else the version an
    organisation uploaded (parsed once per process, cached: an uploaded version never changes)."""
    registry = load_directory(BUNDLED_DIR)
    for procedure in registry.versions.get(procedure_id, ()):
        if procedure.version == version:
            return procedure
    known = _stored.procedures.get((procedure_id, version))
    if known is not None:
        return known
    row = ProcedureVersion.objects.filter(procedure_id=procedure_id, version=version).first()
    if row is not None:
        return _stored.remember(row)
    raise EngineInputError(Message("unknown_procedure", {"value": f"{procedure_id} version {version}"}))


@functools.lru_cache(maxsize=64)
def _parse(sha256: str, source: str, file_name: str) -> Procedure:
    return load_text(source, file_name)


class _StoredVersions:
    """The uploaded versions this process knows, for the readers that go over every procedure (the access rules'
    stage table). A version is known once stored or read here; every `PLAINT_PROCEDURE_REFRESH_SECONDS` (default
    5; None: never, as in the tests, which run in one process) the list is read again, so another process's upload
    is seen within seconds. Uploaded versions never change, so a known one is never read twice."""

    def __init__(self) -> None:
        self.procedures: dict[tuple[str, int], Procedure] = {}
        self.generation = 0
        self.checked_at: float | None = None
        self.lock = threading.Lock()

    def remember(self, row: ProcedureVersion) -> Procedure:
        procedure = _parse(row.sha256, row.source, row.file_name)
        key = (row.procedure_id, row.version)
        with self.lock:
            if self.procedures.get(key) is not procedure:
                self.procedures[key] = procedure
                self.generation += 1
        return procedure

    def refresh_if_due(self) -> None:
        every = getattr(settings, "PLAINT_PROCEDURE_REFRESH_SECONDS", 5)
        if every is None:
            return
        now = time.monotonic()
        if self.checked_at is not None and now - self.checked_at < every:
            return
        self.checked_at = now
        known = set(self.procedures)
        missing = [
            pk
            for pk, procedure_id, version in ProcedureVersion.objects.values_list("pk", "procedure_id", "version")
            if (procedure_id, version) not in known
        ]
        for row in ProcedureVersion.objects.filter(pk__in=missing) if missing else ():
            self.remember(row)  # only the new ones' files are read


_stored = _StoredVersions()


def remember_stored(row: ProcedureVersion) -> None:
    """Tell this process about a version just stored (the access rules' stage table includes it at once)."""
    _stored.remember(row)


def stored_procedures() -> tuple[int, tuple[Procedure, ...]]:
    """The uploaded procedure versions known to this process, with a number that changes when the list does."""
    _stored.refresh_if_due()
    return _stored.generation, tuple(_stored.procedures.values())


def stored_versions_of(*, organisations: list[Organisation]) -> list[ProcedureVersion]:
    """The versions these organisations uploaded, newest first (without their files' text)."""
    return list(
        ProcedureVersion.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .defer("source")
        .order_by("organisation__name", "procedure_id", "-version")
    )


def bundled_versions() -> list[Procedure]:
    """Every bundled procedure in every version, by id and version: what an organisation can adopt."""
    registry = load_directory(BUNDLED_DIR)
    return [procedure for key in sorted(registry.versions) for procedure in registry.versions[key]]
