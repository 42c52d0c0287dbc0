"""Writes of the procedures app: adopting a bundled procedure (or a new version of one) for an organisation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from plaint.core.errors import full_clean_or_refuse
from plaint.procedures.models import ProcedureAdoption

if TYPE_CHECKING:
    from plaint.organisations.models import Organisation


@transaction.atomic
def procedure_adopt(
    *,
    organisation: Organisation,
    procedure_id: str,
    version: int = 1,
    active_from: dt.date,
    active_until: dt.date | None = None,
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
    adoption = ProcedureAdoption(
        organisation=organisation,
        procedure_id=procedure_id,
        version=version,
        active_from=active_from,
        active_until=active_until,
    )
    full_clean_or_refuse(adoption)
    adoption.save()
    return adoption
