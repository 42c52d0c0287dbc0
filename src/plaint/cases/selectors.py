"""Reads of cases. Every selector takes the actor, so access is part of each query, not left to a view.

`cases_visible_to` is the one place that decides which cases someone may see, as one database filter; it states the
rules of `plaint.access.rules` (docs/access.md) in SQL, and a test keeps the two in agreement. Reads that show a
case's content to a person (`case_read`) are recorded in the audit trail before the data is returned.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from plaint import engine
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.roles import actor_case_roles, actor_roles
from plaint.access.rules import (
    ASSIGNED_PARTY_ROLES,
    STAFF_ROLES,
    StageKey,
    access_day,
    access_denied,
    person_of,
    stage_table,
    stages_worked_by,
)
from plaint.cases.errors import CaseNotFound
from plaint.cases.history_services import engine_events
from plaint.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Confidentiality,
    Effect,
    Party,
    PartyRole,
    SensitiveSection,
    Status,
)
from plaint.core import clock
from plaint.core.errors import Forbidden, NotFound
from plaint.organisations.models import Membership, Organisation, Person
from plaint.organisations.selectors import before_today_q, organisation_by_slug
from plaint.procedures.selectors import procedure_definition

logger = logging.getLogger(__name__)


def organisation_ids_of(*, actor: User, on: dt.date | None = None) -> list[int]:
    """The organisations whose cases the actor may see: their own, and the clients of a firm they work for."""
    day = on or clock.now().date()
    own = list(Membership.objects.active_on(day).filter(person__user=actor).values_list("organisation_id", flat=True))
    clients = Organisation.objects.filter(served_by_id__in=own).values_list("pk", flat=True)
    return sorted({*own, *clients})


def _stages_q(stages: Iterable[StageKey]) -> Q:
    """Cases in one of `stages` (procedure id, version, stage key); an empty Q matching nothing when there are none."""
    grouped: dict[tuple[str, int], list[str]] = defaultdict(list)
    for procedure_id, version, stage in stages:
        grouped[(procedure_id, version)].append(stage)
    condition = Q(pk__in=[])
    for (procedure_id, version), keys in sorted(grouped.items()):
        condition |= Q(procedure_id=procedure_id, procedure_version=version, stage__in=sorted(keys))
    return condition


def _stage_role_q(roles_by_organisation: Mapping[int, frozenset[str]]) -> Q:
    """Cases whose current stage is worked on by a role the person holds in the case's organisation."""
    by_roles: dict[frozenset[str], list[int]] = defaultdict(list)
    for organisation_id, roles in roles_by_organisation.items():
        if roles & STAFF_ROLES:
            by_roles[frozenset(roles)].append(organisation_id)
    condition = Q(pk__in=[])
    for role_set, organisation_ids in by_roles.items():
        stages = list(stages_worked_by(set(role_set)))
        if stages:
            condition |= Q(organisation_id__in=sorted(organisation_ids)) & _stages_q(stages)
    return condition


