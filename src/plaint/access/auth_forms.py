"""Forms of the staff login: the password step, the second-factor step, enrolment and password reset.

Each marks its invalid inputs for assistive technology: `aria-invalid` and `aria-describedby` pointing at the
error text (`<id>_errors`, rendered by `access/includes/field.html`; the form's own errors are `form_errors`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _


class AccessibleErrorsMixin:
    """Point each invalid input at its error text (and at the form's own errors), whenever an error is added."""

    fields: dict[str, forms.Field]
    auto_id: str | bool
    _errors: Any

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        general = bool(self._errors.get(NON_FIELD_ERRORS))
        for name, form_field in self.fields.items():
            field_id = str(self.auto_id) % name if "%s" in str(self.auto_id) else name
            described = [f"{field_id}_errors"] if name in self._errors else []
            if general:
                described.append("form_errors")
            if described and form_field.help_text:
                described.append(f"{field_id}_helptext")
            if described:
                form_field.widget.attrs["aria-describedby"] = " ".join(described)
                form_field.widget.attrs["aria-invalid"] = "true"


class PasswordStepForm(AccessibleErrorsMixin, AuthenticationForm):
    """Username and password. A wrong password and an unknown username get the same message; django-axes counts
    the failures (it listens to `authenticate`) and locks the username from that address out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not correct. Both are case-sensitive."),
        "inactive": _("The username or password is not correct. Both are case-sensitive."),
    }


class SecondFactorForm(AccessibleErrorsMixin, forms.Form):
    """The six-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )


class RecoveryCodeForm(AccessibleErrorsMixin, forms.Form):
    """One of the ten recovery codes, for when the authenticator app is not at hand."""

    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class EnrolmentForm(AccessibleErrorsMixin, forms.Form):
    """The first code of a newly added authenticator app, proving it was set up right."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )


class AccessiblePasswordResetForm(AccessibleErrorsMixin, PasswordResetForm):
    pass


class AccessibleSetPasswordForm(AccessibleErrorsMixin, SetPasswordForm):  # type: ignore[type-arg]
    pass
