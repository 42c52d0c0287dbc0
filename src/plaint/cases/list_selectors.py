"""Lists of cases: the inbox and its filters, ordered by next due date, on the `case_inbox` index."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from plaint.access.models import User
from plaint.cases.models import (
    Case,
    Status,
)
from plaint.cases.visibility_selectors import cases_visible_to
from plaint.organisations.selectors import before_today_q

logger = logging.getLogger(__name__)


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
    no_eligible_handler: bool | None = None  # marked: nobody may handle the current stage (docs/access.md)


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
    if filters.no_eligible_handler is not None:
        marked = ~Q(no_eligible_handler="")
        cases = cases.filter(marked if filters.no_eligible_handler else ~marked)
    return cases.order_by(F("next_due").asc(nulls_last=True), "id")


def cases_overdue(*, actor: User, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases past their next due date, most overdue first: one indexed query (case_inbox)."""
    return case_list(actor=actor, filters=CaseFilters(overdue=True), today=today)
