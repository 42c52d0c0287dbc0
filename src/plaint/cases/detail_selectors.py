"""What one case shows: its procedure's view now, its effects, documents, sensitive sections, parties."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from plaint import engine
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.rules import (
    access_denied,
)
from plaint.cases.history_services import engine_events
from plaint.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Effect,
    Party,
    PartyRole,
    SensitiveSection,
)
from plaint.cases.visibility_selectors import case_visible
from plaint.core import clock
from plaint.core.errors import Forbidden, NotFound
from plaint.organisations.models import Membership, Organisation
from plaint.procedures.selectors import procedure_definition

logger = logging.getLogger(__name__)


def case_attachments(*, actor: User, case: Case) -> list[Attachment]:
    """The case's attachments the actor may see: sensitive ones (medical information, interview records) only with
    `cases.view_sensitive` (WA-11). Never used for letters to third parties or exports, which leave them out."""
    attachments = case.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")
    if not actor.has_perm("cases.view_sensitive", case):
        attachments = attachments.filter(sensitive=False)
    return list(attachments)


def case_view(*, case: Case, today: dt.date | None = None) -> engine.CaseView:
    """What the case's procedure says now: stage, terms, actions each role may take, letters due, warnings."""
    procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
    day = today or clock.today_for(case.organisation)
    return engine.evaluate(procedure, engine_events(case), day)


def case_effects(*, case: Case) -> list[Effect]:
    """The case's effects (letters, notifications its events set in motion) and their state, oldest first."""
    return list(Effect.objects.filter(case=case).select_related("event").order_by("pk"))


def case_by_idempotency_key(*, actor: User, key: str) -> Case | None:
    """The case the actor already registered with this idempotency key, if any (a retried request)."""
    return Case.objects.filter(created_by=actor, idempotency_key=key).first()


def organisations_for_registration(*, actor: User) -> QuerySet[Organisation]:
    """The organisations the actor may name when registering: those they (or their firm) belong to. Whether they may
    register there (`cases.register_case`) is checked by `case_register`, so a member without the right gets 403."""
    if not actor.is_authenticated:
        return Organisation.objects.none()
    if actor.is_superuser:
        return Organisation.objects.all()
    # `organisation_ids_of` as a subquery: naming one organisation is then one query.
    own = Membership.objects.active_on(clock.now().date()).filter(person__user=actor).values("organisation_id")
    return Organisation.objects.filter(Q(pk__in=own) | Q(served_by_id__in=own))


# Representatives (WA-10)


def case_party(*, case: Case, party_id: int) -> Party | None:
    """A party of a case the caller has already been allowed to see (`case_detail`)."""
    return Party.objects.filter(case=case, pk=party_id).first()


def representative_may_receive(*, case: Case, party: Party) -> bool:
    """Whether anything about the complainant may go to this representative or surviving relative (WA-10): only
    while their written consent is recorded and not withdrawn. Correspondence asks this before every letter."""
    return (
        party.case_id == case.pk
        and party.role in (PartyRole.REPRESENTATIVE, PartyRole.SURVIVING_RELATIVE)
        and party.consent_given_on is not None
        and party.consent_withdrawn_on is None
    )


# Sensitive sections (WA-11): medical information and interview records, kept apart


