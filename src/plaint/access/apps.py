from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "plaint.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from plaint.access import audit_signals

        audit_signals.connect()  # logins, failed logins and logouts into the audit trail
