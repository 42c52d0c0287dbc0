from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public pages: how to complain, the form, the receipt, following a case (docs/portal.md)."""

    name = "plaint.portal"
    label = "portal"
    verbose_name = _("Public portal")
