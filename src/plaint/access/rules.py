"""Who may see and do what with a case: `rules` predicates over (user, case), and the permissions built from them.

`docs/access.md` states the rules in words. The same rules are written twice, on purpose: here as predicates that
look at one case (for `user.has_perm("cases.view_case", case)`, the services and the admin), and in
`plaint.cases.selectors.cases_visible_to` as one database filter over all cases (for lists). A test keeps the two in
agreement over a matrix of users and cases. Both read only stored data (memberships, roles, line managers, the
case's parties, assignment columns and its current stage) plus the procedure definitions, never the engine's
evaluation of one case, so that a list is a query and not a loop.

Permissions (`user.has_perm(name, obj)`; an active superuser has every permission):

* `cases.view_case` (case): see the case and its history.
* `cases.act_on_case` (case): record actions on it (the engine then decides which).
* `cases.view_sensitive` (case): see its sensitive sections (medical information, interview records: WA-11).
* `cases.register_case` (organisation): register a case for the organisation.
* `cases.view_anonymised` (organisation): see anonymised case data of the organisation (WA-12, WP-22, XS-20).
* `cases.view_case` / `cases` without an object: the person works on cases somewhere (the admin's case pages).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from rules import permissions as rule_permissions
from rules.predicates import Predicate

import plaint.procedures
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.roles import actor_roles, case_roles_of
from plaint.core import clock
from plaint.engine import EngineInputError, ProcedureError, load_directory
from plaint.organisations.models import Membership, Organisation, Person, Role
from plaint.organisations.selectors import line_management_chain
from plaint.procedures.selectors import stored_procedures

#: Roles whose holders work on cases. Analysts never see a case itself, only anonymised data (WA-12, WP-22).
STAFF_ROLES = frozenset(code.value for code in Role.Code) - {Role.Code.ANALYST.value}
#: Roles whose holders may record actions (the engine then decides which: WerkPro's administrator has some).
ACTING_ROLES = STAFF_ROLES
#: Roles that may read anonymised case data of their organisation (training, audit, annual analysis).
ANONYMISED_ROLES = frozenset({"analyst", "administrator", "senior_manager", "board_member", "complaints_officer"})
#: Parties assigned to a case as people (WV-03): they see it, also when it is confidential.
ASSIGNED_PARTY_ROLES = ("committee_member", "expert")
ROLE_CODES = frozenset(code.value for code in Role.Code)

StageKey = tuple[str, int, str]  # (procedure id, version, stage key)

logger = logging.getLogger("plaint.access")


def predicate(fn: Callable[..., bool]) -> Predicate:
    """`rules.predicate`, typed."""
    return Predicate(fn)


def add_perm(name: str, rule: Predicate) -> None:
    rule_permissions.add_perm(name, rule)  # type: ignore[no-untyped-call]


def access_day() -> dt.date:
    """The day memberships are judged on (UTC): one day for the predicates and the list filter alike."""
    return clock.now().date()


def person_of(user: Any) -> Person | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    cached = getattr(user, "_plaint_person", None)
    if isinstance(cached, Person):
        return cached
    person = Person.objects.filter(user_id=user.pk).first()
    if person is not None:
        user._plaint_person = person  # one lookup per request (the user object lives as long as the request)
    return person


def roles_in(*, person: Person, organisation_ids: list[int], day: dt.date) -> dict[int, set[str]]:
    """The person's role codes per organisation (current memberships on `day`)."""
    found: dict[int, set[str]] = {}
    rows = (
        Membership.objects.active_on(day)
        .filter(person=person, organisation_id__in=organisation_ids, roles__isnull=False)
        .values_list("organisation_id", "roles__code")
    )
    for organisation_id, code in rows:
        found.setdefault(organisation_id, set()).add(code)
    return found


def _case_roles(user: Any, person: Person, organisation: Organisation) -> frozenset[str]:
    """The person's roles for a case of `organisation` (WV-02 included): the one resolver, `access.roles`."""
    return case_roles_of(person, organisation, user=user)


# The procedures' stages, read once per set of bundled files


