"""The portal's forms: field syntax only; what the procedure says is decided by the engine through the services."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plaint.web.forms import DateField, GovukForm

MAX_TEXT = 10_000
# Bidirectional overrides and isolates, NUL and other control characters a person never types on purpose.
_REFUSED_CATEGORIES = {"Cc", "Cf"}
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _clean_text(value: str) -> str:
    return "".join(
        char for char in value if char in _ALLOWED_CONTROLS or unicodedata.category(char) not in _REFUSED_CATEGORIES
    ).strip()


class TextField(forms.CharField):
    """A text field that drops NUL, control and direction-override characters (so a name cannot reorder itself)."""

    def to_python(self, value: Any) -> str:
        return _clean_text(super().to_python(value) or "")


KIND_CHOICES = [
    ("complaint", _("A complaint: something went wrong")),
    ("compliment", _("A compliment: something went well")),
    ("suggestion", _("A suggestion: something could be better")),
]
LANGUAGE_CHOICES = [("en", "English"), ("nl", "Nederlands")]


class CaseForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a complaint, a compliment or a suggestion.")},
    )
    description = TextField(
        label=_("What happened?"),
        help_text=_("Say what happened, where, and who was involved. Do not include passwords or bank details."),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Tell us what happened."),
            "max_length": _("Keep it under %(limit_value)d characters; you can add documents."),
        },
    )
    incident_date = DateField(
        label=_("When did it happen?"),
        help_text=_("For example, 27 3 2026. Leave it empty if you do not know."),
        past_only=True,
        required=False,
    )
    about = TextField(
        label=_("Who or what is it about? (optional)"),
        help_text=_("A person, a team or department, or the organisation as a whole."),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )
    wanted = TextField(
        label=_("What would you like to happen? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )
    name = TextField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the confirmation and a private link to follow your case to this address."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    phone = TextField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("In which language should we write to you?"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a language.")},
    )
    on_behalf = forms.BooleanField(label=_("I am sending this on behalf of someone else"), required=False)
    represented_name = TextField(
        label=_("Their name"), max_length=200, required=False, error_messages={"max_length": _("Too long.")}
    )
    relationship = TextField(
        label=_("How are you related to them?"),
        help_text=_("For example: parent, partner, lawyer, union representative."),
        max_length=200,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("They agreed that I complain for them and that I may see what happens with it"),
        required=False,
    )
    authorisation = forms.FileField(
        label=_("Their written authorisation (optional)"),
        help_text=_("A signed letter or form, as PDF or a photo. You can also send it later."),
        required=False,
    )
    documents = forms.FileField(
        label=_("Documents (optional)"),
        help_text=_("A letter, a photo, an invoice: anything that helps us understand."),
        required=False,
    )
    # A honeypot: hidden from people (and from screen readers), filled in by some robots.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)
    late_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: str | None = None, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind in {"complaint", "compliment", "suggestion"}:
            self.fields["kind"].initial = kind
        self.fields["language"].initial = language
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_behalf"):
            if not data.get("represented_name"):
                self.add_error("represented_name", _("Enter the name of the person you are sending this for."))
            if not data.get("relationship"):
                self.add_error("relationship", _("Say how you are related to them."))
            if not data.get("consent"):
                self.add_error(
                    "consent", _("Confirm that they agreed: without their consent we cannot tell you about their case.")
                )
        return data

    def visible_sections(self) -> dict[str, list[forms.BoundField]]:
        groups = {
            "what": ["kind", "description", "incident_date", "about", "wanted"],
            "you": ["name", "email", "phone", "language"],
            "behalf": ["represented_name", "relationship", "consent", "authorisation"],
            "documents": ["documents"],
        }
        return {section: [self[name] for name in names] for section, names in groups.items()}


class TrackActionForm(GovukForm):
    action = forms.ChoiceField(
        choices=[
            ("document", "document"),
            ("formal_requested", "formal_requested"),
            ("review_requested", "review_requested"),
            ("escalated", "escalated"),
            ("withdrawn", "withdrawn"),
            ("consent_given", "consent_given"),
            ("consent_withdrawn", "consent_withdrawn"),
        ],
        widget=forms.HiddenInput,
    )
    document = forms.FileField(
        label=_("Add a document"),
        help_text=_("A letter, a photo or another document that helps us handle your case."),
        required=False,
    )


TrackActionForm.base_fields["document"].label_size = "m"  # type: ignore[attr-defined]  # it heads its section


class TrackRequestForm(GovukForm):
    field_order = ["reference", "email", "send"]
    send = forms.ChoiceField(
        label=_("What should we send you?"),
        choices=[
            ("code", _("A one-time code to open my case now")),
            ("link", _("A new private link to keep")),
        ],
        initial="code",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a code or a link.")},
    )
    reference = TextField(
        label=_("Reference"),
        help_text=_("It is in the confirmation we sent you, for example TWU-2026-0042."),
        max_length=32,
        error_messages={"required": _("Enter the reference of your case.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("The address you gave when you sent it."),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )


class TrackCodeForm(GovukForm):
    reference = TextField(
        label=_("Reference"),
        help_text=_("It is in the confirmation we sent you, for example TWU-2026-0042."),
        max_length=32,
        error_messages={"required": _("Enter the reference of your case.")},
    )
    code = TextField(
        label=_("Code"),
        help_text=_("The six digits in the email we just sent you."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": _("Enter the code from the email.")},
    )

    def clean_code(self) -> str:
        code = "".join(char for char in self.cleaned_data["code"] if not char.isspace() and char != "-")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the six digits of the code, for example 123456."))
        return code
