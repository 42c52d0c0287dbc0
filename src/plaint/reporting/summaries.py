"""Monthly summaries of an organisation's cases, so the annual analysis adds up a few dozen rows instead of reading
every row about every case of two years (issue 12, docs/reporting.md "Monthly summaries").

A summary is kept per organisation and **month of receipt**: everything the analysis counts about the cases received
in that month, each figure under the month its own date falls in (closed, term met, term due, event), as counts and
(days, working days) histograms: closing, terms and escalations of a case received in March count in the months they
happened, but are kept in March's summary. So a change to a case can only touch the summary of the month it was
received in, and a summary checks itself cheaply against the cases of its month (no change to the write path):

* the number of cases received in the month and the sum of their versions (every action increments a case's version;
  a late registration, a deletion or an erasure changes one or the other): one index-only scan of
  `reporting_case_received_cover`, grouped by month;
* the case events recorded since the summaries were checked (every classification, commissioning party and party
  added is a record event, even where the version stays): the events' primary key from the last mark, with the month
  of receipt of their case.

A month that fails the check, or has no summary, is computed again (one month of cases, starting from the cases, not
from the rows about them) and stored; the current month (and any later) is computed live and not stored. Recurring
themes are not additive (the same complainant in two months is one complainant): the summary keeps, per category and
subject unit, a keyed digest of each complainant with their number of cases, and the analysis counts the distinct
digests. Follow-ups are judged on today's date and stay live.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter, defaultdict
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import TruncMonth

from plaint.cases.models import Case, CaseEvent, Category, Cause, Party, Term, TermState
from plaint.core import clock
from plaint.organisations.models import Organisation, OrganisationalUnit, Person
from plaint.reporting.models import MonthSummary
from plaint.reporting.periods import Period

#: Bump when what a summary holds changes: older summaries are then made again.
SHAPE = 2


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_key(day: dt.date | dt.datetime | None) -> str:
    return "" if day is None else f"{day.year:04d}-{day.month:02d}"


def month_aligned(periods: list[Period]) -> bool:
    """Whether every period starts on a first and ends on a last day of a month (a year, a quarter, a month)."""
    return all(p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1 for p in periods)


def _digest(who: str) -> str:
    """A keyed digest of who complained: distinct complainants stay distinct, no name or address is stored."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, who.encode(), hashlib.sha256).hexdigest()[:16]


