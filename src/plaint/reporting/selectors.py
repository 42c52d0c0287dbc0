"""The analyses the procedures promise (XS-20, XS-22, WU-15, WA-13, WV-07, WP-22), computed by the database.

Every figure is an aggregate query (GROUP BY, COUNT … FILTER, percentile_cont on PostgreSQL); no case is loaded into
Python. Which cases a figure counts (docs/reporting.md):

* counts by kind, category, cause, channel, subject unit, stage and outcome: cases **received** in the period;
* handling time: cases **closed** in the period (receipt to closure), and per term the terms **met** in the period
  (start to the day the term was met), in calendar and in working days of the organisation's calendar;
* terms kept: the stored term rows **due** in the period, judged as kept (met on or before the due date, extensions
  and pauses included, as stored) or missed (missed, or met late); terms still running are counted apart;
* escalations, extensions: the events **in** the period; follow-ups: agreements and measures **recorded** in it.

Percentiles are `percentile_cont` (linear interpolation). PostgreSQL computes them in one grouped query; SQLite has
no percentile aggregate, so there the database is asked for the one or two order statistics needed (ORDER BY …
LIMIT 1 OFFSET k) and they are interpolated the same way: the same numbers, a few more queries.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Lower, NullIf, TruncMonth
from django.utils.translation import gettext_lazy as _

from plaint.access.models import User
from plaint.access.rules import access_denied
from plaint.cases.models import Case, CaseEvent, FollowUp, Party, Term, TermState
from plaint.core import clock
from plaint.core.errors import Forbidden, NotFound
from plaint.engine.calendar import CalendarRules
from plaint.organisations.models import Organisation
from plaint.organisations.selectors import clients_of, organisation_by_slug
from plaint.procedures.selectors import procedure_definition, procedure_for
from plaint.reporting.models import WorkingDay
from plaint.reporting.periods import Period

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

#: Events that take a case higher up, by what the report calls them.
ESCALATIONS = {"board": "escalated", "review": "review_requested", "external": "external_filed"}
#: Below this a cell of the anonymised registration is not shown (WP-22).
SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class Scope:
    """Which cases an analysis reads: one organisation's, optionally of one commissioning party, category or unit."""

    organisation: Organisation
    period: Period
    commissioner: str | None = None
    category: str | None = None  # a category code
    unit: int | None = None  # a subject unit's id

    def q(self, prefix: str = "") -> Q:
        """The scope as a filter on Case (prefix "") or on a model related to it (prefix "case__")."""
        query = Q(**{f"{prefix}organisation": self.organisation})
        if self.commissioner is not None:
            query &= Q(**{f"{prefix}commissioning_party": self.commissioner})
        outer = OuterRef("case_id" if prefix else "pk")
        if self.category is not None:
            query &= Q(Exists(Case.categories.through.objects.filter(case_id=outer, category__code=self.category)))
        if self.unit is not None:
            query &= Q(Exists(Party.objects.filter(case_id=outer, role="subject", unit_id=self.unit)))
        return query


# Access


def analysis_organisation(*, actor: User | None, slug: str) -> Organisation:
    """The organisation an analysis is asked for, if `actor` may see its figures (`cases.view_anonymised`: analysts,
    management, the complaints officer). None is the system (the command line without `--by`, the sweep).
    An unknown organisation and one the actor may not see get the same answer, so none is confirmed to exist."""
    organisation = organisation_by_slug(slug=slug)
    if actor is not None and (organisation is None or not actor.has_perm("cases.view_anonymised", organisation)):
        access_denied(actor=actor, permission="cases.view_anonymised", organisation=organisation)
        raise Forbidden(_("No such organisation, or you may not see its figures."))
    if organisation is None:
        raise NotFound(_("No such organisation."))
    return organisation


def analysis_calendar(*, organisation: Organisation, on: dt.date) -> CalendarRules:
    """The calendar the organisation's terms are counted in: its procedure's (in force on `on`), else the public
    holidays of its jurisdiction."""
    adoption = procedure_for(organisation=organisation, on=on)
    if adoption is not None:
        procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
        return procedure.calendar.rules()
    return CalendarRules(jurisdiction=organisation.jurisdiction)


