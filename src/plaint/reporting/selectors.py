"""The analyses the procedures promise (XS-20, XS-22, WU-15, WA-13, WV-07, WP-22), computed by the database.

Every figure is an aggregate query (GROUP BY, COUNT … FILTER, percentile_cont on PostgreSQL); no case is loaded into
Python. Which cases a figure counts (docs/reporting.md):

* counts by kind, category, cause, channel, subject unit, stage and outcome: cases **received** in the period;
* handling time: cases **closed** in the period (receipt to closure), and per term the terms **met** in the period
  (start to the day the term was met), in calendar and in working days of the organisation's calendar;
* terms kept: the stored term rows **due** in the period, judged as kept (met on or before the due date, extensions
  and pauses included, as stored) or missed (missed, or met late); terms still running are counted apart;
* escalations, extensions: the events **in** the period; follow-ups: agreements and measures **recorded** in it.

Each query reads the period analysed and the one it is compared with at once, grouped by which one a row falls in.
Handling times come back as counts per (calendar days, working days) pair, grouped by the database (a few hundred
rows, never a case); the median and 90th percentile are read off those counts exactly as `percentile_cont` computes
them (linear interpolation between the closest ranks), the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
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


def commissioning_parties(*, organisations: list[Organisation]) -> list[str]:
    """The commissioning parties named on the cases of these organisations (WP-22), for choosing one (at most 200).

    On PostgreSQL a loose index scan of `reporting_case_commissioner` (organisation, commissioning party): one index
    probe per distinct name, not a DISTINCT over every case of the organisation on every page load."""
    if connection.vendor != "postgresql":
        rows = (
            Case.objects.filter(organisation__in=organisations)
            .exclude(commissioning_party="")
            .values_list("commissioning_party", flat=True)
            .order_by("commissioning_party")
            .distinct()
        )
        return list(rows[:200])
    query = """
        WITH RECURSIVE parties(name) AS (
            (SELECT commissioning_party FROM cases_case
             WHERE organisation_id = %s AND commissioning_party > '' ORDER BY commissioning_party LIMIT 1)
            UNION ALL
            SELECT (SELECT c.commissioning_party FROM cases_case c
                    WHERE c.organisation_id = %s AND c.commissioning_party > parties.name
                    ORDER BY c.commissioning_party LIMIT 1)
            FROM parties WHERE parties.name IS NOT NULL
        )
        SELECT name FROM parties WHERE name IS NOT NULL LIMIT 200"""
    names: set[str] = set()
    with connection.cursor() as cursor:
        for organisation in organisations:
            cursor.execute(query, [organisation.pk, organisation.pk])
            names.update(row[0] for row in cursor.fetchall())
    return sorted(names)[:200]


def analysis_calendar(*, organisation: Organisation, on: dt.date) -> CalendarRules:
    """The calendar the organisation's terms are counted in: its procedure's (in force on `on`), else the public
    holidays of its jurisdiction."""
    adoption = procedure_for(organisation=organisation, on=on)
    if adoption is not None:
        procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
        return procedure.calendar.rules()
    return CalendarRules(jurisdiction=organisation.jurisdiction)


# Database helpers


#: Handling-time buckets of the analysis page, in calendar days from receipt to closure (low, high; None: open).
HANDLING_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 7), (8, 14), (15, 28), (29, 42), (43, 56), (57, None))


def _which(field: str, periods: list[Period]) -> SqlCase:
    """Which of `periods` a date column falls in, as its index (0: the period analysed, 1: the previous one)."""
    return SqlCase(
        *[When(**{f"{field}__range": (item.start, item.end)}, then=Value(n)) for n, item in enumerate(periods)],
        output_field=IntegerField(),
    )


def _in(field: str, periods: list[Period]) -> Q:
    """Rows of any of `periods`, as one range from the first day to the last (an index range scan, and an
    index-only one where an index covers the query; a row in a gap between periods gets no `_which` and is left
    out when the rows are added up)."""
    return Q(**{f"{field}__range": (min(item.start for item in periods), max(item.end for item in periods))})


def _histogram(
    rows: QuerySet[Any], *, groups: list[str], start: str, end: str, calendar: str
) -> dict[tuple[Any, ...], Counter[tuple[int, int | None]]]:
    """Per group: how many rows took (calendar days, working days) from `start` to `end`, two date columns.

    One grouped query: the rows are read once, the working days come from two hash joins on the working-day table
    (not a lookup per row), and what comes back is at most a few hundred (days, working days) pairs per group.
    Percentiles and buckets are then read off these counts exactly (`_percentile`)."""
    inner = rows.annotate(**{f"g{n}": F(name) for n, name in enumerate(groups)}, d_start=F(start), d_end=F(end))
    columns = [f"g{n}" for n in range(len(groups))]
    sql, params = inner.values(*columns, "d_start", "d_end").order_by().query.sql_with_params()
    days = (
        "CAST(julianday(t.d_end) - julianday(t.d_start) AS INTEGER)"
        if connection.vendor == "sqlite"
        else "(t.d_end - t.d_start)"
    )
    selected = ", ".join(f"t.{column}" for column in columns)
    table = WorkingDay._meta.db_table
    # Only column names and the table's name are formatted in; every value is a parameter.
    keys = f"{selected}, " if columns else ""
    working = '(b."index" - a."index")'
    query = (
        f"SELECT {keys}{days} AS days, {working} AS working_days, COUNT(*) FROM ({sql}) t "  # noqa: S608
        f"LEFT JOIN {table} a ON a.calendar = %s AND a.day = t.d_start "
        f"LEFT JOIN {table} b ON b.calendar = %s AND b.day = t.d_end "
        f"GROUP BY {keys}{days}, {working}"
    )
    result: dict[tuple[Any, ...], Counter[tuple[int, int | None]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, calendar, calendar])
        for row in cursor.fetchall():
            *key, days_taken, working, count = row
            result.setdefault(tuple(key), Counter())[(int(days_taken), working)] += count
    return result


def _percentile(values: Counter[int], fraction: float) -> float | None:
    """percentile_cont (linear interpolation between the closest ranks) read off counts of values."""
    n = sum(values.values())
    if n == 0:
        return None
    ordered = sorted(values.items())

    def at(rank: int) -> int:  # the value at 0-based rank `rank` of the sorted rows
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > rank:
                return value
        return ordered[-1][0]

    position = fraction * (n - 1)
    low = math.floor(position)
    lower = at(low)
    upper = at(low + 1) if low + 1 < n else lower
    return _round(lower + (position - low) * (upper - lower))


def _distribution(pairs: Counter[tuple[int, int | None]]) -> dict[str, Any]:
    days: Counter[int] = Counter()
    working: Counter[int] = Counter()
    for (calendar_days, working_days), count in pairs.items():
        days[calendar_days] += count
        if working_days is not None:
            working[working_days] += count
    return {
        "n": sum(pairs.values()),
        "days_median": _percentile(days, 0.5),
        "days_p90": _percentile(days, 0.9),
        "working_days_median": _percentile(working, 0.5),
        "working_days_p90": _percentile(working, 0.9),
    }


def _buckets(pairs: Counter[tuple[int, int | None]]) -> list[dict[str, Any]]:
    result = []
    for low, high in HANDLING_BUCKETS:
        count = sum(n for (days, _working), n in pairs.items() if days >= low and (high is None or days <= high))
        result.append({"low": low, "high": high, "count": count})
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# The analysis


def analysis(
    *, scope: Scope, calendar: str, today: dt.date | None = None, full: bool = True, summaries: bool = True
) -> dict[str, Any]:
    """Every figure of one organisation (and commissioning party, category or unit) over one period, as plain data.

    `calendar` names the working-day table (`calendar_services.working_days_ensure`) to count working days in.
    With `full=False` the figures nothing is compared with are left empty: extensions, follow-ups, compliments and
    recurring themes."""
    return analyses(scope=scope, previous=None, calendar=calendar, today=today, full=full, summaries=summaries)[0]


def analyses(
    *,
    scope: Scope,
    previous: Period | None,
    calendar: str,
    today: dt.date | None = None,
    full: bool = True,
    summaries: bool = True,
) -> list[dict[str, Any]]:
    """The analysis of `scope`'s period and, with `previous`, of the period it is compared with: each query reads
    both periods at once and groups by which one a row falls in, so the comparison costs no second pass. The
    previous period's figures leave out what nothing is compared with (extensions, follow-ups, compliments,
    recurring themes).

    An analysis of a whole organisation over whole months is added up from its monthly summaries
    (`reporting.summaries`); with `summaries=False`, or filtered by commissioning party, category or unit, or over
    days that are not whole months, every figure is computed from the cases (the same figures)."""
    periods = [scope.period] + ([previous] if previous is not None else [])
    today = today or clock.today_in(scope.organisation.time_zone)
    cases = Case.objects.filter(scope.q())
    # Rows about the cases received: joined on the case (organisation and day of receipt, the `case_received`
    # index), not an IN list, so the database starts from the organisation's cases of the periods.
    about = scope.q("case__") & _in("case__received_on", periods)
    which = _which("case__received_on", periods)
    results: list[dict[str, Any]] = [
        {
            "organisation": {"slug": scope.organisation.slug, "name": scope.organisation.name},
            "period": item.as_dict(),
            "commissioner": scope.commissioner,
            "calendar": calendar,
            "as_of": today.isoformat(),
        }
        for item in periods
    ]
    summarised = summaries and _summarisable(scope, periods)
    if summarised:
        parts = _from_summaries(scope, periods, calendar)
        received, closed, categories, causes, units = (
            parts[name] for name in ("received", "closed", "category", "cause", "unit")
        )
        handling, terms, escalations = parts["handling"], parts["terms"], parts["escalations"]
    else:
        received = _received(cases, periods)
        closed = _closed(cases, periods, calendar)
        categories = _count_classification(Case.categories.through, "category", about, which)
        causes = _count_classification(Case.causes.through, "cause", about, which)
        units = _count_subject_units(about, which)
        handling = _handling(scope, periods, calendar)
        terms = _terms(scope, periods)
        escalations = _escalations(scope, periods)
    for n, result in enumerate(results):
        figures, handled = received[n], closed[n]
        result["totals"] = figures["totals"] | {"closed_in_period": handled["n"]}
        result["counts"] = figures["counts"] | {
            "category": categories.get(n, []),
            "cause": causes.get(n, []),
            "subject_unit": units.get(n, []),
        }
        result["procedures"] = sorted([procedure_id, version] for procedure_id, version in figures["procedures"])
        result["handling"] = [
            {"stage": "receipt_to_closure", **_distribution(handled["pairs"])},
            *handling.get(n, []),
        ]
        result["handling_buckets"] = _buckets(handled["pairs"])
        result["terms"] = terms.get(n, [])
        result["escalations"] = escalations[n]
        current = full and n == 0
        own = scope.q("case__") & _in("case__received_on", periods[:1])
        result["follow_ups"] = _follow_ups(scope, today) if current else []
        if summarised:
            result["extensions"] = parts["extensions"] if current else []
            result["compliments"] = parts["compliments"] if current else []
            result["recurring"] = parts["recurring"] if current else []
        else:
            result["extensions"] = _extensions(scope) if current else []
            result["compliments"] = _compliments(own) if current else []
            result["recurring"] = _recurring(own) if current else []
    return results


def _ranked(counts: Counter[str]) -> list[dict[str, Any]]:
    return [{"key": key, "count": count} for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _received(cases: QuerySet[Case], periods: list[Period]) -> list[dict[str, Any]]:
    """Totals and counts by kind, channel, stage and outcome of the cases received in each period: one grouped
    query (a few hundred rows: every combination that occurs), added up here."""
    fields = ("kind", "channel", "stage", "outcome", "status")
    rows = (
        cases.filter(_in("received_on", periods))
        .annotate(p=_which("received_on", periods))
        .values("p", *fields, "procedure_id", "procedure_version")
        .annotate(n=Count("*"))
        .order_by()
    )
    tallies: list[dict[str, Counter[str]]] = [{field: Counter() for field in fields} for _ in periods]
    procedures: list[set[tuple[str, int]]] = [set() for _ in periods]
    for row in rows:
        if row["p"] is None:
            continue
        for field in fields:
            tallies[row["p"]][field][row[field] or ""] += row["n"]
        procedures[row["p"]].add((row["procedure_id"], row["procedure_version"]))
    return [_received_figures(tally, followed) for tally, followed in zip(tallies, procedures, strict=True)]


def _received_figures(tally: dict[str, Counter[str]], followed: set[tuple[str, int]]) -> dict[str, Any]:
    kinds = tally["kind"]
    return {
        "totals": {
            "received": sum(kinds.values()),
            "complaints": kinds["complaint"],
            "compliments": kinds["compliment"],
            "suggestions": kinds["suggestion"],
            "still_open": tally["status"]["open"],
        },
        "counts": {field: _ranked(tally[field]) for field in ("kind", "channel", "stage", "outcome")},
        "procedures": followed,
    }


def _closed(cases: QuerySet[Case], periods: list[Period], calendar: str) -> list[dict[str, Any]]:
    """Per period, the cases closed in it: how many, and how many took each (calendar days, working days)."""
    rows = cases.filter(_in("closed_on", periods), status="closed").annotate(p=_which("closed_on", periods))
    histogram = _histogram(rows, groups=["p"], start="received_on", end="closed_on", calendar=calendar)
    result = []
    for n in range(len(periods)):
        pairs = histogram.get((n,), Counter())
        result.append({"n": sum(pairs.values()), "pairs": pairs})
    return result


def _count_classification(through: Any, name: str, about: Q, which: SqlCase) -> dict[int, list[dict[str, Any]]]:
    rows = (
        through.objects.filter(about)
        .annotate(p=which)
        .values("p", f"{name}__code", f"{name}__name_en", f"{name}__name_nl")
        .annotate(count=Count("case_id", distinct=True))
        .order_by("p", "-count", f"{name}__code")
    )
    result: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        result.setdefault(row["p"], []).append(
            {
                "key": row[f"{name}__code"],
                "name_en": row[f"{name}__name_en"],
                "name_nl": row[f"{name}__name_nl"],
                "count": row["count"],
            }
        )
    return result


def _count_subject_units(about: Q, which: SqlCase) -> dict[int, list[dict[str, Any]]]:
    rows = (
        Party.objects.filter(about, role="subject", unit__isnull=False)
        .annotate(p=which)
        .values("p", "unit_id", "unit__name")
        .annotate(count=Count("case_id", distinct=True))
        .order_by("p", "-count", "unit__name")
    )
    result: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        result.setdefault(row["p"], []).append(
            {"key": str(row["unit_id"]), "name": row["unit__name"], "count": row["count"]}
        )
    return result


def _handling(scope: Scope, periods: list[Period], calendar: str) -> dict[int, list[dict[str, Any]]]:
    """Per period and term: the terms met in it, from the day the term started to the day it was met."""
    met = Term.objects.filter(scope.q("case__"), _in("met_on", periods), state=TermState.MET).annotate(
        p=_which("met_on", periods)
    )
    histogram = _histogram(met, groups=["p", "key"], start="started_on", end="met_on", calendar=calendar)
    result: dict[int, list[dict[str, Any]]] = {}
    for (n, key), pairs in sorted(histogram.items()):
        result.setdefault(n, []).append({"stage": key, **_distribution(pairs)})
    return result


def _terms(scope: Scope, periods: list[Period]) -> dict[int, list[dict[str, Any]]]:
    rows: Any = (
        Term.objects.filter(scope.q("case__"), _in("due", periods))
        .exclude(state=TermState.NOT_APPLICABLE)
        .annotate(p=_which("due", periods))
        .values("p", "key")
        .annotate(**term_counts())
        .order_by("p", "key")
    )
    result: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        judged = row["kept"] + row["missed"]
        result.setdefault(row["p"], []).append(
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


def term_counts() -> dict[str, Any]:
    """What the terms due are counted as: kept (met on or before the due date), missed (missed, or met late), still
    running, extended, and the extensions."""
    late = Q(state=TermState.MET, met_on__gt=F("due"))
    return {
        "n_due": Count("pk"),
        "kept": Count("pk", filter=Q(state=TermState.MET, met_on__lte=F("due"))),
        "missed": Count("pk", filter=Q(state=TermState.MISSED) | late),
        "running": Count("pk", filter=Q(state__in=[TermState.PENDING, TermState.EXTENDED, TermState.PAUSED])),
        "extended": Count("pk", filter=Q(extensions__gt=0)),
        "n_extensions": Coalesce(Sum("extensions"), 0),
    }


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


def _escalations(scope: Scope, periods: list[Period]) -> list[list[dict[str, Any]]]:
    """Per period, the cases escalated in it, per level, with their outcome now: one query over the escalation
    events."""
    levels = {kind: name for name, kind in ESCALATIONS.items()}
    rows = (
        CaseEvent.objects.filter(scope.q("case__"), _in("on", periods), kind__in=list(levels))
        .annotate(p=_which("on", periods))
        .values("p", "kind", "case__outcome")
        .annotate(cases=Count("case_id", distinct=True))
        .order_by("p", "kind", "-cases", "case__outcome")
    )
    results: list[dict[str, list[dict[str, Any]]]] = [{name: [] for name in ESCALATIONS} for _ in periods]
    for row in rows:
        if row["p"] is None:
            continue
        results[row["p"]][levels[row["kind"]]].append({"key": row["case__outcome"] or "", "count": row["cases"]})
    return [
        [
            {"level": name, "count": sum(item["count"] for item in items), "results": items}
            for name, items in result.items()
        ]
        for result in results
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
    grouped = (
        Party.objects.filter(about, case__kind="compliment", role="subject")
        .values("unit_id", "unit__name", "person_id", "person__name", "name")
        .annotate(count=Count("case_id", distinct=True))
        .order_by()
    )
    # Ordered here, empty names last as PostgreSQL orders them (SQLite would put them first).
    rows = sorted(
        grouped,
        key=lambda row: (-row["count"], *(_nulls_last(row[name]) for name in ("unit__name", "person__name", "name"))),
    )
    return [
        {
            "unit": row["unit__name"] or "",
            "person": row["person__name"] or ("" if row["unit_id"] else row["name"]),
            "count": row["count"],
        }
        for row in rows
    ]


def _nulls_last(value: str | None) -> tuple[bool, str]:
    return (value is None, value or "")


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


# From the monthly summaries (`reporting.summaries`): the same figures, in the same shapes


def _summarisable(scope: Scope, periods: list[Period]) -> bool:
    from plaint.reporting.summaries import month_aligned

    return scope.commissioner is None and scope.category is None and scope.unit is None and month_aligned(periods)


def _from_summaries(scope: Scope, periods: list[Period], calendar: str) -> dict[str, Any]:
    from plaint.reporting.summaries import add_up, months_of, names

    months = months_of(scope.organisation, max(item.end for item in periods), calendar, recurring_from=periods[0].start)
    totals = add_up(months, periods)
    ids: dict[str, set[int]] = {
        "category": {key for counter in totals["category"] for key in counter}
        | {category for category, _unit in totals["recurring"]},
        "cause": {key for counter in totals["cause"] for key in counter},
        "unit": {key for counter in totals["unit"] for key in counter}
        | {unit for _category, unit in totals["recurring"]}
        | {unit for unit, _person, _name in totals["compliments"] if unit},
        "person": {person for _unit, person, _name in totals["compliments"] if person},
    }
    named = names(scope.organisation, ids)
    received = []
    fields = ("kind", "channel", "stage", "outcome", "status")
    for rows in totals["cases"]:
        tally: dict[str, Counter[str]] = {field: Counter() for field in fields}
        followed: set[tuple[str, int]] = set()
        for *values, procedure_id, procedure_version, count in rows:
            for field, value in zip(fields, values, strict=True):
                tally[field][value or ""] += count
            followed.add((procedure_id, procedure_version))
        received.append(_received_figures(tally, followed))

    def classified(name: str) -> dict[int, list[dict[str, Any]]]:
        result: dict[int, list[dict[str, Any]]] = {}
        for n, counter in enumerate(totals[name]):
            rows = [
                {"key": named[name][key][0], "name_en": named[name][key][1], "name_nl": named[name][key][2], "count": c}
                for key, c in counter.items()
                if c and key in named[name]
            ]
            if rows:
                result[n] = sorted(rows, key=lambda row: (-row["count"], row["key"]))
        return result

    units: dict[int, list[dict[str, Any]]] = {}
    for n, counter in enumerate(totals["unit"]):
        rows = [{"key": str(key), "name": named["unit"].get(key, ""), "count": c} for key, c in counter.items() if c]
        if rows:
            units[n] = sorted(rows, key=lambda row: (-row["count"], row["name"], row["key"]))
    handling: dict[int, list[dict[str, Any]]] = {}
    for n, by_key in enumerate(totals["met"]):
        if by_key:
            handling[n] = [{"stage": key, **_distribution(pairs)} for key, pairs in sorted(by_key.items())]
    terms: dict[int, list[dict[str, Any]]] = {}
    for n, by_key in enumerate(totals["due"]):
        rows = []
        for key, (due, kept, missed, running, extended, extensions) in sorted(by_key.items()):
            judged = kept + missed
            rows.append(
                {
                    "key": key,
                    "due": due,
                    "kept": kept,
                    "missed": missed,
                    "running": running,
                    "share_kept": round(kept / judged, 4) if judged else None,
                    "extended": extended,
                    "extensions": extensions,
                }
            )
        if rows:
            terms[n] = rows
    levels = {kind: name for name, kind in ESCALATIONS.items()}
    escalations = []
    for counter in totals["escalated"]:
        by_level: dict[str, list[dict[str, Any]]] = {name: [] for name in ESCALATIONS}
        for (kind, outcome), count in sorted(counter.items(), key=lambda item: (item[0][0], -item[1], item[0][1])):
            by_level[levels[kind]].append({"key": outcome, "count": count})
        escalations.append(
            [
                {"level": name, "count": sum(item["count"] for item in items), "results": items}
                for name, items in by_level.items()
            ]
        )
    extensions = [
        {"term": term, "reason": reason, "count": count}
        for (term, reason), count in sorted(
            totals["extended"].items(), key=lambda item: (item[0][0], -item[1], item[0][1])
        )
    ]
    compliment_rows = []
    for (unit, person, name), count in totals["compliments"].items():
        unit_name = named["unit"].get(unit) if unit else None
        person_name = named["person"].get(person) if person else None
        compliment_rows.append(((unit_name, person_name, name), count))
    compliment_rows.sort(key=lambda item: (-item[1], *(_nulls_last(value) for value in item[0])))
    recurring_rows: dict[tuple[str, str, str, str], list[Any]] = {}
    for (category, unit), (who, count) in totals["recurring"].items():
        if category not in named["category"]:
            continue
        code, name_en, name_nl = named["category"][category]
        entry = recurring_rows.setdefault((code, name_en, name_nl, named["unit"].get(unit, "")), [set(), 0])
        entry[0] |= who - {""}  # "": a complaint without a complainant counts as a case, not as a complainant
        entry[1] += count
    recurring = [
        {"category": code, "name_en": en, "name_nl": nl, "unit": unit, "complainants": len(who), "cases": count}
        for (code, en, nl, unit), (who, count) in recurring_rows.items()
        if len(who) >= 2
    ]
    return {
        "received": received,
        "closed": [{"n": sum(pairs.values()), "pairs": pairs} for pairs in totals["closed"]],
        "category": classified("category"),
        "cause": classified("cause"),
        "unit": units,
        "handling": handling,
        "terms": terms,
        "escalations": escalations,
        "extensions": extensions,
        "compliments": [
            {"unit": unit or "", "person": person or ("" if unit is not None else name), "count": count}
            for (unit, person, name), count in compliment_rows
        ],
        "recurring": sorted(recurring, key=lambda row: (-row["complainants"], row["category"], row["unit"])),
    }


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
