"""Writes of the procedures app: adopting a bundled procedure (or a new version of one) for an organisation.

Every adoption, change and removal is audited (`procedure.adopted`, `procedure.adoption_changed`,
`procedure.adoption_deleted`; docs/audit.md) in the transaction that makes it. `actor` is the user who made it (None
for the system: the demo loader, a command), `source` where the request came from.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from plaint.core.audit import Actor, AuditSource, audit
from plaint.core.errors import full_clean_or_refuse
from plaint.procedures.models import ProcedureAdoption

if TYPE_CHECKING:
    from plaint.organisations.models import Organisation

_FIELDS = ("procedure_id", "version", "active_from", "active_until")


def _audit(
    adoption: ProcedureAdoption,
    action: str,
    *,
    actor: Actor,
    source: AuditSource | None,
    **details: Any,
) -> None:
    audit(
        actor=actor,
        action=action,
        target_type="procedure_adoption",
        target_id=adoption.pk,
        organisation=adoption.organisation,
        details={
            "procedure": adoption.procedure_id,
            "version": adoption.version,
            "active_from": adoption.active_from.isoformat(),
            "active_until": adoption.active_until.isoformat() if adoption.active_until else None,
            **details,
        },
        source=source,
    )


@transaction.atomic
def procedure_adopt(
    *,
    organisation: Organisation,
    procedure_id: str,
    version: int = 1,
    active_from: dt.date,
    active_until: dt.date | None = None,
    actor: Actor = None,
    source: AuditSource | None = None,
) -> ProcedureAdoption:
    """Put `procedure_id` (a bundled file) in `version` in force for `organisation` from `active_from` (WP-23).

    An open-ended adoption that started earlier is ended the day the new one starts, so new cases get the new version
    while cases already received keep theirs. Raises `InvalidInput` (400) for an unknown procedure or an overlap.
    """
    current = (
        ProcedureAdoption.objects.select_for_update()
        .filter(organisation=organisation, active_from__lt=active_from, active_until__isnull=True)
        .first()
    )
    if current is not None:
        current.active_until = active_from
        full_clean_or_refuse(current)
        current.save(update_fields=["active_until"])
        _audit(current, "procedure.adoption_changed", actor=actor, source=source, fields=["active_until"])
    adoption = ProcedureAdoption(
        organisation=organisation,
        procedure_id=procedure_id,
        version=version,
        active_from=active_from,
        active_until=active_until,
    )
    full_clean_or_refuse(adoption)
    adoption.save()
    _audit(adoption, "procedure.adopted", actor=actor, source=source)
    return adoption


@transaction.atomic
def procedure_adoption_save(
    *, adoption: ProcedureAdoption, actor: Actor = None, source: AuditSource | None = None
) -> ProcedureAdoption:
    """Validate and save an adoption the admin's form filled in: a new one is adopted as `procedure_adopt` does, a
    changed one is saved with the fields that changed in its audit record."""
    if adoption.pk is None:
        return procedure_adopt(
            organisation=adoption.organisation,
            procedure_id=adoption.procedure_id,
            version=adoption.version,
            active_from=adoption.active_from,
            active_until=adoption.active_until,
            actor=actor,
            source=source,
        )
    before = ProcedureAdoption.objects.filter(pk=adoption.pk).values(*_FIELDS, "organisation_id").first() or {}
    full_clean_or_refuse(adoption)
    adoption.save()
    fields = [field for field in (*_FIELDS, "organisation_id") if getattr(adoption, field) != before.get(field)]
    if fields:
        _audit(adoption, "procedure.adoption_changed", actor=actor, source=source, fields=fields)
    return adoption


@transaction.atomic
def procedure_adoption_delete(
    *, adoption: ProcedureAdoption, actor: Actor = None, source: AuditSource | None = None
) -> None:
    """Remove an adoption (one entered by mistake; cases received under it keep their procedure version)."""
    _audit(adoption, "procedure.adoption_deleted", actor=actor, source=source)
    adoption.delete()
