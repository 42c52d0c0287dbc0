"""Case load and query benchmark (issue 4): a million cases per installation, indexed lists, no per-case loop.

    PLAINT_DATA_DIR=... DATABASE_URL=postgres://... plaint migrate
    PLAINT_DATA_DIR=... DATABASE_URL=postgres://... .venv/bin/python bench/cases.py --cases 1000000

1. Loads the demo organisations and people (`plaint demo load`'s organisations, not its cases), plus `--handlers`
   extra handlers per organisation, so the load spreads over people as a real installation does.
2. Bulk-loads N cases (COPY on PostgreSQL, bulk_create elsewhere) spread over the organisations with a procedure,
   received over three years. Each case follows a template: a path through its procedure found by the engine
   (`plaint.demo.cases`), with its events, and terms and snapshots as the engine computes them, shifted to the case's
   day of receipt; old cases are mostly closed, recent ones in every stage. Then ANALYZE.
3. Measures registration through `case_register`, an everyday `case_act`, the inbox, overdue, handler inbox and
   detail selectors (median and p95 over repeated runs), and prints EXPLAIN ANALYZE of the list queries.

Not part of `make test`; results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaint.config.settings.base")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))

import django

django.setup()

from django.db import connection, models  # noqa: E402

from plaint import engine  # noqa: E402
from plaint.access.models import User  # noqa: E402
from plaint.cases.models import Case, CaseEvent, Party, ReferenceSequence, Term  # noqa: E402
from plaint.cases.selectors import CaseFilters, case_detail, case_list, case_view, cases_overdue  # noqa: E402
from plaint.cases.services import PartyInput, Registration, case_act, case_register  # noqa: E402
from plaint.core import clock  # noqa: E402
from plaint.demo import cases as demo  # noqa: E402
from plaint.demo.data import username_for  # noqa: E402
from plaint.demo.loader import demo_load  # noqa: E402
from plaint.engine import paths as engine_paths  # noqa: E402
from plaint.organisations import services as org_services  # noqa: E402
from plaint.organisations.models import Membership, Organisation  # noqa: E402
from plaint.organisations.selectors import people_with_role  # noqa: E402

WEIGHTS = {"werkpro": 5, "xs2more": 3, "workers-union": 3, "workare": 2, "workare-client-services": 2}
RECENT_DAYS = 120  # cases received in the last four months are in every stage; older ones are mostly closed
STUCK_SHARE = 0.02  # old cases still open (forgotten, waiting on an external body)
BATCH = 20_000


@dataclass
class Template:
    """A case's life relative to its receipt: events and terms as calendar-day offsets, and the final snapshot."""

    kind: str
    span: int
    events: list[tuple[str, int, str, str]]  # kind, offset, actor role, data json
    terms: list[dict[str, Any]]
    stage: str
    status: str
    outcome: str
    handler: bool


@dataclass
class OrgPlan:
    organisation: Organisation
    procedure: engine.Procedure
    open_templates: list[Template]
    closed_templates: list[Template]
    handlers: list[int]
    channels: list[str]
    language: str


def templates_for(org: demo._Organisation, today: dt.date) -> list[Template]:
    """Every demo scenario of the organisation's procedure as a template, dated from a reference receipt."""
    procedure = org.procedure
    roles = set(org.people)
    paths = {kind.kind: engine_paths.procedure_paths(procedure, kind.kind, roles) for kind in procedure.accepts.kinds}
    result: list[Template] = []
    reference = today - dt.timedelta(days=800)
    for index, scenario in enumerate(demo.scenarios(paths, procedure)):
        if scenario.wanted not in ("on_time", "closed"):
            continue  # the age of each loaded case decides whether it is on time, due soon or overdue
        path = demo._vary(procedure, engine_paths.start_stage(procedure, scenario.kind), list(scenario.path), index)
        timeline = demo.Timeline.build(procedure, scenario.kind, path, roles, gap=2, handler_for=lambda responsible: 1)
        dated = timeline.dated(reference)
        last = dated[-1][1] if dated else reference
        view = timeline.view(reference, last)
        events = [
            (item.event, (day - reference).days, item.by, json.dumps(item.data, default=str)) for item, day in dated
        ]
        terms = []
        for term in view.terms:
            definition = procedure.term_by_key[term.key]
            rule = {
                "procedure": procedure.id,
                "version": procedure.version,
                "duration": str(definition.duration),
                "anchor": definition.anchor,
            }
            terms.append(
                {
                    "key": term.key,
                    "anchor": term.anchor,
                    "started": (term.started_on - reference).days,
                    "due": (term.due - reference).days,
                    "state": term.state,
                    "met": (term.met_on - reference).days if term.met_on else None,
                    "warn_only": term.warn_only,
                    "extensions": term.extensions,
                    "party": term.party,
                    "rule": json.dumps(rule),
                }
            )
        result.append(
            Template(
                kind=scenario.kind,
                span=(last - reference).days,
                events=events,
                terms=terms,
                stage=view.stage or "",
                status=view.status,
                outcome=view.outcome or "",
                handler=any(event[0] == "handler_assigned" for event in events),
            )
        )
    return result


