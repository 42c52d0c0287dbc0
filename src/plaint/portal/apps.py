from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public pages: how to complain, the form, the receipt, following a case (docs/portal.md)."""

    name = "plaint.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from plaint.organisations.models import Organisation
        from plaint.portal.models import PortalBranding
        from plaint.portal.selectors import intake_changed
        from plaint.procedures.models import ProcedureAdoption

        # What `portal_intake` keeps per process: any change to these reads it again (docs/portal.md, "Speed").
        for model in (Organisation, PortalBranding, ProcedureAdoption):
            post_save.connect(intake_changed, sender=model, dispatch_uid=f"portal-intake-{model.__name__}")
            post_delete.connect(intake_changed, sender=model, dispatch_uid=f"portal-intake-del-{model.__name__}")
