"""The refusals of the cases services."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plaint.core.errors import Conflict, InvalidInput, NotFound, lazy_format
from plaint.engine import Message


class EngineText:
    """The engine's messages, rendered in the language active when the text is read (English or Dutch)."""

    def __init__(self, messages: Sequence[Message]) -> None:
        self.messages = tuple(messages)

    def __str__(self) -> str:
        lang = "nl" if (translation.get_language() or "en").startswith("nl") else "en"
        return "; ".join(message.text(lang) for message in self.messages)


class ActionNotAllowed(Conflict):
    """The procedure does not allow this action now, or not for this person; says what is allowed."""

    code = "action_not_allowed"

    def __init__(self, messages: Sequence[Message], *, allowed: Sequence[str]) -> None:
        super().__init__(EngineText(messages), extra={"allowed_actions": list(allowed)})
        self.allowed = tuple(allowed)


class StaleCase(Conflict):
    code = "stale_case"

    def __init__(self, *, expected: int, current: int) -> None:
        super().__init__(
            lazy_format(
                _(
                    "This case changed while you were working on it (you had version %(expected)s, it is now at "
                    "version %(current)s). Reload it and try again."
                ),
                expected=expected,
                current=current,
            ),
            extra={"current_version": current},
        )


class NoProcedure(Conflict):
    code = "no_procedure"


class CaseAnonymised(Conflict):
    """The case's personal data was anonymised (docs/privacy.md): its history is closed, nothing more is recorded."""

    code = "case_anonymised"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This case's personal data has been anonymised, so it can no longer be reopened or changed. "
                "Register a new case if the matter comes back."
            )
        )


class CaseNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such case."))


__all__ = [
    "ActionNotAllowed",
    "CaseAnonymised",
    "CaseNotFound",
    "EngineText",
    "InvalidInput",
    "NoProcedure",
    "StaleCase",
]
