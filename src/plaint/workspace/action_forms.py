"""One short form per action of the procedure, as the case page offers them (the API's action inputs, as pages).

Each form holds the version of the case the person saw (a stale one is refused by `case_act`), a note, and the
action's own fields. The choices offered (outcomes, people, terms, open agreements) come from `ActionContext`, built by
the case page from the procedure and the case; whether the action is allowed is decided by `case_act` alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plaint.web.forms import DateField, GovukForm

OUTCOME_LABELS: dict[str, Any] = {
    "admissible": _("admissible"),
    "not_admissible": _("not admissible"),
    "resolved": _("resolved"),
    "unresolved": _("unresolved"),
    "agreement": _("agreement"),
    "well_founded": _("well-founded"),
    "partly_well_founded": _("partly well-founded"),
    "unfounded": _("unfounded"),
    "upheld": _("upheld"),
    "changed": _("changed"),
    "withdrawn": _("withdrawn"),
    "no_longer_needed": _("no longer needed"),
    "noted": _("noted"),
}

#: Actions whose outcome must be given (the engine refuses them without one).
OUTCOME_REQUIRED = (
    "decided",
    "admissibility_decided",
    "external_admissibility_decided",
    "external_decided",
    "review_decided",
)


@dataclass(frozen=True)
class ActionContext:
    """The choices an action's form offers on this case now."""

    outcomes: tuple[str, ...] = ()
    people: tuple[tuple[int, str], ...] = ()  # members who may be handler or owner
    terms: tuple[tuple[str, str], ...] = ()  # extendable terms: key, label
    follow_ups: tuple[tuple[int, str], ...] = ()  # open agreements and measures
    extra: dict[str, Any] = field(default_factory=dict)


class ActionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    on_behalf_of = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the case's history."),
    )

    #: Fields that are not the event's data.
    BASE = ("version", "on_behalf_of", "note")
    #: The trajectory the `trajectory` checkbox records as a fact (WP-20: `uwv`).
    trajectory_value = ""

    def event_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in self.BASE or value in (None, "", []):
                continue
            if name == "with_":
                name = "with"
            if name in ("handler", "owner", "follow_up"):
                value = int(value)
            if name == "shared_with":
                value = [part.strip() for part in str(value).split(",") if part.strip()]
            if name == "trajectory":  # a checkbox: the fact it records (WP-20)
                if value is True:
                    data["facts"] = {"trajectory": self.trajectory_value}
                continue
            data[name] = value.isoformat() if isinstance(value, dt.date) else value
        return data


def _text(label: Any, *, required: bool = False, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def action_form_class(action: str, context: ActionContext) -> type[ActionForm]:
    """The form of one action, with the choices of `context`."""
    fields: dict[str, forms.Field] = {}
    if context.outcomes or action in OUTCOME_REQUIRED:
        outcomes = context.outcomes or tuple(OUTCOME_LABELS)
        fields["outcome"] = forms.ChoiceField(
            label=_("Outcome"),
            required=action in OUTCOME_REQUIRED,
            choices=[("", _("Choose an outcome"))] + [(o, OUTCOME_LABELS.get(o, o)) for o in outcomes],
        )
    people = [("", _("Choose a person"))] + [(str(pk), name) for pk, name in context.people]
    if action == "decided":
        fields["explanation"] = _text(_("Explanation"), help_text=_("What was found and why (WU-18)."))
        fields["apology"] = _text(_("Apology (optional)"), rows=2)
        fields["action_taken"] = _text(_("Action taken (optional)"), rows=2)
        fields["hearing_skipped_reason"] = _text(
            _("Why both sides were not heard (where the procedure allows it)"), rows=2
        )
    elif action in (
        "admissibility_decided",
        "external_admissibility_decided",
        "external_decided",
        "review_decided",
    ):
        fields["reasons"] = _text(_("Reasons"), help_text=_("Required when a complaint is not admissible (XS-08)."))
    elif action == "handler_assigned":
        fields["handler"] = forms.ChoiceField(label=_("Handler"), choices=people)
        fields["delegate"] = forms.BooleanField(
            label=_("Delegate the handling; management stays responsible (XS-19)"), required=False
        )
    elif action == "term_extended":
        fields["term"] = forms.ChoiceField(label=_("Term"), choices=[("", _("Choose a term")), *list(context.terms)])
        fields["by"] = forms.CharField(
            label=_("Extend by"), max_length=40, help_text=_("For example: 6 weeks, or 10 working days.")
        )
        fields["reason"] = _text(_("Reasons"), required=True, help_text=_("Sent to the complainant."))
    elif action in ("agreement_recorded", "measure_recorded"):
        fields["description"] = _text(_("What was agreed or will be done"), required=True)
        fields["owner"] = forms.ChoiceField(label=_("Who sees to it"), choices=people, required=False)
        fields["follow_up_on"] = DateField(label=_("Follow up on"), required=False)
    elif action == "measure_completed":
        fields["follow_up"] = forms.ChoiceField(
            label=_("Agreement or measure kept"),
            choices=[("", _("Choose one"))] + [(str(pk), text) for pk, text in context.follow_ups],
        )
    elif action == "delay_explained":
        fields["explanation"] = _text(_("Explanation sent to the complainant"), required=True)
    elif action == "meeting_planned":
        fields["meeting_date"] = DateField(label=_("Date of the meeting"))
        fields["with_"] = forms.CharField(label=_("With whom"), required=False, max_length=500)
    elif action in ("meeting_held", "report_shared", "complainant_heard", "external_hearing_held"):
        fields["report"] = _text(
            _("Report"),
            rows=5,
            help_text=_("Kept apart as an interview record, for those allowed to see it (WA-11)."),
        )
        if action in ("meeting_held", "report_shared"):
            fields["shared_with"] = forms.CharField(
                label=_("Sent to"), required=False, max_length=1000, help_text=_("Names, separated by commas.")
            )
    elif action == "withdrawn":
        fields["reason"] = _text(_("Reason (optional)"), rows=2)
    elif action == "external_filed":
        routes = context.extra.get("routes") or ()
        if routes:  # the bodies the procedure offers now (WP-20: UWV's labour expert for a UWV trajectory)
            fields["body"] = forms.ChoiceField(
                label=_("External body"),
                choices=[(key, label) for key, label in routes],
            )
        else:
            fields["body"] = forms.CharField(label=_("External body"), required=False, max_length=200)
        trajectory = context.extra.get("trajectory")
        if trajectory:
            fields["trajectory"] = forms.BooleanField(
                label=_("The complainant follows a %(trajectory)s trajectory") % {"trajectory": trajectory.upper()},
                required=False,
                help_text=_("Recorded as a fact of the case; some routes are only for such a complainant (WP-20)."),
            )
    form: type[ActionForm] = type(f"{action.title().replace('_', '')}Form", (ActionForm,), fields)
    if action == "external_filed" and context.extra.get("trajectory"):
        form.trajectory_value = str(context.extra["trajectory"])
    return form
