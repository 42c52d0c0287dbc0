"""One input serializer per action (`POST /api/cases/{id}/actions/{action}/`).

Every action takes the case `version` the client saw (a stale one gets 409), optionally the day it happened (`on`),
a `note`, and `on_behalf_of` when staff record what a party did (the complainant asked for a review by letter). The
action's own fields go into the event's data. Whether the action is allowed now is the procedure's business: the
service answers that (409 with the allowed actions), not these serializers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from plaint.api.fields import MAX_DESCRIPTION, MAX_ID, MAX_NOTE, BoundedDateField, id_field, text_field
from plaint.engine import vocabulary
from plaint.engine.calendar import Duration

#: Events recorded by Plaint itself, never through an action endpoint: receipt (registration) and letters sent.
NOT_ACTIONS = ("received", "letter_sent")
ACTIONS: tuple[str, ...] = tuple(event for event in vocabulary.EVENTS if event not in NOT_ACTIONS)

BASE_FIELDS = ("version", "on", "note", "on_behalf_of")


class ActionInput(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=0, max_value=MAX_ID, help_text=_("The case version you saw; 409 when it changed since.")
    )
    on = BoundedDateField(required=False, help_text=_("The day it happened; default today. Never in the future."))
    note = text_field(max_length=MAX_NOTE, required=False, allow_blank=True, default="")
    on_behalf_of = serializers.ChoiceField(
        choices=vocabulary.PARTIES,
        required=False,
        help_text=_("Record what a party did (a letter from the complainant, the external body's decision)."),
    )

    def event_data(self) -> dict[str, Any]:
        """The action's own fields, as stored in the event (dates as ISO text); fields not given are left out."""
        data: dict[str, Any] = {}
        for name, value in self.validated_data.items():
            if name in BASE_FIELDS or value is None:
                continue
            data[name] = value.isoformat() if isinstance(value, dt.date) else value
        return data


class OutcomeActionInput(ActionInput):
    outcome = serializers.ChoiceField(
        choices=vocabulary.OUTCOMES, required=False, help_text=_("Where the procedure asks for one.")
    )


class DecidedInput(ActionInput):
    """The decision on the complaint and the response (WU-18: explanation, apology, action taken)."""

    outcome = serializers.ChoiceField(choices=vocabulary.OUTCOMES)
    explanation = serializers.CharField(required=False, allow_blank=True)
    apology = serializers.CharField(required=False, allow_blank=True)
    action_taken = serializers.CharField(required=False, allow_blank=True)
    hearing_skipped_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Why both sides were not heard, where the procedure allows it (XS-09, WP-05, WH-03)."),
    )


class _OutcomeWithReasons(ActionInput):
    outcome = serializers.ChoiceField(choices=vocabulary.OUTCOMES)
    reasons = serializers.CharField(required=False, allow_blank=True)


class AdmissibilityDecidedInput(_OutcomeWithReasons):
    """Admissible or not (WV-04, WP-03); a refusal gives reasons (XS-08)."""


class ExternalAdmissibilityDecidedInput(_OutcomeWithReasons):
    """The external committee's decision on admissibility (WP-16)."""


class ExternalDecidedInput(_OutcomeWithReasons):
    """The external body's decision (XS-12, WP-18)."""


class ReviewDecidedInput(_OutcomeWithReasons):
    """The outcome of a review, with reasons (WA-08, WH-08)."""


class HandlerAssignedInput(ActionInput):
    """Register the handler (XS-04), or the employee management delegates the handling to (XS-19)."""

    handler = id_field(help_text=_("Person id."))
    delegate = serializers.BooleanField(
        required=False, default=False, help_text=_("Delegate the handling; management stays responsible (XS-19).")
    )


class TermExtendedInput(ActionInput):
    """Extend a term, with reasons, within the procedure's maximum (XS-13)."""

    term = serializers.RegexField(r"^[a-z][a-z0-9_]*$", max_length=64, help_text=_("The term's key."))
    by = serializers.CharField(max_length=40, help_text=_("How much longer, e.g. '6 weeks' or '10 working days'."))
    reason = serializers.CharField(required=False, allow_blank=True)

    def validate_by(self, value: str) -> str:
        try:
            Duration.parse(value)
        except ValueError:
            raise serializers.ValidationError(
                _("Write a number and a unit: calendar days, working days, weeks, months or years.")
            ) from None
        return value


class _FollowUpRecorded(ActionInput):
    description = text_field(max_length=MAX_DESCRIPTION)
    owner = id_field(required=False, help_text=_("Person id of who sees to it."))
    follow_up_on = BoundedDateField(required=False, allow_null=True)


