"""People and roles for an organisation's administrators: the reads, and the invitation to sign in.

Every change goes through `plaint.organisations.services` (validated by the models' `clean()`, audited there:
`membership.created`, `membership.changed`, `membership.role_granted`, `membership.role_revoked`); this module adds
no rule of its own except two that protect the administrator from locking themself out (below).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from plaint.access.models import User
from plaint.core import clock
from plaint.organisations.models import Membership, Organisation, OrganisationalUnit, Person, Role


def administered_organisations(*, actor: User) -> list[Organisation]:
    """The organisations whose people this person administers: every one for a superuser, else those where they
    hold the administrator role today."""
    if not actor.is_authenticated:
        return []
    if actor.is_superuser:
        return list(Organisation.objects.order_by("name"))
    if not actor.is_staff:
        return []
    ids = (
        Membership.objects.active_on(clock.now().date())
        .filter(person__user=actor, roles__code=Role.Code.ADMINISTRATOR)
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    """Every membership of the organisation, current and ended, by name, with what the list shows (four queries)."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("person", "person__user", "unit", "line_manager")
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("code")))
        .order_by("person__name", "pk")
    )


def membership_is_active(membership: Membership, day: dt.date) -> bool:
    started = membership.started_on is None or membership.started_on <= day
    return started and (membership.ended_on is None or membership.ended_on > day)


def unit_choices(organisation: Organisation) -> list[tuple[str, str]]:
    units = OrganisationalUnit.objects.filter(organisation=organisation).order_by("name")
    return [(str(unit.pk), unit.name) for unit in units]


def manager_choices(organisation: Organisation, *, besides: Person | None = None) -> list[tuple[str, str]]:
    """The people who can be a line manager: today's members of the organisation, never the person themself."""
    people = Person.objects.filter(
        memberships__in=Membership.objects.active_on(clock.today_for(organisation)).filter(organisation=organisation)
    )
    if besides is not None:
        people = people.exclude(pk=besides.pk)
    return [(str(person.pk), person.name) for person in people.distinct().order_by("name")]


def new_login_password() -> str:
    """An unguessable password nobody knows: the invited person chooses their own through the link."""
    return secrets.token_urlsafe(32)


def invitation_send(*, request: HttpRequest, user: User, organisation: Organisation, language: str) -> None:
    """Email the person a link to choose their password (the password reset's one-time link, valid for
    `PASSWORD_RESET_TIMEOUT`), in their language. Sent directly like a password reset, not kept in the outbox: the
    link is a credential."""
    with translation.override(language):
        path = reverse(
            "accounts:password-reset-confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {
            "organisation": organisation,
            "username": user.get_username(),
            "link": request.build_absolute_uri(path),
        }
        subject = render_to_string("workspace/email/invitation_subject.txt", context).strip()
        body = render_to_string("workspace/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])
