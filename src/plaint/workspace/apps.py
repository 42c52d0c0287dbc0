from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "plaint.workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from plaint.workspace.settings_views import on_logged_in

        user_logged_in.connect(on_logged_in, dispatch_uid="plaint.workspace.land_in_language")
