"""The workspace's forms: field syntax only. What is allowed is decided by the services they hand their data to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from plaint.cases.models import CHANNEL_LABELS, KIND_LABELS, Status
from plaint.engine import vocabulary
from plaint.web.forms import DateField, GovukForm
from plaint.workspace.action_forms import OUTCOME_LABELS
from plaint.workspace.search import MAX_CHARS
from plaint.workspace.selectors import InboxChoices, InboxQuery


def _attrs(attrs: dict[str, Any]) -> str:
    """A widget's attributes as Django's `attrs.html` writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's `Select` with the markup of its templates, written in Python: one template per option made the
    inbox's filters (every handler, stage, category and cause of the organisations a person sees) half of the page's
    Python (bench/README.md, the inbox). Named `Select`, so GOV.UK's classes still find it (`widget_type`)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


SCOPE_CHOICES = [("all", _("All I may see")), ("mine", _("Mine")), ("team", _("My team's"))]
ANY = [("", _("Any"))]


class InboxForm(GovukForm):
    """The inbox's scope, search and filters, read from the address (GET), so a view can be bookmarked and saved."""

    scope = forms.ChoiceField(label=_("Show"), choices=SCOPE_CHOICES, required=False, widget=forms.RadioSelect)
    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_CHARS,
        help_text=_("A reference, a name or words from the complaint."),
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False, widget=Select)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=ANY + [(k, KIND_LABELS[k]) for k in vocabulary.KINDS], widget=Select
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False, widget=Select)
    status = forms.ChoiceField(label=_("State"), required=False, choices=ANY + list(Status.choices), widget=Select)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=Select)
    cause = forms.ChoiceField(label=_("Cause"), required=False, widget=Select)
    handler = forms.ChoiceField(label=_("Handler"), required=False, widget=Select)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=ANY + [(c, CHANNEL_LABELS.get(c, c)) for c in vocabulary.CHANNELS],
        widget=Select,
    )
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[*ANY, ("yes", _("Only overdue cases")), ("no", _("No overdue cases"))],
        widget=Select,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=ANY + [(o, OUTCOME_LABELS.get(o, o)) for o in vocabulary.OUTCOMES],
        widget=Select,
    )
    received_from = forms.DateField(label=_("Received on or after"), required=False, widget=forms.HiddenInput)
    received_to = forms.DateField(label=_("Received on or before"), required=False, widget=forms.HiddenInput)
    # The analysis page's links (issue 12): hidden, shown as one line of text when given.
    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    commissioner = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    closed_from = forms.DateField(label=_("Closed on or after"), required=False, widget=forms.HiddenInput)
    closed_to = forms.DateField(label=_("Closed on or before"), required=False, widget=forms.HiddenInput)
    handled_min = forms.IntegerField(required=False, min_value=0, max_value=100_000, widget=forms.HiddenInput)
    handled_max = forms.IntegerField(required=False, min_value=0, max_value=100_000, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: InboxChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organisation"].choices = ANY + [(c.value, c.label) for c in choices.organisations]
        fields["stage"].choices = ANY + [(c.value, c.label) for c in choices.stages]
        fields["category"].choices = ANY + [(c.value, c.label) for c in choices.categories]
        fields["cause"].choices = ANY + [(c.value, c.label) for c in choices.causes]
        fields["handler"].choices = ANY + [(c.value, c.label) for c in choices.handlers]

    def query(self) -> InboxQuery:
        data = self.cleaned_data
        overdue = {"yes": True, "no": False}.get(data.get("overdue") or "")
        return InboxQuery(
            scope=data.get("scope") or "all",
            search=data.get("search") or "",
            organisation=data.get("organisation") or None,
            kind=data.get("kind") or None,
            stage=data.get("stage") or None,
            status=data.get("status") or None,
            category=data.get("category") or None,
            cause=data.get("cause") or None,
            handler=int(data["handler"]) if data.get("handler") else None,
            channel=data.get("channel") or None,
            overdue=overdue,
            outcome=data.get("outcome") or None,
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            unit=data.get("unit"),
            commissioner=data.get("commissioner") or None,
            closed_from=data.get("closed_from"),
            closed_to=data.get("closed_to"),
            handled_min=data.get("handled_min"),
            handled_max=data.get("handled_max"),
            page=data.get("page") or 1,
        )


class SavedViewForm(GovukForm):
    name = forms.CharField(label=_("Name of this view"), max_length=100)


INTAKE_CHANNELS = ("phone", "in_person", "letter", "oral", "in_writing", "email")


class IntakeForm(GovukForm):
    """A complaint, compliment or suggestion taken by staff: by phone, in person or from a letter (WU-06, XS-01)."""

    organisation = forms.ChoiceField(label=_("Organisation"))
    kind = forms.ChoiceField(
        label=_("What is it"),
        choices=[(k, KIND_LABELS[k]) for k in vocabulary.KINDS],
        initial="complaint",
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(
        label=_("How it came in"), choices=[(c, CHANNEL_LABELS[c]) for c in INTAKE_CHANNELS], initial="phone"
    )
    received_on = DateField(
        label=_("Date received"), required=False, past_only=True, help_text=_("Leave empty for now.")
    )
    received_time = forms.TimeField(
        label=_("Time received"),
        required=False,
        help_text=_("For example 14:30."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Statement"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the person said or wrote, as you took it down."),
    )
    complainant_name = forms.CharField(label=_("Name of the person"), max_length=200)
    complainant_email = forms.EmailField(label=_("Email address"), required=False)
    complainant_phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    complainant_address = forms.CharField(
        label=_("Postal address"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    subject_person = forms.ChoiceField(
        label=_("About which colleague"),
        required=False,
        help_text=_("The person complained about, or praised in a compliment (WU-01)."),
    )
    subject_name = forms.CharField(label=_("Or the service or person, in words"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    confidential = forms.BooleanField(label=_("Confidential: only the people assigned see it"), required=False)
    scan = forms.FileField(
        label=_("Scan of the letter (optional)"), required=False, help_text=_("PDF or an image of the letter.")
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]],
        people: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organisation"].choices = organisations
        fields["subject_person"].choices = [("", _("Nobody in particular")), *people]
        fields["category"].choices = ANY + categories


class ClassifyForm(GovukForm):
    """What a case is about and why it happened (XS-22, WV-01): the organisation's own categories and causes."""

    categories = forms.MultipleChoiceField(label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple)
    causes = forms.MultipleChoiceField(label=_("Causes"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=5000)

    def __init__(
        self, *args: Any, categories: list[tuple[str, str]], causes: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["categories"].choices = categories
        fields["causes"].choices = causes


class DocumentForm(GovukForm):
    file = forms.FileField(label=_("Document"), help_text=_("A PDF, an image, an email or an office document."))
    description = forms.CharField(label=_("Description (optional)"), required=False, max_length=500)
    sensitive = forms.BooleanField(
        label=_("Sensitive: medical information or an interview record (WA-11)"), required=False
    )


PARTY_ROLES = [
    ("committee_member", _("committee member")),
    ("expert", _("expert")),
    ("subject", _("subject")),
    ("representative", _("representative")),
    ("surviving_relative", _("surviving relative")),
]


class PartyForm(GovukForm):
    """A party joining the case later (WV-03, WP-01, WP-02, WA-09): a person of the organisation, or a name."""

    role = forms.ChoiceField(label=_("Role"), choices=PARTY_ROLES)
    person = forms.ChoiceField(label=_("A person of the organisation"), required=False)
    name = forms.CharField(label=_("Or a name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    involved = forms.BooleanField(label=_("Involved in what the complaint is about"), required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["person"].choices = [("", _("Nobody of the organisation")), *people]


class ConsentForm(GovukForm):
    """The complainant's written consent for a representative (WA-10)."""

    party = forms.IntegerField(widget=forms.HiddenInput)
    given_on = DateField(label=_("Written consent given on"), past_only=True)


class ProcedureCheckForm(GovukForm):
    organisation = forms.ChoiceField(label=_("Organisation"))
    file = forms.FileField(label=_("Procedure file (YAML)"))
    sample_day = DateField(label=_("Plan a case received on"), required=False)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organisation"].choices = organisations
