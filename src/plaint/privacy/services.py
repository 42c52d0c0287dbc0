"""Commands of the privacy app: legal holds, anonymisation, the retention sweep and data-subject requests.

Anonymising keeps what statistics need (kind, channel, categories, stage, outcome, dates, terms, the kinds and dates
of events) and replaces everything that says who someone is, or what they said, with `ANONYMISED`. It is refused for
an open case and for one on legal hold (409), and doing it twice changes nothing. Every anonymisation, document
deletion and legal hold writes an audit record in the same transaction (docs/audit.md). This app decides who may and
when; the case's own rows are changed only through `plaint.cases.retention_services`, the emails through
`plaint.correspondence.services`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import audit_record
from plaint.access.models import User
from plaint.cases.models import Case, Status
from plaint.cases.retention_services import (
    ANONYMISED,
    case_documents_erase,
    case_legal_hold_write,
    case_lock,
    case_personal_data_erase,
)
from plaint.core import clock
from plaint.core.errors import Forbidden, InvalidInput, PlaintError
from plaint.correspondence.services import case_emails_anonymise
from plaint.organisations.models import Organisation, Person
from plaint.organisations.selectors import roles_of
from plaint.privacy.errors import CaseOnLegalHold, CaseStillOpen, NoIdentification, ReasonRequired
from plaint.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from plaint.privacy.selectors import cases_due_for_retention, subject_data, subject_find

Trigger = Literal["retention", "subject_request", "manual"]


# Who may


def _require_privacy_officer(actor: User | None, organisation: Organisation | None) -> None:
    """The system (actor None: the sweep, the command line), a superuser, or an administrator of the organisation."""
    if actor is None or actor.is_superuser:
        return
    person = Person.objects.filter(user=actor).first()
    if (
        organisation is not None
        and person is not None
        and "administrator" in roles_of(person=person, organisation=organisation)
    ):
        return
    raise Forbidden(_("Only an administrator of the organisation may do this."))


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    return reason


def _audit(
    *, actor: User | None, action: str, case: Case | None, target_type: str, target_id: int, details: dict[str, Any]
) -> None:
    """The one place the privacy app writes to the audit trail; the caller holds the transaction."""
    audit_record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        organisation=case.organisation if case is not None else None,
        reference=case.reference if case is not None else "",
        details=details,
        case_id=case.pk if case is not None else None,
    )


def _refuse_unless_closed_and_free(case: Case) -> None:
    if case.status != Status.CLOSED:
        raise CaseStillOpen(case.reference)
    if case.legal_hold:
        raise CaseOnLegalHold(case.reference, case.legal_hold_reason)


# Legal hold


def case_legal_hold_set(*, case: Case, actor: User | None, reason: str) -> Case:
    """Keep the case as it is (a claim, an investigation, the ombudsman): no retention, no erasure while held."""
    reason = _reason(reason)
    with transaction.atomic():
        locked = case_lock(case=case)
        _require_privacy_officer(actor, locked.organisation)
        if case_legal_hold_write(case=locked, held=True, reason=reason):
            _audit(
                actor=actor,
                action="case.legal_hold_set",
                case=locked,
                target_type="case",
                target_id=locked.pk,
                details={"fields": ["legal_hold", "legal_hold_reason"]},
            )
    case.refresh_from_db()
    return case


def case_legal_hold_release(*, case: Case, actor: User | None, reason: str) -> Case:
    """End the hold; `legal_hold_reason` then says why it ended. Retention applies again at the next sweep."""
    reason = _reason(reason)
    with transaction.atomic():
        locked = case_lock(case=case)
        _require_privacy_officer(actor, locked.organisation)
        if locked.legal_hold and case_legal_hold_write(case=locked, held=False, reason=reason):
            _audit(
                actor=actor,
                action="case.legal_hold_released",
                case=locked,
                target_type="case",
                target_id=locked.pk,
                details={"fields": ["legal_hold", "legal_hold_reason"]},
            )
    case.refresh_from_db()
    return case


# Anonymisation and documents


def case_anonymise(
    *,
    case: Case,
    actor: User | None,
    reason: str,
    trigger: Trigger = "manual",
    request: DataSubjectRequest | None = None,
) -> Case:
    """Replace every name, contact and free text of a closed case by the marker and delete its documents.

    Kept: kind, channel, categories, stage, status, outcome, the dates (receipt, event, closure), the terms and the
    events' kinds, dates, actors and codes, so counts, handling times and outcomes stay true. Refused for an open
    case (`CaseStillOpen`) or one on legal hold (`CaseOnLegalHold`), both 409. A second call changes nothing.
    """
    _reason(reason)
    with transaction.atomic():
        locked = case_lock(case=case)
        _require_privacy_officer(actor, locked.organisation)
        _refuse_unless_closed_and_free(locked)
        if locked.anonymised_on is not None:
            return locked
        erased = case_personal_data_erase(case=locked, today=clock.today_in(locked.organisation.time_zone))
        emails = case_emails_anonymise(case=locked, marker=ANONYMISED)
        _audit(
            actor=actor,
            action="case.anonymised",
            case=locked,
            target_type="case",
            target_id=locked.pk,
            details={
                "trigger": trigger,
                "request": request.pk if request is not None else None,
                "parties": erased.parties,
                "events": erased.events,
                "documents": erased.documents,
                "sensitive_sections": erased.sensitive_sections,
                "emails": emails,
            },
        )
    case.refresh_from_db()
    return case


def case_documents_delete(*, case: Case, actor: User | None, reason: str, trigger: Trigger = "manual") -> Case:
    """Delete a closed case's documents (the procedure's `delete_documents_after`). Refused like anonymisation."""
    _reason(reason)
    with transaction.atomic():
        locked = case_lock(case=case)
        _require_privacy_officer(actor, locked.organisation)
        _refuse_unless_closed_and_free(locked)
        erased = case_documents_erase(case=locked, today=clock.today_in(locked.organisation.time_zone))
        if erased is None:
            return locked
        _audit(
            actor=actor,
            action="case.documents_deleted",
            case=locked,
            target_type="case",
            target_id=locked.pk,
            details={
                "trigger": trigger,
                "documents": erased.documents,
                "sensitive_sections": erased.sensitive_sections,
            },
        )
    case.refresh_from_db()
    return case


# The retention sweep


@dataclass(frozen=True)
class SweepResult:
    anonymised: int = 0
    documents_deleted: int = 0
    on_legal_hold: int = 0
    failed: tuple[str, ...] = ()


def retention_sweep(*, today: dt.date | None = None, batch: int = 200) -> SweepResult:
    """Apply each closed case's retention (from its own procedure version): anonymise, then delete documents.

    Due cases come from one indexed query (`cases_due_for_retention`), taken in batches that shrink as cases are
    done; each case is locked and changed in its own transaction. Safe to run twice: done cases drop out.
    """
    day = today or clock.now().date()
    reason = "retention period of the procedure passed"
    anonymised = _sweep(
        "anonymise", day, batch, lambda case: case_anonymise(case=case, actor=None, reason=reason, trigger="retention")
    )
    documents = _sweep(
        "documents",
        day,
        batch,
        lambda case: case_documents_delete(case=case, actor=None, reason=reason, trigger="retention"),
    )
    on_hold = cases_due_for_retention(what="anonymise", today=day, on_hold=True).count()
    return SweepResult(
        anonymised=anonymised[0],
        documents_deleted=documents[0],
        on_legal_hold=on_hold,
        failed=anonymised[1] + documents[1],
    )


def _sweep(
    what: Literal["anonymise", "documents"], day: dt.date, batch: int, apply: Callable[[Case], Case]
) -> tuple[int, tuple[str, ...]]:
    done, failed_ids, failed = 0, set[int](), list[str]()
    while True:
        cases = list(cases_due_for_retention(what=what, today=day).exclude(pk__in=failed_ids)[:batch])
        if not cases:
            return done, tuple(failed)
        for case in cases:
            try:
                apply(case)
            except PlaintError:  # put on hold or reopened since the query: skip it this time
                failed_ids.add(case.pk)
                failed.append(case.reference)
            else:
                done += 1


# Data-subject requests


def subject_request_create(
    *,
    kind: str,
    actor: User | None,
    email: str = "",
    name: str = "",
    person: Person | None = None,
    organisation: Organisation | None = None,
    language: str = "en",
    reason: str = "",
    identity_checked: str = "",
) -> DataSubjectRequest:
    """Register a request of a person about their own data (GDPR art. 15 or 17), identified by email, name, person."""
    if kind not in RequestKind.values:
        raise InvalidInput(_("Unknown kind of request."), errors={"kind": [_("Choose export or erase.")]})
    if not (email.strip() or name.strip() or person is not None):
        raise NoIdentification()
    _require_privacy_officer(actor, organisation)
    return DataSubjectRequest.objects.create(
        kind=kind,
        email=email.strip(),
        name=name.strip(),
        person=person,
        organisation=organisation,
        language=language if language in ("en", "nl") else "en",
        reason=reason,
        identity_checked=identity_checked,
        requested_by=actor,
        received_at=clock.now(),
    )


def _find(request: DataSubjectRequest) -> Any:
    return subject_find(
        email=request.email or None, name=request.name or None, person=request.person, organisation=request.organisation
    )


@dataclass(frozen=True)
class SubjectExport:
    """Everything about the person: `data` (JSON-ready), `json_text()`, and `pdf()` in the request's language."""

    request: DataSubjectRequest
    data: dict[str, Any]

    def json_text(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2, sort_keys=False)

    def pdf(self) -> bytes:
        from plaint.privacy.pdf import render_export_pdf

        return render_export_pdf(data=self.data, language=self.request.language)


