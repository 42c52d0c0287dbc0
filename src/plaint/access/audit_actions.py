"""The one catalogue of audit actions: every `action` the audit trail may hold, with what it records.

`audit_record` refuses an action that is not here (`AuditDetailsInvalid`), so a new kind of record is added here first,
and docs/audit.md shows this table (`plaint audit actions` prints it; `tests/access/test_audit_actions.py` checks the
page against it). `case.action.<event>` stands for one action per event of the procedures' vocabulary.
"""

from __future__ import annotations

from typing import Final

from plaint.engine import vocabulary

CASE_ACTION_PREFIX: Final = "case.action."

#: action → what a record of it says happened (or was seen).
AUDIT_ACTIONS: Final[dict[str, str]] = {
    "login.succeeded": "a user signed in (both factors)",
    "login.failed": "a sign-in failed; the name tried only as a keyed hash",
    "logout": "a user signed out",
    "access.denied": "a user was refused something their roles do not allow",
    "case.registered": "a case was registered",
    "case.viewed": "a case's detail was read",
    CASE_ACTION_PREFIX + "<event>": "an action of the procedure was recorded on a case (one per event kind)",
    "case.classified": "a case's categories or causes were set",
    "case.party.added": "a party was added to a case",
    "case.consent.recorded": "a representative's written consent was recorded",
    "case.consent.withdrawn": "a representative's consent was withdrawn",
    "case.sensitive.added": "a sensitive section was added to a case",
    "case.sensitive.viewed": "a case's sensitive sections were read",
    "case.attachment.added": "a document was added to a case",
    "case.attachment.read": "a document was downloaded",
    "case.attachment.removed": "a document added by mistake was removed",
    "case.attachment.refused": "the virus scanner flagged a document, which was not added (with the signature)",
    "cases.anonymised.read": "an analyst read an organisation's anonymised cases",
    "case.legal_hold_set": "a legal hold was put on a case",
    "case.legal_hold_released": "a legal hold was released",
    "case.anonymised": "a case was anonymised at the end of its retention",
    "case.documents_deleted": "a case's documents were deleted at the end of their retention",
    "case.effect.handled": "an effect of an action (a letter due, a notification) was handled by its handler",
    "case.effect.failed": "handling an effect failed; retried later, or failed for good after its last attempt",
    "case.effect.retry_requested": "a person asked for a failed effect to be tried again",
    "case.routing.no_eligible_handler": (
        "nobody may handle a case's current stage (all in conflict, or nobody holds the routed role): the case was "
        "marked and the organisation's administrators told"
    ),
    "case.routing.handler_eligible": "someone may again handle a case that was marked as having no eligible handler",
    "case.language.corrected": "a case's language (guessed from an email) was corrected",
    "mail.quarantine.case_made": "a person made a message kept aside in quarantine into a new case",
    "mail.quarantine.attached": "a person added a message kept aside in quarantine to a case's history",
    "mail.quarantine.discarded": "a person discarded a message kept aside in quarantine (it stays stored)",
    "membership.created": "a person was made a member of an organisation",
    "membership.changed": "a membership changed (units, line manager, dates)",
    "membership.deleted": "a membership was removed",
    "membership.role_granted": "a role was granted to a member",
    "membership.role_revoked": "a role was taken from a member",
    "procedure.adopted": "an organisation adopted a procedure",
    "procedure.adoption_changed": "a procedure adoption changed (its version or dates)",
    "procedure.adoption_deleted": "a procedure adoption was removed",
    "procedure.version_stored": "an administrator uploaded a new version of a procedure file, kept to be activated",
    "api_token.issued": "a user's API token was issued (or shown again)",
    "api_token.revoked": "a user's API token was revoked",
    "mfa.enrolled": "a user confirmed an authenticator app and received recovery codes",
    "mfa.recovery_codes_replaced": "a user's recovery codes were replaced",
    "mfa.device_saved": "an administrator changed a second-factor device",
    "mfa.device_removed": "a second-factor device was removed",
    "reporting.report_made": "a report (annual, quarterly, bundle) was generated and stored",
    "privacy.subject_exported": "a data subject's data were exported",
    "privacy.subject_erased": "a data subject's data were erased",
    "email.sent": "an email left the outbox",
    "email.failed": "an email could not be sent (SMTP code, permanent or not)",
    "email.unconfirmed": "the worker stopped while sending an email; not sent again automatically",
    "email.resend_requested": "staff asked for an unconfirmed or failed email to be sent again",
    "letter.template_saved": "an organisation's own template of a procedure's letter was saved (after its check)",
    "letter.template_reset": "an organisation's own template of a letter was removed: the bundled text applies again",
    "letter.approval_rule_set": "an organisation set whether a letter needs a second person's approval",
    "letter.approved": "a second person approved a letter: its copies went out",
    "letter.returned": "a second person returned a letter with a comment: nothing went out",
    "letter.written": "a person wrote a letter in their own words (a missed term's letter, or one returned)",
    "letter.posted": "a person recorded a letter as posted or handed over, with the date",
    "portal.code.sent": "a one-time code to open a case was sent to an address on the case",
    "portal.code.accepted": "a one-time code opened a case on the portal",
    "portal.code.refused": "a wrong or expired one-time code was entered for a case",
}


def is_catalogued(action: str) -> bool:
    """Whether `action` is in the catalogue (a `case.action.<event>` for an event of the vocabulary counts)."""
    if action in AUDIT_ACTIONS:
        return action != CASE_ACTION_PREFIX + "<event>"
    if action.startswith(CASE_ACTION_PREFIX):
        return action.removeprefix(CASE_ACTION_PREFIX) in vocabulary.EVENTS
    return False


def catalogue_markdown() -> str:
    """The catalogue as the table in docs/audit.md."""
    rows = ["| action | records that |", "|---|---|"]
    rows += [f"| `{action}` | {meaning} |" for action, meaning in AUDIT_ACTIONS.items()]
    return "\n".join(rows)
