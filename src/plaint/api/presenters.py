"""The case detail as the API shows it: the stored case, and what its procedure says about it now.

Reads only (through the cases selectors); the labels come from the procedure file, the warnings are rendered in the
request's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from plaint import engine
from plaint.access.audit_services import AuditSource
from plaint.access.models import User
from plaint.cases.models import Attachment, Case, Effect, FollowUp, Party, Term
from plaint.cases.routing_services import no_eligible_handler_text
from plaint.cases.selectors import (
    case_attachments,
    case_codes,
    case_effects,
    case_read,
    case_roles,
    case_sensitive_summary,
    case_view,
)
from plaint.engine import Procedure
from plaint.engine.definition import Text
from plaint.organisations.models import Person
from plaint.procedures.selectors import procedure_definition


def _lang() -> str:
    return "nl" if (translation.get_language() or "en").startswith("nl") else "en"


def _label(text: Text | None, fallback: str) -> dict[str, str]:
    if text is None:
        return {"en": fallback.replace("_", " "), "nl": fallback.replace("_", " ")}
    return {"en": text.en, "nl": text.nl}


def _person(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.pk, "name": person.name}


def case_presentation(*, actor: User, case_id: int, source: AuditSource | None = None) -> dict[str, Any]:
    """Everything `CaseDetailOutput` shows; `CaseNotFound` (404) for a case the actor may not see. The read is
    recorded in the audit trail (`case.viewed`) before anything is returned."""
    case = case_read(actor=actor, case_id=case_id, source=source)
    procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
    view = case_view(case=case)
    roles = case_roles(case=case, actor=actor)
    # An anonymised case is closed for good (case_act refuses everything): it offers nobody an action.
    allowed = {} if case.anonymised_on is not None else view.allowed
    mine = tuple(dict.fromkeys(action for role in roles for action in allowed.get(role, ())))
    stage = procedure.stage_by_key.get(case.stage) if case.stage else None
    lang = _lang()
    return {
        "id": case.pk,
        "reference": case.reference,
        "organisation": case.organisation.slug,
        "procedure": {"id": procedure.id, "version": procedure.version, "title": _label(procedure.title, procedure.id)},
        "kind": case.kind,
        "channel": case.channel,
        "received_at": case.received_at,
        "received_on": case.received_on,
        "language": case.language,
        "summary": case.summary,
        "description": case.description,
        "incident_date": case.incident_date,
        "nature": case.nature,
        "categories": case_codes(case, "categories"),
        "causes": case_codes(case, "causes"),
        "commissioning_party": case.commissioning_party,
        "confidentiality": case.confidentiality,
        "handler": _person(case.handler),
        "delegate": _person(case.delegate),
        "stage": case.stage,
        "stage_label": _label(stage.label, stage.key) if stage is not None else None,
        "status": case.status,
        "outcome": case.outcome,
        "next_due": case.next_due,
        "closed_on": case.closed_on,
        "no_eligible_handler": no_eligible_handler_presentation(case, view),
        "version": case.version,
        "parties": [_party(party) for party in case.parties.all()],
        "terms": [_term(procedure, term, today=view.today) for term in case.terms.all()],
        "events": [
            {
                "sequence": event.sequence,
                "kind": event.kind,
                "on": event.on,
                "recorded_at": event.recorded_at,
                "actor": event.actor.get_username() if event.actor is not None else None,
                "role": event.actor_role,
                "data": event.data,
                "note": event.note,
            }
            for event in case.events.all()
        ],
        "follow_ups": [_follow_up(follow_up) for follow_up in _follow_ups(case)],
        "attachments": [attachment_presentation(attachment) for attachment in case_attachments(actor=actor, case=case)],
        # How many sensitive sections and whether the actor may read them; their texts only on their own endpoint
        # (every read audited), never here (WA-11).
        "sensitive_sections": case_sensitive_summary(actor=actor, case=case),
        "my_roles": list(roles),
        "my_actions": list(mine),
        "allowed": {role: list(actions) for role, actions in allowed.items()},
        "responsible": list(dict.fromkeys(assignment.role for assignment in view.responsible)),
        "letters_due": [
            {
                "key": letter.key,
                "label": _label(
                    procedure.letter_by_key[letter.key].label if letter.key in procedure.letter_by_key else None,
                    letter.key,
                ),
                "because": letter.because,
                "since": letter.since,
            }
            for letter in view.letters_due
        ],
        "effects": [_effect(effect) for effect in case_effects(case=case)],
        "rights": list(view.rights),
        "limits": [
            {
                "key": limit.key,
                "body": limit.body,
                "label": _label(
                    procedure.external_body_by_key[limit.body].name
                    if limit.body in procedure.external_body_by_key
                    else None,
                    limit.body,
                ),
                "anchor": limit.anchor,
                "started_on": limit.started_on,
                "due": limit.due,
                "state": limit.state,
                "filed_on": limit.filed_on,
                "clauses": list(limit.clauses),
            }
            for limit in view.limits
        ],
        "routes": [
            {
                "key": key,
                "label": _label(procedure.external_body_by_key[key].name, key),
                "available_when": _label(procedure.external_body_by_key[key].available_when, "")
                if procedure.external_body_by_key[key].available_when is not None
                else None,
                "clauses": list(procedure.external_body_by_key[key].clauses),
            }
            for key in view.offers
            if key in procedure.external_body_by_key
        ],
        "warnings": [message.text(lang) for message in view.warnings],
    }


def no_eligible_handler_presentation(case: Case, view: engine.CaseView) -> dict[str, Any] | None:
    """The "no eligible handler" mark of a case (docs/access.md), with what it means; None when it has none."""
    if not case.no_eligible_handler or case.status != "open":
        return None
    roles = list(dict.fromkeys(assignment.role for assignment in view.responsible))
    return {
        "reason": case.no_eligible_handler,
        "roles": roles,
        "text": str(no_eligible_handler_text(case.no_eligible_handler, roles)),
    }


def _effect(effect: Effect) -> dict[str, Any]:
    return {
        "id": effect.pk,
        "kind": effect.kind,
        "event": effect.event.sequence if effect.event is not None else None,
        "state": effect.state,
        "attempts": effect.attempts,
        "last_error": effect.last_error,
        "created_at": effect.created_at,
        "handled_at": effect.handled_at,
        "next_attempt_at": effect.next_attempt_at,
    }


def _party(party: Party) -> dict[str, Any]:
    return {
        "id": party.pk,
        "role": party.role,
        "name": party.display_name,
        "person": party.person_id,
        "unit": party.unit_id,
        "email": party.email,
        "phone": party.phone,
        "address": party.address,
        "group": party.group,
        "internal": party.internal,
        "involved": party.involved,
        "authorisation": party.authorisation,
        "consent_given_on": party.consent_given_on,
        "consent_withdrawn_on": party.consent_withdrawn_on,
    }


def attachment_presentation(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sensitive": attachment.sensitive,
        "description": attachment.description,
        # Empty for a document the complainant added through the portal.
        "uploaded_by": attachment.uploaded_by.get_username() if attachment.uploaded_by is not None else "",
        "uploaded_at": attachment.uploaded_at,
    }


def _term(procedure: Procedure, term: Term, *, today: dt.date) -> dict[str, Any]:
    """A term as stored, except that one whose due date has passed shows as missed at once, not after the next
    hourly sweep writes it (the due date itself is always the stored one: computed once, never shifted)."""
    definition = procedure.term_by_key.get(term.key)
    state = engine.term_state_on(term.state, term.due, today, extended=term.extensions > 0)  # type: ignore[arg-type]
    return {
        "key": term.key,
        "label": _label(definition.label if definition is not None else None, term.key),
        "anchor": term.anchor,
        "started_on": term.started_on,
        "due": term.due,
        "state": state,
        "met_on": term.met_on,
        "warn_only": term.warn_only,
        "extensions": term.extensions,
        "party": term.party,
    }


def _follow_ups(case: Case) -> list[FollowUp]:
    return list(case.follow_ups.all())


def _follow_up(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.pk,
        "kind": follow_up.kind,
        "description": follow_up.description,
        "owner": _person(follow_up.owner),
        "follow_up_on": follow_up.follow_up_on,
        "completed_on": follow_up.completed_on,
    }
