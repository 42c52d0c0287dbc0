"""Words for the workspace's codes: roles, parties and outcomes in the person's language."""

from __future__ import annotations

from django import template

from plaint.organisations.models import Role
from plaint.workspace.action_forms import OUTCOME_LABELS

register = template.Library()

ROLE_LABELS = dict(Role.Code.choices)


@register.filter
def role_label(code: str) -> str:
    """A role's name ("intake staff"); a party's role as its word; anything else with spaces for underscores."""
    from plaint.cases.models import PartyRole

    labels = {**ROLE_LABELS, **dict(PartyRole.choices), "external_body": _external_body()}
    return str(labels.get(code, str(code).replace("_", " ")))


@register.filter
def role_labels(codes: list[str]) -> str:
    return ", ".join(role_label(code) for code in codes)


@register.filter
def outcome_label(code: str) -> str:
    return str(OUTCOME_LABELS.get(code, str(code).replace("_", " ")))


def _external_body() -> str:
    from django.utils.translation import gettext

    return gettext("external body")
