"""Who sees which case. `cases_visible_to` is the one place that decides it, as one database filter; it states the
rules of `plaint.access.rules` (docs/access.md) in SQL, and a test keeps the two in agreement. `case_detail` and
`case_visible` give one case or an audited 404; `case_read` records the read before the case is shown.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, TextField, prefetch_related_objects
from django.db.models.functions import Coalesce

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.roles import PersonRoles, actor_case_roles, actor_roles
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
from plaint.cases.models import (
    Case,
    CaseEvent,
    Confidentiality,
    FollowUp,
    NoEligibleHandler,
    Party,
    PartyRole,
    SensitiveSection,
)
from plaint.core import clock
from plaint.core.aggregates import JoinedText, split_joined
from plaint.organisations.models import Membership, Organisation, Person
from plaint.organisations.selectors import line_manager_ids

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


RoutedPast = tuple[tuple[int, tuple[str, str], tuple[int, ...]], ...]
ReportsTo = tuple[tuple[int, tuple[int, ...]], ...]


def _routed_past(person: Person, day: dt.date, scope: PersonRoles) -> RoutedPast:
    """Whom the routing sends cases past this person, a line manager of a subject (`access.rules.is_routed_past`):
    per organisation and (role the subject holds, role the case is routed to), the subjects.

    Walks down the person's line-management tree in each organisation (one query per level), keeping for each
    report whether someone between them and the person holds the role the case is routed to.
    """
    routed = stage_table().routed
    pairs = sorted({pair for stage_pairs in routed.values() for pair in stage_pairs})
    if not pairs:
        return ()
    found: list[tuple[int, tuple[str, str], tuple[int, ...]]] = []
    # Every membership, also one without roles: a line manager holding none is still routed past (the predicate
    # `is_routed_past` does not ask for the manager's own roles).
    my_roles: dict[int, set[str]] = defaultdict(set)
    for membership in scope.memberships_on(day):  # the scope read with the person: no query
        my_roles[membership.organisation_id].update(membership.roles)
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
        found += [(organisation_id, pair, tuple(sorted(people))) for pair, people in sorted(subjects.items())]
    return tuple(found)


def _routed_past_q(parts: RoutedPast) -> Q | None:
    """Cases about the subjects `_routed_past` found, in the stages that route past their line managers."""
    routed = stage_table().routed
    condition: Q | None = None
    for organisation_id, pair, people in parts:
        stages = [key for key, stage_pairs in routed.items() if pair in stage_pairs]
        about_them = Party.objects.filter(role=PartyRole.SUBJECT, person_id__in=people).values("case_id")
        part = Q(organisation_id=organisation_id) & _stages_q(stages) & Q(pk__in=about_them)
        condition = part if condition is None else condition | part
    return condition


def _reports_to(person: Person, day: dt.date, scope: PersonRoles) -> ReportsTo:
    """Per organisation the person belongs to with a line manager (the scope read with the person), their chain of
    line managers (`access.rules.reports_to_subject`): one query per such organisation."""
    managed = {membership.organisation_id for membership in scope.memberships_on(day) if membership.line_manager_id}
    found = []
    for organisation_id in sorted(managed):
        chain = line_manager_ids(person_id=person.pk, organisation_id=organisation_id, on=day)
        if chain:
            found.append((organisation_id, tuple(chain)))
    return tuple(found)


def _reports_to_subject_q(parts: ReportsTo) -> Q | None:
    """Cases about someone above this person in a line-management chain: the cases naming one of them as subject."""
    condition: Q | None = None
    for organisation_id, chain in parts:
        about = Party.objects.filter(role=PartyRole.SUBJECT, person_id__in=chain).values("case_id")
        part = Q(organisation_id=organisation_id) & Q(pk__in=about)
        condition = part if condition is None else condition | part
    return condition


#: Nobody named to handle the case, or the one named left (docs/access.md, "Hand-over"): `access.rules.awaits_handler`.
_awaits_handler = Q(handler__isnull=True, delegate__isnull=True) | Q(no_eligible_handler=NoEligibleHandler.HANDLER_LEFT)
#: The handler's or delegate's own view of the case ends when they left: `access.rules.is_handler_or_delegate`.
_handler_stayed = ~Q(no_eligible_handler=NoEligibleHandler.HANDLER_LEFT)


def cases_visible_to(*, actor: User) -> QuerySet[Case]:
    """The cases the actor may see (`cases.view_case`), as one filter: never a loop over cases.

    Staff of a case's organisation (or of the firm serving it) see its normal cases; confidential cases only those
    assigned to them or working on their current stage (through a firm: only until someone is named to handle it);
    nobody sees a case they are a subject of, involved in, or routed past; analysts see none (they read
    `cases_anonymised`). Superusers see every case.
    """
    if not actor.is_authenticated or not actor.is_active:
        return Case.objects.none()
    if actor.is_superuser:
        return Case.objects.all()
    person = person_of(actor)
    if person is None:
        return Case.objects.none()
    day = access_day()
    scope = actor_roles(actor, person)
    table = stage_table()
    # What the filter is built from: the scope read with the person, the line-management walks (their queries run
    # on every call) and the procedures' stage table. The same inputs give the same filter, so it is built once and
    # kept (building it cost more than running it: bench/README.md, issue 17); a change of any input is a new key.
    key = (
        actor.pk,
        person.pk,
        tuple(sorted(scope.own.items())),
        scope.clients,
        scope.units_managed,
        _routed_past(person, day, scope),
        _reports_to(person, day, scope),
        id(table),
    )
    built = _filters.get(key)
    if built is None or built[0] is not table:
        built = (table, _visible_filter(actor, person, scope, key[5], key[6]))
        if len(_filters) >= _FILTERS_KEPT:
            _filters.clear()
        _filters[key] = built
    return built[1].all()  # a copy: a caller that evaluates it fills its own result cache, never the kept one


#: Filters built by `cases_visible_to`, by everything they were built from (a few hundred people a process).
_filters: dict[tuple[Any, ...], tuple[Any, QuerySet[Case]]] = {}
_FILTERS_KEPT = 512


def _visible_filter(
    actor: User, person: Person, scope: PersonRoles, routed_past_parts: RoutedPast, reports_to_parts: ReportsTo
) -> QuerySet[Case]:
    roles_by_organisation = scope.by_case_organisation()
    staff_organisations = sorted(key for key, roles in roles_by_organisation.items() if roles & STAFF_ROLES)
    # Every part is a plain column test or a subquery that does not refer to the case row (bench/README.md): the
    # visible part then combines indexes (a BitmapOr), the conflicts are hashed once, and PostgreSQL's estimate stays
    # low enough not to JIT-compile the query (a correlated EXISTS inside the OR cost a second per list at 100,000).
    assigned = Party.objects.filter(person=person, role__in=ASSIGNED_PARTY_ROLES).values("case_id")
    visible = (
        Q(confidentiality=Confidentiality.NORMAL, organisation_id__in=staff_organisations)
        | ((Q(handler=person) | Q(delegate=person)) & _handler_stayed)
        | Q(created_by=actor)
        | Q(pk__in=assigned)
        | _stage_role_q(scope.own)
        # a client's confidential case, through the firm serving it: by role until someone is named, then by person
        | (_stage_role_q(roles_by_organisation) & (Q(confidentiality=Confidentiality.NORMAL) | _awaits_handler))
    )
    subject_or_involved = Party.objects.filter(Q(role=PartyRole.SUBJECT) | Q(involved=True), person=person)
    conflict = Q(pk__in=subject_or_involved.values("case_id"))
    if scope.units_managed:  # the scope read with the person: most staff manage no unit, and skip this part
        about_their_unit = Party.objects.filter(role=PartyRole.SUBJECT, unit_id__in=scope.units_managed)
        # the manager of a unit complained about, except where the case goes to that manager (WP-02)
        unit_manager_stages = _stages_q(stage_table().unit_manager)
        conflict |= Q(pk__in=about_their_unit.values("case_id")) & ~unit_manager_stages
    routed_past = _routed_past_q(routed_past_parts)
    if routed_past is not None:
        conflict |= routed_past
    reports_to = _reports_to_subject_q(reports_to_parts)
    if reports_to is not None:
        conflict |= reports_to
    return Case.objects.filter(visible & ~conflict)


def case_detail(*, actor: User, case_id: int, source: AuditSource | None = None) -> Case:
    """One visible case with its parties, terms, history and follow-ups; `CaseNotFound` hides the others.

    Read by its id with its parties, then judged by the predicate `cases.view_case` (`access.rules`, the rules
    `cases_visible_to` states as a filter; the access matrix keeps the two in agreement), which answers from the
    actor's roles read once per request and the parties in hand, without building the list's filter. The rest is
    read only for a case the actor may see. A refusal is logged and recorded in the audit trail (`access.denied`),
    whether or not the case exists.
    """
    sensitive = SensitiveSection.objects.filter(case=OuterRef("pk")).order_by().values("case")
    cases = Case.objects.select_related("organisation", "handler", "delegate").annotate(
        sensitive_count=Coalesce(Subquery(sensitive.annotate(n=Count("pk")).values("n")), 0),
        category_codes=_codes(Case.categories.through, "category__code"),
        cause_codes=_codes(Case.causes.through, "cause__code"),
    )
    case = case_seen(actor=actor, case_id=case_id, source=source, cases=cases)
    prefetch_related_objects(
        [case],
        "terms",
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner")),
    )
    return case


def _codes(through: Any, code: str) -> Subquery:
    """The codes of a case's categories or causes, joined (`split_joined`), read with the case: no query of their
    own (`case_codes`)."""
    rows = through.objects.filter(case_id=OuterRef("pk")).order_by().values("case_id")
    return Subquery(rows.annotate(joined=JoinedText(F(code))).values("joined"), output_field=TextField())


_CODES = {"categories": "category_codes", "causes": "cause_codes"}


def case_codes(case: Case, relation: str) -> list[str]:
    """The sorted codes of the case's `categories` or `causes`: read with it by `case_detail`, else one query."""
    if hasattr(case, _CODES[relation]):
        return sorted(split_joined(getattr(case, _CODES[relation])))
    return sorted(row.code for row in getattr(case, relation).all())