def compute_month(*, organisation: Organisation, start: dt.date, end: dt.date, calendar: str) -> dict[str, Any]:
    """Every additive figure of the cases received from `start` to `end` (a month), keyed by the month each figure's
    own date falls in. Each query starts from the organisation's cases of these days (the `case_received` index)."""
    from plaint.reporting.selectors import ESCALATIONS, _complainant_key, _histogram, term_counts

    cases = Case.objects.filter(organisation=organisation, received_on__range=(start, end))
    about = Q(case__organisation=organisation, case__received_on__range=(start, end))
    figures: dict[str, Any] = {"month": _month_key(start)}
    figures["cases"] = [
        [
            r["kind"],
            r["channel"],
            r["stage"],
            r["outcome"],
            r["status"],
            r["procedure_id"],
            r["procedure_version"],
            r["n"],
        ]
        for r in cases.values("kind", "channel", "stage", "outcome", "status", "procedure_id", "procedure_version")
        .annotate(n=Count("*"))
        .order_by()
    ]
    closed = _histogram(
        cases.filter(status="closed", closed_on__isnull=False).annotate(m=TruncMonth("closed_on")),
        groups=["m"],
        start="received_on",
        end="closed_on",
        calendar=calendar,
    )
    figures["closed"] = [
        [_month_key(_as_date(key[0])), days, working, n]
        for key, pairs in closed.items()
        for (days, working), n in pairs.items()
    ]
    for name, through in (("category", Case.categories.through), ("cause", Case.causes.through)):
        figures[name] = [
            [r[f"{name}_id"], r["n"]]
            for r in through.objects.filter(about).values(f"{name}_id").annotate(n=Count("case_id", distinct=True))
        ]
    figures["unit"] = [
        [r["unit_id"], r["n"]]
        for r in Party.objects.filter(about, role="subject", unit__isnull=False)
        .values("unit_id")
        .annotate(n=Count("case_id", distinct=True))
    ]
    met = _histogram(
        Term.objects.filter(about, state=TermState.MET, met_on__isnull=False).annotate(m=TruncMonth("met_on")),
        groups=["m", "key"],
        start="started_on",
        end="met_on",
        calendar=calendar,
    )
    figures["met"] = [
        [_month_key(_as_date(key[0])), key[1], days, working, n]
        for key, pairs in met.items()
        for (days, working), n in pairs.items()
    ]
    counted = ("n_due", "kept", "missed", "running", "extended", "n_extensions")
    due: Any = (
        Term.objects.filter(about, due__isnull=False)
        .exclude(state=TermState.NOT_APPLICABLE)
        .annotate(m=TruncMonth("due"))
        .values("m", "key")
        .annotate(**term_counts())
        .order_by()
    )
    figures["due"] = [[_month_key(r["m"]), r["key"], *(r[name] for name in counted)] for r in due]
    # Escalations count a case once per level and period, however many events: each case's months per level.
    months: dict[tuple[int, str], set[str]] = defaultdict(set)
    outcomes: dict[int, str] = {}
    for case_id, kind, on, outcome in (
        CaseEvent.objects.filter(about, kind__in=list(ESCALATIONS.values()))
        .annotate(m=TruncMonth("on"))
        .values_list("case_id", "kind", "m", "case__outcome")
        .order_by()
        .distinct()
    ):
        months[(case_id, kind)].add(_month_key(on))
        outcomes[case_id] = outcome or ""
    escalated: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for (case_id, kind), seen in months.items():
        escalated[(kind, outcomes[case_id], tuple(sorted(seen)))] += 1
    figures["escalated"] = [[kind, outcome, list(seen), n] for (kind, outcome, seen), n in escalated.items()]
    figures["extended"] = [
        [_month_key(r["m"]), r["term"] or "", r["reason"] or "", r["n"]]
        for r in CaseEvent.objects.filter(about, kind="term_extended")
        .annotate(m=TruncMonth("on"), term=KT("data__term"), reason=KT("data__reason"))
        .values("m", "term", "reason")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ]
    figures["compliments"] = [
        [r["unit_id"], r["person_id"], r["name"], r["n"]]
        for r in Party.objects.filter(about, case__kind="compliment", role="subject")
        .values("unit_id", "person_id", "name")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    ]
    recurring: dict[tuple[int, int], list[Any]] = {}
    for category_id, unit_id, who, n in (
        Party.objects.filter(
            about, case__kind="complaint", role="subject", unit__isnull=False, case__categories__isnull=False
        )
        .annotate(who=_complainant_key())
        .values_list("case__categories", "unit_id", "who")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    ):
        entry = recurring.setdefault((category_id, unit_id), [0, set()])
        entry[0] += n
        entry[1].add(_digest(who) if who is not None else "")
    # Kept apart from the other figures: only the months of the period analysed need it (not the previous year's).
    figures["recurring"] = [[c, u, n, sorted(who)] for (c, u), (n, who) in sorted(recurring.items())]
    return figures


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    assert isinstance(value, dt.date)
    return value


def months_of(
    organisation: Organisation, last: dt.date, calendar: str, recurring_from: dt.date | None = None
) -> list[dict[str, Any]]:
    """The figures of every month of receipt of the organisation up to the month of `last`: stored summaries where
    they are still right, made again where not, the current month live. The recurring themes' complainants (the
    largest part) are read only for the months from `recurring_from`."""
    today = clock.today_in(organisation.time_zone)
    current = month_of(today)
    last_month = month_of(last)
    fingerprints = {
        month_of(_as_date(row["m"])): (row["n"], row["v"] or 0)  # type: ignore[arg-type]
        for row in Case.objects.filter(
            organisation=organisation, received_on__lte=last_month + relativedelta(months=1, days=-1)
        )
        .annotate(m=TruncMonth("received_on"))
        .values("m")
        .annotate(n=Count("*"), v=Sum("version"))
        .order_by()
    }
    stored = {
        row.month: row
        for row in MonthSummary.objects.filter(
            organisation=organisation, month__lte=last_month, month__lt=current
        ).defer("figures", "recurring")
    }
    changed: dict[dt.date, int] = {}
    if stored:
        mark = min(row.event_mark for row in stored.values())
        for m, newest in (
            CaseEvent.objects.filter(pk__gt=mark, case__organisation=organisation)
            .annotate(m=TruncMonth("case__received_on"))
            .values_list("m")
            .annotate(newest=Max("pk"))
            .order_by()
        ):
            changed[month_of(_as_date(m))] = newest  # type: ignore[arg-type]
    newest_event = CaseEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0
    result: list[dict[str, Any]] = []
    fresh: list[MonthSummary] = []
    still_right: list[int] = []
    for month, (count, versions) in sorted(fingerprints.items()):
        end = month + relativedelta(months=1, days=-1)
        if month >= current:
            result.append(compute_month(organisation=organisation, start=month, end=end, calendar=calendar))
            continue
        row = stored.get(month)
        if (
            row is not None
            and row.shape == SHAPE
            and row.calendar == calendar
            and row.cases == count
            and row.versions == versions
            and changed.get(month, 0) <= row.event_mark
        ):
            still_right.append(row.pk)
            continue
        figures = compute_month(organisation=organisation, start=month, end=end, calendar=calendar)
        fresh.append(
            MonthSummary(
                organisation=organisation,
                month=month,
                shape=SHAPE,
                calendar=calendar,
                cases=count,
                versions=versions,
                event_mark=newest_event,
                made_at=clock.now(),
                figures={key: value for key, value in figures.items() if key != "recurring"},
                recurring=figures["recurring"],
            )
        )
        result.append(figures)
    if fresh:
        MonthSummary.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["organisation", "month"],
            update_fields=["shape", "calendar", "cases", "versions", "event_mark", "made_at", "figures", "recurring"],
        )
    if still_right:
        wanted = recurring_from or last_month + relativedelta(months=1)
        rows = MonthSummary.objects.filter(pk__in=still_right)
        for figures in rows.values_list("figures", flat=True):
            figures["recurring"] = []
            result.append(figures)
        recurring_rows = dict(rows.filter(month__gte=wanted).values_list("month", "recurring"))
        for figures in result:
            month = dt.date.fromisoformat(figures["month"] + "-01")
            if month in recurring_rows:
                figures["recurring"] = recurring_rows[month]
    if still_right and changed:
        # Checked against every event so far: the next check starts from here.
        MonthSummary.objects.filter(pk__in=still_right).update(event_mark=newest_event)
    return result


