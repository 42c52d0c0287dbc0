"""Reads of the procedures app: which procedure an organisation's new cases follow on a given day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from plaint.engine import EngineInputError, Message, Procedure, load_directory
from plaint.procedures import BUNDLED_DIR
from plaint.procedures.models import ProcedureAdoption, bundled_procedure_ids

if TYPE_CHECKING:
    from plaint.organisations.models import Organisation

__all__ = [
    "adoption_in_force",
    "adoptions_of",
    "bundled_procedure_ids",
    "bundled_versions",
    "procedure_definition",
    "procedure_for",
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
    """The parsed procedure a case runs under: the bundled file with that id and version (parsed once, cached)."""
    registry = load_directory(BUNDLED_DIR)
    for procedure in registry.versions.get(procedure_id, ()):
        if procedure.version == version:
            return procedure
    raise EngineInputError(Message("unknown_procedure", {"value": f"{procedure_id} version {version}"}))


def bundled_versions() -> list[Procedure]:
    """Every bundled procedure in every version, by id and version: what an organisation can adopt."""
    registry = load_directory(BUNDLED_DIR)
    return [procedure for key in sorted(registry.versions) for procedure in registry.versions[key]]