def ensure_people(handlers: int) -> list[OrgPlan]:
    """The demo organisations and people, plus extra handlers; a plan per organisation with a procedure today."""
    demo_load()
    plans: list[OrgPlan] = []
    for organisation in Organisation.objects.order_by("id"):
        try:
            org = demo._Organisation(organisation, clock.today_in(organisation.time_zone))
        except (LookupError, engine.EngineInputError):
            continue
        existing = Membership.objects.filter(organisation=organisation, person__name__startswith="Bench handler")
        for number in range(existing.count(), handlers):
            person = org_services.person_create(name=f"Bench handler {organisation.reference_prefix} {number + 1}")
            org_services.membership_create(person=person, organisation=organisation, roles=["handler"])
        templates = templates_for(org, org.today)
        plans.append(
            OrgPlan(
                organisation=organisation,
                procedure=org.procedure,
                open_templates=[template for template in templates if template.status == "open"],
                closed_templates=[template for template in templates if template.status == "closed"],
                handlers=list(people_with_role(organisation=organisation, role="handler").values_list("pk", flat=True)),
                channels=list(org.procedure.accepts.channels) or ["in_writing"],
                language=org.language,
            )
        )
    return plans


# Bulk load


def _columns(model: type[models.Model]) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


class Writer:
    """Rows per table, written with COPY on PostgreSQL and bulk_create elsewhere."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.next_id = {}
        for model in (Case, CaseEvent, Term, Party):
            self.next_id[model] = (model.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1

    def ids(self, model: type[models.Model]) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def write(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = _columns(model)
        # columns the generator does not set (added to the model later: legal hold, anonymised on, …) get their default
        defaults = {field.column: field.get_default() for field in model._meta.concrete_fields}
        rows = [{column: row.get(column, defaults[column]) for column in columns} for row in rows]
        if self.postgres:
            connection.ensure_connection()
            raw = connection.connection
            table = model._meta.db_table
            names = ", ".join(f'"{column}"' for column in columns)
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row.get(column) for column in columns])
        else:
            attnames = {field.column: field.attname for field in model._meta.concrete_fields}
            objects = [model(**{attnames[key]: value for key, value in row.items()}) for row in rows]
            model.objects.bulk_create(objects, batch_size=2000)

    def finish(self) -> None:
        if self.postgres:
            with connection.cursor() as cursor:
                for model in (Case, CaseEvent, Term, Party):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )


def generate(
    plans: list[OrgPlan], count: int, today: dt.date, seed: int, writer_ids: Writer
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Batches of rows: cases received over three years, spread by organisation weight, with events and terms."""
    rng = random.Random(seed)
    weights = [WEIGHTS.get(plan.organisation.slug, 1) for plan in plans]
    numbers: Counter[tuple[int, int]] = Counter()
    for organisation_id, year, last in ReferenceSequence.objects.values_list("organisation_id", "year", "last_number"):
        numbers[organisation_id, year] = last
    batch: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for index in range(count):
        plan = rng.choices(plans, weights)[0]
        # a little growth over the years: more recent days are a little likelier
        age = int(1095 * (1 - rng.random() ** 0.85))
        received_on = today - dt.timedelta(days=age)
        open_share = 0.5 if age < RECENT_DAYS else STUCK_SHARE
        pool = plan.open_templates if rng.random() < open_share and plan.open_templates else plan.closed_templates
        fitting = [template for template in pool if template.span <= age] or [
            template for template in plan.closed_templates + plan.open_templates if template.span <= age
        ]
        if not fitting:
            received_on = today - dt.timedelta(days=min(t.span for t in plan.closed_templates + plan.open_templates))
            fitting = [min(plan.closed_templates + plan.open_templates, key=lambda t: t.span)]
        template = rng.choice(fitting)
        organisation = plan.organisation
        prefix = organisation.reference_prefix
        numbers[organisation.pk, received_on.year] += 1
        case_id = writer_ids.ids(Case)
        received_at = dt.datetime.combine(received_on, dt.time(8 + rng.randrange(9), rng.randrange(60)), tzinfo=dt.UTC)
        handler = rng.choice(plan.handlers) if template.handler and plan.handlers else None
        terms = []
        next_due = None
        for term in template.terms:
            due = received_on + dt.timedelta(days=term["due"])
            state = term["state"]
            if state in ("pending", "missed", "extended") and template.status == "open":
                state = "missed" if due < today and state != "extended" else state
                if not term["warn_only"]:
                    next_due = due if next_due is None else min(next_due, due)
            terms.append(
                {
                    "id": writer_ids.ids(Term),
                    "case_id": case_id,
                    "key": term["key"],
                    "anchor": term["anchor"],
                    "started_on": received_on + dt.timedelta(days=term["started"]),
                    "due": due,
                    "state": state,
                    "met_on": received_on + dt.timedelta(days=term["met"]) if term["met"] is not None else None,
                    "warn_only": term["warn_only"],
                    "extensions": term["extensions"],
                    "party": term["party"],
                    "rule": term["rule"],
                }
            )
        events = [
            {
                "id": writer_ids.ids(CaseEvent),
                "case_id": case_id,
                "sequence": 1,
                "kind": "received",
                "on": received_on,
                "recorded_at": received_at,
                "actor_id": None,
                "actor_role": "",
                "data": json.dumps({"kind": template.kind, "channel": plan.channels[0]}),
                "note": "",
            }
        ]
        for sequence, (kind, offset, role, data) in enumerate(template.events, start=2):
            on = received_on + dt.timedelta(days=offset)
            events.append(
                {
                    "id": writer_ids.ids(CaseEvent),
                    "case_id": case_id,
                    "sequence": sequence,
                    "kind": kind,
                    "on": on,
                    "recorded_at": dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC),
                    "actor_id": None,
                    "actor_role": role,
                    "data": data if kind != "handler_assigned" else json.dumps({"handler": handler}),
                    "note": "",
                }
            )
        last_on = events[-1]["on"]
        batch["cases"].append(
            {
                "id": case_id,
                "organisation_id": organisation.pk,
                "reference": f"{prefix}-{received_on.year}-{numbers[organisation.pk, received_on.year]:04d}",
                "kind": template.kind,
                "procedure_id": plan.procedure.id,
                "procedure_version": plan.procedure.version,
                "channel": rng.choice(plan.channels),
                "received_at": received_at,
                "received_on": received_on,
                "language": plan.language,
                "summary": f"Bench case {index}",
                "description": "Generated by bench/cases.py.",
                "incident_date": received_on - dt.timedelta(days=rng.randrange(1, 40)),
                "nature": "",
                "confidentiality": "normal",
                "handler_id": handler,
                "delegate_id": None,
                "stage": template.stage,
                "status": template.status,
                "outcome": template.outcome,
                "next_due": next_due,
                "closed_on": last_on if template.status == "closed" else None,
                "version": len(events),
                "created_by_id": None,
                "idempotency_key": None,
                "created_at": received_at,
                "updated_at": dt.datetime.combine(last_on, dt.time(12), tzinfo=dt.UTC),
            }
        )
        batch["parties"].append(
            {
                "id": writer_ids.ids(Party),
                "case_id": case_id,
                "role": "complainant",
                "person_id": None,
                "unit_id": None,
                "name": f"Complainant {index}",
                "email": "",
                "phone": "",
                "address": "",
                "group": "",
                "internal": False,
                "involved": False,
                "authorisation": "",
                "consent_given_on": None,
                "consent_withdrawn_on": None,
            }
        )
        batch["events"] += events
        batch["terms"] += terms
        if len(batch["cases"]) >= BATCH or index == count - 1:
            yield batch
            batch = defaultdict(list)
    for (organisation_id, year), last in numbers.items():
        ReferenceSequence.objects.update_or_create(
            organisation_id=organisation_id, year=year, defaults={"last_number": last}
        )


