"""Reads of the outbox. Each takes the actor: the emails of a case are seen by whoever may see the case."""

from __future__ import annotations

from django.db.models import QuerySet

from plaint.access.models import User
from plaint.cases.models import Case
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


def letters_to_post(*, actor: User, organisation: Organisation) -> QuerySet[Letter]:
    """The "to be posted" list: letters to someone without an email address, not yet recorded as posted or handed
    over (and not waiting for approval), oldest first; only those of cases the actor may see."""
    letters = (
        Letter.objects.filter(
            organisation=organisation,
            delivery=LetterDelivery.POST,
            delivered_on__isnull=True,
            approval__in=RELEASED,
        )
        .select_related("case")
        .order_by("created_at", "pk")
    )
    visible = [letter.pk for letter in letters if actor.has_perm("cases.view_case", letter.case)]
    return Letter.objects.filter(pk__in=visible).select_related("case").order_by("created_at", "pk")