# Database helpers


class DaysBetween(Func):
    """`end - start` in days of two date columns, as a number, on PostgreSQL and SQLite."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float) -> None:
        super().__init__(expression, fraction=repr(float(fraction)))


def _working_index(calendar: str, day: str) -> Subquery:
    return Subquery(WorkingDay.objects.filter(calendar=calendar, day=OuterRef(day)).values("index")[:1])


def _distributions(
    rows: QuerySet[Any], *, group: str | None, expressions: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Per group (or "" for all rows): the count, and median and 90th percentile of each named expression."""
    groups = [group] if group else []
    annotated = rows.annotate(**{f"_{name}": expression for name, expression in expressions.items()})
    result: dict[str, dict[str, Any]] = {}
    if connection.vendor == "postgresql":
        aggregates: dict[str, Any] = {"n": Count("pk")}
        for name in expressions:
            aggregates[f"{name}_median"] = PercentileCont(F(f"_{name}"), 0.5)
            aggregates[f"{name}_p90"] = PercentileCont(F(f"_{name}"), 0.9)
        grouped = annotated.values(*groups).annotate(**aggregates).order_by(*groups) if group else None
        for row in grouped if grouped is not None else [annotated.aggregate(**aggregates)]:
            key = str(row[group]) if group else ""
            result[key] = {
                "n": row["n"],
                **{f"{name}_{p}": _round(row[f"{name}_{p}"]) for name in expressions for p in ("median", "p90")},
            }
        return result
    counts = (
        list(annotated.values(*groups).annotate(n=Count("pk")).order_by(*groups))
        if group
        else [annotated.aggregate(n=Count("pk"))]
    )
    for row in counts:
        key = str(row[group]) if group else ""
        subset = annotated.filter(**{group: row[group]}) if group else annotated
        figures: dict[str, Any] = {"n": row["n"]}
        for name in expressions:
            for label, fraction in (("median", 0.5), ("p90", 0.9)):
                figures[f"{name}_{label}"] = _round(_order_statistic(subset, f"_{name}", row["n"], fraction))
        result[key] = figures
    return result


def _order_statistic(rows: QuerySet[Any], field: str, n: int, fraction: float) -> float | None:
    """percentile_cont on a database without it: the two neighbouring values, asked for by offset."""
    if n == 0:
        return None
    position = fraction * (n - 1)
    low = math.floor(position)
    values = list(rows.order_by(field).values_list(field, flat=True)[low : low + 2])
    lower = float(values[0])
    upper = float(values[1]) if len(values) > 1 else lower
    return lower + (position - low) * (upper - lower)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# The analysis


def analysis(*, scope: Scope, calendar: str, today: dt.date | None = None, full: bool = True) -> dict[str, Any]:
    """Every figure of one organisation (and commissioning party, category or unit) over one period, as plain data.

    `calendar` names the working-day table (`calendar_services.working_days_ensure`) to count working days in.
    With `full=False` (the previous period, for comparison) the figures nothing is compared with are left empty:
    extensions, follow-ups, compliments and recurring themes."""
    period = scope.period
    today = today or clock.today_in(scope.organisation.time_zone)
    cases = Case.objects.filter(scope.q())
    received = cases.filter(received_on__range=(period.start, period.end))
    # Rows about the cases received: joined on the case (organisation and day of receipt, the `case_received`
    # index), not an IN list, so the database starts from the organisation's cases of the period.
    about = scope.q("case__") & Q(case__received_on__range=(period.start, period.end))
    totals = received.aggregate(
        received=Count("pk"),
        complaints=Count("pk", filter=Q(kind="complaint")),
        compliments=Count("pk", filter=Q(kind="compliment")),
        suggestions=Count("pk", filter=Q(kind="suggestion")),
        still_open=Count("pk", filter=Q(status="open")),
    )
    totals["closed_in_period"] = cases.filter(status="closed", closed_on__range=(period.start, period.end)).count()
    return {
        "organisation": {"slug": scope.organisation.slug, "name": scope.organisation.name},
        "period": period.as_dict(),
        "commissioner": scope.commissioner,
        "calendar": calendar,
        "as_of": today.isoformat(),
        "totals": totals,
        "counts": {
            "kind": _count_by(received, "kind"),
            "channel": _count_by(received, "channel"),
            "stage": _count_by(received, "stage"),
            "outcome": _count_by(received, "outcome"),
            "category": _count_classification(Case.categories.through, "category", about),
            "cause": _count_classification(Case.causes.through, "cause", about),
            "subject_unit": _count_subject_units(about),
        },
        "handling": _handling(scope, cases, calendar),
        "terms": _terms(scope),
        "extensions": _extensions(scope) if full else [],
        "escalations": _escalations(scope),
        "follow_ups": _follow_ups(scope, today) if full else [],
        "compliments": _compliments(about) if full else [],
        "recurring": _recurring(about) if full else [],
    }