def subject_export(*, request: DataSubjectRequest, actor: User | None) -> SubjectExport:
    """Collect everything about the person (GDPR art. 15); recorded in the audit trail before it is returned."""
    _require_privacy_officer(actor, request.organisation)
    now = clock.now()
    matches = _find(request)
    data = subject_data(
        matches=matches,
        generated_at=now,
        request={
            "id": request.pk,
            "kind": request.kind,
            "received_at": request.received_at.isoformat(),
            "language": request.language,
            "identified_by": {
                "email": request.email,
                "name": request.name,
                "person": request.person_id,
            },
        },
    )
    with transaction.atomic():
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.COMPLETED,
            performed_by=actor,
            completed_at=now,
            results=[{"reference": case["reference"], "result": "exported"} for case in data["cases"]],
        )
        _audit(
            actor=actor,
            action="privacy.subject_exported",
            case=None,
            target_type="data_subject_request",
            target_id=request.pk,
            details={"cases": matches.case_ids, "people": len(matches.persons), "accounts": len(matches.users)},
        )
    request.refresh_from_db()
    return SubjectExport(request=request, data=data)


WORD_ANONYMISED = _("anonymised")
WORD_REFUSED = _("refused")
STAFF_RECORDS_KEPT = _("Staff records (people, logins) are kept; the organisation's administrator handles them.")
REFUSAL_REASONS = {
    "case_open": _("The case is still open; its data is needed to handle it."),
    "legal_hold": _("The case is on legal hold: %(reason)s"),
}