def add_up(months: list[dict[str, Any]], periods: list[Period]) -> dict[str, Any]:
    """The months' figures added up per period (month-aligned): plain counters the analysis shapes as the live
    computation does (`selectors.analyses`)."""
    spans = [(_month_key(p.start), _month_key(p.end)) for p in periods]

    def which(month: str) -> int | None:
        for n, (first, last) in enumerate(spans):
            if first <= month <= last:
                return n
        return None

    def counters() -> list[Counter[Any]]:
        return [Counter() for _ in periods]

    out: dict[str, Any] = {
        "cases": [[] for _ in periods],
        "closed": counters(),
        "category": counters(),
        "cause": counters(),
        "unit": counters(),
        "met": [defaultdict(Counter) for _ in periods],
        "due": [defaultdict(lambda: [0, 0, 0, 0, 0, 0]) for _ in periods],
        "escalated": counters(),
        "extended": Counter(),
        "compliments": Counter(),
        "recurring": defaultdict(lambda: [set(), 0]),
    }
    for figures in months:
        n = which(figures["month"])  # the month of receipt
        if n is not None:
            out["cases"][n].extend(figures["cases"])
            for name in ("category", "cause", "unit"):
                for key, count in figures[name]:
                    out[name][n][key] += count
            if n == 0:
                for unit, person, name, count in figures["compliments"]:
                    out["compliments"][(unit, person, name)] += count
                for category, unit, count, who in figures["recurring"]:
                    entry = out["recurring"][(category, unit)]
                    entry[0].update(who)
                    entry[1] += count
        for closed_month, days, working, count in figures["closed"]:
            m = which(closed_month)
            if m is not None:
                out["closed"][m][(days, working)] += count
        for met_month, key, days, working, count in figures["met"]:
            m = which(met_month)
            if m is not None:
                out["met"][m][key][(days, working)] += count
        for due_month, key, *counts in figures["due"]:
            m = which(due_month)
            if m is not None:
                total = out["due"][m][key]
                for i, value in enumerate(counts):
                    total[i] += value
        for kind, outcome, seen, count in figures["escalated"]:
            for m in {which(item) for item in seen}:
                if m is not None:
                    out["escalated"][m][(kind, outcome)] += count
        for ext_month, term, reason, count in figures["extended"]:
            if which(ext_month) == 0:
                out["extended"][(term, reason)] += count
    return out


def names(organisation: Organisation, ids: dict[str, set[int]]) -> dict[str, dict[int, Any]]:
    """The current names of the categories, causes, units and people the figures refer to by id."""
    return {
        "category": {
            row[0]: row[1:]
            for row in Category.objects.filter(pk__in=ids["category"]).values_list("pk", "code", "name_en", "name_nl")
        },
        "cause": {
            row[0]: row[1:]
            for row in Cause.objects.filter(pk__in=ids["cause"]).values_list("pk", "code", "name_en", "name_nl")
        },
        "unit": dict(OrganisationalUnit.objects.filter(pk__in=ids["unit"]).values_list("pk", "name")),
        "person": dict(Person.objects.filter(pk__in=ids["person"]).values_list("pk", "name")),
    }
