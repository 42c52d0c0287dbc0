"""Reads of cases. Every selector takes the actor, so access is part of each query, not left to a view.

`cases_visible_to` is the one place that decides which cases someone may see, as one database filter; it states the
rules of `plaint.access.rules` (docs/access.md) in SQL, and a test keeps the two in agreement. Reads that show a
case's content to a person (`case_read`) are recorded in the audit trail before the data is returned.

The selectors live in one module per job and are gathered here, the cases app's public import path:
`visibility_selectors` (who sees which case), `list_selectors` (the inbox and its filters), `detail_selectors` (one
case: its view, effects, documents, sensitive sections), `anonymised_selectors` (data for analysis).
"""

from __future__ import annotations

from plaint.cases.anonymised_selectors import (
    AnonymisedCase,
    AnonymisedFilters,
    anonymised_batches,
    anonymised_rows,
    cases_anonymised,
    organisation_for_anonymised,
)
from plaint.cases.detail_selectors import (
    attachment_list,
    attachment_read,
    case_attachments,
    case_attachments_shareable,
    case_by_idempotency_key,
    case_effects,
    case_event,
    case_for_attachments,
    case_party,
    case_sensitive_sections,
    case_sensitive_summary,
    case_view,
    organisations_for_registration,
    representative_may_receive,
)
from plaint.cases.list_selectors import (
    CaseFilters,
    case_list,
    cases_overdue,
)
from plaint.cases.visibility_selectors import (
    case_codes,
    case_detail,
    case_permissions,
    case_read,
    case_roles,
    case_seen,
    case_visible,
    cases_visible_to,
    organisation_ids_of,
)

__all__ = [
    "AnonymisedCase",
    "AnonymisedFilters",
    "CaseFilters",
    "anonymised_batches",
    "anonymised_rows",
    "attachment_list",
    "attachment_read",
    "case_attachments",
    "case_attachments_shareable",
    "case_by_idempotency_key",
    "case_codes",
    "case_detail",
    "case_effects",
    "case_event",
    "case_for_attachments",
    "case_list",
    "case_party",
    "case_permissions",
    "case_read",
    "case_roles",
    "case_seen",
    "case_sensitive_sections",
    "case_sensitive_summary",
    "case_view",
    "case_visible",
    "cases_anonymised",
    "cases_overdue",
    "cases_visible_to",
    "organisation_for_anonymised",
    "organisation_ids_of",
    "organisations_for_registration",
    "representative_may_receive",
]
