"""What the case page shows, read through the cases selectors: the case, its terms, history, documents, conflicts of
interest, related cases, and the actions the procedure allows this person now, each with the choices its form needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plaint.access.audit_services import AuditSource
from plaint.access.models import User
from plaint.cases.audit_selectors import case_access_log
from plaint.cases.models import Attachment, Case, CaseEvent, FollowUp, Party, PartyRole, TermState
from plaint.cases.routing_services import no_eligible_handler_text
from plaint.cases.selectors import (
    case_attachments,
    case_permissions,
    case_read,
    case_roles,
    case_sensitive_summary,
    case_view,
    cases_visible_to,
)
from plaint.core import clock
from plaint.core.errors import PlaintError
from plaint.engine import CaseView, Procedure
from plaint.engine.render.text import upper_first
from plaint.organisations.models import Membership, Person
from plaint.procedures.selectors import procedure_definition
from plaint.workspace.action_forms import ActionContext
from plaint.workspace.selectors import Recurrence, earlier_cases_of_complainant, recurrences

Lang = Literal["en", "nl"]

EVENT_LABELS: dict[str, Any] = {
    "received": _("Received"),
    "acknowledged": _("Acknowledge receipt"),
    "admissibility_decided": _("Decide on admissibility"),
    "handler_assigned": _("Assign a handler"),
    "handling_started": _("Start handling"),
    "response_requested": _("Ask the subject to respond"),
    "subject_responded": _("Subject responded"),
    "complainant_heard": _("Complainant heard"),
    "meeting_offered": _("Offer a meeting"),
    "meeting_declined": _("Meeting declined"),
    "meeting_planned": _("Plan a meeting"),
    "meeting_held": _("Record a meeting and its report"),
    "report_shared": _("Share the report"),
    "informal_resolved": _("Resolved informally"),
    "formal_requested": _("Formal handling requested"),
    "mediation_started": _("Start mediation"),
    "mediation_ended": _("End mediation"),
    "decided": _("Decide"),
    "agreement_recorded": _("Record an agreement"),
    "measure_recorded": _("Record a measure"),
    "measure_completed": _("Agreement or measure kept"),
    "term_extended": _("Extend a term"),
    "delay_explained": _("Explain a delay"),
    "review_requested": _("Review requested"),
    "review_decided": _("Decide on the review"),
    "escalated": _("Escalate"),
    "internal_closed": _("Internal handling closed"),
    "external_filed": _("Refer to an external body"),
    "external_admissibility_decided": _("External body decided on admissibility"),
    "external_hearing_held": _("External hearing held"),
    "external_decided": _("External body decided"),
    "withdrawn": _("Withdrawn"),
    "closed": _("Close"),
    "reopened": _("Reopen"),
    "paused": _("Pause"),
    "resumed": _("Resume"),
    "letter_sent": _("Letter sent"),
    # Record events
    "attachment_added": _("Document added"),
    "attachment_removed": _("Document removed"),
    "classified": _("Classified"),
    "consent_recorded": _("Consent recorded"),
    "consent_withdrawn": _("Consent withdrawn"),
    "sensitive_section_added": _("Sensitive section added"),
    "compliment_forwarded": _("Compliment forwarded"),
    "party_added": _("Party added"),
    "email_received": _("Email received"),
    "language_corrected": _("Language corrected"),
    "letter_written": _("Letter written"),
    "letter_approved": _("Letter approved"),
    "letter_returned": _("Letter returned with a comment"),
    "letter_posted": _("Letter posted or handed over"),
    "handler_left": _("The handler left: a new one must be named"),
}

LANGUAGE_NAMES: dict[str, Any] = {"en": _("English"), "nl": _("Dutch")}

PARTY_LABELS: dict[str, Any] = {
    "complainant": _("on behalf of the complainant"),
    "subject": _("on behalf of the subject"),
    "external_body": _("on behalf of the external body"),
}

LOOKED_ACTIONS = ("case.viewed", "case.sensitive.viewed", "case.attachment.read")
LOOKED_LIMIT = 20

TERM_STATE_LABELS: dict[str, Any] = dict(TermState.choices)


def _lang() -> Lang:
    return "nl" if (translation.get_language() or "en").startswith("nl") else "en"


def event_label(kind: str, procedure: Procedure | None = None, stage: str | None = None, lang: Lang = "en") -> str:
    """An event's name as the procedure labels it in the stage, else Plaint's own words for it."""
    if procedure is not None and stage:
        found = procedure.stage_by_key.get(stage)
        action = found.action_by_event.get(kind) if found is not None else None
        if action is not None and action.label is not None:
            return action.label.get(lang)
    return str(EVENT_LABELS.get(kind, kind.replace("_", " ")))


def history_label(event: CaseEvent, lang: Lang = "en") -> str:
    """What the history says of an event: its name, and for a record event what it recorded (docs/mail.md)."""
    label = event_label(event.kind, lang=lang)
    data = event.data or {}
    if event.kind == "language_corrected":
        before, after = (str(LANGUAGE_NAMES.get(str(data.get(key)), data.get(key, "?"))) for key in ("from", "to"))
        return f"{label}: {before} → {after}"
    if event.kind == "email_received" and data.get("attachments"):
        count = int(data["attachments"])
        return ngettext("%(label)s, with %(count)s attachment", "%(label)s, with %(count)s attachments", count) % {
            "label": label,
            "count": count,
        }
    return label


@dataclass(frozen=True)
class OfferedAction:
    """An action the person may take now: the event, its label, and, for a party's action recorded by staff, the
    party on whose behalf."""

    action: str
    label: str
    on_behalf_of: str = ""
    context: ActionContext = field(default_factory=ActionContext)

    @property
    def slug(self) -> str:
        return f"{self.action}--{self.on_behalf_of}" if self.on_behalf_of else self.action


@dataclass(frozen=True)
class TermRow:
    key: str
    label: str
    started_on: dt.date
    due: dt.date
    state: str
    state_label: str
    met_on: dt.date | None
    extensions: int
    warn_only: bool


@dataclass(frozen=True)
class Conflict:
    name: str
    why: str


@dataclass
class CasePage:
    case: Case
    procedure: Procedure
    view: CaseView
    stage_label: str
    roles: tuple[str, ...]
    permissions: dict[str, bool]
    offered: list[OfferedAction]
    terms: list[TermRow]
    events: list[tuple[CaseEvent, str]]
    parties: list[Party]
    follow_ups: list[FollowUp]
    attachments: list[Attachment]
    sensitive: dict[str, int | bool]
    letters_due: list[tuple[str, dt.date]]
    warnings: list[str]
    conflicts: list[Conflict]
    earlier: list[Case]
    recurring: list[Recurrence]
    responsible: list[str]
    #: Why nobody may handle the case's current stage (docs/access.md, "No eligible handler"); "" when someone may.
    no_eligible_handler: str = ""
    #: Who looked at the case (its reads in the audit trail), for administrators of its organisation only.
    looked: list[Any] = field(default_factory=list)


def _context(
    action: str, case: Case, procedure: Procedure, view: CaseView, people: list[tuple[int, str]]
) -> ActionContext:
    stage = procedure.stage_by_key.get(case.stage) if case.stage else None
    defined = stage.action_by_event.get(action) if stage is not None else None
    outcomes = tuple(defined.outcomes) if defined is not None else ()
    if not outcomes and stage is not None and action == "decided":
        outcomes = tuple(stage.outcomes)
    terms: tuple[tuple[str, str], ...] = ()
    if action == "term_extended":
        lang = _lang()
        terms = tuple(
            (term.key, procedure.term_by_key[term.key].label.get(lang))
            for term in view.terms
            if term.state in ("pending", "extended", "missed")
            and term.key in procedure.term_by_key
            and procedure.term_by_key[term.key].extension is not None
        )
    follow_ups: tuple[tuple[int, str], ...] = ()
    if action == "measure_completed":
        follow_ups = tuple(
            (item.pk, item.description[:80]) for item in case.follow_ups.all() if item.completed_on is None
        )
    extra: dict[str, Any] = {}
    if action == "external_filed" and view.offers:  # the routes the procedure offers now (WP-20)
        lang = _lang()
        bodies = [procedure.external_body_by_key[key] for key in view.offers if key in procedure.external_body_by_key]
        extra["routes"] = tuple(
            (
                body.key,
                upper_first(body.name.get(lang))
                + (f" ({body.available_when.get(lang)})" if body.available_when is not None else ""),
            )
            for body in bodies
        )
        wanted = [body.available_if.trajectory for body in bodies if body.available_if is not None]
        extra["trajectory"] = next((value for value in wanted if value), "")
    return ActionContext(outcomes=outcomes, people=tuple(people), terms=terms, follow_ups=follow_ups, extra=extra)


def _people(case: Case, roles: set[str] | None) -> list[tuple[int, str]]:
    """Current members of the case's organisation (and of the firm serving it) holding one of `roles` (any role when
    None): who may be named handler or owner."""
    day = clock.today_in(case.organisation.time_zone)
    organisations = [case.organisation_id]
    if case.organisation.served_by_id is not None:
        organisations.append(case.organisation.served_by_id)
    memberships = Membership.objects.active_on(day).filter(organisation_id__in=organisations, roles__isnull=False)
    if roles:
        memberships = memberships.filter(roles__code__in=sorted(roles))
    people = Person.objects.filter(memberships__in=memberships).distinct().order_by("name")
    return [(person.pk, person.name) for person in people]


def _handler_choices(case: Case, responsible: set[str]) -> list[tuple[int, str]]:
    first = _people(case, responsible or None)
    rest = [person for person in _people(case, None) if person not in first]
    conflicted = {conflict.name: conflict.why for conflict in conflicts_of(case)}
    return [
        (pk, f"{name} ({_('may not handle')}: {conflicted[name]})" if name in conflicted else name)
        for pk, name in [*first, *rest]
    ]


def conflicts_of(case: Case) -> list[Conflict]:
    """Who may not handle this case and why (WU-07, WP-04, XS-14, WH-07): subjects and people involved in the event,
    and the managers of units the complaint is about."""
    found: list[Conflict] = []
    for party in case.parties.all():
        if party.role == PartyRole.SUBJECT and party.person is not None:
            found.append(Conflict(party.person.name, str(_("the complaint is about them"))))
        elif party.involved and party.person is not None:
            found.append(Conflict(party.person.name, str(_("involved in what the complaint is about"))))
        if party.role == PartyRole.SUBJECT and party.unit is not None and party.unit.manager is not None:
            found.append(
                Conflict(
                    party.unit.manager.name,
                    str(_("manages %(unit)s, which the complaint is about") % {"unit": party.unit.name}),
                )
            )
    return found


def case_page(*, actor: User, case_id: int, source: AuditSource | None = None) -> CasePage:
    """Everything the case page shows; `CaseNotFound` (404, audited) for a case the person may not see. The read is
    recorded (`case.viewed`) by `case_read`."""
    case = case_read(actor=actor, case_id=case_id, source=source)
    procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
    view = case_view(case=case)
    roles = case_roles(case=case, actor=actor)
    permissions = case_permissions(case=case, actor=actor)
    lang = _lang()
    offered: list[OfferedAction] = []
    if permissions["act"] and case.anonymised_on is None:
        responsible = {assignment.role for assignment in view.responsible}
        handlers: list[tuple[int, str]] | None = None
        members: list[tuple[int, str]] | None = None
        seen: set[tuple[str, str]] = set()
        for who in (*roles, "complainant", "subject", "external_body"):
            party = who if who in PARTY_LABELS else ""
            for action in view.allowed.get(who, ()):
                if (action, party) in seen or action == "letter_sent":
                    continue
                seen.add((action, party))
                people: list[tuple[int, str]] = []
                if action == "handler_assigned":
                    # Every member (a delegate need not hold the stage's role, XS-19); those in the stage's roles
                    # first, and those with a conflict of interest named as such (the service refuses them).
                    handlers = handlers if handlers is not None else _handler_choices(case, responsible)
                    people = handlers
                elif action in ("agreement_recorded", "measure_recorded"):
                    members = members if members is not None else _people(case, None)
                    people = members
                label = event_label(action, procedure, case.stage, lang)
                offered.append(OfferedAction(action, label, party, _context(action, case, procedure, view, people)))
    stage = procedure.stage_by_key.get(case.stage) if case.stage else None
    terms = []
    for term in case.terms.all():
        definition = procedure.term_by_key.get(term.key)
        state = term.state
        if state in (TermState.PENDING, TermState.EXTENDED) and term.due < view.today:
            state = TermState.MISSED
        terms.append(
            TermRow(
                key=term.key,
                label=definition.label.get(lang) if definition is not None else term.key,
                started_on=term.started_on,
                due=term.due,
                state=state,
                state_label=str(TERM_STATE_LABELS.get(state, state)),
                met_on=term.met_on,
                extensions=term.extensions,
                warn_only=term.warn_only,
            )
        )
    events = [(event, history_label(event, lang)) for event in case.events.all()]
    letters = [
        (
            procedure.letter_by_key[letter.key].label.get(lang)
            if letter.key in procedure.letter_by_key
            else letter.key,
            letter.since,
        )
        for letter in view.letters_due
    ]
    visible = cases_visible_to(actor=actor)  # built once for the earlier cases and the recurrences
    return CasePage(
        case=case,
        procedure=procedure,
        view=view,
        stage_label=stage.label.get(lang) if stage is not None else case.stage,
        roles=roles,
        permissions=permissions,
        offered=offered,
        terms=terms,
        events=events,
        parties=list(case.parties.all()),
        follow_ups=list(case.follow_ups.all()),
        attachments=case_attachments(actor=actor, case=case),
        sensitive=case_sensitive_summary(actor=actor, case=case),
        letters_due=letters,
        warnings=[message.text(lang) for message in view.warnings],
        conflicts=conflicts_of(case),
        earlier=earlier_cases_of_complainant(actor=actor, case=case, visible=visible),
        recurring=recurrences(actor=actor, case=case, visible=visible),
        responsible=sorted({assignment.role for assignment in view.responsible}),
        no_eligible_handler=(
            str(no_eligible_handler_text(case.no_eligible_handler, sorted({a.role for a in view.responsible})))
            if case.no_eligible_handler and case.status == "open"
            else ""
        ),
        looked=_looked(actor, case, roles),
    )


def _looked(actor: User, case: Case, roles: tuple[str, ...]) -> list[Any]:
    """The last reads of the case, for administrators of its organisation and superusers (`case_access_log`)."""
    if not (actor.is_superuser or "administrator" in roles):
        return []
    try:
        records = case_access_log(actor=actor, case_id=case.pk)
    except PlaintError:
        return []
    return list(records.filter(action__in=LOOKED_ACTIONS)[:LOOKED_LIMIT])


def offered_action(page: CasePage, slug: str) -> OfferedAction | None:
    return next((item for item in page.offered if item.slug == slug), None)


__all__ = ["CasePage", "OfferedAction", "case_page", "conflicts_of", "event_label", "offered_action"]