def case_sensitive_sections(*, actor: User, case_id: int, source: AuditSource | None = None) -> list[SensitiveSection]:
    """The case's sensitive sections, oldest first, for someone with `cases.view_sensitive`.

    `CaseNotFound` (404) for a case the actor may not see, `Forbidden` (403) without the permission; both logged and
    audited (`access.denied`). Every read is recorded (`case.sensitive.viewed`, with the sections' ids) in a
    transaction of its own before anything is returned; when the record cannot be written, nothing is shown.
    """
    case = case_visible(actor, case_id, source)
    if not actor.has_perm("cases.view_sensitive", case):
        access_denied(actor=actor, permission="cases.view_sensitive", case=case, source=source)
        raise Forbidden(_("You may not see this case's sensitive sections."))
    sections = list(case.sensitive_sections.select_related("recorded_by", "event").order_by("recorded_at", "id"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="case.sensitive.viewed",
            target_type="case",
            target_id=case.pk,
            organisation=case.organisation,
            reference=case.reference,
            details={"sections": [section.pk for section in sections]},
            source=source,
        )
    return sections


def case_sensitive_summary(*, actor: User, case: Case) -> dict[str, int | bool]:
    """What the case detail says about its sensitive sections: how many there are and whether the actor may read
    them (on their own endpoint, each read audited). Never a title or a text."""
    count = getattr(case, "sensitive_count", None)  # counted with the case by `case_detail`
    return {
        "count": count if count is not None else case.sensitive_sections.count(),
        "visible": actor.has_perm("cases.view_sensitive", case),
    }


def case_event(*, case: Case, sequence: int) -> CaseEvent | None:
    """One event of a case the caller has already been allowed to see, by its place in the history."""
    return CaseEvent.objects.filter(case=case, sequence=sequence).first()


def case_attachments_shareable(*, case: Case) -> list[Attachment]:
    """What a letter or an export may enclose of a case: its attachments that are not sensitive.

    The one read for correspondence and exports (docs/access.md): sensitive attachments and sensitive sections
    (medical information, interview records: WA-11) never go to third parties, whoever builds the letter.
    """
    return list(case.attachments.filter(sensitive=False).order_by("uploaded_at", "id"))


# Documents (docs/cases.md): the list shows metadata; every read of a file is on record (issue #5)


# Documents (docs/cases.md): the list shows metadata; every read of a file is on record (issue #5)


def case_for_attachments(*, actor: User, case_id: int, source: AuditSource | None = None) -> Case:
    """The case whose documents the actor lists or adds to; `CaseNotFound` (404, audited) when they may not see it.
    Adding needs more (`attachment_add` checks it)."""
    return case_visible(actor, case_id, source)


def attachment_list(*, actor: User, case_id: int, source: AuditSource | None = None) -> list[Attachment]:
    """The case's documents the actor may see (metadata; sensitive ones only with `cases.view_sensitive`, WA-11)."""
    return case_attachments(actor=actor, case=case_visible(actor, case_id, source))


def attachment_read(*, actor: User, case_id: int, attachment_id: int, source: AuditSource | None = None) -> Attachment:
    """One document of a case, with its file opened for reading (the caller closes it, or hands it to a response).

    `CaseNotFound` (404) for a case the actor may not see; `NotFound` (404) for a document the case does not have
    (or no longer has, or whose file is missing from storage: logged as an error); `Forbidden` (403) for a sensitive
    document without `cases.view_sensitive`. Refusals of access are logged and audited (`access.denied`). Every read
    is recorded (`case.attachment.read`) in a transaction of its own after the file is opened and before it is
    returned: when the record cannot be written, the file is closed and nothing is shown.
    """
    case = case_visible(actor, case_id, source)
    attachment = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("This case has no such document."))
    if attachment.sensitive and not actor.has_perm("cases.view_sensitive", case):
        access_denied(actor=actor, permission="cases.view_sensitive", case=case, source=source)
        raise Forbidden(
            _("This document is sensitive (medical information or an interview record); you may not open it.")
        )
    try:
        attachment.file.open("rb")
    except FileNotFoundError:
        logger.error(
            "attachment %s of case %s: file %s is missing from storage", attachment.pk, case.pk, attachment.file.name
        )
        raise NotFound(_("The file of this document is missing; tell your administrator.")) from None
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="case.attachment.read",
                target_type="case",
                target_id=case.pk,
                organisation=case.organisation,
                reference=case.reference,
                details={"attachment": attachment.pk, "sensitive": attachment.sensitive},
                source=source,
            )
    except BaseException:
        attachment.file.close()
        raise
    attachment.case = case
    return attachment
