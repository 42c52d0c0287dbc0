"""Template tags of the shared page parts: the vendored files' addresses and the language switch."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import translation

from plaint.web import vendored

register = template.Library()

# Each language named in itself, as a language switch should.
_OWN_NAMES = {"en": "English", "nl": "Nederlands"}


@register.simple_tag
def govuk_static(name: str) -> str:
    return static(f"{vendored.GOVUK_FRONTEND}/{name}")


@register.simple_tag
def htmx_static(name: str = "htmx.min.js") -> str:
    return static(f"{vendored.HTMX}/{name}")


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The current page in every language: (code, own name, address, current?)."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": _OWN_NAMES.get(code, code),
            "href": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
