from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "plaint.correspondence"
    label = "correspondence"
    verbose_name = _("Correspondence")

    def ready(self) -> None:
        from plaint.cases.effects import register_handler
        from plaint.correspondence.services import COMPLIMENT_COPY_EFFECT, compliment_copy_check, compliment_copy_send

        register_handler(COMPLIMENT_COPY_EFFECT, check=compliment_copy_check)(compliment_copy_send)
        from plaint.correspondence.letters.sending import letter_check, letter_send

        register_handler("letter", check=letter_check)(letter_send)  # every other letter of the procedures
        from plaint.correspondence.notifications import KINDS, notification_send

        for kind in KINDS:  # notifications to staff: emails with a reference and a link (issue 14)
            register_handler(kind)(notification_send)
