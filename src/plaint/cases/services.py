"""Commands on cases. The engine decides; these services lock, append the event, update the snapshots, commit.

Every change goes through `case_register` (the first event, `received`) or `case_act` (every later event), so each
action is allowed only when the case's procedure says so, and each is recorded in the append-only history. What is
not a step of the procedure is a record event (`case_record_event`), written by the services beside this module:
parties (`party_services`), classification (`classification_services`), documents (`attachment_services`) and
sensitive sections (`sensitive_services`).

The commands live in one module per job and are gathered here, the cases app's public import path:
`registration_services` (registering), `action_services` (every later action), `history_services` (the event, the
snapshots, the record events), `sweep_services` (terms that passed), and `effects` (what an action sets in motion).
"""

from __future__ import annotations

from plaint.cases.action_services import (
    FIELD_REFUSALS,
    PARTIES,
    authorise_act,
    case_act,
    case_complainant_act,
    case_letter_sent,
)
from plaint.cases.history_services import (
    HOLIDAYS_VERSION,
    NEXT_DUE_STATES,
    RECORD_EVENTS,
    case_record_event,
    engine_events,
)
from plaint.cases.registration_services import (
    IdempotencyKeyReused,
    InForce,
    PartyInput,
    Registered,
    Registration,
    case_facts,
    case_register,
    case_register_once,
    categories_by_code,
    classifications_by_code,
    party_row_create,
)
from plaint.cases.sweep_services import case_refresh, cases_sweep

__all__ = [
    "FIELD_REFUSALS",
    "HOLIDAYS_VERSION",
    "NEXT_DUE_STATES",
    "PARTIES",
    "RECORD_EVENTS",
    "IdempotencyKeyReused",
    "InForce",
    "PartyInput",
    "Registered",
    "Registration",
    "authorise_act",
    "case_act",
    "case_complainant_act",
    "case_facts",
    "case_letter_sent",
    "case_record_event",
    "case_refresh",
    "case_register",
    "case_register_once",
    "cases_sweep",
    "categories_by_code",
    "classifications_by_code",
    "engine_events",
    "party_row_create",
]
