"""The texts of Plaint's emails, from Django templates per language (`templates/correspondence/email/`)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from plaint.cases.models import CHANNEL_LABELS, Case
from plaint.organisations.models import Person

LANGUAGES = ("en", "nl")


def compliment_copy(*, case: Case, recipient: Person, about: list[str], language: str) -> tuple[str, str]:
    """Subject and text of a compliment's copy to a service manager (WU-01), in `language` (English or Dutch).

    What it holds: the reference, the date of receipt, the channel, what and whom the compliment is about, its
    summary and its text. Not the complainant's name or contact details: the copy leaves Plaint for a mailbox and is
    passed on to the staff member; whoever needs to know who sent it can look the case up in Plaint (WU-13).
    """
    language = language if language in LANGUAGES else "en"
    with translation.override(language):
        context = {
            "case": case,
            "organisation": case.organisation,
            "recipient": recipient,
            "about": about,
            "channel": str(CHANNEL_LABELS.get(case.channel, case.channel.replace("_", " "))),
            "summary": case.summary,
            "description": case.description,
            "received_on": case.received_on,
        }
        subject = render_to_string(f"correspondence/email/compliment_copy_subject.{language}.txt", context)
        body = render_to_string(f"correspondence/email/compliment_copy.{language}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"
