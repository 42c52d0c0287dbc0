"""Sensitive sections: medical information and interview records, kept apart from the rest of a case (WA-11).

A section is seen only by those with `cases.view_sensitive` (`plaint.cases.selectors.case_sensitive_sections`,
every read audited), never in letters to third parties or in exports (docs/access.md, docs/privacy.md). The history
records that a section was added (its id and kind), never its title or text.

Two ways in:

* `sensitive_section_add`: a section on its own (a medical report, notes of an interview). Needs
  `cases.act_on_case` and `cases.view_sensitive`: the answer shows the section.
* The report of a conversation given with an action (`meeting_held`, `report_shared`, … any action whose data has a
  `report` text): `case_act` sets it apart (`report_set_apart`, before the engine decides: the engine never reads a
  report) and links it to the event once appended (`report_link`). The event's data keeps only `report_section`, the
  section's id. Whoever the procedure lets take the action may write its report, with or without
  `cases.view_sensitive`: writing is not reading (write-only), and the report is their own account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.rules import access_denied
from plaint.cases.action_services import authorise_act
from plaint.cases.errors import CaseAnonymised
from plaint.cases.history_services import case_record_event
from plaint.cases.models import Case, CaseEvent, SensitiveSection, SensitiveSectionKind
from plaint.core import clock
from plaint.core.errors import Conflict, Forbidden, InvalidInput

#: The key of an action's data that holds the report of a conversation, and the key that replaces it.
REPORT = "report"
REPORT_SECTION = "report_section"

#: The title given to a report set apart, per action (rendered in the case's language when stored).
REPORT_TITLES: Mapping[str, Any] = {
    "meeting_held": _("Report of the meeting"),
    "report_shared": _("Report shared with those involved"),
    "complainant_heard": _("Report of hearing the complainant"),
    "external_hearing_held": _("Report of the hearing"),
}
REPORT_TITLE = _("Report of the conversation")
TITLE_MAX = SensitiveSection._meta.get_field("title").max_length or 200


class SensitiveDataDeleted(Conflict):
    code = "sensitive_data_deleted"


def sensitive_section_add(
    *,
    case: Case,
    actor: User,
    kind: str,
    title: str,
    text: str,
    event: CaseEvent | None = None,
    source: AuditSource | None = None,
) -> SensitiveSection:
    """Add a sensitive section to a case (WA-11), optionally belonging to one of its events.

    The actor needs `cases.act_on_case` (404 for a case they may not see, 403 otherwise) and `cases.view_sensitive`
    (403); every refusal is logged and audited (`access.denied`). In one transaction, with the case locked: the
    section, a record event `sensitive_section_added` (the section's id and kind, never its title or text) and an
    audit record `case.sensitive.added`. Refused (409) once the case's documents were deleted or it was anonymised.
    """
    authorise_act(case=case, actor=actor, source=source)
    if not actor.has_perm("cases.view_sensitive", case):
        access_denied(actor=actor, permission="cases.view_sensitive", case=case, source=source)
        raise Forbidden(_("You may not see or add this case's sensitive sections."))
    errors: dict[str, list[Any]] = {}
    if kind not in SensitiveSectionKind.values:
        errors["kind"] = [_("Choose medical information, interview record or other.")]
    if not title.strip():
        errors["title"] = [_("Give a title.")]
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = [_("At most 200 characters.")]
    if not text.strip():
        errors["text"] = [_("Write the text.")]
    if errors:
        raise InvalidInput(_("The sensitive section could not be added; see the errors per field."), errors=errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            raise CaseAnonymised()
        if locked.documents_deleted_on is not None:
            raise SensitiveDataDeleted(
                _("This case's documents were deleted at the end of its retention period; nothing sensitive is kept.")
            )
        if event is not None and event.case_id != locked.pk:
            raise InvalidInput(_("That event belongs to another case."), errors={"event": [_("Not of this case.")]})
        section = SensitiveSection.objects.create(
            case=locked,
            kind=kind,
            title=title.strip(),
            text=text,
            event=event,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        data: dict[str, Any] = {"section": section.pk, "kind": kind}
        if event is not None:
            data["event"] = event.sequence
        case_record_event(case=locked, kind="sensitive_section_added", actor=actor, data=data)
        _audit_added(locked, section, actor, source)
    return section


def report_set_apart(*, case: Case, actor: User, action: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Before the engine decides: a `report` text in an action's data becomes an interview record (WA-11).

    Returns the data with `report_section` (the new section's id) instead of the text; an empty report is dropped.
    The caller holds the transaction and the case's lock, and calls `report_link` once the event is appended (a
    refused action rolls the section back with everything else).
    """
    result = dict(data)
    text = result.pop(REPORT, None)
    if text is None or (isinstance(text, str) and not text.strip()):
        return result
    with translation.override(case.language or "en"):
        title = str(REPORT_TITLES.get(action, REPORT_TITLE))
    section = SensitiveSection.objects.create(
        case=case,
        kind=SensitiveSectionKind.INTERVIEW_RECORD,
        title=title,
        text=str(text),
        event=None,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    result[REPORT_SECTION] = section.pk
    return result


def report_link(*, case: Case, event: CaseEvent, actor: User, source: AuditSource | None = None) -> None:
    """After the event is appended: link the report set apart by `report_set_apart` to it, and audit the addition
    (`case.sensitive.added`). Nothing happens for an event without a report."""
    section_id = (event.data or {}).get(REPORT_SECTION)
    if section_id is None:
        return
    section = SensitiveSection.objects.get(pk=section_id, case=case)
    SensitiveSection.objects.filter(pk=section.pk).update(event=event)
    section.event = event
    _audit_added(case, section, actor, source)


def _audit_added(case: Case, section: SensitiveSection, actor: User, source: AuditSource | None) -> None:
    audit_record(
        actor=actor,
        action="case.sensitive.added",
        target_type="case",
        target_id=case.pk,
        organisation=case.organisation,
        reference=case.reference,
        details={
            "section": section.pk,
            "kind": section.kind,
            "event": section.event.sequence if section.event is not None else None,
        },
        source=source,
    )