def _routed_past_q(person: Person, day: dt.date) -> Q | None:
    """Cases whose routing sends them past this person, a line manager of a subject (`access.rules.is_routed_past`).

    Walks down the person's line-management tree in each organisation (one query per level), keeping for each
    report whether someone between them and the person holds the role the case is routed to.
    """
    routed = stage_table().routed
    pairs = sorted({pair for stage_pairs in routed.values() for pair in stage_pairs})
    if not pairs:
        return None
    condition: Q | None = None
    own = Membership.objects.active_on(day).filter(person=person).values_list("organisation_id", "roles__code")
    my_roles: dict[int, set[str]] = defaultdict(set)
    for organisation_id, code in own:
        my_roles[organisation_id].update([code] if code else [])
    for organisation_id, roles in my_roles.items():
        wanted = [(held, routed_to) for held, routed_to in pairs if routed_to not in roles]
        if not wanted:
            continue
        subjects: dict[tuple[str, str], set[int]] = defaultdict(set)
        # person id -> for each routed-to role: nobody between them and `person` holds it
        clear_above: dict[int, dict[str, bool]] = {person.pk: {routed_to: True for _held, routed_to in wanted}}
        held_by: dict[int, set[str]] = {person.pk: roles}
        frontier = [person.pk]
        seen = {person.pk}
        while frontier:
            rows = (
                Membership.objects.active_on(day)
                .filter(organisation_id=organisation_id, line_manager_id__in=frontier)
                .exclude(person_id__in=seen)
                .values_list("person_id", "line_manager_id", "roles__code")
            )
            reports: dict[int, int] = {}
            for report_id, manager_id, code in rows:
                reports[report_id] = manager_id
                held_by.setdefault(report_id, set()).update([code] if code else [])
            for report_id, manager_id in reports.items():
                manager_is_person = manager_id == person.pk
                clear_above[report_id] = {
                    routed_to: clear_above[manager_id][routed_to]
                    and (manager_is_person or routed_to not in held_by[manager_id])
                    for _held, routed_to in wanted
                }
                for held, routed_to in wanted:
                    if clear_above[report_id][routed_to] and held in held_by[report_id]:
                        subjects[(held, routed_to)].add(report_id)
            seen.update(reports)
            frontier = list(reports)
        for pair, people in subjects.items():
            stages = [key for key, stage_pairs in routed.items() if pair in stage_pairs]
            about_them = Party.objects.filter(role=PartyRole.SUBJECT, person_id__in=sorted(people)).values("case_id")
            part = Q(organisation_id=organisation_id) & _stages_q(stages) & Q(pk__in=about_them)
            condition = part if condition is None else condition | part
    return condition


def cases_visible_to(*, actor: User) -> QuerySet[Case]:
    """The cases the actor may see (`cases.view_case`), as one filter: never a loop over cases.

    Staff of a case's organisation (or of the firm serving it) see its normal cases; confidential cases only those
    assigned to them or working on their current stage; nobody sees a case they are a subject of, involved in, or
    routed past; analysts see none (they read `cases_anonymised`). Superusers see every case.
    """
    if not actor.is_authenticated or not actor.is_active:
        return Case.objects.none()
    if actor.is_superuser:
        return Case.objects.all()
    person = person_of(actor)
    if person is None:
        return Case.objects.none()
    day = access_day()
    roles_by_organisation = actor_roles(actor, person).by_case_organisation()
    staff_organisations = sorted(key for key, roles in roles_by_organisation.items() if roles & STAFF_ROLES)
    # Every part is a plain column test or a subquery that does not refer to the case row (bench/README.md): the
    # visible part then combines indexes (a BitmapOr), the conflicts are hashed once, and PostgreSQL's estimate stays
    # low enough not to JIT-compile the query (a correlated EXISTS inside the OR cost a second per list at 100,000).
    assigned = list(
        Party.objects.filter(person=person, role__in=ASSIGNED_PARTY_ROLES).values_list("case_id", flat=True)
    )
    visible = (
        Q(confidentiality=Confidentiality.NORMAL, organisation_id__in=staff_organisations)
        | Q(handler=person)
        | Q(delegate=person)
        | Q(created_by=actor)
        | Q(pk__in=sorted(set(assigned)))
        | _stage_role_q(roles_by_organisation)
    )
    subject_or_involved = Party.objects.filter(Q(role=PartyRole.SUBJECT) | Q(involved=True), person=person)
    about_their_unit = Party.objects.filter(role=PartyRole.SUBJECT, unit__manager=person)
    conflict = Q(pk__in=subject_or_involved.values("case_id")) | Q(pk__in=about_their_unit.values("case_id"))
    routed_past = _routed_past_q(person, day)
    if routed_past is not None:
        conflict |= routed_past
    return Case.objects.filter(visible & ~conflict)


@dataclass(frozen=True)
class CaseFilters:
    organisation: str | None = None  # slug
    kind: str | None = None
    stage: str | None = None
    status: str | None = None
    handler: int | None = None  # person id
    category: str | None = None  # code
    cause: str | None = None  # code
    overdue: bool | None = None
    due_before: dt.date | None = None


