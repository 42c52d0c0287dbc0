"""Commands of the public portal (docs/portal.md): send a complaint, compliment or suggestion; private links.

`portal_case_submit` registers the case through `case_register` (actor None: the public), makes its private link
and queues the confirmation email, all in ONE transaction: a failure leaves nothing behind and sends nothing.
Until the effects path lands, the confirmation email goes through the correspondence outbox (`email_queue`) here;
once it does, it becomes an effect of the registration.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from plaint import engine
from plaint.cases.models import Case
from plaint.cases.services import Registration, case_register
from plaint.core import clock
from plaint.correspondence.models import EmailKind
from plaint.correspondence.services import email_queue
from plaint.organisations.models import Organisation
from plaint.portal.models import Submission, TrackingLink
from plaint.portal.selectors import promised_dates, token_hash


@dataclass(frozen=True)
class Receipt:
    case: Case
    token: str | None  # None when the form had been sent before: the first POST's link stands
    created: bool


def tracking_link_create(*, case: Case) -> str:
    """A new private link for the case: returns the token (kept nowhere but in the link), stores its hash."""
    token = secrets.token_urlsafe(32)
    TrackingLink.objects.create(case=case, token_hash=token_hash(token), created_at=clock.now())
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
) -> Receipt:
    """Register what the form sent, once per `submission_key`, with its private link and confirmation email."""
    existing = Submission.objects.filter(key=submission_key).select_related("case").first()
    if existing is not None:
        return Receipt(case=existing.case, token=None, created=False)
    try:
        with transaction.atomic():
            case = case_register(organisation=organisation, registration=registration, actor=None)
            Submission.objects.create(key=submission_key, case=case, created_at=clock.now())
            token = tracking_link_create(case=case)
            if contact_email:
                confirmation_email_queue(
                    case=case,
                    procedure=procedure,
                    token=token,
                    email=contact_email,
                    name=contact_name,
                    site_url=site_url,
                )
    except IntegrityError:
        # The same form sent twice at the same moment: the other request made the case.
        twin = Submission.objects.filter(key=submission_key).select_related("case").first()
        if twin is None:
            raise
        return Receipt(case=twin.case, token=None, created=False)
    return Receipt(case=case, token=token, created=True)


def confirmation_email_queue(
    *, case: Case, procedure: engine.Procedure, token: str, email: str, name: str, site_url: str
) -> None:
    """The confirmation in the case's language: reference, the dates promised, the private link."""
    with translation.override(case.language):
        context = {
            "case": case,
            "name": name,
            "organisation": case.organisation,
            "dates": promised_dates(case=case, procedure=procedure, lang=case.language),
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
    )


def track_path(token: str, language: str) -> str:
    from django.urls import reverse

    with translation.override(language):
        return reverse("portal:track", kwargs={"token": token})


def today_for(organisation: Organisation) -> dt.date:
    return clock.today_in(organisation.time_zone)


def tracking_link_send(*, reference: str, email: str, site_url: str) -> bool:
    """A new private link by email, when the reference and the address belong together (the complainant's or, with
    consent, the representative's address). Returns whether one was sent; callers never tell the person."""
    from plaint.cases.models import Party

    party = (
        Party.objects.filter(case__reference__iexact=reference.strip(), email__iexact=email.strip())
        .select_related("case__organisation")
        .first()
    )
    if party is None or party.case.anonymised_on is not None:
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
