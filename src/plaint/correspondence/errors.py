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


class LetterTemplateError(InvalidInput):
    """A letter template that does not parse, fails while rendering (a loop past its limit, a name the data does not
    hold) or leaves out what the letter must contain. Names the template and, where known, the line."""

    code = "letter_template"

    def __init__(self, *, template: str, line: int | None, reason: str) -> None:
        self.template = template
        self.line = line
        self.reason = reason
        where = f"{template}:{line}" if line else template
        super().__init__(
            lazy_format(_("Letter template %(where)s: %(reason)s"), where=where, reason=reason),
            errors={"template": [lazy_format(_("%(where)s: %(reason)s"), where=where, reason=reason)]},
        )


class LetterContentMissing(InvalidInput):
    """A letter lacks what its procedure says it must contain (`must_contain`): no text for it, or the template does
    not show it."""

    code = "letter_content_missing"

    def __init__(self, *, template: str, item: str, label: str, empty: bool) -> None:
        self.template = template
        self.item = item
        self.empty = empty
        if empty:
            message = lazy_format(
                _("Letter %(template)s must contain %(label)s (content.%(item)s), but the case has none: add it."),
                template=template,
                label=label,
                item=item,
            )
        else:
            message = lazy_format(
                _("Letter template %(template)s must show %(label)s: add {{ content.%(item)s }} to it."),
                template=template,
                label=label,
                item=item,
            )
        super().__init__(message, errors={"template": [message]})


class LetterRecipientWithoutAddress(InvalidInput):
    """A letter is due to someone Plaint can reach neither by email nor by post."""

    code = "letter_recipient_without_address"

    def __init__(self, *, letter: str, names: list[str]) -> None:
        super().__init__(
            lazy_format(
                _(
                    "The letter “%(letter)s” cannot be sent: no email address or postal address is known for "
                    "%(names)s. Add one, then try again."
                ),
                letter=letter,
                names=", ".join(names),
            ),
            errors={"recipients": [_("No email address or postal address.")]},
        )
