"""GOV.UK Frontend markup for Django forms (docs/web.md).

`FORM_RENDERER` is `GovukFormRenderer`: `{{ form }}` and `{{ field.as_field_group }}` render GOV.UK form groups, and
`{% include "web/forms/error_summary.html" %}` the error summary. A page's form subclasses `GovukForm` (or sets
`bound_field_class = GovukBoundField`) so its widgets get GOV.UK classes, `aria-invalid` and the error ids in
`aria-describedby`; forms that do not (the admin's) keep Django's own markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The class each kind of widget gets (BoundField.widget_type), and the one it adds when its field has an error.
WIDGET_CLASSES: dict[str, tuple[str, str]] = {
    "text": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "url": ("govuk-input", "govuk-input--error"),
    "password": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "multiplefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "radioselect": ("govuk-radios__input", ""),
    "checkboxselectmultiple": ("govuk-checkboxes__input", ""),
    "checkbox": ("govuk-checkboxes__input", ""),
}
# Widgets whose field is a group of inputs: a fieldset with a legend, and the error summary links to the first one.
FIELDSET_WIDGETS = frozenset({"radioselect", "checkboxselectmultiple", "govukdate"})


class GovukFormRenderer(TemplatesSetting):
    """Django's renderer with GOV.UK templates for a form and a field group (needs `django.forms` installed)."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


class GovukBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        base, error = WIDGET_CLASSES.get(self.widget_type, ("", ""))
        classes = " ".join(c for c in (str(attrs.get("class", "")), base, error if self.errors else "") if c)
        if classes:
            attrs["class"] = classes
        return attrs

    @property
    def is_group(self) -> bool:
        return self.widget_type in FIELDSET_WIDGETS

    @property
    def group_describedby(self) -> str:
        """For a fieldset: its hint and error ids (Django puts them on the inputs only outside fieldsets)."""
        return (self.aria_describedby or "") if self.is_group else ""

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the input itself, or the first input of a group."""
        if self.is_group:
            return f"{self.auto_id}_0"
        return self.id_for_label or str(self.auto_id)


class GovukForm(forms.Form):
    bound_field_class = GovukBoundField
    # The id of the error summary's links for errors of the whole form (the summary itself).
    non_field_anchor = "error-summary"


class DateInput(forms.MultiWidget):
    """GOV.UK's date input: day, month and year as three text boxes with their own labels."""

    template_name = "web/forms/widgets/date.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__(
            [
                forms.TextInput(attrs={**numeric, "class": "govuk-input govuk-date-input__input govuk-input--width-2"}),
                forms.TextInput(attrs={**numeric, "class": "govuk-input govuk-date-input__input govuk-input--width-2"}),
                forms.TextInput(attrs={**numeric, "class": "govuk-input govuk-date-input__input govuk-input--width-4"}),
            ],
            attrs,
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        labels = [_("Day"), _("Month"), _("Year")]
        invalid = bool((attrs or {}).get("aria-invalid"))
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            subwidget["label"] = label
            if invalid:
                subwidget["attrs"]["class"] += " govuk-input--error"
            subwidget["attrs"].pop("aria-invalid", None)
            subwidget["attrs"].pop("required", None)
        return context


class GovukDateWidget(DateInput):
    """Named so `BoundField.widget_type` is `govukdate` (a fieldset whose error links to the day)."""


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's messages; `past_only` refuses a date after today."""

    widget = GovukDateWidget

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        if not (day and month and year):
            raise ValidationError(_("Enter the day, the month and the year."), code="incomplete")
        if not (day.isdecimal() and month.isdecimal() and year.isdecimal()) or len(year) != 4:
            raise ValidationError(_("Enter the date as numbers, for example 27 3 2026."), code="invalid")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(_("Enter a real date: that day does not exist."), code="invalid") from None
        if self.past_only and value > timezone.localdate():
            raise ValidationError(_("The date must be today or in the past."), code="future")
        return value
