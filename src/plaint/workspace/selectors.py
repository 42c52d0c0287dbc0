"""The workspace's reads: the inbox, its filter choices, saved views, a case's related cases and the follow-up list.

Every read starts from `plaint.cases.selectors.cases_visible_to` (through `case_list`), so what a page lists, counts
or searches is only ever what the person may see. Queries per page are a fixed number, whatever the number of cases
(pinned by tests/workspace/test_inbox.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.cache import cache
from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.utils import translation

from plaint.access.models import User
from plaint.access.rules import person_of
from plaint.cases.models import Case, Category, Cause, FollowUp, Party, PartyRole, Status
from plaint.cases.selectors import CaseFilters, case_list, cases_visible_to, organisation_ids_of
from plaint.core import clock
from plaint.engine import EngineInputError, Procedure
from plaint.engine.calendar import Calendar
from plaint.organisations.models import Membership, Organisation, OrganisationalUnit, Person
from plaint.procedures.models import ProcedureAdoption
from plaint.procedures.selectors import procedure_definition
from plaint.workspace.models import SavedView
from plaint.workspace.search import case_search_q

SCOPES = ("mine", "team", "all")
#: A case due within this many working days (in its procedure's calendar) is marked "due soon".
DUE_SOON_WORKING_DAYS = 3
PAGE_SIZE = 25
SUMMARY_CHARS = 80
#: The inbox counts at most this many cases past the start of the page it shows; beyond it the page says "more than
#: 100 cases; narrow the filters" (on page 3: "more than 150"). The count is a bounded probe: one walk of the visible
#: cases in due order, on the due-date index, that stops after the page and this many more, so it costs the same at
#: 100,000 cases as at 1,000,000 (docs/workspace.md, bench/README.md). The API's list counts to 10,000.
COUNT_CAP = 100
#: A list opened from a figure of the analysis page (a period of receipt or closure given) counts to this many, so it
#: shows the very number the figure said (tests/workspace/test_analysis_page.py): a period bounds the walk.
PERIOD_COUNT_CAP = 1_000
#: The deepest page the inbox goes to (10,000 cases, what the API's list counts to): a page number in the address
#: beyond it shows this page, so no address makes the probe read more ids than that.
MAX_PAGE = 400


def _lang() -> Literal["en", "nl"]:
    return "nl" if (translation.get_language() or "en").startswith("nl") else "en"


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox shows: a scope, filters, a search and a page (all optional)."""

    scope: str = "all"
    search: str = ""
    organisation: str | None = None  # slug
    kind: str | None = None
    stage: str | None = None
    status: str | None = None
    category: str | None = None
    cause: str | None = None
    handler: int | None = None
    channel: str | None = None
    overdue: bool | None = None
    outcome: str | None = None
    received_from: dt.date | None = None  # received on or after (the analysis page links with these)
    received_to: dt.date | None = None
    # The analysis page's other links (issue 12): a subject unit, a commissioning party, closed in a period, and
    # calendar days from receipt to closure (a handling-time bucket).
    unit: int | None = None
    commissioner: str | None = None
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None
    handled_min: int | None = None
    handled_max: int | None = None
    page: int = 1


