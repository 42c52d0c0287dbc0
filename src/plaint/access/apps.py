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