def subject_erase(*, request: DataSubjectRequest, actor: User | None, reason: str) -> DataSubjectRequest:
    """Erase the person's data (GDPR art. 17): anonymise every closed case they are part of that is not on hold.

    A whole case is anonymised, not only the person's party: free text may name them anywhere. Open cases and cases
    on legal hold are refused, each with its reason recorded on the request (`results`, `decision`). People and
    logins of staff are kept: the organisation's administrator handles those as employment records.
    """
    reason = _reason(reason)
    _require_privacy_officer(actor, request.organisation)
    matches = _find(request)
    results: list[dict[str, Any]] = []
    lines: list[str] = []
    with translation.override(request.language):
        for case in Case.objects.filter(pk__in=matches.case_ids).order_by("pk"):
            try:
                if case.anonymised_on is None:
                    case_anonymise(case=case, actor=actor, reason=reason, trigger="subject_request", request=request)
                    result = {"reference": case.reference, "result": "anonymised"}
                else:
                    result = {"reference": case.reference, "result": "already_anonymised"}
                lines.append(f"{case.reference}: {WORD_ANONYMISED}")
            except (CaseStillOpen, CaseOnLegalHold) as refusal:
                result = {"reference": case.reference, "result": "refused", "reason": refusal.code}
                text = str(REFUSAL_REASONS[refusal.code]) % {"reason": case.legal_hold_reason}
                result["text"] = str(text)
                lines.append(f"{case.reference}: {WORD_REFUSED}: {text}")
            results.append(result)
        for person in matches.persons:
            results.append({"person": person.pk, "result": "kept", "reason": "staff_record"})
        if matches.persons or matches.users:
            lines.append(
                str(_("Staff records (people, logins) are kept; the organisation's administrator handles them."))
            )
        if not matches:
            lines.append(str(_("Nothing was found about this person.")))
        decision = "\n".join(lines)
    refused = [result for result in results if result["result"] == "refused"]
    done = [result for result in results if result["result"] in ("anonymised", "already_anonymised")]
    status = RequestStatus.COMPLETED
    if refused:
        status = RequestStatus.PARTLY_REFUSED if done else RequestStatus.REFUSED
    with transaction.atomic():
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            status=status,
            reason=reason,
            decision=decision,
            results=results,
            performed_by=actor,
            completed_at=clock.now(),
        )
        _audit(
            actor=actor,
            action="privacy.subject_erased",
            case=None,
            target_type="data_subject_request",
            target_id=request.pk,
            details={"anonymised": len(done), "refused": len(refused)},  # per case: the request's results
        )
    request.refresh_from_db()
    return request
