"""Reads of the organisations app: who holds which role, who manages whom, which units sit under which.

`on` is a date in the organisation's own time zone; when omitted it is today there (`plaint.core.clock`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from plaint.core import clock
from plaint.organisations.models import Membership, Organisation, OrganisationalUnit, Person, Role
from plaint.procedures.selectors import procedure_for


def _day(organisation: Organisation, on: dt.date | None) -> dt.date:
    return on if on is not None else clock.today_for(organisation)


def memberships_of(*, organisation: Organisation, on: dt.date | None = None) -> QuerySet[Membership]:
    """The organisation's memberships current on `on`, with person, unit and roles loaded."""
    return (
        Membership.objects.active_on(_day(organisation, on))
        .filter(organisation=organisation)
        .select_related("person", "unit", "line_manager")
        .prefetch_related("roles")
    )


def membership_of(*, person: Person, organisation: Organisation, on: dt.date | None = None) -> Membership | None:
    """The person's current membership of the organisation, or None."""
    return (
        Membership.objects.active_on(_day(organisation, on))
        .filter(person=person, organisation=organisation)
        .select_related("line_manager")
        .first()
    )


def people_with_role(*, organisation: Organisation, role: str | Role, on: dt.date | None = None) -> QuerySet[Person]:
    """The current members of the organisation who hold `role` (a `Role.Code` value or a Role)."""
    code = role.code if isinstance(role, Role) else Role.Code(role).value
    memberships = Membership.objects.active_on(_day(organisation, on)).filter(
        organisation=organisation, roles__code=code
    )
    return Person.objects.filter(memberships__in=memberships).distinct().order_by("name")


def roles_of(*, person: Person, organisation: Organisation, on: dt.date | None = None) -> set[str]:
    """The codes of the roles the person currently holds in the organisation (empty when not a member)."""
    return set(
        Role.objects.filter(
            memberships__in=Membership.objects.active_on(_day(organisation, on)).filter(
                person=person, organisation=organisation
            )
        ).values_list("code", flat=True)
    )


def roles_of_many(
    *, people: list[Person], organisation: Organisation, on: dt.date | None = None
) -> dict[int, set[str]]:
    """`roles_of` for several people at once (one query, none for nobody): role codes per person id."""
    found: dict[int, set[str]] = {}
    if not people:
        return found
    rows = (
        Membership.objects.active_on(_day(organisation, on))
        .filter(person_id__in={person.pk for person in people}, organisation=organisation, roles__isnull=False)
        .values_list("person_id", "roles__code")
    )
    for person_id, code in rows:
        found.setdefault(person_id, set()).add(code)
    return found


def line_manager_of(*, person: Person, organisation: Organisation, on: dt.date | None = None) -> Person | None:
    """The person's line manager in the organisation (WU-07, WU-09), or None when they have none or are not a member."""
    membership = membership_of(person=person, organisation=organisation, on=on)
    return membership.line_manager if membership is not None else None


def line_management_chain(*, person: Person, organisation: Organisation, on: dt.date | None = None) -> list[Person]:
    """The person's line manager, that manager's line manager and so on up to the top (WU-07).

    A complaint about a member goes to the first entry; one about that manager to the next. Reads the organisation's
    memberships once; stops at a manager who is no longer a current member, and (defensively) at a loop.
    """
    current = {
        membership.person_id: membership
        for membership in Membership.objects.active_on(_day(organisation, on))
        .filter(organisation=organisation)
        .select_related("line_manager")
    }
    chain: list[Person] = []
    seen = {person.pk}
    membership = current.get(person.pk)
    while membership is not None and membership.line_manager is not None:
        manager = membership.line_manager
        if manager.pk in seen or manager.pk not in current:
            break
        chain.append(manager)
        seen.add(manager.pk)
        membership = current.get(manager.pk)
    return chain


def line_manager_ids(*, person_id: int, organisation_id: int, on: dt.date) -> list[int]:
    """The ids of `line_management_chain`, read as pairs of ids instead of memberships and people (the list filter
    asks on every request: `cases.selectors.cases_visible_to`); the same walk, the same stops."""
    current = dict(
        Membership.objects.active_on(on)
        .filter(organisation_id=organisation_id)
        .values_list("person_id", "line_manager_id")
    )
    chain: list[int] = []
    seen = {person_id}
    manager_id = current.get(person_id)
    while manager_id is not None:
        if manager_id in seen or manager_id not in current:
            break
        chain.append(manager_id)
        seen.add(manager_id)
        manager_id = current.get(manager_id)
    return chain


