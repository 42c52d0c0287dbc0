"""Commands of the public portal (docs/portal.md): send a complaint, compliment or suggestion; private links.

`portal_case_submit` registers the case through `case_register_once` (actor None: the public), makes its private link
and queues the confirmation email, all in ONE transaction: a failure leaves nothing behind and sends nothing.
The confirmation email goes through the correspondence outbox (`email_queue`) here, not as an effect: it carries
the private link's token, which an effect's payload would have to store in clear (docs/portal.md, "Sending").
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import constant_time_compare

from plaint import engine
from plaint.access.audit_services import AuditSource, audit_record
from plaint.cases.models import Case, Party
from plaint.cases.services import InForce, Registration, case_register_once
from plaint.core import clock
from plaint.core.inserts import insert_row
from plaint.correspondence.models import EmailKind
from plaint.correspondence.services import email_queue
from plaint.organisations.models import Organisation
from plaint.portal.models import AccessCode, Submission, TrackingLink
from plaint.portal.selectors import code_hash, promised_dates, token_hash
from plaint.procedures.selectors import procedure_definition

#: How long a one-time code works, and how many wrong tries end it (docs/portal.md).
CODE_LIFETIME = dt.timedelta(minutes=15)
CODE_MAX_FAILURES = 5


@dataclass(frozen=True)
class Receipt:
    case: Case
    token: str | None  # None when the form had been sent before: the first POST's link stands
    created: bool


def tracking_link_create(*, case: Case) -> str:
    """A new private link for the case: returns the token (kept nowhere but in the link), stores its hash."""
    token = secrets.token_urlsafe(32)
    insert_row(TrackingLink(case=case, token_hash=token_hash(token), created_at=clock.now()))
    return token


def tracking_links_revoke(*, case: Case) -> int:
    """Revoke every private link of the case (a lost or shared link); a new one can be asked for at /track/."""
    return TrackingLink.objects.filter(case=case, revoked_at__isnull=True).update(revoked_at=clock.now())


def portal_case_submit(
    *,
    organisation: Organisation,
    procedure: engine.Procedure,
    registration: Registration,
    submission_key: str,
    contact_email: str,
    contact_name: str,
    site_url: str,
    procedure_day: dt.date | None = None,
) -> Receipt:
    """Register what the form sent, once per `submission_key`, with its private link and confirmation email.
    `procedure_day`: the day `procedure` was found in force for the organisation (the page's look-up), which the
    registration then need not repeat when the case is received that day."""
    # No read first: the submission's unique key decides, at its insert, inside the registration's transaction (a
    # form sent again rolls its whole registration back; one sent twice at once waits for the first to commit).
    try:
        with transaction.atomic():
            registered = case_register_once(
                organisation=organisation,
                registration=registration,
                actor=None,
                in_force=InForce(procedure_day, procedure) if procedure_day is not None else None,
                savepoint=False,  # any error rolls this whole transaction back
            )
            case = registered.case
            if (case.procedure_id, case.procedure_version) != (procedure.id, procedure.version):
                # Received on another day than the page's look-up, under a newer procedure: its dates and labels.
                procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
            insert_row(Submission(key=submission_key, case=case, created_at=clock.now()))
            token = tracking_link_create(case=case)
            if contact_email:
                confirmation_email_queue(
                    case=case,
                    procedure=procedure,
                    token=token,
                    email=contact_email,
                    name=contact_name,
                    site_url=site_url,
                    view=registered.view,
                )
    except IntegrityError:
        # The same form sent again, or twice at the same moment: the first request made the case.
        twin = Submission.objects.filter(key=submission_key).select_related("case").first()
        if twin is None:
            raise
        return Receipt(case=twin.case, token=None, created=False)
    return Receipt(case=case, token=token, created=True)


def confirmation_email_queue(
    *,
    case: Case,
    procedure: engine.Procedure,
    token: str,
    email: str,
    name: str,
    site_url: str,
    view: engine.CaseView | None = None,
) -> None:
    """The confirmation in the case's language: reference, the dates promised, the private link. `view`: the case's
    view as the registration left it (the dates without reading the case's events back)."""
    with translation.override(case.language):
        context = {
            "case": case,
            "name": name,
            "organisation": case.organisation,
            "dates": promised_dates(case=case, procedure=procedure, lang=case.language, view=view),
            "link": site_url.rstrip("/") + track_path(token, case.language),
        }
        subject = render_to_string("portal/email/confirmation_subject.txt", context)
        body = render_to_string("portal/email/confirmation.txt", context)
    email_queue(
        organisation=case.organisation,
        kind=EmailKind.PORTAL_CONFIRMATION,
        dedupe_key=f"portal-confirmation:{case.pk}",
        recipient_email=email,
        recipient_name=name,
        language=case.language,
        subject=subject,
        body_text=body,
        case=case,
        new_key=True,  # the case was made in this transaction: no email can carry its key yet
    )


def track_path(token: str, language: str) -> str:
    from django.urls import reverse

    with translation.override(language):
        return reverse("portal:track", kwargs={"token": token})


def today_for(organisation: Organisation) -> dt.date:
    return clock.today_in(organisation.time_zone)


def _party_at(*, reference: str, email: str) -> Party | None:
    """The party of the case `reference` whose address is `email` (the complainant's or the representative's)."""
    if not reference.strip() or not email.strip():
        return None
    party = (
        Party.objects.filter(case__reference__iexact=reference.strip(), email__iexact=email.strip())
        .select_related("case__organisation")
        .first()
    )
    if party is None or party.case.anonymised_on is not None:
        return None
    return party


def tracking_link_send(*, reference: str, email: str, site_url: str) -> bool:
    """A new private link by email, when the reference and the address belong together (the complainant's or, with
    consent, the representative's address). Returns whether one was sent; callers never tell the person."""
    party = _party_at(reference=reference, email=email)
    if party is None:
        return False
    case = party.case
    with transaction.atomic():
        token = tracking_link_create(case=case)
        with translation.override(case.language):
            context = {
                "case": case,
                "name": party.name,
                "link": site_url.rstrip("/") + track_path(token, case.language),
            }
            subject = render_to_string("portal/email/link_subject.txt", context)
            body = render_to_string("portal/email/link.txt", context)
        email_queue(
            organisation=case.organisation,
            kind=EmailKind.PORTAL_LINK,
            dedupe_key=f"portal-link:{token_hash(token)}",
            recipient_email=party.email,
            recipient_name=party.name,
            language=case.language,
            subject=subject,
            body_text=body,
            case=case,
        )
    return True


def access_code_send(*, reference: str, email: str, source: AuditSource | None = None) -> bool:
    """A one-time code by email, when the reference and the address belong together: six digits, working once
    within `CODE_LIFETIME`; it ends the case's earlier codes. Only its keyed hash is stored; the sending is audited
    (`portal.code.sent`). Returns whether one was sent; callers never tell the person."""
    party = _party_at(reference=reference, email=email)
    if party is None:
        return False
    now = clock.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("organisation").get(pk=party.case_id)
        AccessCode.objects.filter(case=case, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        row = AccessCode.objects.create(
            case=case,
            party=party,
            code_hash=code_hash(case_id=case.pk, code=code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        with translation.override(case.language):
            context = {
                "case": case,
                "name": party.name,
                "code": code,
                "minutes": int(CODE_LIFETIME.total_seconds() // 60),
            }
            subject = render_to_string("portal/email/code_subject.txt", context)
            body = render_to_string("portal/email/code.txt", context)
        email_queue(
            organisation=case.organisation,
            kind=EmailKind.PORTAL_CODE,
            dedupe_key=f"portal-code:{row.pk}",
            recipient_email=party.email,
            recipient_name=party.name,
            language=case.language,
            subject=subject,
            body_text=body,
            case=case,
        )
        audit_record(
            actor=None,
            action="portal.code.sent",
            target_type="case",
            target_id=case.pk,
            organisation=case.organisation,
            reference=case.reference,
            details={"party": party.pk, "code": row.pk},
            source=source,
        )
    return True


def access_code_use(*, reference: str, code: str, source: AuditSource | None = None) -> AccessCode | None:
    """The code that opens its case (`.case`, `.party`: who it was sent to), or None (an unknown reference, a
    wrong, used or expired code: never says which). A right code works once (`portal.code.accepted`); a wrong one
    counts against every open code of the case, which ends after `CODE_MAX_FAILURES` wrong tries
    (`portal.code.refused`)."""
    code = "".join(char for char in code if char.isdigit())
    case = Case.objects.filter(reference__iexact=reference.strip()).select_related("organisation").first()
    if case is None or case.anonymised_on is not None:
        return None
    now = clock.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        open_codes = list(
            AccessCode.objects.select_for_update().filter(
                case=locked, used_at__isnull=True, expires_at__gt=now, failed_attempts__lt=CODE_MAX_FAILURES
            )
        )
        wanted = code_hash(case_id=locked.pk, code=code) if len(code) == 6 else ""
        match = next((row for row in open_codes if wanted and constant_time_compare(row.code_hash, wanted)), None)
        where: dict[str, Any] = {
            "actor": None,
            "target_type": "case",
            "target_id": locked.pk,
            "organisation": locked.organisation,
            "reference": locked.reference,
            "source": source,
        }
        if match is not None:
            AccessCode.objects.filter(pk=match.pk).update(used_at=now)
            audit_record(action="portal.code.accepted", details={"code": match.pk}, **where)
        else:
            AccessCode.objects.filter(pk__in=[row.pk for row in open_codes]).update(
                failed_attempts=F("failed_attempts") + 1
            )
            audit_record(action="portal.code.refused", details={"open_codes": len(open_codes)}, **where)
    if match is None:
        return None
    match.case = locked
    return match
