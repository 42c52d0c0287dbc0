from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "plaint.workspace"
    label = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from plaint.cases.models import Category, Cause
        from plaint.organisations.models import Membership, Organisation, Person
        from plaint.procedures.models import ProcedureAdoption
        from plaint.workspace.selectors import inbox_choices_changed
        from plaint.workspace.settings_views import on_logged_in

        user_logged_in.connect(on_logged_in, dispatch_uid="plaint.workspace.land_in_language")
        # What the inbox's filters list (selectors.inbox_choices keeps them per set of organisations)
        for model in (Organisation, ProcedureAdoption, Category, Cause, Person, Membership):
            for signal in (post_save, post_delete):
                signal.connect(inbox_choices_changed, sender=model, dispatch_uid=f"plaint.workspace.choices.{model}")
        m2m_changed.connect(
            inbox_choices_changed, sender=Membership.roles.through, dispatch_uid="plaint.workspace.choices.roles"
        )
