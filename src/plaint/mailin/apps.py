from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    name = "plaint.mailin"
    label = "mailin"
    verbose_name = _("Mail in")

    def ready(self) -> None:
        from anymail.signals import inbound

        from plaint.mailin.webhooks import inbound_received

        inbound.connect(inbound_received, dispatch_uid="plaint.mailin.inbound")