def _count_by(cases: QuerySet[Case], field: str) -> list[dict[str, Any]]:
    rows = cases.values(field).annotate(count=Count("pk")).order_by("-count", field)
    return [{"key": row[field] or "", "count": row["count"]} for row in rows]


def _count_classification(through: Any, name: str, about: Q) -> list[dict[str, Any]]:
    rows = (
        through.objects.filter(about)
        .values(f"{name}__code", f"{name}__name_en", f"{name}__name_nl")
        .annotate(count=Count("case_id", distinct=True))
        .order_by("-count", f"{name}__code")
    )
    return [
        {
            "key": row[f"{name}__code"],
            "name_en": row[f"{name}__name_en"],
            "name_nl": row[f"{name}__name_nl"],
            "count": row["count"],
        }
        for row in rows
    ]


def _count_subject_units(about: Q) -> list[dict[str, Any]]:
    rows = (
        Party.objects.filter(about, role="subject", unit__isnull=False)
        .values("unit_id", "unit__name")
        .annotate(count=Count("case_id", distinct=True))
        .order_by("-count", "unit__name")
    )
    return [{"key": str(row["unit_id"]), "name": row["unit__name"], "count": row["count"]} for row in rows]


def _handling(scope: Scope, cases: QuerySet[Case], calendar: str) -> list[dict[str, Any]]:
    period = scope.period
    closed = cases.filter(status="closed", closed_on__range=(period.start, period.end))
    overall = _distributions(
        closed,
        group=None,
        expressions={
            "days": DaysBetween(F("closed_on"), F("received_on")),
            "working_days": _working_index(calendar, "closed_on") - _working_index(calendar, "received_on"),
        },
    )
    rows = [{"stage": "receipt_to_closure", **overall.get("", {"n": 0})}]
    met = Term.objects.filter(scope.q("case__"), state=TermState.MET, met_on__range=(period.start, period.end))
    per_term = _distributions(
        met,
        group="key",
        expressions={
            "days": DaysBetween(F("met_on"), F("started_on")),
            "working_days": _working_index(calendar, "met_on") - _working_index(calendar, "started_on"),
        },
    )
    rows += [{"stage": key, **figures} for key, figures in sorted(per_term.items())]
    return rows


def _terms(scope: Scope) -> list[dict[str, Any]]:
    period = scope.period
    late = Q(state=TermState.MET, met_on__gt=F("due"))
    rows = (
        Term.objects.filter(scope.q("case__"), due__range=(period.start, period.end))
        .exclude(state=TermState.NOT_APPLICABLE)
        .values("key")
        .annotate(
            n_due=Count("pk"),
            kept=Count("pk", filter=Q(state=TermState.MET, met_on__lte=F("due"))),
            missed=Count("pk", filter=Q(state=TermState.MISSED) | late),
            running=Count("pk", filter=Q(state__in=[TermState.PENDING, TermState.EXTENDED, TermState.PAUSED])),
            extended=Count("pk", filter=Q(extensions__gt=0)),
            n_extensions=Coalesce(Sum("extensions"), 0),
        )
        .order_by("key")
    )
    result = []
    for row in rows:
        judged = row["kept"] + row["missed"]
        result.append(
            {
                "key": row["key"],
                "due": row["n_due"],
                "kept": row["kept"],
                "missed": row["missed"],
                "running": row["running"],
                "share_kept": round(row["kept"] / judged, 4) if judged else None,
                "extended": row["extended"],
                "extensions": row["n_extensions"],
            }
        )
    return result


