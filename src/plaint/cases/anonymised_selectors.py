"""Anonymised case data for analysis (WA-12, WP-22, XS-20): no names, no text, only what a count needs."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.rules import (
    access_denied,
)
from plaint.cases.models import (
    Case,
)
from plaint.core.errors import Forbidden, NotFound
from plaint.organisations.models import Organisation
from plaint.organisations.selectors import organisation_by_slug

logger = logging.getLogger(__name__)


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
