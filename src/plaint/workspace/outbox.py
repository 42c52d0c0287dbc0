"""What a case has set in motion and where it stands, for the case page: its effects that are not done (letters due
to be written or approved, notifications waiting, failed ones: `cases.effects`) and its emails with their outbox
status (`correspondence`), each failed or unconfirmed one with "Send again" (`email_resend`), each failed effect with
"Try again" (`effect_retry`). Reads through the cases and correspondence selectors; two queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from plaint.access.models import User
from plaint.cases.models import Case, Effect, EffectState
from plaint.cases.selectors import case_effects
from plaint.correspondence.letters.approval import LetterDraft, letters_waiting_of_case
from plaint.correspondence.models import EmailStatus, OutboundEmail
from plaint.correspondence.selectors import case_emails
from plaint.engine import Procedure

KIND_LABELS = {
    "notification.handler_assigned": _("Notification to the person given the case"),
    "notification.no_eligible_handler": _("Notice to the administrators that nobody may handle the case"),
    "letter.compliment_copy": _("Copy of the compliment to the service manager"),
}
#: What each state means for the person reading the case (the states themselves: docs/architecture.md).
EFFECT_STATE_TEXT = {
    EffectState.PENDING: _("waiting to be done"),
    EffectState.FAILED: _("failed: nothing more is tried until someone tries again"),
    EffectState.WAITING: _("waiting: Plaint does not do this by itself yet"),
}
RESENDABLE = (EmailStatus.FAILED, EmailStatus.UNCONFIRMED)


@dataclass(frozen=True)
class EffectRow:
    effect: Effect
    label: str
    state_text: str
    retryable: bool


@dataclass(frozen=True)
class EmailRow:
    email: OutboundEmail
    resendable: bool


@dataclass(frozen=True)
class DraftRow:
    draft: LetterDraft
    label: str


@dataclass(frozen=True)
class CaseOutbox:
    effects: list[EffectRow]
    emails: list[EmailRow]
    #: Letters waiting for a person (approval, a rewrite, a missed term's reasons), each linked to its page.
    drafts: list[DraftRow]


def _label(effect: Effect, procedure: Procedure, lang: str) -> str:
    if effect.kind in KIND_LABELS:
        return str(KIND_LABELS[effect.kind])
    family, _sep, key = effect.kind.partition(".")
    if family == "letter":
        letter = procedure.letter_by_key.get(key)
        name = letter.label.get(lang) if letter is not None else key  # type: ignore[arg-type]
        return str(_("Letter: %(name)s") % {"name": name})
    return effect.kind


def case_outbox(*, actor: User, case: Case, procedure: Procedure, lang: str) -> CaseOutbox:
    """The effects of the case that are not done, oldest first, and the emails the person may see."""
    effects = [
        EffectRow(
            effect=effect,
            label=_label(effect, procedure, lang),
            state_text=str(EFFECT_STATE_TEXT.get(effect.state, effect.get_state_display())),  # type: ignore[call-overload]
            retryable=effect.state == EffectState.FAILED,
        )
        for effect in case_effects(case=case)
        if effect.state != EffectState.DONE
    ]
    emails = [EmailRow(email, email.status in RESENDABLE) for email in case_emails(actor=actor, case=case)]
    drafts = [DraftRow(draft, _label(draft.effect, procedure, lang)) for draft in letters_waiting_of_case(case=case)]
    return CaseOutbox(effects=effects, emails=emails, drafts=drafts)


def effect_of(*, case: Case, effect_id: int) -> Effect | None:
    return next((effect for effect in case_effects(case=case) if effect.pk == effect_id), None)


def email_of(*, actor: User, case: Case, email_id: int) -> OutboundEmail | None:
    return case_emails(actor=actor, case=case).filter(pk=email_id).first()


__all__ = ["CaseOutbox", "case_outbox", "effect_of", "email_of"]
