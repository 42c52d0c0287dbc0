"""The people and roles pages' forms: field syntax only; the organisations services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plaint.organisations.models import Language, Role
from plaint.web.forms import GovukForm

NONE = [("", _("None"))]


class MembershipForm(GovukForm):
    """A member's job title, unit, line manager and roles."""

    job_title = forms.CharField(label=_("Job title"), required=False, max_length=200)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    line_manager = forms.ChoiceField(label=_("Line manager"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=Role.Code.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )

    def __init__(
        self, *args: Any, units: list[tuple[str, str]], managers: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["unit"].choices = NONE + units
        fields["line_manager"].choices = NONE + managers


class PersonAddForm(MembershipForm):
    """A new person in the organisation; with a username they get a login and an email to choose their password."""

    field_order = ["name", "email", "language", "job_title", "unit", "line_manager", "roles", "username"]

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.EN)
    username = forms.CharField(
        label=_("Username (optional)"),
        required=False,
        max_length=150,
        help_text=_(
            "Give a username to let the person sign in: they get an email with a link to choose their password."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("username") and not data.get("email"):
            self.add_error("email", _("Enter an email address, so the invitation to sign in can be sent."))
        return data


class ConfirmForm(GovukForm):
    confirm = forms.BooleanField(
        label=_("Yes, end this membership today"),
        error_messages={"required": _("Tick the box to confirm, or go back.")},
    )