class AgreementRecordedInput(_FollowUpRecorded):
    """An agreed solution, followed up until kept (WP-06)."""


class MeasureRecordedInput(_FollowUpRecorded):
    """A corrective or preventive measure (XS-17, WP-19)."""


class MeasureCompletedInput(ActionInput):
    follow_up = id_field(help_text=_("The id of the agreement or measure kept."))


class DelayExplainedInput(ActionInput):
    """The explanation, with reasons, when the response cannot come in time (WU-10, WA-07)."""

    explanation = serializers.CharField()


MeetingPlannedInput: type[ActionInput] = type(
    "MeetingPlannedInput",
    (ActionInput,),
    {
        "__doc__": "A meeting by appointment (WA-05).",
        "__module__": __name__,
        "meeting_date": BoundedDateField(),
        # `with` is a Python keyword, so this class is built with type().
        "with": serializers.CharField(required=False, allow_blank=True, help_text=_("Who the meeting is with.")),
    },
)


class _ReportInput(ActionInput):
    report = serializers.CharField(required=False, allow_blank=True, help_text=_("The report of the conversation."))
    shared_with = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, help_text=_("Who the report was sent to.")
    )


class MeetingHeldInput(_ReportInput):
    """A meeting or hearing took place; its report goes to everyone involved (WP-10, WP-17)."""


class ReportSharedInput(_ReportInput):
    """A report was sent to everyone involved (WP-10, WP-17)."""


class _HearingInput(OutcomeActionInput):
    report = serializers.CharField(required=False, allow_blank=True, help_text=_("The report of the hearing."))


class ComplainantHeardInput(_HearingInput):
    """The complainant, or both sides, were heard (XS-09, WP-05); the report of the hearing is kept apart as an
    interview record (WA-11), never in the history."""


class ExternalHearingHeldInput(_HearingInput):
    """The external committee heard the parties (WP-17); the report of the hearing is kept apart as an interview
    record (WA-11), never in the history."""


class WithdrawnInput(OutcomeActionInput):
    """The complainant withdraws, or no longer needs the handling (WP-13)."""

    reason = serializers.CharField(required=False, allow_blank=True)


class ExternalFiledInput(ActionInput):
    """The complaint went to the external body (XS-12, WP-15, WH-09), or to another the procedure offers (WP-20)."""

    body = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_(
            "Which external body: the key of one of the case's `routes` (uwv_labour_expert, WP-20); without it, "
            "the body of the stage the action goes to. Any other text is kept as the body's name."
        ),
    )
    trajectory = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text=_(
            "The programme the complainant follows, recorded as a fact of the case (uwv: a UWV trajectory, which "
            "opens the route to UWV's labour expert, WP-20)."
        ),
    )

    def event_data(self) -> dict[str, Any]:
        data = super().event_data()
        trajectory = str(data.pop("trajectory", "") or "").strip()
        if trajectory:
            data["facts"] = {"trajectory": trajectory}
        return data


SPECIFIC: dict[str, type[ActionInput]] = {
    "decided": DecidedInput,
    "admissibility_decided": AdmissibilityDecidedInput,
    "external_admissibility_decided": ExternalAdmissibilityDecidedInput,
    "external_decided": ExternalDecidedInput,
    "review_decided": ReviewDecidedInput,
    "handler_assigned": HandlerAssignedInput,
    "term_extended": TermExtendedInput,
    "agreement_recorded": AgreementRecordedInput,
    "measure_recorded": MeasureRecordedInput,
    "measure_completed": MeasureCompletedInput,
    "delay_explained": DelayExplainedInput,
    "meeting_planned": MeetingPlannedInput,
    "meeting_held": MeetingHeldInput,
    "report_shared": ReportSharedInput,
    "complainant_heard": ComplainantHeardInput,
    "external_hearing_held": ExternalHearingHeldInput,
    "withdrawn": WithdrawnInput,
    "external_filed": ExternalFiledInput,
}


def class_name(action: str) -> str:
    return "".join(part.capitalize() for part in action.split("_"))


def _generic(action: str) -> type[ActionInput]:
    """The input of an action with no fields of its own: the common fields and an optional outcome."""
    return type(
        f"{class_name(action)}Input",
        (OutcomeActionInput,),
        {"__doc__": f"Record `{action}`.", "__module__": __name__},
    )


#: Every action and its input serializer.
ACTION_INPUTS: dict[str, type[ActionInput]] = {action: SPECIFIC.get(action) or _generic(action) for action in ACTIONS}
