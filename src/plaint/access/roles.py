"""The one answer to "which roles does this person hold for a case of this organisation?" (issue 9).

A person's roles for a case are the roles of their memberships in the case's organisation **and** in the firm that
serves it (WV-02: Werk in vertrouwen's officers handle its clients' cases), each membership judged on its
organisation's own day (`clock.today_for(organisation)`). The predicates (`access.rules`), the visibility
filter (`cases.selectors.cases_visible_to`), the services (who may act, who may be assigned) and the presenters all ask
here, so they cannot disagree.

`PersonRoles` is read with one query (memberships with their roles and their organisation's time zone) and kept on
the user object for the rest of its life (a request), so a page that checks ten permissions reads memberships once.
It is dropped when any membership, role assignment or organisation changes (signals, `apps.py`) and when the
15-minute slot of the clock changes (an organisation's day can begin at :00, :30 or :45 UTC).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from plaint.core import clock
from plaint.organisations.models import Membership, Organisation, Person

_generation = itertools.count()
_current = [next(_generation)]


def roles_changed(**_kwargs: Any) -> None:
    """Signal receiver: memberships, roles or organisations changed; every cached `PersonRoles` is stale."""
    _current[0] = next(_generation)


def _slot() -> tuple[int, dt.datetime]:
    now = clock.now()
    return _current[0], now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


@dataclass(frozen=True)
class PersonRoles:
    """A person's role codes per organisation they belong to today (their organisation's today)."""

    person_id: int
    own: dict[int, frozenset[str]]

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
        """For every organisation whose cases they may work on: their roles for its cases (one query for the
        clients of the firms they work for)."""
        result = dict(self.own)
        if self.own:
            clients = Organisation.objects.filter(served_by_id__in=list(self.own)).values_list("pk", "served_by_id")
            for client_id, firm_id in clients:
                result[client_id] = result.get(client_id, frozenset()) | self.own[firm_id]
        return result


def person_roles(person: Person) -> PersonRoles:
    """The person's roles, read once (one query), each membership judged on its organisation's day."""
    utc_day = clock.now().date()
    window = dt.timedelta(days=1)  # every organisation's day is within a day of UTC's
    rows = (
        Membership.objects.filter(person_id=person.pk, roles__isnull=False)
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=utc_day + window))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=utc_day - window))
        .values_list("organisation_id", "organisation__time_zone", "started_on", "ended_on", "roles__code")
    )
    own: dict[int, set[str]] = defaultdict(set)
    today: dict[str, dt.date] = {}
    for organisation_id, zone, started_on, ended_on, code in rows:
        day = today.setdefault(zone, clock.today_in(zone))
        if (started_on is None or started_on <= day) and (ended_on is None or ended_on > day):
            own[organisation_id].add(code)
    return PersonRoles(person_id=person.pk, own={key: frozenset(value) for key, value in own.items()})


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
