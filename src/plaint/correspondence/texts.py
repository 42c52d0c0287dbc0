"""Texts of the correspondence operations shown in the API's documentation (kept in this app's catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COMPLIMENT_COPY_DESCRIPTION = _(
    "WU-01: a compliment is recorded, acknowledged, and a copy goes to the relevant service manager. Finds the "
    "managers (a unit's manager, a person's line manager, otherwise the holders of the manager role), records the "
    "procedure's report_shared action, and queues one email per manager in their language, in one transaction; the "
    "emails are sent by the worker. The complainant's name is not in the copy. 400 when no manager can be found or a "
    "manager has no email address (the message says what to add); 409 for a case that is not a compliment, when "
    "the procedure does not allow the action now, or when the version changed. Answers with the case and the emails."
)
EMAIL_BECAUSE_HELP = _(
    "Why this person receives it: line_manager (of the person the compliment is about), unit_manager (of the unit) "
    "or manager_role (nobody more specific is known)."
)