def _extensions(scope: Scope) -> list[dict[str, Any]]:
    period = scope.period
    rows = (
        CaseEvent.objects.filter(scope.q("case__"), kind="term_extended", on__range=(period.start, period.end))
        .annotate(term=KT("data__term"), reason=KT("data__reason"))
        .values("term", "reason")
        .annotate(count=Count("pk", distinct=True))
        .order_by("term", "-count", "reason")
    )
    return [{"term": row["term"] or "", "reason": row["reason"] or "", "count": row["count"]} for row in rows]


def _escalations(scope: Scope) -> list[dict[str, Any]]:
    """Cases escalated in the period, per level, with their outcome now: one query over the few escalation events."""
    period = scope.period
    levels = {kind: name for name, kind in ESCALATIONS.items()}
    rows = (
        CaseEvent.objects.filter(scope.q("case__"), kind__in=list(levels), on__range=(period.start, period.end))
        .values("kind", "case__outcome")
        .annotate(cases=Count("case_id", distinct=True))
        .order_by("kind", "-cases", "case__outcome")
    )
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in ESCALATIONS}
    for row in rows:
        results[levels[row["kind"]]].append({"key": row["case__outcome"] or "", "count": row["cases"]})
    return [
        {"level": name, "count": sum(item["count"] for item in items), "results": items}
        for name, items in results.items()
    ]


def _follow_ups(scope: Scope, today: dt.date) -> list[dict[str, Any]]:
    period = scope.period
    done = Q(completed_on__isnull=False)
    rows = (
        FollowUp.objects.filter(scope.q("case__"), recorded_by_event__on__range=(period.start, period.end))
        .values("kind")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=done & (Q(follow_up_on__isnull=True) | Q(completed_on__lte=F("follow_up_on")))),
            late=Count("pk", filter=done & Q(completed_on__gt=F("follow_up_on"))),
            overdue=Count("pk", filter=Q(completed_on__isnull=True, follow_up_on__lt=today)),
            pending=Count("pk", filter=Q(completed_on__isnull=True) & ~Q(follow_up_on__lt=today)),
        )
        .order_by("kind")
    )
    return [dict(row) for row in rows]


def _compliments(about: Q) -> list[dict[str, Any]]:
    rows = (
        Party.objects.filter(about, case__kind="compliment", role="subject")
        .values("unit_id", "unit__name", "person_id", "person__name", "name")
        .annotate(count=Count("case_id", distinct=True))
        .order_by("-count", "unit__name", "person__name", "name")
    )
    return [
        {
            "unit": row["unit__name"] or "",
            "person": row["person__name"] or ("" if row["unit_id"] else row["name"]),
            "count": row["count"],
        }
        for row in rows
    ]


def _complainant_key() -> Subquery:
    """Who complained, as the database can tell people apart: the person, else the email address, else the name."""
    return Subquery(
        Party.objects.filter(case_id=OuterRef("case_id"), role="complainant")
        .annotate(
            who=Coalesce(
                Cast("person_id", CharField()),
                NullIf(Lower("email"), Value("")),
                NullIf(Lower("name"), Value("")),
                output_field=CharField(),
            )
        )
        .order_by("pk")
        .values("who")[:1]
    )


def _recurring(about: Q) -> list[dict[str, Any]]:
    """The same category and subject unit in complaints of two or more different complainants (XS-17)."""
    rows = (
        Party.objects.filter(
            about,
            case__kind="complaint",
            role="subject",
            unit__isnull=False,
            case__categories__isnull=False,
        )
        .annotate(who=_complainant_key())
        .values("case__categories__code", "case__categories__name_en", "case__categories__name_nl", "unit__name")
        .annotate(complainants=Count("who", distinct=True), cases=Count("case_id", distinct=True))
        .filter(complainants__gte=2)
        .order_by("-complainants", "case__categories__code", "unit__name")
    )
    return [
        {
            "category": row["case__categories__code"],
            "name_en": row["case__categories__name_en"],
            "name_nl": row["case__categories__name_nl"],
            "unit": row["unit__name"],
            "complainants": row["complainants"],
            "cases": row["cases"],
        }
        for row in rows
    ]