def bulk_load(plans: list[OrgPlan], count: int, seed: int) -> float:
    today = dt.date.today()
    writer = Writer()
    started = time.perf_counter()
    done = 0
    for batch in generate(plans, count, today, seed, writer):
        writer.write(Case, batch["cases"])
        writer.write(Party, batch["parties"])
        writer.write(CaseEvent, batch["events"])
        writer.write(Term, batch["terms"])
        done += len(batch["cases"])
        elapsed = time.perf_counter() - started
        print(f"  loaded {done:>9,} cases  {elapsed:7.1f} s  ({done / elapsed:,.0f} cases/s)", flush=True)
    writer.finish()
    return time.perf_counter() - started


# Measuring


def timed(function: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(name: str, samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    row = {
        "name": name,
        "runs": len(samples),
        "mean": statistics.fmean(samples),
        "p50": statistics.median(samples),
        "p95": p95,
    }
    print(f"  {name:<52} n={row['runs']:<4} mean {row['mean']:8.2f} ms  p50 {row['p50']:8.2f} ms  p95 {p95:8.2f} ms")
    return row


def measure_writes(plans: list[OrgPlan], registrations: int, seed: int) -> tuple[list[dict[str, Any]], list[Case]]:
    rng = random.Random(seed)
    created: list[tuple[Case, OrgPlan]] = []
    register_ms: list[float] = []
    stamp = int(time.time())
    for number in range(registrations):
        plan = rng.choice(plans)
        intake = User.objects.get(username=username_for(plan.organisation.reference_prefix, "intake_staff"))
        registration = Registration(
            kind="complaint",
            channel=plan.channels[0],
            description="A complaint registered by the benchmark.",
            complainant=PartyInput(role="complainant", name=f"Bench complainant {number}"),
            subjects=[PartyInput(role="subject", person_id=rng.choice(plan.handlers))] if plan.handlers else [],
        )
        started = time.perf_counter()
        case = case_register(
            organisation=plan.organisation,
            registration=registration,
            actor=intake,
            idempotency_key=f"bench-{stamp}-{number}",
        )
        register_ms.append((time.perf_counter() - started) * 1000)
        created.append((case, plan))
    act_ms: list[float] = []
    acted: Counter[str] = Counter()
    for case, plan in created:
        org = demo._Organisation(plan.organisation, clock.today_in(plan.organisation.time_zone))
        view = case_view(case=case)
        for event in ("acknowledged", *demo.EVERYDAY, *view.allowed_actions()):
            who = engine_paths.who_takes(view, event, set(org.people))
            if who is None or who in engine_paths.PARTIES or event in engine_paths.NOT_SEARCHED:
                continue
            data: dict[str, Any] = {}
            if event == "handler_assigned":
                handler = org.handler_for(set())({assignment.role for assignment in view.responsible})
                if handler is None:
                    continue
                data = {"handler": handler}
            definition = engine_paths.action_definition(plan.procedure, view.stage, event)
            if definition is not None and definition.outcomes:
                data["outcome"] = definition.outcomes[0]
            actor, _party = org.user_for(who)
            started = time.perf_counter()
            case_act(case=case, actor=actor, action=event, data=data, expected_version=case.version)
            act_ms.append((time.perf_counter() - started) * 1000)
            acted[event] += 1
            break
    print(f"  case_act actions taken: {dict(acted)}")
    return [summary("case_register (through the service)", register_ms), summary("case_act (one action)", act_ms)], [
        case for case, _plan in created
    ]


def measure_reads(plans: list[OrgPlan], runs: int, seed: int) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    rng = random.Random(seed)
    plan = max(plans, key=lambda plan: Case.objects.filter(organisation=plan.organisation).count())
    organisation = plan.organisation
    today = clock.today_in(organisation.time_zone)
    manager = User.objects.get(username=username_for(organisation.reference_prefix, "senior_manager"))
    busiest = (
        Case.objects.filter(organisation=organisation, status="open", handler__isnull=False)
        .values("handler_id")
        .annotate(n=models.Count("id"))
        .order_by("-n")
        .first()
    )
    handler_id = busiest["handler_id"] if busiest else None
    superuser = User.objects.filter(is_superuser=True).first()
    case_ids = list(Case.objects.filter(organisation=organisation).values_list("id", flat=True)[:: max(1, 1000)])
    counts = {
        "cases of the organisation": Case.objects.filter(organisation=organisation).count(),
        "open": Case.objects.filter(organisation=organisation, status="open").count(),
        "overdue": Case.objects.filter(organisation=organisation, status="open", next_due__lt=today).count(),
        "open cases of the busiest handler": busiest["n"] if busiest else 0,
    }
    print(f"  organisation {organisation.slug}: {counts}")
    queries: dict[str, Callable[[], Any]] = {
        "inbox: open cases of one organisation, first page": lambda: list(
            case_list(actor=manager, filters=CaseFilters(organisation=organisation.slug, status="open"))[:25]
        ),
        "overdue: one organisation, most overdue first": lambda: list(cases_overdue(actor=manager, today=today)[:25]),
        "handler inbox: open cases of one handler": lambda: list(
            case_list(actor=manager, filters=CaseFilters(handler=handler_id, status="open"))[:25]
        ),
        "overdue: every organisation (superuser)": lambda: list(cases_overdue(actor=superuser, today=today)[:25]),
    }
    rows = [summary(name, timed(query, runs)) for name, query in queries.items()]

    def detail() -> None:
        case = case_detail(actor=manager, case_id=rng.choice(case_ids))
        list(case.parties.all()), list(case.terms.all()), list(case.events.all())

    rows.append(summary("case detail (selector with its prefetches)", timed(detail, runs)))

    def detail_and_view() -> None:
        case = case_detail(actor=manager, case_id=rng.choice(case_ids))
        case_view(case=case, today=today)

    rows.append(summary("case detail + engine view (what the page shows)", timed(detail_and_view, runs)))
    plans_text: list[tuple[str, str]] = []
    if connection.vendor == "postgresql":
        explained = {
            "inbox": case_list(actor=manager, filters=CaseFilters(organisation=organisation.slug, status="open"))[:25],
            "overdue": cases_overdue(actor=manager, today=today)[:25],
            "handler inbox": case_list(actor=manager, filters=CaseFilters(handler=handler_id, status="open"))[:25],
            "overdue, every organisation": cases_overdue(actor=superuser, today=today)[:25],
        }
        for name, queryset in explained.items():
            text = queryset.explain(analyze=True, buffers=True)
            plans_text.append((name, text))
            print(f"\n  EXPLAIN ANALYZE {name}:")
            for line in text.splitlines()[:14]:
                print(f"    {line}")
    return rows, plans_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    postgres = connection.vendor == "postgresql"
    parser.add_argument("--cases", type=int, default=1_000_000 if postgres else 10_000)
    parser.add_argument("--handlers", type=int, default=25, help="extra handlers per organisation")
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50, help="runs of each read")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--skip-load", action="store_true", help="measure the cases already loaded")
    parser.add_argument("--json", help="write the numbers to this file")
    args = parser.parse_args()

    version = ""
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            version = f"{connection.vendor} {connection.Database.sqlite_version}"
    print(f"Database: {version}; {os.cpu_count()} CPUs; today {dt.date.today()}")
    plans = ensure_people(args.handlers)
    for plan in plans:
        print(
            f"  {plan.organisation.slug:<26} {plan.procedure.id:<20} {len(plan.open_templates)} open and "
            f"{len(plan.closed_templates)} closed templates, {len(plan.handlers)} handlers"
        )
    load_seconds = None
    if not args.skip_load:
        print(f"Loading {args.cases:,} cases")
        load_seconds = bulk_load(plans, args.cases, args.seed)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s")
    totals = {
        model.__name__: model.objects.count() if not postgres else _estimate(model)
        for model in (Case, CaseEvent, Term, Party)
    }
    print(f"Rows: {totals}")
    print("Writes")
    writes, _created = measure_writes(plans, args.registrations, args.seed)
    print("Reads")
    reads, explained = measure_reads(plans, args.runs, args.seed)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "database": version,
                    "cases": args.cases,
                    "load_seconds": load_seconds,
                    "rows": totals,
                    "writes": writes,
                    "reads": reads,
                    "plans": dict(explained),
                },
                handle,
                indent=2,
                default=str,
            )


def _estimate(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
