"""Classifying a case for the periodic analyses: categories (what it is about), causes (why it happened) and nature
(XS-22, XS-20, WV-01, WA-04). Not a step of the procedure: a record event and an audit record, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.action_services import authorise_act
from plaint.cases.errors import InvalidInput
from plaint.cases.history_services import case_record_event
from plaint.cases.models import Case, Cause, Nature
from plaint.cases.registration_services import categories_by_code, classifications_by_code
from plaint.core.errors import Conflict


def case_classify(
    *,
    case: Case,
    actor: User,
    categories: Sequence[str] | None = None,
    causes: Sequence[str] | None = None,
    nature: str | None = None,
    note: str = "",
    source: AuditSource | None = None,
) -> Case:
    """Set what a case is about (categories), why it happened (causes, usually known once it is decided) and its
    nature (WA-04), for the periodic analyses. `None` leaves a field as it is; an empty list clears it.

    Classifying is not a step of the procedure: any time the case is open or closed (but not once anonymised),
    whoever may act on it may correct it. The change is a record event (`classified`, with what it was and what it
    became) and an audit record (`case.classified`), in one transaction; the version does not change.
    """
    authorise_act(case=case, actor=actor, source=source)
    if nature is not None and nature not in Nature.values:
        raise InvalidInput(_("Unknown nature."), errors={"nature": [_("Not one of the natures.")]})
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            raise Conflict(_("This case was anonymised; its classification is kept as it was."))
        before = _classification_of(locked)
        if categories is not None:
            locked.categories.set(categories_by_code(locked.organisation, categories))
        if causes is not None:
            locked.causes.set(classifications_by_code(Cause, locked.organisation, causes, field="causes"))
        if nature is not None:
            Case.objects.filter(pk=locked.pk).update(nature=nature)
            locked.nature = nature
        after = _classification_of(locked)
        changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
        if changed:
            case_record_event(case=locked, kind="classified", actor=actor, data=changed, note=note)
            audit_record(
                actor=actor,
                action="case.classified",
                target_type="case",
                target_id=locked.pk,
                organisation=locked.organisation,
                reference=locked.reference,
                details={"fields": sorted(changed)},
                source=source,
            )
    case.refresh_from_db()
    return case


def _classification_of(case: Case) -> dict[str, Any]:
    return {
        "categories": sorted(case.categories.values_list("code", flat=True)),
        "causes": sorted(case.causes.values_list("code", flat=True)),
        "nature": case.nature,
    }
