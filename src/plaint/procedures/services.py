"""Writes of the procedures app: adopting a bundled procedure (or a new version of one) for an organisation, and
keeping a version of a procedure file an organisation's administrator uploaded (`procedure_version_store`).

Every adoption, change and removal is audited (`procedure.adopted`, `procedure.adoption_changed`,
`procedure.adoption_deleted`, `procedure.version_stored`; docs/audit.md) in the transaction that makes it. `actor` is
the user who made it (None for the system: the demo loader, a command), `source` where the request came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plaint.core import clock
from plaint.core.audit import Actor, AuditSource, audit
from plaint.core.errors import InvalidInput, full_clean_or_refuse
from plaint.engine import Procedure, ProcedureError, load_directory
from plaint.engine.loader import load_bytes
from plaint.procedures import BUNDLED_DIR
from plaint.procedures.models import ProcedureAdoption, ProcedureVersion
from plaint.procedures.selectors import remember_stored

if TYPE_CHECKING:
    from plaint.organisations.models import Organisation

_FIELDS = ("procedure_id", "version", "active_from", "active_until")


def _audit(
    target: ProcedureAdoption | ProcedureVersion,
    action: str,
    *,
    actor: Actor,
    source: AuditSource | None,
    **details: Any,
) -> None:
    if isinstance(target, ProcedureVersion):
        kind = "procedure_version"
        facts: dict[str, Any] = {"file_name": target.file_name, "sha256": target.sha256}
    else:
        kind = "procedure_adoption"
        facts = {
            "active_from": target.active_from.isoformat(),
            "active_until": target.active_until.isoformat() if target.active_until else None,
        }
    audit(
        actor=actor,
        action=action,
        target_type=kind,
        target_id=target.pk,
        organisation=target.organisation,
        details={"procedure": target.procedure_id, "version": target.version, **facts, **details},
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


#: The largest procedure file accepted (the bundled ones are 10-40 kB).
MAX_PROCEDURE_BYTES = 512 * 1024


@transaction.atomic
def procedure_version_store(
    *,
    organisation: Organisation,
    raw: bytes,
    file_name: str,
    actor: Actor = None,
    source: AuditSource | None = None,
) -> ProcedureVersion:
    """Keep an uploaded procedure file so the organisation can activate it (`procedure_adopt`) from a date.

    The file must load without a problem (`ProcedureError`'s `file:line: message` lines are for the check page: this
    refuses with the first). Its id and version must be new: no bundled file and no upload has them (a case names its
    procedure by id and version only). Audited `procedure.version_stored`.
    """
    if len(raw) > MAX_PROCEDURE_BYTES:
        raise InvalidInput(
            _("The file is larger than 512 kB."), errors={"file": [_("The file is larger than 512 kB.")]}
        )
    try:
        procedure: Procedure = load_bytes(raw, file_name)
    except ProcedureError as error:
        lines = error.lines("nl" if (translation.get_language() or "en").startswith("nl") else "en")
        raise InvalidInput(
            _("The file has mistakes: %(first)s") % {"first": lines[0]}, errors={"file": lines}
        ) from None
    bundled = load_directory(BUNDLED_DIR).versions.get(procedure.id, ())
    taken = any(p.version == procedure.version for p in bundled) or (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure_id=procedure.id, version=procedure.version)
        .exists()
    )
    if taken:
        message = _("%(procedure)s version %(version)s exists already: give the file a higher version number.") % {
            "procedure": procedure.id,
            "version": procedure.version,
        }
        raise InvalidInput(message, errors={"file": [message]})
    text = raw.decode("utf-8").removeprefix("\ufeff")
    stored = ProcedureVersion(
        organisation=organisation,
        procedure_id=procedure.id,
        version=procedure.version,
        file_name=file_name[:255],
        source=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        uploaded_at=clock.now(),
    )
    full_clean_or_refuse(stored)
    stored.save()
    _audit(stored, action="procedure.version_stored", actor=actor, source=source)
    remember_stored(stored)  # at once: this process's access rules know its stages for the cases registered next
    return stored