def units_under(*, unit: OrganisationalUnit, include_self: bool = True) -> list[OrganisationalUnit]:
    """The unit's descendants, breadth first (its teams, their teams, ...), in one query (WP-02)."""
    children: dict[int | None, list[OrganisationalUnit]] = {}
    for candidate in OrganisationalUnit.objects.filter(organisation_id=unit.organisation_id).order_by("name"):
        children.setdefault(candidate.parent_id, []).append(candidate)
    result: list[OrganisationalUnit] = [unit] if include_self else []
    queue = [unit.pk]
    seen = {unit.pk}
    while queue:
        for child in children.get(queue.pop(0), []):
            if child.pk not in seen:
                seen.add(child.pk)
                result.append(child)
                queue.append(child.pk)
    return result


def unit_ancestors(*, unit: OrganisationalUnit) -> list[OrganisationalUnit]:
    """The units above this one, nearest first."""
    by_id = {
        candidate.pk: candidate for candidate in OrganisationalUnit.objects.filter(organisation_id=unit.organisation_id)
    }
    chain: list[OrganisationalUnit] = []
    parent_id = unit.parent_id
    while parent_id is not None and parent_id in by_id and all(parent_id != seen.pk for seen in chain):
        chain.append(by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    return chain


def unit_manager(*, unit: OrganisationalUnit) -> Person | None:
    """Who receives a complaint about the unit (WP-02): its manager, else the nearest manager above it."""
    for candidate in [unit, *unit_ancestors(unit=unit)]:
        if candidate.manager_id is not None:
            return candidate.manager
    return None


def clients_of(*, organisation: Organisation) -> QuerySet[Organisation]:
    """The organisations whose complaints service `organisation` provides (WV-02)."""
    return Organisation.objects.filter(served_by=organisation).order_by("name")


def organisation_for_procedure(*, organisation: Organisation, on: dt.date | None = None) -> Organisation | None:
    """The organisation whose procedure governs `organisation`'s new cases on `on` (WV-02).

    Itself when it has adopted a procedure in force, else the firm that serves it if that firm has one, else None.
    """
    adoption = procedure_for(organisation=organisation, on=_day(organisation, on))
    return adoption.organisation if adoption is not None else None


def organisation_by_slug(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def todays_by_time_zone() -> dict[str, dt.date]:
    """Today in every time zone an organisation uses (one query over the organisations' distinct zones): what a
    question over many organisations ("overdue", "missed") compares with, each organisation with its own day."""
    zones = Organisation.objects.order_by().values_list("time_zone", flat=True).distinct()
    return {zone: clock.today_in(zone) for zone in zones}


def before_today_q(field: str, *, time_zone_field: str = "organisation__time_zone") -> Q:
    """`field < today`, today being each row's organisation's day. When every organisation's day is the same date
    (most of the time) this is one plain comparison that an index on `field` serves; around midnight somewhere it is
    one comparison per time zone whose date differs."""
    days = todays_by_time_zone()
    if not days:
        return Q(pk__in=[])
    if len(set(days.values())) == 1:
        return Q(**{f"{field}__lt": next(iter(days.values()))})
    by_day: dict[dt.date, list[str]] = {}
    for zone, day in sorted(days.items()):
        by_day.setdefault(day, []).append(zone)
    condition = Q(pk__in=[])
    for day, zones in sorted(by_day.items()):
        condition |= Q(**{f"{time_zone_field}__in": zones, f"{field}__lt": day})
    return condition


def organisation_directory(*, person: Person | None, slug: str) -> Organisation | None:
    """The organisation with `slug` when `person` is staff of it (a current membership with at least one role), for
    the people and units pickers; None otherwise (the caller answers 404, so a slug's existence is not revealed)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or person is None:
        return None
    membership = membership_of(person=person, organisation=organisation)
    if membership is None or not membership.roles.exists():
        return None
    return organisation


def directory_people(*, organisation: Organisation) -> list[dict[str, object]]:
    """What a picker needs of each current member: id, name, unit, role names; never contact details."""
    return [
        {
            "id": membership.person_id,
            "name": membership.person.name,
            "unit": None if membership.unit is None else {"id": membership.unit_id, "name": membership.unit.name},
            "roles": sorted(role.code for role in membership.roles.all()),
        }
        for membership in memberships_of(organisation=organisation).order_by("person__name", "person_id")
    ]


def directory_units(*, organisation: Organisation) -> list[dict[str, object]]:
    return [
        {"id": unit.pk, "name": unit.name, "part_of": unit.parent_id}
        for unit in OrganisationalUnit.objects.filter(organisation=organisation).order_by("name", "pk")
    ]
