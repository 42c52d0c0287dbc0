from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "plaint.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from plaint.access import audit_signals
        from plaint.access.audit_services import audit_record, audit_source_from_request
        from plaint.core.audit import audit_trail_install

        audit_signals.connect()  # logins, failed logins and logouts into the audit trail
        # The apps below this one (organisations, procedures) record their configuration changes through core.audit.
        audit_trail_install(record=audit_record, source_from_request=audit_source_from_request)

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from plaint.access.roles import roles_changed
        from plaint.organisations.models import Membership, Organisation, OrganisationalUnit

        # A person's roles and scope are read once per request (access/roles.py); any change to them makes that stale
        # (a unit's manager is part of the scope: the units a person manages).
        for model in (Membership, Organisation, OrganisationalUnit):
            post_save.connect(roles_changed, sender=model, dispatch_uid=f"roles_changed_save_{model.__name__}")
            post_delete.connect(roles_changed, sender=model, dispatch_uid=f"roles_changed_delete_{model.__name__}")
        m2m_changed.connect(roles_changed, sender=Membership.roles.through, dispatch_uid="roles_changed_m2m")
