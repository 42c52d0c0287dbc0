"""Errors a person can read: each carries its text in English and Dutch and the HTTP status that fits it.

Services raise these; the API and the pages turn them into one error shape (`{"code", "detail", "errors"}`)
in the request's language. Nothing here knows about HTTP beyond the status number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
