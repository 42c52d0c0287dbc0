from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "plaint.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from plaint.organisations.models import Membership

        # A handler who left (membership ended or removed, a role revoked, login deactivated): their open cases are
        # judged again once the change commits, and marked for hand-over (docs/access.md, "Hand-over").
        post_save.connect(_membership_changed, sender=Membership, dispatch_uid="cases.handover.membership_saved")
        post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="cases.handover.membership_deleted")
        m2m_changed.connect(_roles_changed, sender=Membership.roles.through, dispatch_uid="cases.handover.roles")
        post_save.connect(_login_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="cases.handover.login")


def _membership_changed(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return
    from plaint.cases.routing_services import departures_recheck_on_commit

    departures_recheck_on_commit(person_ids=[instance.person_id])


def _roles_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_remove", "post_clear"):
        return
    from plaint.cases.routing_services import departures_recheck_on_commit
    from plaint.organisations.models import Membership

    if reverse:  # role.memberships.remove(...): the memberships are in pk_set
        people = list(Membership.objects.filter(pk__in=pk_set or ()).values_list("person_id", flat=True))
    else:
        people = [instance.person_id]
    departures_recheck_on_commit(person_ids=people)


def _login_changed(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created or kwargs.get("raw") or instance.is_active:
        return
    from plaint.cases.routing_services import departures_recheck_on_commit
    from plaint.organisations.models import Person

    departures_recheck_on_commit(
        person_ids=list(Person.objects.filter(user_id=instance.pk).values_list("pk", flat=True))
    )
