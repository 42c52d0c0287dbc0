"""Reads of the public portal: the organisation and its procedure, a case by its private link, the dates promised."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils.crypto import salted_hmac

from plaint import engine
from plaint.cases.models import Case, Party, PartyRole
from plaint.cases.selectors import case_view
from plaint.cases.services import InForce
from plaint.core import clock
from plaint.engine.render.text import check_lang, duration_words, tx
from plaint.organisations.models import Organisation
from plaint.portal.models import TrackingLink
from plaint.procedures.selectors import procedure_definition, procedure_for


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def code_hash(*, case_id: int, code: str) -> str:
    """A one-time code's stored form: keyed with the site's secret and bound to its case, so the table alone does
    not give the (short) codes away."""
    return salted_hmac("plaint.portal.access-code", f"{case_id}:{code}", algorithm="sha256").hexdigest()


def portal_organisation(*, slug: str) -> tuple[Organisation, engine.Procedure]:
    """The organisation at /complaints/<slug>/ and the procedure its new cases follow today; 404 for an unknown
    organisation or one without a procedure in force."""
    organisation, in_force = portal_intake(slug=slug)
    return organisation, in_force.procedure


def portal_intake(*, slug: str) -> tuple[Organisation, InForce]:
    """`portal_organisation`, with the day (in the organisation's time zone) the procedure was found in force: the
    registration reuses it instead of looking it up again (`case_register`'s `in_force`).

    Kept per process (`_intake`): read again when the organisation's day changes, when any organisation, branding or
    adoption changes (`intake_changed`, connected in `PortalConfig.ready`: this process at once, other processes
    within a second through the shared cache's generation number when `REDIS_URL` is set) and at the latest after
    `PLAINT_PORTAL_INTAKE_SECONDS` (default 10). The organisation is shared by the requests of this process: never
    change it."""
    generation = _intake.generation()
    entry = _intake.entries.get(slug)
    if entry is not None and entry.generation == generation and time.monotonic() < entry.until:
        today = clock.today_in(entry.organisation.time_zone)
        if today == entry.in_force.day:
            return entry.organisation, entry.in_force
    organisation = Organisation.objects.filter(slug=slug).select_related("served_by", "portal_branding").first()
    if organisation is None:
        raise Http404
    today = clock.today_in(organisation.time_zone)
    adoption = procedure_for(organisation=organisation, on=today)
    if adoption is None:
        raise Http404
    procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
    in_force = InForce(today, procedure)
    seconds = getattr(settings, "PLAINT_PORTAL_INTAKE_SECONDS", 10)
    _intake.entries[slug] = _IntakeEntry(generation, time.monotonic() + seconds, organisation, in_force)
    return organisation, in_force


#: The shared cache's key for the generation number of what `portal_intake` keeps.
INTAKE_GENERATION_KEY = "portal:intake-generation"


class _IntakeEntry(NamedTuple):
    generation: tuple[int, int | None]
    until: float
    organisation: Organisation
    in_force: InForce


class _Intake:
    """What `portal_intake` found, per slug, with the generation it was found in: this process's own count of
    changes, and the shared cache's (None when unreadable or never set)."""

    def __init__(self) -> None:
        self.entries: dict[str, _IntakeEntry] = {}
        self.local = 0
        self.shared: int | None = None
        self.shared_read_at: float | None = None

    def generation(self) -> tuple[int, int | None]:
        """This process's count of changes, and the shared one read at most once a second (a Redis round trip
        per request was ~0.1 ms of CPU): another process's change is seen within a second."""
        now = time.monotonic()
        if self.shared_read_at is None or now - self.shared_read_at >= 1.0:
            self.shared_read_at = now
            try:
                shared = cache.get(INTAKE_GENERATION_KEY)
            except Exception:  # an unreadable cache: the time limit still bounds how long an entry is kept
                shared = None
            self.shared = shared if isinstance(shared, int) else None
        return (self.local, self.shared)

    def changed(self) -> None:
        self.local += 1
        self.shared_read_at = None
        self.entries.clear()
        try:
            cache.add(INTAKE_GENERATION_KEY, 0, timeout=None)
            cache.incr(INTAKE_GENERATION_KEY)
        except Exception:  # noqa: S110 - the time limit still bounds how long another process keeps it
            pass


_intake = _Intake()


def intake_forget() -> None:
    """Forget what this process keeps (the tests: a rolled-back transaction sends no signal)."""
    _intake.entries.clear()
    _intake.local += 1
    _intake.shared_read_at = None


def intake_changed(**kwargs: object) -> None:
    """A signal receiver: an organisation, its branding or an adoption changed, so every process reads its
    organisation and procedure again. (A process that reads the database between this signal and the change's
    commit keeps the old rows until `PLAINT_PORTAL_INTAKE_SECONDS` pass: no on-commit hook, which callers counting
    their transaction's hooks would see.)"""
    _intake.changed()


def case_by_token(*, token: str) -> Case | None:
    """The case a private link opens, or None for an unknown or revoked link (never says which)."""
    if not token or len(token) > 100:
        return None
    link = (
        TrackingLink.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("case__organisation")
        .first()
    )
    if link is None or link.case.anonymised_on is not None:
        return None
    return link.case


@dataclass(frozen=True)
class TimeLimitCheck:
    """How a complaint about an event on `incident` stands against the procedure's time limit (WU-12, WP-03)."""

    effect: str  # "warn": looked at but marked late; "refuse": it will be refused
    latest: dt.date
    text: str


def time_limit_check(
    *, procedure: engine.Procedure, incident: dt.date, today: dt.date, lang: str
) -> TimeLimitCheck | None:
    limit = procedure.admissibility.time_limit
    if limit is None:
        return None
    latest = procedure.working_calendar.add(incident, limit.duration)
    if today <= latest:
        return None
    return TimeLimitCheck(effect=limit.effect, latest=latest, text=duration_words(limit.duration, check_lang(lang)))


@dataclass(frozen=True)
class PromisedDate:
    label: str
    due: dt.date | None
    text: str = ""
    kept: bool | None = None  # None: still open; True/False once met or missed


def promised_dates(
    *, case: Case, procedure: engine.Procedure, lang: str, view: engine.CaseView | None = None
) -> list[PromisedDate]:
    """Every date the procedure promises this case now (acknowledgement, answer, …) and the complainant's own time
    limits (the external bodies they may go to, with how long they have), in `lang`. `view`: the case's view today
    if the caller holds it (the registration's: no read of the case's events)."""
    language = check_lang(lang)
    if view is None:
        view = case_view(case=case)
    labels = {term.key: tx(term.label, language) for term in procedure.terms}
    dates: list[PromisedDate] = []
    for term in view.terms:
        if term.warn_only:
            continue
        kept = None if term.met_on is None else not term.late
        if term.state == "missed":
            kept = False
        dates.append(PromisedDate(label=labels.get(term.key, term.key), due=term.due, kept=kept))
    started = {limit.key: limit for limit in view.limits}
    for body in procedure.external_bodies:
        for limit in body.time_limits:
            text = tx(limit.text, language) if limit.text is not None else duration_words(limit.duration, language)
            # Once its anchor happened (the internal handling closed, WP-15), the limit has a date like a term
            running = started.get(f"{body.key}.{limit.counted_from}")
            kept = None if running is None or running.state in ("open", "passed") else running.state == "met"
            due = running.due if running is not None else None
            dates.append(PromisedDate(label=tx(body.name, language), due=due, text=text, kept=kept))
    return dates


def case_representative_may_see(*, case: Case) -> bool:
    """A representative sees the case only while the complainant's consent is recorded (WA-10)."""
    representative = case.parties.filter(role=PartyRole.REPRESENTATIVE).first()
    if representative is None:
        return True
    return representative.consent_given_on is not None and representative.consent_withdrawn_on is None


def consent_party(*, case: Case, opened_by: int) -> Party | None:
    """The representative whose consent the person on the page may give or withdraw: only when the page was opened
    by the complainant themselves (a one-time code sent to the complainant's address), never through a private
    link, which may be the representative's own (WA-10)."""
    if not opened_by or not case.parties.filter(pk=opened_by, role=PartyRole.COMPLAINANT).exists():
        return None
    return case.parties.filter(role=PartyRole.REPRESENTATIVE).first()


def case_procedure(*, case: Case) -> engine.Procedure:
    return procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)


def complainant_actions(*, lang: str) -> list[tuple[str, str]]:
    """The actions a complainant may take themselves, in the order a page offers them, with their button text."""
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    with override(lang):
        return [
            ("formal_requested", _("Make it a formal complaint")),
            ("review_requested", _("Ask for a review of the decision")),
            ("escalated", _("Take my complaint to the next stage")),
            ("withdrawn", _("Withdraw my complaint")),
        ]


def action_done_text(action: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "formal_requested": _("You asked for a formal complaint. We will write to you."),
        "review_requested": _("You asked for a review. We will write to you."),
        "escalated": _("Your complaint goes to the next stage. We will write to you."),
        "withdrawn": _("You withdrew your complaint. We will not handle it further."),
        "consent_given": _("Your consent is recorded: your representative may now follow your case."),
        "consent_withdrawn": _("Your consent is withdrawn: your representative no longer sees your case."),
    }.get(action, _("Done."))


def stage_words(*, case: Case, procedure: engine.Procedure, view: engine.CaseView, lang: str) -> str:
    """Where the case is, in plain words: the stage's name, or that it is closed."""
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    with override(lang):
        if view.status == "closed":
            return _("Closed")
        stage = next((stage for stage in procedure.stages if stage.key == view.stage), None)
        if stage is None:
            return _("Received")
        return tx(stage.label, check_lang(lang))
