"""Input and output of `/api/cases/{id}/sensitive-sections/` (WA-11), and the case detail's summary of them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from plaint.api.fields import id_field
from plaint.cases.models import SensitiveSection, SensitiveSectionKind


class SensitiveSectionInput(serializers.Serializer[Any]):
    """A section on its own: medical information, an interview record or other sensitive information."""

    kind = serializers.ChoiceField(choices=SensitiveSectionKind.choices)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    event = id_field(
        required=False,
        allow_null=True,
        help_text=_("The sequence number of the event it belongs to in the case's history, if any."),
    )


class SensitiveSectionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SensitiveSectionKind.choices)
    title = serializers.CharField()
    text = serializers.CharField()
    event = serializers.SerializerMethodField(help_text=_("The sequence number of the event it belongs to."))
    recorded_by = serializers.SerializerMethodField(help_text=_("Who recorded it (username)."))
    recorded_at = serializers.DateTimeField()

    def get_event(self, section: SensitiveSection) -> int | None:
        return section.event.sequence if section.event is not None else None

    def get_recorded_by(self, section: SensitiveSection) -> str:
        return section.recorded_by.get_username()


class SensitiveSummaryOutput(serializers.Serializer[Any]):
    """How many sensitive sections the case has and whether you may read them; never their contents."""

    count = serializers.IntegerField()
    visible = serializers.BooleanField(
        help_text=_("Whether you may read them at /api/cases/{id}/sensitive-sections/ (each read is audited).")
    )
