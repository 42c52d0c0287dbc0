"""Errors a person can read: each carries its text in English and Dutch and the HTTP status that fits it.

Services raise these; the API and the pages turn them into one error shape (`{"code", "detail", "errors"}`)
in the request's language. Nothing here knows about HTTP beyond the status number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils import translation
from django.utils.functional import lazy


class PlaintError(Exception):
    """A refusal with a reason. `detail` is lazy text (gettext_lazy) so it renders in the active language."""

    status = 400
    code = "invalid"

    def __init__(self, detail: Any, *, errors: Mapping[str, Any] | None = None, extra: Mapping[str, Any] | None = None):
        super().__init__(str(detail))
        self.detail = detail
        self.errors = dict(errors or {})
        self.extra = dict(extra or {})

    def text(self, lang: str | None = None) -> str:
        if lang is None:
            return str(self.detail)
        with translation.override(lang):
            return str(self.detail)


class InvalidInput(PlaintError):
    status = 400
    code = "invalid"


class NotFound(PlaintError):
    status = 404
    code = "not_found"


class Forbidden(PlaintError):
    status = 403
    code = "forbidden"


class Conflict(PlaintError):
    status = 409
    code = "conflict"


def _interpolate(text: Any, params: Mapping[str, Any]) -> str:
    return str(text) % dict(params)


_lazy_interpolate = lazy(_interpolate, str)


def lazy_format(text: Any, **params: Any) -> Any:
    """`gettext_lazy("… %(name)s …")` filled in when read, so it renders in the language active then."""
    return _lazy_interpolate(text, params)


def invalid_input_from(error: ValidationError) -> InvalidInput:
    """Django's `ValidationError` (a model's `clean()`, a password validator) as Plaint's refusal: the first message
    as the detail (still lazy, so it renders in the language active when read) and every message per field."""
    if hasattr(error, "error_dict"):
        errors: dict[str, list[str]] = error.message_dict
        first = next(item for items in error.error_dict.values() for item in items)
    else:
        errors = {NON_FIELD_ERRORS: error.messages}
        first = error.error_list[0]
    detail = lazy_format(first.message, **first.params) if first.params else first.message
    return InvalidInput(detail, errors=errors)


def full_clean_or_refuse(instance: Model, **kwargs: Any) -> None:
    """`instance.full_clean(**kwargs)` for a service: a domain refusal raises `InvalidInput` (400), not Django's
    `ValidationError`. Model `clean()` methods keep raising `ValidationError`, which the admin's forms show."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise invalid_input_from(error) from error
