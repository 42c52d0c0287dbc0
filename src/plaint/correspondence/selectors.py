"""Reads of the outbox. Each takes the actor: the emails of a case are seen by whoever may see the case."""

from __future__ import annotations

from django.db.models import QuerySet

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.cases.visibility_selectors import cases_visible_to
from plaint.correspondence.letters.approval import RELEASED
from plaint.correspondence.models import Letter, LetterDelivery, OutboundEmail
from plaint.organisations.models import Organisation


def case_emails(*, actor: User, case: Case) -> QuerySet[OutboundEmail]:
    """The emails sent (or to be sent) about the case, oldest first; none for an actor who may not see the case."""
    if not actor.has_perm("cases.view_case", case):
        return OutboundEmail.objects.none()
    return OutboundEmail.objects.filter(case=case).select_related("recipient").order_by("created_at", "pk")


def letters_of_case(*, actor: User | None, case: Case, for_complainant: bool = False) -> QuerySet[Letter]:
    """The letters stored on the case, oldest first. `actor` None with `for_complainant` is the portal (its private
    link was checked there): only the letters to the complainant or their representative with consent. Staff see
    every letter of a case they may see; nobody else sees any."""
    letters = Letter.objects.filter(case=case).order_by("created_at", "pk")
    if actor is None:  # the complainant sees only letters that went out (never a draft waiting for approval)
        released = letters.filter(approval__in=RELEASED)
        return released.filter(to_complainant=True) if for_complainant else Letter.objects.none()
    if not actor.has_perm("cases.view_case", case):
        return Letter.objects.none()
    return letters.filter(to_complainant=True, approval__in=RELEASED) if for_complainant else letters


def letters_to_post(*, actor: User, organisation: Organisation | None = None) -> QuerySet[Letter]:
    """The "to be posted" list: letters to someone without an email address, not yet recorded as posted or handed
    over (and not waiting for approval), of one organisation or all, by organisation then oldest first; only those of
    cases the actor may see (`cases_visible_to`, the rule `cases.view_case` checks one case by)."""
    letters = Letter.objects.filter(
        delivery=LetterDelivery.POST,
        delivered_on__isnull=True,
        approval__in=RELEASED,
        case__in=cases_visible_to(actor=actor),
    )
    if organisation is not None:
        letters = letters.filter(organisation=organisation)
    return letters.select_related("case", "organisation").order_by("organisation__name", "created_at", "pk")
