"""The refusals of the correspondence services, in English and Dutch (this app's catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plaint.core.errors import Conflict, InvalidInput, lazy_format


class NotACompliment(Conflict):
    code = "not_a_compliment"

    def __init__(self) -> None:
        super().__init__(_("Only a compliment is copied to the service manager (WU-01); this case is not one."))


class NoServiceManager(InvalidInput):
    """Nobody can be found to receive the copy of a compliment; says what to add."""

    code = "no_service_manager"


class RecipientWithoutEmail(InvalidInput):
    code = "recipient_without_email"

    def __init__(self, *, names: list[str]) -> None:
        super().__init__(
            lazy_format(
                _("No email address is known for %(names)s. Add it to their person record, then send the copy again."),
                names=", ".join(names),
            ),
            errors={"recipients": [_("No email address.")]},
        )


class EmailNotResendable(Conflict):
    code = "email_not_resendable"

    def __init__(self) -> None:
        super().__init__(_("Only a failed or unconfirmed email can be sent again."))


def no_service_manager(*, organisation: str, subject: str | None) -> NoServiceManager:
    """Nobody to send the copy to: about nobody in particular (`subject` None) or about someone without a manager."""
    if subject is None:
        detail = lazy_format(
            _(
                "This compliment names nobody it is about, and nobody in %(organisation)s holds the manager role. Add "
                "the person or unit it is about to the case, or give someone the manager role."
            ),
            organisation=organisation,
        )
    else:
        detail = lazy_format(
            _(
                "No manager is known for %(subject)s: add a line manager to their membership in %(organisation)s, "
                "a manager to the unit, or give someone the manager role."
            ),
            subject=subject,
            organisation=organisation,
        )
    return NoServiceManager(detail, errors={"recipients": [_("No service manager found.")]})
