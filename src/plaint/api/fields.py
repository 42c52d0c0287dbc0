"""Input fields and the JSON parser of the API, bounded so that no input reaches the database or the calendar in a
form they cannot hold (a 500): ids fit a signed 64-bit integer, moments and days lie between 1900 and 9998, and JSON
nests at most `MAX_JSON_DEPTH` levels.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser

#: The largest id (and version) the database stores: a signed 64-bit integer.
MAX_ID = 2**63 - 1
#: Days and moments the API accepts: no complaint was received before 1900, and year 9999 leaves no room for terms.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(9998, 12, 31)
#: Deeper JSON than this is refused before Python's recursion limit is anywhere near (no input nests this deep).
MAX_JSON_DEPTH = 32

OUT_OF_RANGE = _("Give a day between 1900 and 9998.")
NO_SUCH_DAY = _("There is no such day: %(month)s %(year)s has no day %(day)s.")
#: The longest description of a case or a follow-up (what the person said or wrote), and the longest note on an action
#: or a party: the same limits as the staff pages' forms.
MAX_DESCRIPTION = 50_000
MAX_NOTE = 5_000
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An id of a row (person, unit, event, …): 1 up to the largest id the database stores."""
    kwargs.setdefault("min_value", 1)
    kwargs.setdefault("max_value", MAX_ID)
    return serializers.IntegerField(**kwargs)


def text_field(*, max_length: int, **kwargs: Any) -> serializers.CharField:
    """Free text (a description, a note) with a documented maximum length and a message that says it."""
    return serializers.CharField(
        max_length=max_length,
        error_messages={
            "max_length": _("This text is too long: at most {max_length} characters. Put a longer text in a document.")
        },
        **kwargs,
    )


def impossible_day(value: Any) -> str | None:
    """The message for a day written as YYYY-MM-DD that does not exist (30 February), else None."""
    match = _ISO_DAY.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year < 1:
        return str(OUT_OF_RANGE)
    if not 1 <= month <= 12:
        return str(_("There is no such day: a year has no month %(month)s.") % {"month": match.group(2)})
    if 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return str(NO_SUCH_DAY % {"month": _MONTHS[month - 1], "year": year, "day": day})


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> dt.date:
        try:
            day: dt.date = super().to_internal_value(value)
        except serializers.ValidationError:
            impossible = impossible_day(value)
            if impossible is not None:
                raise serializers.ValidationError(impossible, code="impossible_day") from None
            raise
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise serializers.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> dt.datetime:
        try:
            moment: dt.datetime = super().to_internal_value(value)
        except serializers.ValidationError:
            impossible = impossible_day(value[:10]) if isinstance(value, str) else None
            if impossible is not None:
                raise serializers.ValidationError(impossible, code="impossible_day") from None
            raise
        if not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
            raise serializers.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return moment


def _depth_checked(value: Any) -> Any:
    """The parsed value, or ParseError when it nests deeper than MAX_JSON_DEPTH (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise exceptions.ParseError(_("The JSON nests too deeply."))
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return value


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request is too large.")
    default_code = "too_large"


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, plus: a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is a 413 (Django checks that limit for forms
    only), and too deep a nesting (which makes Python's parser raise RecursionError) is a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestTooLarge()
        try:
            return _depth_checked(super().parse(stream, media_type, parser_context))
        except RecursionError as error:
            raise exceptions.ParseError(_("The JSON nests too deeply.")) from error
