"""Reading the audit trail of a case: who looked at it and what was done, for its organisation's administrators.

Here rather than in `access` because it reads which cases the actor may see (`cases` builds on `access`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from plaint.access.models import User
from plaint.access.models_audit import AuditRecord
from plaint.cases.selectors import cases_visible_to
from plaint.core.errors import Forbidden, NotFound
from plaint.organisations.models import Person
from plaint.organisations.selectors import roles_of


def case_access_log(*, actor: User, case_id: int) -> QuerySet[AuditRecord]:
    """Everything recorded about a case and its documents (who looked, who changed what), newest first.

    Only for an administrator of the case's organisation and for superusers: `NotFound` when the actor cannot see
    the case at all, `Forbidden` when they can but do not administer its organisation.
    """
    case = cases_visible_to(actor=actor).select_related("organisation").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("There is no such case, or you may not see it."))
    if not actor.is_superuser:
        person = Person.objects.filter(user=actor).first()
        if person is None or "administrator" not in roles_of(person=person, organisation=case.organisation):
            raise Forbidden(_("Only an administrator of the case's organisation may see who looked at it."))
    return (
        AuditRecord.objects.filter(Q(case_id=case.pk) | Q(target_type="case", target_id=str(case.pk)))
        .select_related("actor")
        .order_by("-sequence")
    )
