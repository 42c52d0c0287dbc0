"""The one answer to "which roles does this person hold for a case of this organisation?" (issue 9), and the rest of
the actor's scope the access rules need (issue 17).

A person's roles for a case are the roles of their memberships in the case's organisation **and** in the firm that
serves it (WV-02: Werk in vertrouwen's officers handle its clients' cases), each membership judged on its
organisation's own day (`clock.today_for(organisation)`). The predicates (`access.rules`), the visibility
filter (`cases.selectors.cases_visible_to`), the services (who may act, who may be assigned) and the presenters all ask
here, so they cannot disagree.

`PersonRoles` is the actor's scope: their memberships (organisation, time zone, dates, line manager, role codes,
also memberships without roles) and the clients of the organisations they belong to (the firms they work for). It
is read with one query, `scope_annotations` folded into another query that reads the person anyway (the API's token
authentication: then no query of its own), and kept on the user object for the rest of its life (a request), so a
request that checks ten permissions and builds a list's filter reads memberships once. It is dropped when any
membership, role assignment or organisation changes (signals, `apps.py`) and when the 15-minute slot of the clock
changes (an organisation's day can begin at :00, :30 or :45 UTC).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat

from plaint.core import clock
from plaint.core.aggregates import JoinedText, split_joined
from plaint.organisations.models import Membership, Organisation, OrganisationalUnit, Person

_generation = itertools.count()
_current = [next(_generation)]


def roles_changed(**_kwargs: Any) -> None:
    """Signal receiver: memberships, roles or organisations changed; every cached `PersonRoles` is stale."""
    _current[0] = next(_generation)


def _slot() -> tuple[int, dt.datetime]:
    now = clock.now()
    return _current[0], now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


@dataclass(frozen=True)
class MembershipScope:
    """One membership as the access rules see it."""

    organisation_id: int
    time_zone: str
    started_on: dt.date | None
    ended_on: dt.date | None
    line_manager_id: int | None
    roles: frozenset[str]

    def active_on(self, day: dt.date) -> bool:
        """As `Membership.objects.active_on(day)`: begun by `day` and not ended."""
        return (self.started_on is None or self.started_on <= day) and (self.ended_on is None or self.ended_on > day)


@dataclass(frozen=True)
class PersonRoles:
    """A person's role codes per organisation they belong to today (their organisation's today), and the scope the
    list filter needs: their memberships around today and the clients of every organisation they belong to."""

    person_id: int
    own: dict[int, frozenset[str]]
    memberships: tuple[MembershipScope, ...] = ()
    #: client organisation -> the firm serving it, for every organisation the person has a membership in
    clients: tuple[tuple[int, int], ...] = ()
    #: the units they manage (a complaint about one of them is a conflict: XS-14, WH-07)
    units_managed: tuple[int, ...] = ()

    def in_organisation(self, organisation_id: int) -> frozenset[str]:
        """Their roles in this organisation itself (not the firm's)."""
        return self.own.get(organisation_id, frozenset())

    def for_case_of(self, organisation: Organisation) -> frozenset[str]:
        """Their roles for a case of this organisation: theirs there, and in the firm that serves it (WV-02)."""
        roles = self.in_organisation(organisation.pk)
        if organisation.served_by_id is not None:
            roles |= self.in_organisation(organisation.served_by_id)
        return roles

    def by_case_organisation(self) -> dict[int, frozenset[str]]:
        """For every organisation whose cases they may work on: their roles for its cases (no query: the clients of
        the firms they work for were read with the scope)."""
        result = dict(self.own)
        for client_id, firm_id in self.clients:
            if firm_id in self.own:
                result[client_id] = result.get(client_id, frozenset()) | self.own[firm_id]
        return result

    def memberships_on(self, day: dt.date) -> list[MembershipScope]:
        """Their memberships current on `day` (UTC's, as the list filter judges line management), with or without
        roles."""
        return [membership for membership in self.memberships if membership.active_on(day)]


_FIELD = ";"  # between a membership's fields: none of them contains it (ids, dates, IANA zone names, role codes)


def _text(expression: Any) -> Any:
    return Coalesce(Cast(expression, output_field=CharField()), Value(""))


def _window() -> Q:
    """Memberships around today: every organisation's day is within a day of UTC's."""
    utc_day = clock.now().date()
    window = dt.timedelta(days=1)
    return Q(Q(started_on__isnull=True) | Q(started_on__lte=utc_day + window)) & Q(
        Q(ended_on__isnull=True) | Q(ended_on__gt=utc_day - window)
    )


def scope_annotations(person_ref: str = "pk") -> dict[str, Any]:
    """Three subqueries that read a person's scope with the row that holds `person_ref` (the person's id): their
    memberships around today with each role code (one text per role, or per membership without roles), the
    clients of the organisations they belong to, and the units they manage. `scope_from` turns the three texts into
    `PersonRoles`."""
    fields: list[Any] = []
    for name in ("organisation_id", "organisation__time_zone", "started_on", "ended_on", "line_manager_id"):
        fields += [_text(F(name)), Value(_FIELD)]
    fields.append(_text(F("roles__code")))
    memberships = (
        Membership.objects.filter(_window(), person_id=OuterRef(person_ref))
        .order_by()
        .values("person_id")
        .annotate(joined=JoinedText(Concat(*fields, output_field=TextField())))
        .values("joined")
    )
    clients = (
        Organisation.objects.filter(served_by__memberships__person_id=OuterRef(person_ref))
        .order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(
            joined=JoinedText(Concat(_text(F("pk")), Value(_FIELD), _text(F("served_by_id")), output_field=TextField()))
        )
        .values("joined")
    )
    units = (
        OrganisationalUnit.objects.filter(manager_id=OuterRef(person_ref))
        .order_by()
        .values("manager_id")
        .annotate(joined=JoinedText(_text(F("pk"))))
        .values("joined")
    )
    return {
        "plaint_scope_memberships": Subquery(memberships, output_field=TextField()),
        "plaint_scope_clients": Subquery(clients, output_field=TextField()),
        "plaint_scope_units": Subquery(units, output_field=TextField()),
    }


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def scope_from(
    person_id: int, memberships_text: str | None, clients_text: str | None, units_text: str | None
) -> PersonRoles:
    """`PersonRoles` from the three texts of `scope_annotations`, each membership judged on its organisation's day."""
    found: dict[tuple[int, str, dt.date | None, dt.date | None, int | None], set[str]] = {}
    for row in split_joined(memberships_text):
        organisation, zone, started, ended, manager, code = row.split(_FIELD)
        key = (int(organisation), zone, _date(started), _date(ended), int(manager) if manager else None)
        found.setdefault(key, set()).update([code] if code else [])
    own: dict[int, set[str]] = defaultdict(set)
    today: dict[str, dt.date] = {}
    scopes = []
    for (organisation_id, zone, started_on, ended_on, manager_id), codes in sorted(
        found.items(), key=lambda item: (item[0][0], str(item[0][2]), str(item[0][3]))
    ):
        scope = MembershipScope(organisation_id, zone, started_on, ended_on, manager_id, frozenset(codes))
        scopes.append(scope)
        if codes and scope.active_on(today.setdefault(zone, clock.today_in(zone))):
            own[organisation_id].update(codes)
    clients = []
    for row in split_joined(clients_text):
        client, firm = row.split(_FIELD)
        clients.append((int(client), int(firm)))
    return PersonRoles(
        person_id=person_id,
        own={key: frozenset(value) for key, value in own.items()},
        memberships=tuple(scopes),
        clients=tuple(sorted(set(clients))),
        units_managed=tuple(sorted({int(unit) for unit in split_joined(units_text)})),
    )


def person_roles(person: Person) -> PersonRoles:
    """The person's roles and scope, read once (one query), each membership judged on its organisation's day."""
    row = Person.objects.filter(pk=person.pk).annotate(**scope_annotations()).values(*scope_annotations()).first()
    row = row or {}
    return scope_from(
        person.pk, row.get("plaint_scope_memberships"), row.get("plaint_scope_clients"), row.get("plaint_scope_units")
    )


def remember_scope(user: Any, person_id: int, row: Any) -> None:
    """Keep the scope read with the person (`scope_annotations` on the query that read `row`) on the user object."""
    texts = [
        getattr(row, name, None) for name in ("plaint_scope_memberships", "plaint_scope_clients", "plaint_scope_units")
    ]
    user._plaint_roles = (_slot(), scope_from(person_id, *texts))


def actor_roles(user: Any, person: Person) -> PersonRoles:
    """`person_roles` of the signed-in user's person, kept on the user object while it is fresh."""
    slot = _slot()
    cached = getattr(user, "_plaint_roles", None)
    if cached is not None and cached[0] == slot and cached[1].person_id == person.pk:
        return cached[1]  # type: ignore[no-any-return]
    found = person_roles(person)
    if user is not None:
        user._plaint_roles = (slot, found)
    return found


def case_roles_of(person: Person, organisation: Organisation, *, user: Any = None) -> frozenset[str]:
    """The person's roles for a case of `organisation` (WV-02 included). Pass the signed-in `user` whose person this
    is to reuse what this request already read."""
    roles = actor_roles(user, person) if user is not None else person_roles(person)
    return roles.for_case_of(organisation)


def actor_case_roles(actor: Any, organisation: Organisation) -> tuple[str, ...]:
    """The roles a signed-in user acts in on a case of `organisation`, sorted; a superuser without a person of their
    own acts as `administrator`; nobody (the public, the system) holds none."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ()
    person = getattr(actor, "_plaint_person", None)
    if not isinstance(person, Person):
        person = Person.objects.filter(user_id=actor.pk).first()
        if person is not None:
            actor._plaint_person = person
    if person is None:
        return ("administrator",) if actor.is_superuser else ()
    return tuple(sorted(case_roles_of(person, organisation, user=actor)))
