"""The commissioning party of a case (opdrachtgever, WP-22): the organisation that commissioned the complainant's
trajectory, such as a municipality or UWV. It receives the quarterly anonymised registration (docs/reporting.md).

Like classifying, setting it is not a step of the procedure: a `classified` record event (with what it was and what it
became) and an audit record, in one transaction; the case's version does not change."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.errors import InvalidInput
from plaint.cases.models import Case
from plaint.cases.services import authorise_act, case_record_event
from plaint.core.errors import Conflict

MAX_LENGTH = Case._meta.get_field("commissioning_party").max_length or 200


def case_set_commissioning_party(
    *, case: Case, actor: User, name: str, note: str = "", source: AuditSource | None = None
) -> Case:
    """Set (or with "" clear) the case's commissioning party, for whoever may act on the case, until anonymised."""
    authorise_act(case=case, actor=actor, source=source)
    name = " ".join(name.split())
    if len(name) > MAX_LENGTH:
        raise InvalidInput(
            _("The commissioning party's name is too long."),
            errors={"commissioning_party": [_("At most 200 characters.")]},
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            raise Conflict(_("This case was anonymised; its classification is kept as it was."))
        if locked.commissioning_party != name:
            changed = {"commissioning_party": {"from": locked.commissioning_party, "to": name}}
            Case.objects.filter(pk=locked.pk).update(commissioning_party=name)
            case_record_event(case=locked, kind="classified", actor=actor, data=changed, note=note)
            audit_record(
                actor=actor,
                action="case.classified",
                target_type="case",
                target_id=locked.pk,
                organisation=locked.organisation,
                reference=locked.reference,
                details={"fields": ["commissioning_party"]},
                source=source,
            )
    case.refresh_from_db()
    return case
