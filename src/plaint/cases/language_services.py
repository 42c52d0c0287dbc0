"""Correcting a case's language: the language its letters and emails are written in. A case that came in by email
has a guessed one (docs/mail.md); staff who see the guess was wrong correct it here."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.action_services import authorise_act
from plaint.cases.errors import InvalidInput
from plaint.cases.history_services import case_record_event
from plaint.cases.models import Case


def case_language_correct(*, case: Case, actor: User, language: str, source: AuditSource | None = None) -> Case:
    """Set the case's language to one its organisation supports: a `language_corrected` record event (from, to) and
    a `case.language.corrected` audit record in one transaction; the case's version does not change. Refused with
    `InvalidInput` (400, on `language`) for a language the organisation does not support; the same language is no
    change and writes nothing."""
    authorise_act(case=case, actor=actor, source=source)
    if language not in case.organisation.supported_languages:
        message = _("Choose one of the organisation's languages.")
        raise InvalidInput(message, errors={"language": [message]})
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.language == language:
            return locked
        previous = locked.language
        Case.objects.filter(pk=locked.pk).update(language=language)
        case_record_event(case=locked, kind="language_corrected", actor=actor, data={"from": previous, "to": language})
        audit_record(
            actor=actor,
            action="case.language.corrected",
            target_type="case",
            target_id=locked.pk,
            organisation=locked.organisation,
            reference=locked.reference,
            details={"from": previous, "to": language},
            source=source,
        )
    locked.refresh_from_db()
    return locked
