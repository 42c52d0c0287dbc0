"""Notifications to staff (issue 14): the `notification.*` effects the cases app writes become emails in the outbox.

* `notification.handler_assigned` (payload `person`, `delegate`): the person now handles the case (or is its
  delegate, XS-19).
* `notification.no_eligible_handler` (payload `people`, `reason`, `roles`, `stage`): nobody may handle the case's
  stage (WP-04, WU-07, XS-14, WH-07), or its handler left (docs/access.md, "Hand-over"); the administrators and
  complaints officers the routing check chose are told.

One email per person, in the person's language (`templates/correspondence/email/notification_*.{en,nl}.txt`), through
`email_queue` with the dedupe key `effect:<effect>:person:<person>`: the handler runs in the effect's transaction
(`plaint.cases.effects`), so a worker that dies rolls the queued emails back with its claim, and a job run twice
finds the effect done; the outbox then sends each email once. What an email holds is the case's reference, why the
person gets it and a link to the workspace case page (`PLAINT_SITE_URL`): never what the complaint is about, who
made it or whom it names, which the person reads in Plaint after signing in, where the access rules apply.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from plaint.cases.models import Case, Effect
from plaint.correspondence.models import EmailKind, OutboundEmail
from plaint.correspondence.services import email_queue
from plaint.organisations.models import Person

LANGUAGES = ("en", "nl")
#: The kinds this module sends; the template of each is `notification_<name>.<lang>.txt` (and `_subject`).
KINDS = ("notification.handler_assigned", "notification.no_eligible_handler")


def case_page_url(case: Case) -> str:
    """The absolute address of the workspace case page (`PLAINT_SITE_URL` + the page's path)."""
    base = str(getattr(settings, "PLAINT_SITE_URL", "") or "").rstrip("/")
    return base + reverse("workspace:case", kwargs={"case_id": case.pk})


def notification_recipients(effect: Effect) -> list[int]:
    """The person ids an effect's payload names."""
    payload = effect.payload or {}
    if effect.kind == "notification.handler_assigned":
        person = payload.get("person")
        return [person] if isinstance(person, int) else []
    people = payload.get("people") or []
    return [person for person in people if isinstance(person, int)]


def notification_text(*, effect: Effect, case: Case, person: Person, language: str) -> tuple[str, str]:
    """Subject and text of one notification email, in `language`."""
    from plaint.cases.routing_services import no_eligible_handler_text

    language = language if language in LANGUAGES else "en"
    name = effect.kind.partition(".")[2]
    payload = effect.payload or {}
    with translation.override(language):
        context: dict[str, Any] = {
            "case": case,
            "organisation": case.organisation,
            "recipient": person,
            "delegate": bool(payload.get("delegate")),
            "link": case_page_url(case),
            "reason": str(no_eligible_handler_text(str(payload.get("reason", "")), payload.get("roles") or []))
            if name == "no_eligible_handler"
            else "",
        }
        subject = render_to_string(f"correspondence/email/notification_{name}_subject.{language}.txt", context)
        body = render_to_string(f"correspondence/email/notification_{name}.{language}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def notification_send(effect: Effect) -> dict[str, Any]:
    """Handle a `notification.*` effect: queue one email per person named who has an email address. Runs in the
    effect's transaction; returns the emails queued and the people skipped (no address, no longer a person)."""
    if effect.kind not in KINDS:
        raise ValueError(f"No notification template for {effect.kind}.")
    case = Case.objects.select_related("organisation").get(pk=effect.case_id)
    wanted = notification_recipients(effect)
    people = {person.pk: person for person in Person.objects.filter(pk__in=wanted)}
    emails: list[OutboundEmail] = []
    skipped: list[int] = []
    for person_id in wanted:
        person = people.get(person_id)
        if person is None or not person.email:
            skipped.append(person_id)
            continue
        language = person.language if person.language in LANGUAGES else case.organisation.default_language
        subject, body = notification_text(effect=effect, case=case, person=person, language=language)
        emails.append(
            email_queue(
                organisation=case.organisation,
                kind=EmailKind.NOTIFICATION,
                dedupe_key=f"effect:{effect.pk}:person:{person.pk}",
                recipient=person,
                recipient_name=person.name,
                recipient_email=person.email,
                language=language,
                subject=subject,
                body_text=body,
                case=case,
                event=effect.event,
                actor=effect.actor,
            )
        )
    return {"emails": [{"id": email.pk, "person": email.recipient_id} for email in emails], "skipped": skipped}
