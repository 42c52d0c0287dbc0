"""Commands on a case's parties: joining after registration (WV-03, WP-01, WA-09) and the complainant's written
consent for a representative (WA-10). Neither is a step of the procedure: each is a record event in the history and
an audit record, in one transaction, and leaves the case's version as it was."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.action_services import authorise_act
from plaint.cases.errors import InvalidInput
from plaint.cases.history_services import case_record_event
from plaint.cases.models import Case, Party, PartyRole
from plaint.cases.registration_services import PartyInput, party_row_create
from plaint.core import clock
from plaint.core.errors import Conflict, NotFound

# Parties joining later (WV-03, WP-01, WA-09)

#: Who may join a case after its registration: committee members and experts brought in (WV-03), a person or unit
#: the complaint turns out to be about (WP-01, WP-02), a representative the complainant appoints (WA-09, WP-24).
#: The complainant is given at registration and never replaced.
PARTIES_ADDED_LATER = (
    PartyRole.SUBJECT,
    PartyRole.REPRESENTATIVE,
    PartyRole.SURVIVING_RELATIVE,
    PartyRole.COMMITTEE_MEMBER,
    PartyRole.EXPERT,
)


def case_party_add(
    *, case: Case, actor: User, party: PartyInput, note: str = "", source: AuditSource | None = None
) -> Party:
    """Add a party to a registered case: a `party_added` record event (ids and role, no contact details) and a
    `case.party.added` audit record, in one transaction; the version does not change.

    Access follows at once: an expert or committee member may read the case (docs/access.md), a person named as a
    subject no longer may (WU-07, XS-14). The person who handles the case cannot be named a subject while they do:
    assign another handler first. The routing the procedure chose at receipt stays as it was (facts are fixed at
    receipt); a late subject who changes who should handle the case calls for a new assignment.
    """
    authorise_act(case=case, actor=actor, source=source)
    if party.role not in PARTIES_ADDED_LATER:
        raise InvalidInput(
            _("A committee member, an expert, a subject, a representative or a surviving relative may be added."),
            errors={"role": [_("Not a party that can be added.")]},
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        if locked.anonymised_on is not None:
            raise Conflict(_("This case was anonymised; no party can be added to it."))
        handling = {locked.handler_id, locked.delegate_id} - {None}
        if party.role == PartyRole.SUBJECT and party.person_id in handling:
            raise Conflict(
                _("This person handles the case. Assign another handler before naming them as a subject (XS-14).")
            )
        row = party_row_create(locked, party)
        case_record_event(
            case=locked,
            kind="party_added",
            actor=actor,
            data={"party": row.pk, "role": row.role, "person": row.person_id, "unit": row.unit_id},
            note=note,
        )
        audit_record(
            actor=actor,
            action="case.party.added",
            target_type="case",
            target_id=locked.pk,
            organisation=locked.organisation,
            reference=locked.reference,
            details={"party": row.pk, "role": row.role},
            source=source,
        )
    return row


# Representatives' written consent (WA-10)

#: Parties who act for the complainant and may receive something about them only with written consent.
REPRESENTING = (PartyRole.REPRESENTATIVE, PartyRole.SURVIVING_RELATIVE)


def party_consent_record(
    *, case: Case, party: Party, given_on: dt.date, actor: User | None, source: AuditSource | None = None
) -> Party:
    """Record the complainant's written consent for a representative (WA-10): from then on, correspondence may tell
    them about the complainant (`representative_may_receive`). Giving it again after a withdrawal renews it.

    No event of the procedure fits: the change is kept on the party, in the history as a record event
    (`consent_recorded`) and in the audit trail (`case.consent.recorded`), in one transaction; the case's version
    does not change.
    """
    return _consent_change(case, party, actor, source, given_on=given_on)
    # actor None: the complainant themselves, on the portal's page of their case (docs/portal.md); staff need
    # `cases.act_on_case`.


def party_consent_withdraw(
    *, case: Case, party: Party, withdrawn_on: dt.date, actor: User | None, source: AuditSource | None = None
) -> Party:
    """Record that the complainant withdrew the consent: from then on nothing more goes to the representative."""
    return _consent_change(case, party, actor, source, withdrawn_on=withdrawn_on)


def _consent_change(
    case: Case,
    party: Party,
    actor: User | None,
    source: AuditSource | None,
    *,
    given_on: dt.date | None = None,
    withdrawn_on: dt.date | None = None,
) -> Party:
    if actor is not None:  # None: the complainant themselves, through the portal
        authorise_act(case=case, actor=actor, source=source)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        row = Party.objects.select_for_update().filter(pk=party.pk, case=locked).first()
        if row is None:
            raise NotFound(_("This case has no such party."))
        if row.role not in REPRESENTING:
            raise InvalidInput(
                _("Only a representative or surviving relative needs the complainant's written consent."),
                errors={"party": [_("Not a representative.")]},
            )
        day = given_on or withdrawn_on
        assert day is not None
        field_name = "given_on" if given_on is not None else "withdrawn_on"
        if day > clock.today_for(locked.organisation):
            raise InvalidInput(_("A date cannot be in the future."), errors={field_name: [_("In the future.")]})
        if given_on is not None:
            Party.objects.filter(pk=row.pk).update(consent_given_on=given_on, consent_withdrawn_on=None)
            action, kind = "case.consent.recorded", "consent_recorded"
        else:
            if row.consent_given_on is None or row.consent_withdrawn_on is not None:
                raise Conflict(_("No written consent is recorded for this representative."))
            if day < row.consent_given_on:
                raise InvalidInput(
                    _("Consent cannot be withdrawn before it was given."), errors={field_name: [_("Too early.")]}
                )
            Party.objects.filter(pk=row.pk).update(consent_withdrawn_on=withdrawn_on)
            action, kind = "case.consent.withdrawn", "consent_withdrawn"
        case_record_event(case=locked, kind=kind, actor=actor, data={"party": row.pk, "on": day.isoformat()})
        audit_record(
            actor=actor,
            action=action,
            target_type="case",
            target_id=locked.pk,
            organisation=locked.organisation,
            reference=locked.reference,
            details={"party": row.pk, "fields": ["consent_given_on", "consent_withdrawn_on"], "on": day.isoformat()},
            source=source,
        )
    row.refresh_from_db()
    return row
