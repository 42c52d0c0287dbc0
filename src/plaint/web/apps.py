from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages' shared parts: vendored GOV.UK Frontend and htmx, base templates, the form renderer (docs/web.md)."""

    name = "plaint.web"
    label = "web"
    verbose_name = _("Pages")