def case_seen(
    *, actor: User, case_id: int, source: AuditSource | None = None, cases: QuerySet[Case] | None = None
) -> Case:
    """The case (from `cases`, by default with its organisation) with its parties, if the actor may see it
    (`cases.view_case`, judged on the parties in hand: two queries); else `CaseNotFound`, logged and audited
    (`access.denied`) whether or not the case exists. What an action starts from (`case_act` checks the rest)."""
    rows = cases if cases is not None else Case.objects.select_related("organisation")
    case = (
        rows.prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("person", "unit")))
        .filter(pk=case_id)
        .first()
    )
    if case is None or not actor.has_perm("cases.view_case", case):
        access_denied(actor=actor, permission="cases.view_case", case=case, case_id=case_id, source=source)
        raise CaseNotFound()
    return case


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


def case_permissions(*, case: Case, actor: User) -> dict[str, bool]:
    """What the actor may do with a case they can see: act on it, see its sensitive sections."""
    return {
        "act": actor.has_perm("cases.act_on_case", case),
        "view_sensitive": actor.has_perm("cases.view_sensitive", case),
    }


def case_roles(*, case: Case, actor: User) -> tuple[str, ...]:
    """The roles the actor acts in on the case: theirs in its organisation and in the firm serving it (WV-02)."""
    return actor_case_roles(actor, case.organisation)


def case_visible(actor: User, case_id: int, source: AuditSource | None, *, cases: QuerySet[Case] | None = None) -> Case:
    """The case if the actor may see it (from `cases`, a narrowing of `cases_visible_to` with what the caller will
    read), else `CaseNotFound`, logged and audited (`access.denied`) whether or not the case exists."""
    visible = cases if cases is not None else cases_visible_to(actor=actor).select_related("organisation")
    case = visible.filter(pk=case_id).first()
    if case is None:
        hidden = Case.objects.select_related("organisation").filter(pk=case_id).first()
        access_denied(actor=actor, permission="cases.view_case", case=hidden, case_id=case_id, source=source)
        raise CaseNotFound()
    return case
