"""Reads of the outbox. Each takes the actor: the emails of a case are seen by whoever may see the case."""

from __future__ import annotations

from django.db.models import QuerySet

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.correspondence.models import OutboundEmail


def case_emails(*, actor: User, case: Case) -> QuerySet[OutboundEmail]:
    """The emails sent (or to be sent) about the case, oldest first; none for an actor who may not see the case."""
    if not actor.has_perm("cases.view_case", case):
        return OutboundEmail.objects.none()
    return OutboundEmail.objects.filter(case=case).select_related("recipient").order_by("created_at", "pk")