def analysis_bundle_clients(*, actor: User | None, firm: Organisation) -> list[Organisation]:
    """The client organisations of a complaints-officer firm whose figures `actor` may see (WV-02, WV-07)."""
    clients = list(clients_of(organisation=firm))
    if actor is None:
        return clients
    return [client for client in clients if actor.has_perm("cases.view_anonymised", client)]


# The quarterly anonymised registration (WP-22)


def registration(*, organisation: Organisation, period: Period, commissioner: str | None = None) -> dict[str, Any]:
    """What the complaints were about and which measures were taken, per commissioning party, by month: no names, no
    free text, no day; every count from 1 to 4 replaced by None (`suppressed` says how many cells were)."""
    cases = Case.objects.filter(organisation=organisation, received_on__range=(period.start, period.end))
    measures = FollowUp.objects.filter(
        case__organisation=organisation, kind="measure", recorded_by_event__on__range=(period.start, period.end)
    )
    if commissioner is not None:
        cases = cases.filter(commissioning_party=commissioner)
        measures = measures.filter(case__commissioning_party=commissioner)
    suppressed = 0

    def cell(count: int) -> int | None:
        nonlocal suppressed
        if 0 < count < SUPPRESS_BELOW:
            suppressed += 1
            return None
        return count

    by_month = (
        cases.annotate(month=TruncMonth("received_on"))
        .values("commissioning_party", "month", "kind")
        .annotate(count=Count("pk"))
        .order_by("commissioning_party", "month", "kind")
    )
    by_category = (
        Case.categories.through.objects.filter(case_id__in=cases.values("pk"))
        .values("case__commissioning_party", "category__code", "category__name_en", "category__name_nl")
        .annotate(count=Count("case_id", distinct=True))
        .order_by("case__commissioning_party", "category__code")
    )
    by_unit = (
        Party.objects.filter(case_id__in=cases.values("pk"), role="subject", unit__isnull=False)
        .values("case__commissioning_party", "unit__kind")
        .annotate(count=Count("case_id", distinct=True))
        .order_by("case__commissioning_party", "unit__kind")
    )
    by_measure = (
        measures.values("case__commissioning_party")
        .annotate(
            taken=Count("pk"),
            completed=Count("pk", filter=Q(completed_on__isnull=False)),
        )
        .order_by("case__commissioning_party")
    )
    result = {
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "period": period.as_dict(),
        "commissioner": commissioner,
        "suppress_below": SUPPRESS_BELOW,
        "months": [
            {
                "commissioner": row["commissioning_party"],
                "month": _month(row["month"]),
                "kind": row["kind"],
                "count": cell(row["count"]),
            }
            for row in by_month
        ],
        "categories": [
            {
                "commissioner": row["case__commissioning_party"],
                "category": row["category__code"],
                "name_en": row["category__name_en"],
                "name_nl": row["category__name_nl"],
                "count": cell(row["count"]),
            }
            for row in by_category
        ],
        "subjects": [
            {
                "commissioner": row["case__commissioning_party"],
                "unit_kind": row["unit__kind"],
                "count": cell(row["count"]),
            }
            for row in by_unit
        ],
        "measures": [
            {
                "commissioner": row["case__commissioning_party"],
                "taken": cell(row["taken"]),
                "completed": cell(row["completed"]),
            }
            for row in by_measure
        ],
    }
    result["suppressed"] = suppressed
    return result


def _month(value: dt.date | dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m")


# The improvement register (XS-17, XS-20, WU-15, WA-13)


def improvements_of(*, actor: User | None, organisation: Organisation, status: str | None = None) -> QuerySet[Any]:
    """The organisation's improvement register, soonest due first, for those who may see its figures."""
    from plaint.reporting.models import Improvement

    if actor is not None and not actor.has_perm("cases.view_anonymised", organisation):
        access_denied(actor=actor, permission="cases.view_anonymised", organisation=organisation)
        raise Forbidden(_("No such organisation, or you may not see its figures."))
    rows = Improvement.objects.filter(organisation=organisation).select_related("owner", "report")
    if status:
        rows = rows.filter(status=status)
    return rows.prefetch_related("cases").order_by("due_on", "id")
