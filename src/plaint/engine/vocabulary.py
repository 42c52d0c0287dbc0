"""The fixed words a procedure file may use: roles, parties, events, outcomes, letter contents and so on.

The vocabulary belongs to the engine, not to a procedure: the organisations app knows the same roles, the cases app
the same events, the correspondence app the same letter contents. A procedure file can only pick from these lists;
`docs/procedures.md` explains each word. Adding a word here is a code change with a test, never a file change.
"""

from __future__ import annotations

from typing import Final

#: Roles a person can hold in an organisation (shared with `plaint.organisations`).
ROLES: Final = (
    "intake_staff",
    "handler",
    "manager",
    "senior_manager",
    "board_member",
    "complaints_officer",
    "committee_member",
    "analyst",
    "administrator",
)

#: Parties to a case who are not staff roles. They may take actions (the complainant withdraws) and receive letters.
PARTIES: Final = ("complainant", "subject", "external_body")

#: Who may receive a letter or a report besides roles and parties.
RECIPIENTS_EXTRA: Final = ("organisation", "everyone_involved", "commissioning_party", "employees", "management_review")

#: Every event the engine knows. Each action a person takes appends exactly one event.
EVENTS: Final = (
    "received",
    "acknowledged",
    "admissibility_decided",
    "handler_assigned",
    "handling_started",
    "response_requested",
    "subject_responded",
    "complainant_heard",
    "meeting_offered",
    "meeting_declined",
    "meeting_planned",
    "meeting_held",
    "report_shared",
    "informal_resolved",
    "formal_requested",
    "mediation_started",
    "mediation_ended",
    "decided",
    "agreement_recorded",
    "measure_recorded",
    "measure_completed",
    "term_extended",
    "delay_explained",
    "review_requested",
    "review_decided",
    "escalated",
    "internal_closed",
    "external_filed",
    "external_admissibility_decided",
    "external_hearing_held",
    "external_decided",
    "withdrawn",
    "closed",
    "reopened",
    "paused",
    "resumed",
    "letter_sent",
)

#: Events the engine itself governs: always possible, never listed as a stage action.
#: `received` starts every case; `term_extended` follows a term's `extension` policy; `letter_sent` records that a due
#: letter went out (the correspondence app appends it).
BUILTIN_EVENTS: Final = ("received", "term_extended", "letter_sent")

#: What a decision in a stage can come to.
OUTCOMES: Final = (
    "admissible",
    "not_admissible",
    "resolved",
    "unresolved",
    "agreement",
    "well_founded",
    "partly_well_founded",
    "unfounded",
    "upheld",
    "changed",
    "withdrawn",
    "no_longer_needed",
    "noted",
)

KINDS: Final = ("complaint", "compliment", "suggestion")

CHANNELS: Final = ("in_writing", "oral", "in_person", "phone", "email", "web_form", "complaint_form", "letter")

STAGE_KINDS: Final = (
    "intake",
    "informal",
    "formal",
    "investigation",
    "review",
    "board",
    "complaints_officer",
    "committee",
    "mediation",
    "external",
    "follow_up",
    "feedback",
)

#: What a letter must contain; the correspondence app renders each of these.
LETTER_CONTENTS: Final = (
    "date_of_receipt",
    "summary",
    "purpose_of_procedure",
    "next_steps",
    "handler",
    "complaint_date",
    "facts",
    "agreements",
    "what_took_place",
    "solutions",
    "suggestions_for_resolution",
    "findings",
    "outcome",
    "judgement",
    "reasons",
    "measures",
    "advice",
    "prevention",
    "explanation",
    "apology",
    "action_taken",
    "delay_reasons",
    "new_due_date",
    "extension_reasons",
    "right_to_review",
    "external_body",
    "external_time_limit",
    "report_of_conversation",
    "final_position",
)

#: Documents a letter can enclose.
ENCLOSURES: Final = ("procedure", "complaint", "complaint_form", "report", "final_report")

#: Facts a case records (in any event's `facts` mapping) that routing rules and `applies_when` can test.
FACTS: Final = ("subject_role", "involved", "nature", "channel", "kind", "category")

#: Where an admissibility time limit or external body's time limit can be counted from, besides an event.
INCIDENT_ANCHORS: Final = ("incident", "awareness")

#: Who must act for a term to be met.
TERM_PARTIES: Final = ("organisation", "complainant", "subject", "external_body")

REPORT_PERIODS: Final = ("month", "quarter", "year")
REPORT_PER: Final = ("organisation", "client_organisation", "commissioning_party", "unit")
REPORT_CONTENTS: Final = (
    "count",
    "kind",
    "category",
    "subject",
    "cause",
    "outcome",
    "handling_time",
    "terms_missed",
    "measures",
    "recommendations",
)

CONSENT: Final = ("none", "authorisation", "written_consent")

JURISDICTION_CODES: Final = ("NL", "GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR")
