"""Refusals of the privacy services, in English and Dutch (409: the case's state forbids it, not the input)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plaint.core.errors import Conflict, InvalidInput, lazy_format


class CaseStillOpen(Conflict):
    code = "case_open"

    def __init__(self, reference: str) -> None:
        super().__init__(
            lazy_format(
                _("Case %(reference)s is still open: its personal data cannot be anonymised until it is closed."),
                reference=reference,
            ),
            extra={"reference": reference},
        )


class CaseOnLegalHold(Conflict):
    code = "legal_hold"

    def __init__(self, reference: str, reason: str) -> None:
        super().__init__(
            lazy_format(
                _("Case %(reference)s is on legal hold (%(reason)s): it is kept as it is until the hold is released."),
                reference=reference,
                reason=reason or "-",
            ),
            extra={"reference": reference},
        )


class NoIdentification(InvalidInput):
    code = "no_identification"

    def __init__(self) -> None:
        super().__init__(
            _("Identify the person by email address, name or person."),
            errors={"email": [_("Give an email address, a name or a person.")]},
        )


class ReasonRequired(InvalidInput):
    code = "reason_required"

    def __init__(self) -> None:
        super().__init__(_("Give the reason."), errors={"reason": [_("Required.")]})
