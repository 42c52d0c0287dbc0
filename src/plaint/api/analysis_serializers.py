"""Input and output serializers of the analysis operations: anonymised case data (WA-12, WP-22, XS-20)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from plaint.cases.models import Status
from plaint.cases.selectors import AnonymisedFilters
from plaint.engine import vocabulary

MONTH = r"^(19|[2-8][0-9])[0-9]{2}-(0[1-9]|1[0-2])$"  # 1900-01 to 8999-12


def _month(value: str | None) -> dt.date | None:
    if not value:
        return None
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)


class AnonymisedFiltersInput(serializers.Serializer[Any]):
    """The query parameters of the anonymised cases. Months only: a day would narrow a row down to its day of
    receipt. Unknown parameters are refused, so a typo never silently returns everything."""

    PAGING = ("page", "page_size")

    received_from = serializers.RegexField(
        MONTH, required=False, help_text=_("The first month of receipt included, as YYYY-MM.")
    )
    received_to = serializers.RegexField(
        MONTH, required=False, help_text=_("The last month of receipt included, as YYYY-MM.")
    )
    kind = serializers.ChoiceField(choices=vocabulary.KINDS, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    category = serializers.SlugField(required=False, help_text=_("Category code."))
    cause = serializers.SlugField(required=False, help_text=_("Cause code."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields) - set(self.PAGING))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown filter.")] for name in unknown})
        first, last = attrs.get("received_from"), attrs.get("received_to")
        if first and last and first > last:
            raise serializers.ValidationError({"received_to": [_("Not before the first month.")]})
        return attrs

    def filters(self) -> AnonymisedFilters:
        data = self.validated_data
        return AnonymisedFilters(
            received_from=_month(data.get("received_from")),
            received_to=_month(data.get("received_to")),
            kind=data.get("kind"),
            status=data.get("status"),
            category=data.get("category"),
            cause=data.get("cause"),
        )


class AnonymisedCaseOutput(serializers.Serializer[Any]):
    """A case without anything that identifies a person: no reference or id, names, descriptions, parties, exact
    dates or free text."""

    kind = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField(), help_text=_("Category codes."))
    causes = serializers.ListField(child=serializers.CharField(), help_text=_("Cause codes (XS-22)."))
    stage = serializers.CharField(help_text=_("The stage of its procedure the case is in now."))
    status = serializers.CharField()
    outcome = serializers.CharField()
    received_month = serializers.CharField(help_text=_("The month of receipt, as YYYY-MM."))
    handling_days = serializers.IntegerField(
        allow_null=True, help_text=_("Calendar days from receipt to closure; null while the case is open.")
    )


#: The columns of the CSV export, in order: the fields of `AnonymisedCaseOutput`.
CSV_COLUMNS = tuple(AnonymisedCaseOutput().fields)
