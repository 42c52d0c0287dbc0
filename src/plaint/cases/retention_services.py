"""Commands that hold or erase a case's data, for the privacy app: legal hold, anonymisation, deleting documents.

The privacy app decides who may and when (retention periods, data-subject requests, the refusals) and writes the
audit record; these commands are the only writes to the cases app's tables it makes (docs/privacy.md). Each runs in
the caller's transaction, on a case the caller locked with `case_lock` (`CaseNotLocked` otherwise), so the refusal
checks, the change and its audit record commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F

from plaint.cases.models import Attachment, Case, CaseEvent, FollowUp, Party, SensitiveSection

#: What replaces a name, a contact or a free text. Stored data, not interface text: the same in every language.
ANONYMISED = "[anonymised]"

#: Keys of an event's data that hold codes, dates and ids, never free text: kept by anonymisation.
KEPT_EVENT_DATA = frozenset(
    {
        "kind",
        "channel",
        "facts",
        "outcome",
        "complainant_group",
        "incident_date",
        "awareness_date",
        "term",
        "by",
        "letter",
        "follow_up",
        "follow_up_on",
        "owner",
        "handler",
        "delegate",
        "involved",
    }
)


class CaseNotLocked(RuntimeError):
    """A retention command ran outside a transaction: the case could change between the checks and the write."""


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise CaseNotLocked("Lock the case with case_lock() in a transaction.atomic() block first.")


def case_lock(*, case: Case) -> Case:
    """The case (with its organisation), locked until the caller's transaction ends."""
    _require_transaction()
    return Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)


def case_legal_hold_write(*, case: Case, held: bool, reason: str) -> bool:
    """Put the case on legal hold or release it, with the reason; False (nothing written) when already so."""
    _require_transaction()
    if case.legal_hold == held and (not held or case.legal_hold_reason == reason):
        return False
    Case.objects.filter(pk=case.pk).update(legal_hold=held, legal_hold_reason=reason)
    return True


@dataclass(frozen=True)
class Erased:
    """How many rows of each kind an erasure changed or deleted (for the audit record's details)."""

    parties: int = 0
    events: int = 0
    documents: int = 0
    sensitive_sections: int = 0


def _scrubbed(value: Any) -> Any:
    """A free-text value with every string replaced by the marker (numbers, booleans and None stay)."""
    if isinstance(value, str):
        return ANONYMISED if value else value
    if isinstance(value, Mapping):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    return value


def _scrubbed_event_data(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value if key in KEPT_EVENT_DATA else _scrubbed(value) for key, value in data.items()}


def _delete_documents(case: Case) -> int:
    """Delete the case's attachment rows now and their files once the transaction commits (a rollback keeps both)."""
    attachments = list(Attachment.objects.filter(case=case).only("pk", "file"))
    names = [attachment.file.name for attachment in attachments if attachment.file.name]
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()

    def remove_files() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(remove_files)
    return len(attachments)


def _delete_sensitive_sections(case: Case) -> int:
    """Delete the case's sensitive sections (medical information, interview records: WA-11) with its documents, so
    that they never outlive them; the history keeps only that they were added (ids and kinds)."""
    deleted, _by_model = SensitiveSection.objects.filter(case=case).delete()
    return deleted


def case_personal_data_erase(*, case: Case, today: dt.date) -> Erased:
    """Replace every name, contact and free text of the locked case by `ANONYMISED` and delete its documents.

    Kept: kind, channel, categories, stage, status, outcome, the dates, the terms and the events' kinds, dates,
    actors and codes (`KEPT_EVENT_DATA`). The emails sent about the case are the correspondence app's to erase.
    """
    _require_transaction()
    parties = Party.objects.filter(case=case).update(
        name=ANONYMISED, email="", phone="", address="", authorisation="", person=None
    )
    events = 0
    for event in CaseEvent.objects.filter(case=case).only("pk", "data", "note"):
        data = _scrubbed_event_data(event.data or {})
        note = ANONYMISED if event.note else ""
        if data != event.data or note != event.note:
            # The one edit of the append-only history: erasing personal data (GDPR art. 17), never its course.
            CaseEvent.objects.filter(pk=event.pk).update(data=data, note=note)
            events += 1
    FollowUp.objects.filter(case=case).update(description=ANONYMISED)
    documents = _delete_documents(case)
    sensitive_sections = _delete_sensitive_sections(case)
    Case.objects.filter(pk=case.pk).update(
        summary=ANONYMISED if case.summary else "",
        description=ANONYMISED,
        anonymised_on=today,
        documents_deleted_on=case.documents_deleted_on or today,
        version=F("version") + 1,
    )
    return Erased(parties=parties, events=events, documents=documents, sensitive_sections=sensitive_sections)


def case_documents_erase(*, case: Case, today: dt.date) -> Erased | None:
    """Delete the locked case's documents and sensitive sections; None (nothing written) when they are gone."""
    _require_transaction()
    if case.documents_deleted_on is not None and not case.attachments.exists() and not case.sensitive_sections.exists():
        return None
    documents = _delete_documents(case)
    sensitive_sections = _delete_sensitive_sections(case)
    Case.objects.filter(pk=case.pk).update(documents_deleted_on=case.documents_deleted_on or today)
    return Erased(documents=documents, sensitive_sections=sensitive_sections)