def case_list(*, actor: User, filters: CaseFilters | None = None, today: dt.date | None = None) -> QuerySet[Case]:
    """The inbox: visible cases, filtered, soonest next due date first (cases without one last)."""
    filters = filters or CaseFilters()
    cases = cases_visible_to(actor=actor).select_related("organisation", "handler")
    if filters.organisation:
        cases = cases.filter(organisation__slug=filters.organisation)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.handler is not None:
        cases = cases.filter(Q(handler_id=filters.handler) | Q(delegate_id=filters.handler))
    if filters.category:
        cases = cases.filter(categories__code=filters.category)
    if filters.cause:
        cases = cases.filter(causes__code=filters.cause)
    if filters.overdue is not None:
        # Past its next due date on the case's organisation's day (never UTC's), as the case detail judges it.
        passed = Q(next_due__lt=today) if today is not None else before_today_q("next_due")
        overdue = Q(status=Status.OPEN) & passed
        cases = cases.filter(overdue if filters.overdue else ~overdue)
    if filters.due_before is not None:
        cases = cases.filter(next_due__lt=filters.due_before)
    return cases.order_by(F("next_due").asc(nulls_last=True), "id")


def cases_overdue(*, actor: User, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases past their next due date, most overdue first: one indexed query (case_inbox)."""
    return case_list(actor=actor, filters=CaseFilters(overdue=True), today=today)


def case_detail(*, actor: User, case_id: int, source: AuditSource | None = None) -> Case:
    """One visible case with its parties, terms, history and follow-ups; `CaseNotFound` hides the others.

    A refusal is logged and recorded in the audit trail (`access.denied`), whether or not the case exists.
    """
    cases = (
        cases_visible_to(actor=actor)
        .select_related("organisation", "handler", "delegate")
        .prefetch_related("parties__person", "parties__unit", "terms", "events__actor", "follow_ups", "categories")
    )
    return _visible_case(actor, case_id, source, cases=cases)


def case_read(*, actor: User, case_id: int, source: AuditSource | None = None) -> Case:
    """`case_detail` for showing the case to a person: the read is recorded (`case.viewed`) before it is returned,
    in a transaction of its own; when the record cannot be written, nothing is shown."""
    case = case_detail(actor=actor, case_id=case_id, source=source)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="case.viewed",
            target_type="case",
            target_id=case.pk,
            organisation=case.organisation,
            reference=case.reference,
            source=source,
        )
    return case


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


def case_permissions(*, case: Case, actor: User) -> dict[str, bool]:
    """What the actor may do with a case they can see: act on it, see its sensitive sections."""
    return {
        "act": actor.has_perm("cases.act_on_case", case),
        "view_sensitive": actor.has_perm("cases.view_sensitive", case),
    }


def case_roles(*, case: Case, actor: User) -> tuple[str, ...]:
    """The roles the actor acts in on the case: theirs in its organisation and in the firm serving it (WV-02)."""
    return actor_case_roles(actor, case.organisation)


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
    return Organisation.objects.filter(pk__in=organisation_ids_of(actor=actor))


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


# Anonymised data (WA-12, WP-22, XS-20)


@dataclass(frozen=True)
class AnonymisedCase:
    """A case without personal data: no reference or id, names, descriptions, contact details, parties or free text,
    and its receipt as a month only (docs/access.md)."""

    kind: str
    categories: tuple[str, ...]
    causes: tuple[str, ...]
    stage: str
    status: str
    outcome: str
    received_month: str  # 2025-03
    handling_days: int | None  # calendar days from receipt to closure, for closed cases


@dataclass(frozen=True)
class AnonymisedFilters:
    """Filters on anonymised cases. Months of receipt only (the day is ignored), so that no filter narrows a row
    down to its day of receipt."""

    received_from: dt.date | None = None  # the first month included
    received_to: dt.date | None = None  # the last month included
    kind: str | None = None
    status: str | None = None
    category: str | None = None  # code
    cause: str | None = None  # code

    def audit_details(self) -> dict[str, str]:
        """The filters given, as the audit trail keeps them (months as 2025-03, codes)."""
        return {
            name: value.strftime("%Y-%m") if isinstance(value, dt.date) else str(value)
            for name, value in asdict(self).items()
            if value is not None
        }


_ANONYMISED_FIELDS = ("pk", "kind", "stage", "status", "outcome", "received_on", "closed_on")


def organisation_for_anonymised(*, actor: User, slug: str, source: AuditSource | None = None) -> Organisation:
    """The organisation whose anonymised cases are asked for by its slug; an unknown slug is `NotFound` (404),
    logged and audited like any refusal (`cases_anonymised` then checks the permission: 403)."""
    organisation = organisation_by_slug(slug=slug)
    if organisation is None:
        access_denied(actor=actor, permission="cases.view_anonymised", source=source)
        raise NotFound(_("No such organisation."))
    return organisation


def cases_anonymised(
    *,
    actor: User,
    organisation: Organisation,
    filters: AnonymisedFilters | None = None,
    source: AuditSource | None = None,
    audit_details: Mapping[str, str | int] | None = None,
) -> QuerySet[Case, dict[str, Any]]:
    """The organisation's cases for analysts and management (`cases.view_anonymised`), oldest receipt first, as a
    lazy query of the few columns that identify nobody; `anonymised_rows` turns a page of it into `AnonymisedCase`
    rows, `anonymised_batches` streams all of it. Never one list of every case.

    Confidential and anonymised cases are included (counts must be complete: WV-07, WP-22, XS-20). Without the
    permission: `Forbidden` (403), logged and audited (`access.denied`). Every read is recorded
    (`cases.anonymised.read`, with the filters and `audit_details`) in a transaction of its own before the query
    is returned.
    """
    if not actor.has_perm("cases.view_anonymised", organisation):
        access_denied(actor=actor, permission="cases.view_anonymised", organisation=organisation, source=source)
        raise Forbidden(_("You may not see this organisation's case data."))
    filters = filters or AnonymisedFilters()
    cases = Case.objects.filter(organisation=organisation)
    if filters.received_from is not None:
        cases = cases.filter(received_on__gte=filters.received_from.replace(day=1))
    if filters.received_to is not None:
        last = filters.received_to
        cases = cases.filter(received_on__lt=dt.date(last.year + last.month // 12, last.month % 12 + 1, 1))
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category:
        categories = Case.categories.through.objects.filter(case_id=OuterRef("pk"), category__code=filters.category)
        cases = cases.filter(Exists(categories))
    if filters.cause:
        causes = Case.causes.through.objects.filter(case_id=OuterRef("pk"), cause__code=filters.cause)
        cases = cases.filter(Exists(causes))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="cases.anonymised.read",
            target_type="organisation",
            target_id=organisation.pk,
            organisation=organisation,
            details={**filters.audit_details(), **(audit_details or {})},
            source=source,
        )
    rows: QuerySet[Case, dict[str, Any]] = cases.order_by("received_on", "pk").values(*_ANONYMISED_FIELDS)
    return rows


def anonymised_rows(cases: Iterable[Mapping[str, Any]]) -> list[AnonymisedCase]:
    """One page of `cases_anonymised` as rows, with their category and cause codes (one query each per page)."""
    page = list(cases)
    ids = [row["pk"] for row in page]
    categories: dict[int, list[str]] = defaultdict(list)
    causes: dict[int, list[str]] = defaultdict(list)
    if ids:
        for case_id, code in (
            Case.categories.through.objects.filter(case_id__in=ids)
            .order_by("category__code")
            .values_list("case_id", "category__code")
        ):
            categories[case_id].append(code)
        for case_id, code in (
            Case.causes.through.objects.filter(case_id__in=ids)
            .order_by("cause__code")
            .values_list("case_id", "cause__code")
        ):
            causes[case_id].append(code)
    return [
        AnonymisedCase(
            kind=row["kind"],
            categories=tuple(categories.get(row["pk"], ())),
            causes=tuple(causes.get(row["pk"], ())),
            stage=row["stage"],
            status=row["status"],
            outcome=row["outcome"],
            received_month=row["received_on"].strftime("%Y-%m"),
            handling_days=(row["closed_on"] - row["received_on"]).days if row["closed_on"] is not None else None,
        )
        for row in page
    ]


def anonymised_batches(cases: QuerySet[Case, dict[str, Any]], *, size: int = 2000) -> Iterator[list[AnonymisedCase]]:
    """All of `cases_anonymised` in batches of `size` rows, each read after the previous (keyset on the date of
    receipt and id, on the `case_received` index): memory stays one batch, however many cases there are."""
    last: tuple[dt.date, int] | None = None
    while True:
        chunk = cases
        if last is not None:
            day, pk = last
            chunk = chunk.filter(received_on__gte=day).filter(Q(received_on__gt=day) | Q(pk__gt=pk))
        rows = list(chunk[:size])
        if not rows:
            return
        yield anonymised_rows(rows)
        if len(rows) < size:
            return
        last = (rows[-1]["received_on"], rows[-1]["pk"])


# Sensitive sections (WA-11): medical information and interview records, kept apart


def case_sensitive_sections(*, actor: User, case_id: int, source: AuditSource | None = None) -> list[SensitiveSection]:
    """The case's sensitive sections, oldest first, for someone with `cases.view_sensitive`.

    `CaseNotFound` (404) for a case the actor may not see, `Forbidden` (403) without the permission; both logged and
    audited (`access.denied`). Every read is recorded (`case.sensitive.viewed`, with the sections' ids) in a
    transaction of its own before anything is returned; when the record cannot be written, nothing is shown.
    """
    case = _visible_case(actor, case_id, source)
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
    return {
        "count": case.sensitive_sections.count(),
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


def _visible_case(
    actor: User, case_id: int, source: AuditSource | None, *, cases: QuerySet[Case] | None = None
) -> Case:
    """The case if the actor may see it (from `cases`, a narrowing of `cases_visible_to` with what the caller will
    read), else `CaseNotFound`, logged and audited (`access.denied`) whether or not the case exists."""
    visible = cases if cases is not None else cases_visible_to(actor=actor).select_related("organisation")
    case = visible.filter(pk=case_id).first()
    if case is None:
        hidden = Case.objects.select_related("organisation").filter(pk=case_id).first()
        access_denied(actor=actor, permission="cases.view_case", case=hidden, case_id=case_id, source=source)
        raise CaseNotFound()
    return case


def case_for_attachments(*, actor: User, case_id: int, source: AuditSource | None = None) -> Case:
    """The case whose documents the actor lists or adds to; `CaseNotFound` (404, audited) when they may not see it.
    Adding needs more (`attachment_add` checks it)."""
    return _visible_case(actor, case_id, source)


def attachment_list(*, actor: User, case_id: int, source: AuditSource | None = None) -> list[Attachment]:
    """The case's documents the actor may see (metadata; sensitive ones only with `cases.view_sensitive`, WA-11)."""
    return case_attachments(actor=actor, case=_visible_case(actor, case_id, source))


def attachment_read(*, actor: User, case_id: int, attachment_id: int, source: AuditSource | None = None) -> Attachment:
    """One document of a case, with its file opened for reading (the caller closes it, or hands it to a response).

    `CaseNotFound` (404) for a case the actor may not see; `NotFound` (404) for a document the case does not have
    (or no longer has, or whose file is missing from storage: logged as an error); `Forbidden` (403) for a sensitive
    document without `cases.view_sensitive`. Refusals of access are logged and audited (`access.denied`). Every read
    is recorded (`case.attachment.read`) in a transaction of its own after the file is opened and before it is
    returned: when the record cannot be written, the file is closed and nothing is shown.
    """
    case = _visible_case(actor, case_id, source)
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
