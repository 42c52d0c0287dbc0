"""Every later action on a case (`case_act`): lock, check the person and what the action refers to, let the engine
decide, append the event, write the snapshots and the effects, audit, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint import engine
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.roles import actor_case_roles, case_roles_of
from plaint.access.rules import access_denied, unit_manager_stage
from plaint.cases import effects
from plaint.cases.errors import (
    ActionNotAllowed,
    CaseAnonymised,
    CaseNotFound,
    EngineText,
    InvalidInput,
    StaleCase,
)
from plaint.cases.history_services import decision_apply, effect_audit_details, history_read
from plaint.cases.models import (
    Case,
    CaseEvent,
    FollowUp,
    FollowUpKind,
    PartyRole,
)
from plaint.cases.routing_services import routing_check, routing_check_on_commit
from plaint.core import clock
from plaint.core.errors import Forbidden, lazy_format
from plaint.organisations.models import Person
from plaint.procedures.selectors import procedure_definition

#: Parties whose actions staff may record on their behalf (a complainant asks for a review by letter, say).
PARTIES = ("complainant", "subject", "external_body")


# Actions


def case_act(
    *,
    case: Case,
    actor: User,
    action: str,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    on_behalf_of: str | None = None,
    on: dt.date | None = None,
    note: str = "",
    source: AuditSource | None = None,
) -> Case:
    """Take one action on a case, if its procedure allows it now and for this person; record it as an event.

    The actor needs `cases.act_on_case` (docs/access.md): `CaseNotFound` (404) for a case they may not see,
    `Forbidden` (403) for one they see but may not act on; both are logged and recorded (`access.denied`). The
    action is recorded in the audit trail (`case.action.<event>`) in the same transaction as the event.

    `expected_version` is the case version the actor saw; when another action came first, `StaleCase` (409)
    tells the actor to reload. `on_behalf_of` records a party's action (complainant, subject, external body) taken
    down by staff. `on` is the day it happened (default today in the organisation's time zone; never in the future).
    """
    from plaint.cases import sensitive_services  # it builds on the history services

    data = dict(data or {})
    authorise_act(case=case, actor=actor, source=source)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:  # its history was erased (docs/privacy.md): nothing more happens to it
            raise CaseAnonymised()
        if expected_version is not None and locked.version != expected_version:
            raise StaleCase(expected=expected_version, current=locked.version)
        stage_before = locked.stage
        today = clock.today_for(locked.organisation)
        day = on or today
        if day > today:
            raise InvalidInput(_("An action cannot be dated in the future."), errors={"on": [_("In the future.")]})
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        events, events_count = history_read(locked)
        roles = _roles_for(locked, actor, on_behalf_of)
        view = engine.evaluate(procedure, events, day)
        data = _prepare(locked, view, action, data, roles)
        routing_check(
            case=locked,
            actor=actor,
            procedure=procedure,
            view=view,
            events=events,
            action=action,
            data=data,
            on_behalf_of=on_behalf_of,
        )
        # A report of a conversation is an interview record, kept apart (WA-11): the event keeps only its id.
        data = sensitive_services.report_set_apart(case=locked, actor=actor, action=action, data=data)
        decision = engine.decide(procedure, events, action, roles, day, data)
        if not decision.accepted:
            _raise_refusal(decision, roles)
        _decision_record(
            case=locked,
            procedure=procedure,
            decision=decision,
            action=action,
            data=data,
            actor=actor,
            note=note,
            source=source,
            linked=lambda event: sensitive_services.report_link(case=locked, event=event, actor=actor, source=source),
            events_count=events_count,
        )
    _refreshed(case, locked, stage_before=stage_before, action=action)
    return case


def _refreshed(case: Case, locked: Case, *, stage_before: str, action: str) -> None:
    """`case` as the action left it. The snapshot columns the action wrote are set on `locked` (`snapshot_write`),
    so they are copied without a query; only when something after the commit may have written the row too (the
    routing check after a change of stage or a handler named: `routing_check_on_commit`) is it read again."""
    if action == "handler_assigned" or locked.stage != stage_before:
        case.refresh_from_db()
        return
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(locked, field.attname))


def case_complainant_act(
    *,
    case: Case,
    action: str,
    data: Mapping[str, Any] | None = None,
    note: str = "",
    source: AuditSource | None = None,
) -> Case:
    """The complainant's own action (withdraw, ask for a review, escalate), taken through the portal's private link:
    no staff actor, the role `complainant`. The procedure decides as for any action; a refusal (`ActionNotAllowed`,
    409) says why. Recorded as an event with its effects, and in the audit trail (`case.action.<event>`, actor none)."""
    data = dict(data or {})
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            raise CaseAnonymised()
        day = clock.today_for(locked.organisation)
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        events, events_count = history_read(locked)
        roles = ("complainant",)
        view = engine.evaluate(procedure, events, day)
        data = _prepare(locked, view, action, data, roles)
        decision = engine.decide(procedure, events, action, roles, day, data)
        if not decision.accepted:
            _raise_refusal(decision, roles)
        _decision_record(
            case=locked,
            procedure=procedure,
            decision=decision,
            action=action,
            data=data,
            actor=None,
            note=note,
            source=source,
            events_count=events_count,
        )
    case.refresh_from_db()
    return case


def _decision_record(
    *,
    case: Case,
    procedure: engine.Procedure,
    decision: engine.Decision,
    action: str,
    data: Mapping[str, Any],
    actor: User | None,
    note: str,
    source: AuditSource | None,
    linked: Callable[[CaseEvent], object] | None = None,
    events_count: int | None = None,
) -> CaseEvent:
    """Apply an accepted decision to the locked case: the event, its follow-ups, its effects and its audit record,
    in the caller's transaction. `linked` runs right after the event exists (a report set apart points at it)."""
    stage_before = case.stage
    event = decision_apply(
        case, procedure, decision, actor, note, expected_version=case.version, events_count=events_count
    )
    _effects(case, action, data, event)
    if linked is not None:
        linked(event)
    specs = effects.decision_effects(event=event, decision=decision, data=data)
    entered = decision.view.stage is not None and decision.view.stage != stage_before
    named = action == "handler_assigned" and bool(case.no_eligible_handler)
    if decision.view.status == "open" and (entered or named):
        routing_check_on_commit(case_id=case.pk)  # anyone eligible to handle the new stage? (docs/access.md)
    written = effects.effects_write(case=case, event=event, actor=actor, specs=specs)
    audit_record(
        actor=actor,
        action=f"case.action.{event.kind}",
        target_type="case",
        target_id=case.pk,
        organisation=case.organisation,
        reference=case.reference,
        details={
            "event": event.sequence,
            "role": event.actor_role,
            "version": case.version + 1,
            **effect_audit_details(written),
        },
        source=source,
    )
    return event


def authorise_act(*, case: Case, actor: User, source: AuditSource | None = None) -> None:
    """Refuse, log and record an actor who may not act on the case: 404 when they may not even see it, else 403."""
    if actor.has_perm("cases.act_on_case", case):
        return
    visible = actor.has_perm("cases.view_case", case)
    permission = "cases.act_on_case" if visible else "cases.view_case"
    access_denied(actor=actor, permission=permission, case=case, source=source)
    if not visible:
        raise CaseNotFound()
    raise Forbidden(_("You may see this case but not act on it."))


#: Engine refusals that are about a value the person gave (400 on that field), not about the state of the case (409).
FIELD_REFUSALS = {
    "outcome_required": "outcome",
    "outcome_not_allowed": "outcome",
    "extension_term_required": "term",
    "bad_extension_duration": "by",
    "extension_reason_required": "reason",
    "kind_not_accepted": "kind",
    "content_required": "content",
    "hearing_reason_required": "hearing_skipped_reason",
}


def _raise_refusal(decision: engine.Decision, roles: Sequence[str]) -> NoReturn:
    if decision.errors and all(error.code in FIELD_REFUSALS for error in decision.errors):
        errors: dict[str, list[Any]] = {}
        for error in decision.errors:
            errors.setdefault(FIELD_REFUSALS[error.code], []).append(EngineText([error]))
        raise InvalidInput(EngineText(decision.errors), errors=errors)
    raise ActionNotAllowed(decision.errors, allowed=_allowed_for(decision.view, roles))


def _roles_for(case: Case, actor: User, on_behalf_of: str | None) -> tuple[str, ...]:
    staff = actor_case_roles(actor, case.organisation)
    if not staff:
        raise Forbidden(_("You hold no role in this case's organisation."))
    if on_behalf_of is None:
        return staff
    if on_behalf_of not in PARTIES:
        raise InvalidInput(
            lazy_format(_("Staff can record actions of %(parties)s only."), parties=", ".join(PARTIES)),
            errors={"on_behalf_of": [_("Unknown party.")]},
        )
    return (on_behalf_of,)


def _allowed_for(view: engine.CaseView, roles: Sequence[str]) -> tuple[str, ...]:
    mine = [action for role in roles for action in view.allowed.get(role, ())]
    return tuple(dict.fromkeys(mine)) or view.allowed_actions()


def _prepare(
    case: Case, view: engine.CaseView, action: str, data: dict[str, Any], roles: Sequence[str]
) -> dict[str, Any]:
    """Check what the action refers to (people, terms, agreements) and add what the engine must know."""
    if action == "handler_assigned":
        person = _member(case, data.get("handler"), field="handler")
        data["handler"] = person.pk
        involved = case.parties.filter(person=person, involved=True).exists() or (
            not unit_manager_stage(case)  # WP-02: there the unit's own manager handles it
            and case.parties.filter(role=PartyRole.SUBJECT, unit__manager=person).exists()
        )
        data["involved"] = involved  # the engine refuses an involved handler where routing is independent (XS-14)
        if not data.get("delegate"):
            responsible = {assignment.role for assignment in view.responsible}
            held = case_roles_of(person, case.organisation)  # the firm's officers handle its clients' cases (WV-02)
            if responsible and not responsible & held:
                raise InvalidInput(
                    lazy_format(
                        _("In this stage the case is handled by: %(roles)s. %(person)s holds none of these roles."),
                        roles=", ".join(sorted(responsible)),
                        person=person.name,
                    ),
                    errors={"handler": [_("Not a role that handles this stage.")]},
                )
    elif action in ("agreement_recorded", "measure_recorded"):
        if not str(data.get("description", "")).strip():
            raise InvalidInput(_("Describe the agreement or measure."), errors={"description": [_("Required.")]})
        if data.get("owner") is not None:
            data["owner"] = _member(case, data["owner"], field="owner").pk
    elif action == "measure_completed":
        follow_up_id = data.get("follow_up")
        follow_up = (
            case.follow_ups.filter(pk=follow_up_id, completed_on__isnull=True).first()
            if isinstance(follow_up_id, int)
            else None
        )
        if follow_up is None:
            raise InvalidInput(
                _("Name an open agreement or measure of this case."), errors={"follow_up": [_("No such open item.")]}
            )
    elif action == "term_extended":
        if not str(data.get("reason", "")).strip():
            data.pop("reason", None)
    elif action in ("delay_explained",) and not str(data.get("explanation", "")).strip():
        raise InvalidInput(_("Give the explanation sent to the complainant."), errors={"explanation": [_("Required.")]})
    return data


def _member(case: Case, person_id: Any, *, field: str) -> Person:
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("Name a person by their id."), errors={field: [_("Not a person id.")]}) from None
    person = Person.objects.filter(pk=pk).first()
    if person is None or not case_roles_of(person, case.organisation):
        raise InvalidInput(_("That person is not a member of this organisation."), errors={field: [_("Not a member.")]})
    return person


