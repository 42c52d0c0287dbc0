from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "plaint.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from plaint.cases.effects import register_handler
        from plaint.cases.routing_services import ROUTING_CHECK_EFFECT, routing_check_handle

        register_handler(ROUTING_CHECK_EFFECT)(routing_check_handle)