@dataclass(frozen=True)
class StageTable:
    """Per stage of every bundled procedure: the roles that work on it, and who its routing sends the case past."""

    roles: dict[StageKey, frozenset[str]] = field(default_factory=dict)
    #: (role the subject holds, role the case is routed to) per stage: WU-07's "about the manager: senior manager".
    routed: dict[StageKey, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: Stages where a complaint about a unit goes to its own manager (WP-02): managing it is no conflict there.
    unit_manager: frozenset[StageKey] = frozenset()


_tables: dict[tuple[int, int], tuple[object, StageTable]] = {}


def stage_table() -> StageTable:
    """Over the bundled procedures and the versions organisations uploaded (`selectors.stored_procedures`)."""
    try:
        registry = load_directory(plaint.procedures.BUNDLED_DIR)
    except (ProcedureError, EngineInputError, OSError):  # a broken file is reported by system check plaint.E001
        return StageTable()
    generation, stored = stored_procedures()
    cached = _tables.get((id(registry), generation))
    if cached is not None and cached[0] is registry:
        return cached[1]
    roles: dict[StageKey, frozenset[str]] = {}
    routed: dict[StageKey, tuple[tuple[str, str], ...]] = {}
    unit_manager: set[StageKey] = set()
    every = [procedure for versions in registry.versions.values() for procedure in versions] + list(stored)
    for procedure in every:
        procedure_id = procedure.id
        for stage in procedure.stages:
            key = (procedure_id, procedure.version, stage.key)
            found = set(stage.handled_by)
            for action in (*stage.actions, *procedure.actions):
                found.update(action.by)
            pairs: list[tuple[str, str]] = []
            if stage.routing is not None:
                if stage.routing.unit_manager:
                    unit_manager.add(key)
                for rule in stage.routing.rules:
                    found.add(rule.assign)
                    when = rule.when
                    others = ("involved", "nature", "category", "kind", "channel")
                    only_subject_role = all(getattr(when, name) is None for name in others)
                    if only_subject_role and not rule.colleague and when.subject_role is not None:
                        pairs.append((when.subject_role, rule.assign))
            roles[key] = frozenset(found & STAFF_ROLES)
            if pairs:
                routed[key] = tuple(pairs)
    table = StageTable(roles=roles, routed=routed, unit_manager=frozenset(unit_manager))
    _tables.clear()
    _tables[(id(registry), generation)] = (registry, table)
    return table


def stage_roles(case: Any) -> frozenset[str]:
    """The roles that work on the case's current stage: its handlers, routing targets and whoever may act in it."""
    return stage_table().roles.get((case.procedure_id, case.procedure_version, case.stage), frozenset())


def unit_manager_stage(case: Any) -> bool:
    """The case's current stage goes to the manager of the unit complained about (WP-02)."""
    return (case.procedure_id, case.procedure_version, case.stage) in stage_table().unit_manager


def stages_worked_by(roles: set[str]) -> Iterator[StageKey]:
    """Every stage one of `roles` works on."""
    for key, stage_role_set in stage_table().roles.items():
        if stage_role_set & roles:
            yield key


# Predicates over (user, case)


def _day_and_person(user: Any) -> tuple[dt.date, Person | None]:
    return access_day(), person_of(user)


@predicate
def is_active_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


@predicate
def is_confidential(user: Any, case: Any) -> bool:
    return bool(case is not None and case.confidentiality == "confidential")


@predicate
def holds_staff_role(user: Any, case: Any) -> bool:
    """A role other than analyst in the case's organisation or the firm serving it (WV-02)."""
    person = person_of(user)
    if person is None or case is None:
        return False
    return bool(_case_roles(user, person, case.organisation) & STAFF_ROLES)


@predicate
def holds_acting_role(user: Any, case: Any) -> bool:
    person = person_of(user)
    if person is None or case is None:
        return False
    return bool(_case_roles(user, person, case.organisation) & ACTING_ROLES)


@predicate
def holds_stage_role(user: Any, case: Any) -> bool:
    """A role that works on the case's current stage (the procedure's handlers and actors of that stage)."""
    person = person_of(user)
    if person is None or case is None:
        return False
    return bool(_case_roles(user, person, case.organisation) & stage_roles(case))


@predicate
def holds_own_stage_role(user: Any, case: Any) -> bool:
    """A role that works on the case's current stage, held in the case's organisation itself (not through the firm
    serving it): a client's own staff whom the procedure names for the stage."""
    person = person_of(user)
    if person is None or case is None:
        return False
    roles = actor_roles(user, person).in_organisation(case.organisation_id)
    return bool(roles & stage_roles(case))


#: `Case.no_eligible_handler` when its handler (and delegate) left: the case waits for a new one (docs/access.md).
HANDLER_LEFT = "handler_left"


@predicate
def awaits_handler(user: Any, case: Any) -> bool:
    """Nobody is named to handle the case (no handler, no delegate), or the one named left (hand-over)."""
    return case is not None and (
        (case.handler_id is None and case.delegate_id is None) or case.no_eligible_handler == HANDLER_LEFT
    )


@predicate
def handler_left(user: Any, case: Any) -> bool:
    """The case's handler (and delegate) left; it waits for a new one (docs/access.md, "Hand-over")."""
    return case is not None and case.no_eligible_handler == HANDLER_LEFT


@predicate
def is_handler_or_delegate(user: Any, case: Any) -> bool:
    """The case's handler or the employee management delegated the handling to (XS-19), unless they left."""
    person = person_of(user)
    return (
        person is not None
        and case is not None
        and person.pk in (case.handler_id, case.delegate_id)
        and case.no_eligible_handler != HANDLER_LEFT
    )


def loaded_parties(case: Any) -> list[Any] | None:
    """The case's parties when the caller already read them (`prefetch_related("parties__unit")`, as the case
    detail does), so that the predicates below answer without a query; None when they must ask the database."""
    cache = getattr(case, "_prefetched_objects_cache", None)
    if not cache or "parties" not in cache:
        return None
    parties = list(cache["parties"])
    if any(party.unit_id is not None and not type(party).unit.is_cached(party) for party in parties):
        return None  # a unit's manager would be one query per party: ask the database once instead
    return parties


@predicate
def is_committee_or_expert(user: Any, case: Any) -> bool:
    """A committee member or expert linked to the case as a party (WV-03, WP-17)."""
    person = person_of(user)
    if person is None or case is None:
        return False
    parties = loaded_parties(case)
    if parties is not None:
        return any(party.person_id == person.pk and party.role in ASSIGNED_PARTY_ROLES for party in parties)
    return bool(case.parties.filter(person=person, role__in=ASSIGNED_PARTY_ROLES).exists())


@predicate
def is_registrant(user: Any, case: Any) -> bool:
    """Who registered the case (took the complaint down: WU-06, XS-02)."""
    return case is not None and user is not None and user.pk is not None and case.created_by_id == user.pk


@predicate
def is_subject_or_involved(user: Any, case: Any) -> bool:
    """Named as a subject of the case, or involved in the event (XS-14, WP-04)."""
    person = person_of(user)
    if person is None or case is None:
        return False
    parties = loaded_parties(case)
    if parties is not None:
        return any(party.person_id == person.pk and (party.role == "subject" or party.involved) for party in parties)
    return bool(case.parties.filter(person=person).filter(role="subject").exists()) or bool(
        case.parties.filter(person=person, involved=True).exists()
    )


@predicate
def manages_subject_unit(user: Any, case: Any) -> bool:
    """The manager of a unit the complaint is about: involved in it (XS-14, WH-07), except in a stage whose routing
    sends a complaint about a unit to that unit's own manager (WP-02; an involved manager still is, WP-04)."""
    person = person_of(user)
    if person is None or case is None or unit_manager_stage(case):
        return False
    parties = loaded_parties(case)
    if parties is not None:
        return any(
            party.role == "subject" and party.unit is not None and party.unit.manager_id == person.pk
            for party in parties
        )
    return bool(case.parties.filter(role="subject", unit__manager=person).exists())


@predicate
def is_routed_past(user: Any, case: Any) -> bool:
    """A line manager of a subject whom the procedure routes the case past (WU-07).

    In a stage whose routing says "about a holder of role X: to role Y", a subject holding X has the case go to the
    first person up their line-management chain who holds Y; the line managers below that person are excluded
    (when nobody in the chain holds Y, the whole chain is).
    """
    day, person = _day_and_person(user)
    if person is None or case is None:
        return False
    pairs = stage_table().routed.get((case.procedure_id, case.procedure_version, case.stage), ())
    if not pairs:
        return False
    organisation = case.organisation
    for party in case.parties.filter(role="subject", person__isnull=False).select_related("person"):
        subject = party.person
        held = roles_in(person=subject, organisation_ids=[organisation.pk], day=day)
        subject_roles = held.get(organisation.pk, set())
        chain = line_management_chain(person=subject, organisation=organisation, on=day)
        chain_roles = roles_in_many(people=chain, organisation=organisation, day=day)
        for about_role, routed_to in pairs:
            if about_role not in subject_roles:
                continue
            for manager in chain:
                if routed_to in chain_roles.get(manager.pk, set()):
                    break
                if manager.pk == person.pk:
                    return True
    return False


@predicate
def reports_to_subject(user: Any, case: Any) -> bool:
    """Reports to a subject of the case, directly or further down the line: in conflict like the subject (WU-07,
    WP-04, XS-14). Their line-management chain in the case's organisation holds a subject."""
    day, person = _day_and_person(user)
    if person is None or case is None:
        return False
    parties = loaded_parties(case)
    subjects = (
        {party.person_id for party in parties if party.role == "subject" and party.person_id is not None}
        if parties is not None
        else set(case.parties.filter(role="subject", person__isnull=False).values_list("person_id", flat=True))
    )
    if not subjects:
        return False
    chain = line_management_chain(person=person, organisation=case.organisation, on=day)
    return any(manager.pk in subjects for manager in chain)


def roles_in_many(*, people: list[Person], organisation: Organisation, day: dt.date) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    rows = (
        Membership.objects.active_on(day)
        .filter(person__in=people, organisation=organisation, roles__isnull=False)
        .values_list("person_id", "roles__code")
    )
    for person_id, code in rows:
        found.setdefault(person_id, set()).add(code)
    return found


has_conflict = is_subject_or_involved | manages_subject_unit | is_routed_past | reports_to_subject
is_assigned = is_handler_or_delegate | is_committee_or_expert | is_registrant

#: See a case: never with a conflict of interest; a normal case as staff of its organisation (or the firm serving
#: it), a confidential one only when assigned to it or working on its current stage (WA-11, WP-21). A firm's staff
#: work on a client's confidential case by role only until someone is named to handle it; from then on by person
#: (WV-03, WA-11, WP-21): the handler, the delegate, the committee members and experts linked to it.
can_view_case = (
    is_active_user
    & ~has_conflict
    & (
        (~is_confidential & holds_staff_role)
        | is_assigned
        | holds_own_stage_role
        | (holds_stage_role & (~is_confidential | awaits_handler))
    )
)
#: Act on a case: see it and hold a staff role there (an expert who is only a party may read, not act); the engine
#: decides which actions.
can_act_on_case = can_view_case & holds_acting_role
#: Sensitive sections: the handler, the delegate, committee members and experts, and the stage's roles; not, while a
#: confidential case waits for a new handler, those who see it only to name one (docs/access.md, "Hand-over").
can_view_sensitive = can_view_case & (
    is_handler_or_delegate | is_committee_or_expert | (holds_stage_role & ~(is_confidential & handler_left))
)


@predicate
def works_on_cases(user: Any) -> bool:
    """Holds a staff role in some organisation: may open the case pages (each case is then checked on its own)."""
    person = person_of(user)
    if person is None:
        return False
    return any(roles & STAFF_ROLES for roles in actor_roles(user, person).own.values())


def _organisation_roles(user: Any, organisation: Any) -> set[str]:
    person = person_of(user)
    if person is None or not isinstance(organisation, Organisation):
        return set()
    return set(_case_roles(user, person, organisation))


@predicate
def can_register_for(user: Any, organisation: Any) -> bool:
    return bool(_organisation_roles(user, organisation) & ACTING_ROLES)


@predicate
def can_view_anonymised_of(user: Any, organisation: Any) -> bool:
    return bool(_organisation_roles(user, organisation) & ANONYMISED_ROLES)


@predicate
def no_object(user: Any, obj: Any) -> bool:
    return obj is None


add_perm("cases", works_on_cases)
add_perm("cases.view_case", (no_object & works_on_cases) | (~no_object & can_view_case))
add_perm("cases.act_on_case", ~no_object & can_act_on_case)
add_perm("cases.view_sensitive", ~no_object & can_view_sensitive)
add_perm("cases.register_case", ~no_object & can_register_for)
add_perm("cases.view_anonymised", ~no_object & can_view_anonymised_of)


# Refusals


def access_denied(
    *,
    actor: Any,
    permission: str,
    case: Any = None,
    case_id: int | None = None,
    organisation: Organisation | None = None,
    source: AuditSource | None = None,
) -> None:
    """Log a refused attempt and record it in the audit trail (`access.denied`), in a transaction of its own so the
    record survives the refusal. Ids and the permission only: never what the case is about."""
    target_id = case.pk if case is not None else case_id
    if case is not None and organisation is None:
        organisation = case.organisation
    username = actor.get_username() if getattr(actor, "is_authenticated", False) else "anonymous"
    logger.warning(
        "access denied: user=%s permission=%s case=%s organisation=%s",
        username,
        permission,
        target_id if target_id is not None else "-",
        organisation.pk if organisation is not None else "-",
    )
    with transaction.atomic():
        audit_record(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action="access.denied",
            target_type="case" if target_id is not None else "organisation",
            target_id=target_id if target_id is not None else (organisation.pk if organisation is not None else None),
            organisation=organisation,
            reference=case.reference if case is not None else "",
            details={"permission": permission},
            source=source,
            case_id=case.pk if case is not None else None,
        )