def _effects(case: Case, action: str, data: Mapping[str, Any], event: CaseEvent) -> None:
    """What an accepted action changes beyond the history and the snapshots."""
    if action == "handler_assigned":
        field_name = "delegate" if data.get("delegate") else "handler"
        Case.objects.filter(pk=case.pk).update(**{f"{field_name}_id": data["handler"]})
    elif action in ("agreement_recorded", "measure_recorded"):
        follow_up_on = data.get("follow_up_on")
        FollowUp.objects.create(
            case=case,
            kind=FollowUpKind.AGREEMENT if action == "agreement_recorded" else FollowUpKind.MEASURE,
            description=str(data["description"]),
            owner_id=data.get("owner"),
            follow_up_on=dt.date.fromisoformat(follow_up_on) if isinstance(follow_up_on, str) else None,
            recorded_by_event=event,
        )
    elif action == "measure_completed":
        FollowUp.objects.filter(case=case, pk=data["follow_up"]).update(completed_on=event.on)


def case_letter_sent(
    *,
    case: Case,
    letter: str,
    actor: User | None,
    on: dt.date | None = None,
    data: Mapping[str, Any] | None = None,
    source: AuditSource | None = None,
) -> bool:
    """Record that a due letter went out (`letter_sent`), so the case no longer lists it as due: by the system when
    its email was accepted (`actor` None), or by a person who posted it or handed it over (`actor`, checked like any
    action). `on` is the day it went out (default today); the terms are judged on that day. False, with nothing
    written, when the letter is not due (already recorded). The caller may hold the case's lock."""
    if actor is not None:
        authorise_act(case=case, actor=actor, source=source)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            raise CaseAnonymised()
        today = clock.today_for(locked.organisation)
        day = on or today
        if day > today:
            raise InvalidInput(_("An action cannot be dated in the future."), errors={"on": [_("In the future.")]})
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        events, events_count = history_read(locked)
        if events and day < events[-1].at:
            day = events[-1].at  # recorded after a later step: it counts from that step's day, never before it
        view = engine.evaluate(procedure, events, day)
        if not any(due.key == letter for due in view.letters_due):
            return False
        payload = {**dict(data or {}), "letter": letter}
        decision = engine.decide(procedure, events, "letter_sent", (), day, payload)
        if not decision.accepted:
            _raise_refusal(decision, ())
        _decision_record(
            case=locked,
            procedure=procedure,
            decision=decision,
            action="letter_sent",
            data=payload,
            actor=actor,
            note="",
            source=source,
            events_count=events_count,
        )
    return True
