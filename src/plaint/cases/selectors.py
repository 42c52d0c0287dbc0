"""Reads of cases. Every selector takes the actor, so access is part of each query, not left to a view.

For now a person sees the cases of the organisations they are a member of (and of the client organisations of a
firm they work for: WV-02). The full access model (assignment, confidentiality, conflicts of interest) refines
`cases_visible_to`; every list and detail goes through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from plaint import engine
from plaint.access.models import User
from plaint.cases.errors import CaseNotFound
from plaint.cases.models import Case, Status
from plaint.cases.services import _staff_roles, engine_events
from plaint.core import clock
from plaint.organisations.models import Membership, Organisation
from plaint.procedures.selectors import procedure_definition


def organisation_ids_of(*, actor: User, on: dt.date | None = None) -> list[int]:
    """The organisations whose cases the actor may see: their own, and the clients of a firm they work for."""
    day = on or clock.now().date()
    own = list(Membership.objects.active_on(day).filter(person__user=actor).values_list("organisation_id", flat=True))
    clients = Organisation.objects.filter(served_by_id__in=own).values_list("pk", flat=True)
    return sorted({*own, *clients})


def cases_visible_to(*, actor: User) -> QuerySet[Case]:
    if not actor.is_authenticated:
        return Case.objects.none()
    if actor.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(organisation_id__in=organisation_ids_of(actor=actor))


@dataclass(frozen=True)
class CaseFilters:
    organisation: str | None = None  # slug
    kind: str | None = None
    stage: str | None = None
    status: str | None = None
    handler: int | None = None  # person id
    category: str | None = None  # code
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
    if filters.overdue is not None:
        day = today or clock.now().date()
        overdue = Q(status=Status.OPEN, next_due__lt=day)
        cases = cases.filter(overdue if filters.overdue else ~overdue)
    if filters.due_before is not None:
        cases = cases.filter(next_due__lt=filters.due_before)
    return cases.order_by(F("next_due").asc(nulls_last=True), "id")


def cases_overdue(*, actor: User, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases past their next due date, most overdue first: one indexed query (case_inbox)."""
    return case_list(actor=actor, filters=CaseFilters(overdue=True), today=today)


def case_detail(*, actor: User, case_id: int) -> Case:
    """One visible case with its parties, terms, history and follow-ups; `CaseNotFound` hides the others."""
    case = (
        cases_visible_to(actor=actor)
        .select_related("organisation", "handler", "delegate")
        .prefetch_related("parties__person", "parties__unit", "terms", "events__actor", "follow_ups", "categories")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise CaseNotFound()
    return case


def case_view(*, case: Case, today: dt.date | None = None) -> engine.CaseView:
    """What the case's procedure says now: stage, terms, actions each role may take, letters due, warnings."""
    procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
    day = today or clock.today_in(case.organisation.time_zone)
    return engine.evaluate(procedure, engine_events(case), day)


def case_roles(*, case: Case, actor: User) -> tuple[str, ...]:
    """The roles the actor acts in on the case: theirs in its organisation and in the firm serving it (WV-02)."""
    return _staff_roles(case, actor)


def case_by_idempotency_key(*, actor: User, key: str) -> Case | None:
    """The case the actor already registered with this idempotency key, if any (a retried request)."""
    return Case.objects.filter(created_by=actor, idempotency_key=key).first()


def organisations_for_registration(*, actor: User) -> QuerySet[Organisation]:
    """The organisations the actor may register a case for: those whose cases they may see."""
    if not actor.is_authenticated:
        return Organisation.objects.none()
    if actor.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids_of(actor=actor))