@dataclass(frozen=True)
class InboxRow:
    case: Case
    stage_label: str
    #: "overdue", "due_soon", "on_time", "closed" or "no_term"
    due_state: str
    #: Working days from today to the next due date (negative once passed); None without a due date.
    working_days_left: int | None
    #: The summary (or the kind) in at most `SUMMARY_CHARS` characters, as the inbox's row shows it.
    summary_line: str = ""


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    count: int
    count_exact: bool
    page: int
    #: The number of pages when the count is exact; else `page + 1` (another page follows, how many is not counted).
    pages: int

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def team_of(*, person: Person, on: dt.date) -> list[int]:
    """The person and everyone they manage, directly as line manager or as manager of their unit (or a unit under
    it): the people whose cases make up "my team's" in the inbox."""
    managed_units = set(OrganisationalUnit.objects.filter(manager=person).values_list("pk", flat=True))
    frontier = set(managed_units)
    while frontier:  # one query per level of units, never per case
        frontier = set(OrganisationalUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= managed_units
        managed_units |= frontier
    members = Membership.objects.active_on(on).filter(Q(line_manager=person) | Q(unit_id__in=sorted(managed_units)))
    return sorted({person.pk, *members.values_list("person_id", flat=True)})


def _analysis_filters(cases: QuerySet[Case], query: InboxQuery) -> QuerySet[Case]:
    """The filters only the analysis page links with (hidden in the inbox's form)."""
    if query.unit is not None:
        about = Party.objects.filter(case_id=OuterRef("pk"), role=PartyRole.SUBJECT, unit_id=query.unit)
        cases = cases.filter(Exists(about))
    if query.commissioner is not None:
        cases = cases.filter(commissioning_party=query.commissioner)
    if query.closed_from or query.closed_to:
        cases = cases.filter(status="closed")
    if query.closed_from:
        cases = cases.filter(closed_on__gte=query.closed_from)
    if query.closed_to:
        cases = cases.filter(closed_on__lte=query.closed_to)
    if query.handled_min is not None or query.handled_max is not None:
        days = ExpressionWrapper(F("closed_on") - F("received_on"), output_field=DurationField())
        cases = cases.filter(status="closed").alias(handled=days)
        if query.handled_min is not None:
            cases = cases.filter(handled__gte=dt.timedelta(days=query.handled_min))
        if query.handled_max is not None:
            cases = cases.filter(handled__lte=dt.timedelta(days=query.handled_max))
    return cases


def inbox_cases(*, actor: User, query: InboxQuery, today: dt.date | None = None) -> QuerySet[Case]:
    """The cases of the inbox, soonest next due date first: visible, in the scope, filtered and searched."""
    filters = CaseFilters(
        organisation=query.organisation,
        kind=query.kind,
        stage=query.stage,
        status=query.status,
        handler=query.handler,
        overdue=query.overdue,
    )
    cases = case_list(actor=actor, filters=filters, today=today)
    # Categories and causes as a probe of the link table's index per case walked (a scalar subquery, which PostgreSQL
    # never turns into a join): with EXISTS it hashed every case of that category in every organisation before the
    # first row, work that grows with the cases (bench/README.md, the inbox).
    if query.category:
        linked = Case.categories.through.objects.filter(case_id=OuterRef("pk"), category__code=query.category)
        cases = cases.alias(in_category=Subquery(linked.values("case_id")[:1])).filter(in_category__isnull=False)
    if query.cause:
        linked_cause = Case.causes.through.objects.filter(case_id=OuterRef("pk"), cause__code=query.cause)
        cases = cases.alias(in_cause=Subquery(linked_cause.values("case_id")[:1])).filter(in_cause__isnull=False)
    if query.channel:
        cases = cases.filter(channel=query.channel)
    if query.outcome:
        cases = cases.filter(outcome=query.outcome)
    if query.received_from:
        cases = cases.filter(received_on__gte=query.received_from)
    if query.received_to:
        cases = cases.filter(received_on__lte=query.received_to)
    cases = _analysis_filters(cases, query)
    if query.scope in ("mine", "team"):
        person = person_of(actor)
        if person is None:
            return cases.none()
        if query.scope == "mine":
            assigned = Party.objects.filter(person=person, role__in=(PartyRole.COMMITTEE_MEMBER, PartyRole.EXPERT))
            cases = cases.filter(Q(handler=person) | Q(delegate=person) | Q(pk__in=assigned.values("case_id")))
        else:
            team = team_of(person=person, on=today or clock.now().date())
            cases = cases.filter(Q(handler_id__in=team) | Q(delegate_id__in=team))
    if query.search:
        condition = case_search_q(query.search)
        if condition is not None:
            cases = cases.filter(condition)
    return cases


class _Calendars:
    """Each procedure version's calendar and definition, built once per request."""

    def __init__(self) -> None:
        self._procedures: dict[tuple[str, int], Procedure] = {}
        self._calendars: dict[tuple[str, int], Calendar] = {}

    def procedure(self, case: Case) -> Procedure:
        key = (case.procedure_id, case.procedure_version)
        if key not in self._procedures:
            self._procedures[key] = procedure_definition(procedure_id=key[0], version=key[1])
        return self._procedures[key]

    def calendar(self, case: Case) -> Calendar:
        key = (case.procedure_id, case.procedure_version)
        if key not in self._calendars:
            self._calendars[key] = self.procedure(case).working_calendar
        return self._calendars[key]


def stage_label(procedure: Procedure, stage: str, lang: Literal["en", "nl"] | None = None) -> str:
    found = procedure.stage_by_key.get(stage) if stage else None
    if found is None:
        return stage.replace("_", " ")
    return found.label.get(lang or _lang())


def due_state(case: Case, calendar: Calendar, today: dt.date) -> tuple[str, int | None]:
    """Whether the case is overdue, due within `DUE_SOON_WORKING_DAYS` working days, on time, closed or without a
    running term; and the working days left (negative once passed)."""
    if case.status == Status.CLOSED:
        return "closed", None
    if case.next_due is None:
        return "no_term", None
    left = calendar.working_days_between(today, case.next_due)
    if case.next_due < today:
        return "overdue", left
    if left <= DUE_SOON_WORKING_DAYS:
        return "due_soon", left
    return "on_time", left


def inbox_rows(cases: Sequence[Case], *, today: dt.date | None = None) -> list[InboxRow]:
    """A page of cases as inbox rows, judged on today in each case's organisation's time zone."""
    calendars = _Calendars()
    rows = []
    for case in cases:
        day = today or clock.today_in(case.organisation.time_zone)
        state, left = due_state(case, calendars.calendar(case), day)
        summary = case.summary or str(case.get_kind_display())
        if len(summary) > SUMMARY_CHARS:  # as Django's truncatechars, without its cost per row (bench/README.md)
            summary = summary[: SUMMARY_CHARS - 1] + "…"
        rows.append(InboxRow(case, stage_label(calendars.procedure(case), case.stage), state, left, summary))
    return rows


def inbox(*, actor: User, query: InboxQuery, today: dt.date | None = None) -> InboxPage:
    """One page of the inbox (`PAGE_SIZE` rows) with its count: exact up to `COUNT_CAP` cases past the page's start,
    else "more than" that many.

    Two queries, whatever the number of cases: the ids of the visible, filtered cases in due order up to the page's
    end plus `COUNT_CAP` (the count, and the page's ids, from one walk of the due-date index that stops there), then
    the page's cases by id with their organisation and handler. A page past the last shows the last."""
    cases = inbox_cases(actor=actor, query=query, today=today)
    wanted = min(max(1, query.page), MAX_PAGE)
    period = any((query.received_from, query.received_to, query.closed_from, query.closed_to))
    limit = (wanted - 1) * PAGE_SIZE + max(PERIOD_COUNT_CAP if period else COUNT_CAP, PAGE_SIZE)
    ids = list(cases.values_list("pk", flat=True)[: limit + 1])
    exact = len(ids) <= limit
    if exact:
        pages = max(1, -(-len(ids) // PAGE_SIZE))
        page = min(wanted, pages)
    else:  # more than `limit`: this page is full and another follows; how many is not counted
        page, pages = wanted, min(wanted + 1, MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    page_ids = ids[start : start + PAGE_SIZE]
    found = Case.objects.select_related("organisation", "handler", "delegate").in_bulk(page_ids)
    chunk = [found[pk] for pk in page_ids if pk in found]
    return InboxPage(
        rows=inbox_rows(chunk, today=today),
        count=len(ids) if exact else limit,
        count_exact=exact,
        page=page,
        pages=pages,
    )


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class InboxChoices:
    """What the inbox's filters offer this person: only organisations (and their lists) whose cases they may see."""

    organisations: list[Choice] = field(default_factory=list)
    stages: list[Choice] = field(default_factory=list)
    categories: list[Choice] = field(default_factory=list)
    causes: list[Choice] = field(default_factory=list)
    handlers: list[Choice] = field(default_factory=list)


#: The filter choices of a set of organisations are kept this long in Django's cache (`inbox_choices`). A change to
#: what they list (an organisation, a procedure adopted, a category or cause, a person, a membership or its roles)
#: drops them at once in this process (`inbox_choices_changed`, connected in apps.py); another process with its own
#: memory cache sees it within this time, every process at once when CACHES is shared (Redis): docs/workspace.md.
CHOICES_SECONDS = 60
_CHOICES_GENERATION = "workspace:inbox-choices:generation"


def inbox_choices_changed(**_kwargs: Any) -> None:
    """Forget every kept set of filter choices (a signal receiver: what they list has changed)."""
    cache.delete(_CHOICES_GENERATION)


def inbox_choices(*, actor: User) -> InboxChoices:
    """The choices of the inbox's filters: only the organisations whose cases the person may see, and their lists.

    They depend on that set of organisations, the language and the day only, so they are kept per set in Django's
    cache (`CHOICES_SECONDS`); the set itself is read for every request, so a person who loses an organisation never
    sees its choices again. Two queries when kept (the set), seven when not: a fixed number either way."""
    lang = _lang()
    today = clock.now().date()
    if actor.is_superuser:
        ids = sorted(Organisation.objects.values_list("pk", flat=True))
    else:
        ids = organisation_ids_of(actor=actor, on=today)
    generation = cache.get(_CHOICES_GENERATION)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(_CHOICES_GENERATION, generation, None)
    key = hashlib.sha256(f"{generation}:{lang}:{today}:{ids}".encode()).hexdigest()
    key = f"workspace:inbox-choices:{key}"
    found = cache.get(key)
    if not isinstance(found, InboxChoices):
        found = _inbox_choices(ids, lang=lang, today=today)
        cache.set(key, found, CHOICES_SECONDS)
    return found


def _inbox_choices(ids: list[int], *, lang: Literal["en", "nl"], today: dt.date) -> InboxChoices:
    organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    stages: dict[str, str] = {}
    for procedure_id, version in (
        ProcedureAdoption.objects.filter(organisation_id__in=ids).values_list("procedure_id", "version").distinct()
    ):
        try:
            procedure = procedure_definition(procedure_id=procedure_id, version=version)
        except EngineInputError:
            continue
        for stage in procedure.stages:
            stages.setdefault(stage.key, stage.label.get(lang))
    categories = {
        item.code: item.name(lang) for item in Category.objects.filter(organisation_id__in=ids).order_by("code")
    }
    causes = {item.code: item.name(lang) for item in Cause.objects.filter(organisation_id__in=ids).order_by("code")}
    handlers = (
        Person.objects.filter(
            memberships__in=Membership.objects.active_on(today).filter(
                organisation_id__in=ids, roles__code__in=("handler", "manager", "complaints_officer")
            )
        )
        .distinct()
        .order_by("name")
    )
    return InboxChoices(
        organisations=[Choice(organisation.slug, organisation.name) for organisation in organisations],
        stages=[Choice(key, label) for key, label in sorted(stages.items(), key=lambda item: item[1].lower())],
        categories=[Choice(code, name) for code, name in categories.items()],
        causes=[Choice(code, name) for code, name in causes.items()],
        handlers=[Choice(str(person.pk), person.name) for person in handlers],
    )


def may_administer(*, actor: User) -> bool:
    """Whether the person sees the link to the admin: superusers and administrators of an organisation."""
    if actor.is_superuser:
        return True
    if not actor.is_staff:
        return False
    return (
        Membership.objects.active_on(clock.now().date())
        .filter(person__user=actor, roles__code="administrator")
        .exists()
    )


def saved_views_of(*, actor: User) -> list[SavedView]:
    """The person's own saved inbox views, by name."""
    if not actor.is_authenticated:
        return []
    return list(SavedView.objects.filter(user=actor).order_by("name"))


def saved_view(*, actor: User, view_id: int) -> SavedView | None:
    """One of the person's own saved views; None for another person's (never revealed)."""
    return SavedView.objects.filter(user=actor, pk=view_id).first()


# The case page: what else the person should know


def earlier_cases_of_complainant(
    *, actor: User, case: Case, limit: int = 10, visible: QuerySet[Case] | None = None
) -> list[Case]:
    """The complainant's other cases with the organisation that the person may see, newest first (XS-16): matched on
    the complainant's email address, else their name."""
    complainant = next((party for party in case.parties.all() if party.role == PartyRole.COMPLAINANT), None)
    if complainant is None:
        return []
    same = Q(role=PartyRole.COMPLAINANT)
    if complainant.email:
        same &= Q(email__iexact=complainant.email)
    elif complainant.person_id is not None:
        same &= Q(person_id=complainant.person_id)
    elif complainant.name:
        same &= Q(name__iexact=complainant.name)
    else:
        return []
    theirs = Party.objects.filter(same, case__organisation_id=case.organisation_id).values("case_id")
    visible = visible if visible is not None else cases_visible_to(actor=actor)
    return list(
        visible.filter(pk__in=theirs)
        .exclude(pk=case.pk)
        .order_by("-received_at")
        .only("pk", "reference", "summary", "received_on", "status", "outcome")[:limit]
    )


@dataclass(frozen=True)
class Recurrence:
    """A subject or category that came back in the organisation's recent cases (XS-17)."""

    what: str  # "subject" or "category"
    name: str
    count: int  # other visible cases in the period


RECURRENCE_DAYS = 365


def recurrences(*, actor: User, case: Case, visible: QuerySet[Case] | None = None) -> list[Recurrence]:
    """The subjects (people or units) and categories of this case that other visible cases of the organisation in the
    last year share (XS-17): a recurring theme to point out. `visible`: the actor's visible cases when the caller
    has built that query already (building it costs more than running it here)."""
    since = case.received_on - dt.timedelta(days=RECURRENCE_DAYS)
    visible = visible if visible is not None else cases_visible_to(actor=actor)
    others = visible.filter(organisation_id=case.organisation_id, received_on__gte=since)
    others = others.exclude(pk=case.pk)
    found: list[Recurrence] = []
    for party in case.parties.all():
        if party.role != PartyRole.SUBJECT:
            continue
        if party.person_id is not None:
            same = Party.objects.filter(role=PartyRole.SUBJECT, person_id=party.person_id)
        elif party.unit_id is not None:
            same = Party.objects.filter(role=PartyRole.SUBJECT, unit_id=party.unit_id)
        else:
            continue
        count = others.filter(pk__in=same.values("case_id")).count()
        if count:
            found.append(Recurrence("subject", party.display_name, count))
    lang = _lang()
    for category in case.categories.all():
        count = others.filter(categories=category).count()
        if count:
            found.append(Recurrence("category", category.name(lang), count))
    return found


# The follow-up list


@dataclass(frozen=True)
class FollowUpList:
    follow_ups: list[FollowUp]
    external: list[InboxRow]


def follow_up_list(*, actor: User, today: dt.date | None = None, limit: int = 100) -> FollowUpList:
    """What must be followed up: open agreements and measures (WP-06, XS-17, WP-19) of visible cases, soonest follow-up
    date first (those without one last); and open cases waiting on an external body (their stage's kind is
    `external`)."""
    visible = cases_visible_to(actor=actor)
    follow_ups = list(
        FollowUp.objects.filter(completed_on__isnull=True, case__in=visible.values("pk"))
        .select_related("case", "case__organisation", "owner")
        .order_by(F("follow_up_on").asc(nulls_last=True), "id")[:limit]
    )
    external_stages: list[Q] = []
    for procedure_id, version in (
        visible.filter(status=Status.OPEN).order_by().values_list("procedure_id", "procedure_version").distinct()
    ):
        procedure = procedure_definition(procedure_id=procedure_id, version=version)
        keys = [stage.key for stage in procedure.stages if stage.kind == "external"]
        if keys:
            external_stages.append(Q(procedure_id=procedure_id, procedure_version=version, stage__in=keys))
    external: list[Case] = []
    if external_stages:
        condition = external_stages[0]
        for part in external_stages[1:]:
            condition |= part
        external = list(
            visible.filter(condition, status=Status.OPEN)
            .select_related("organisation", "handler")
            .order_by("next_due", "id")[:limit]
        )
    return FollowUpList(follow_ups=follow_ups, external=inbox_rows(external, today=today))


def query_from_saved(view: SavedView) -> dict[str, Any]:
    """A saved view's parameters, as the inbox's address takes them."""
    return {key: value for key, value in dict(view.query).items() if isinstance(value, str) and value}
