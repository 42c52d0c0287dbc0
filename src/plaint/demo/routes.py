"""Demo cases that show who the procedures route a case to (issue 14; README "Demo", docs/access.md "Routing").

Each is one case with a fixed idempotency key, loaded through `case_register` and `case_act` like the other demo
cases, after them, and skipped when it exists (a second `plaint demo load` adds nothing):

* **WP-04, the colleague manager** (WerkPro): a complaint about manager Karin Dijkstra (`wp-manager`), who was
  involved; the regulation routes it to a colleague manager, Hilde Mulder (`wp-manager-2`), who handles it. Karin
  does not see it.
* **WH-07, the unconnected reviewer** (Workare Client Services): Victoria Lane (`wh-senior-manager-2`, also on the
  review panel) decided the complaint; the complainant asked for a review. She may not act in the review; Stephen
  Gray (`wh-committee-member`), who took no part, may.
* **WV-01, WV-03, WA-11, one officer's confidential case** (Bakkerij Het Korenblad, served by Werk in vertrouwen): a
  confidential complaint of intimidation about the bakery's chef, handled by complaints officer Anouk Visser
  (`wv-complaints-officer`) alone: the firm's other officer, Ruud Bakker (`wv-complaints-officer-2`), and the
  bakery's own staff do not see it.

The texts are in the organisation's language (Dutch for WerkPro and the bakery, English for Workare); every page
shows them in either language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.cases.services import PartyInput, Registration, case_act, case_register
from plaint.core import clock
from plaint.demo.cases import _classifications_load
from plaint.organisations.models import Organisation, Person


@dataclass
class RoutesResult:
    created: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def _colleague_manager(organisation: Organisation, key: str) -> Case:
    """WP-04: about the involved manager, handled by a colleague manager."""
    karin = _person("wp-manager")
    case = case_register(
        organisation=organisation,
        registration=Registration(
            kind="complaint",
            channel="in_writing",
            summary="Afspraak over werktijden niet nagekomen door de manager",
            description=(
                "Mijn manager, Karin Dijkstra, had met mij afgesproken dat ik vanwege de zorg voor mijn moeder om "
                "drie uur mocht stoppen. Zij was zelf bij dat gesprek en heeft de afspraak daarna teruggedraaid "
                "zonder het met mij te bespreken."
            ),
            complainant=PartyInput(
                role="complainant", name="Fatima Yilmaz", email="fatima.yilmaz@example.nl", group="participants"
            ),
            language="nl",
            incident_date=clock.today_for(organisation) - dt.timedelta(days=12),
            subjects=[PartyInput(role="subject", person_id=karin.pk)],
            category_codes=["appointments"],
        ),
        actor=_user("wp-intake-staff"),
        idempotency_key=key,
    )
    hilde = _user("wp-manager-2")
    return case_act(
        case=case,
        actor=hilde,
        action="handler_assigned",
        data={"handler": _person("wp-manager-2").pk},
        note="Karin was zelf betrokken; ik neem de klacht als collega-manager over (WP-04).",
    )


def _unconnected_review(organisation: Organisation, key: str) -> Case:
    """WH-07: decided by a director who also sits on the review panel; the review needs someone unconnected."""
    victoria = _user("wh-senior-manager-2")
    case = case_register(
        organisation=organisation,
        registration=Registration(
            kind="complaint",
            channel="email",
            summary="Invoice charged twice and no reply to two emails",
            description=(
                "I was charged twice for the March health assessment and my two emails about it went unanswered for "
                "three weeks. I would like the second charge refunded and an explanation."
            ),
            complainant=PartyInput(role="complainant", name="Daniel Brooks", email="daniel.brooks@example.org"),
            language="en",
            incident_date=clock.today_for(organisation) - dt.timedelta(days=30),
            category_codes=["communication"],
        ),
        actor=_user("wh-intake-staff"),
        idempotency_key=key,
    )
    case = case_act(case=case, actor=_user("wh-intake-staff"), action="acknowledged")
    case = case_act(
        case=case,
        actor=victoria,
        action="complainant_heard",
        data={"report": "Phoned Mr Brooks; he confirmed both charges and the dates of his emails."},
    )
    case = case_act(
        case=case,
        actor=victoria,
        action="decided",
        data={
            "outcome": "partly_well_founded",
            "explanation": "The second charge was a billing error and is refunded; the emails were answered late.",
        },
    )
    return case_act(
        case=case,
        actor=_user("wh-intake-staff"),
        action="review_requested",
        on_behalf_of="complainant",
        note="Mr Brooks is not satisfied with the explanation of the delay and asks for a review (WH-07).",
    )


def _confidential_officer_case(organisation: Organisation, key: str) -> Case:
    """WV-01, WV-03, WA-11: a confidential complaint at a client of the firm, handled by one officer alone."""
    case = case_register(
        organisation=organisation,
        registration=Registration(
            kind="complaint",
            channel="in_writing",
            summary="Intimidatie door de chef bakkerij",
            description=(
                "Sinds ik een fout meldde over de hygiëne in de bakkerij schreeuwt de chef tegen mij waar collega's "
                "bij zijn en dreigt hij mijn uren te verminderen. Ik wil dat dit vertrouwelijk wordt behandeld."
            ),
            complainant=PartyInput(role="complainant", name="Lotte de Boer", email="lotte.deboer@example.nl"),
            language="nl",
            incident_date=clock.today_for(organisation) - dt.timedelta(days=9),
            subjects=[PartyInput(role="subject", person_id=_person("kb-manager").pk)],
            confidentiality="confidential",
            category_codes=["intimidation"],
        ),
        actor=_user("kb-intake-staff"),
        idempotency_key=key,
    )
    officer = _user("wv-complaints-officer")
    return case_act(
        case=case,
        actor=officer,
        action="handler_assigned",
        data={"handler": _person("wv-complaints-officer").pk},
        note="Vertrouwelijk: alleen ik behandel deze klacht (WV-03).",
    )


#: (organisation slug, route name, loader): the idempotency key is demo:<slug>:route:<name>.
ROUTES: tuple[tuple[str, str, Callable[[Organisation, str], Case]], ...] = (
    ("werkpro", "wp04-colleague-manager", _colleague_manager),
    ("workare-client-services", "wh07-unconnected-review", _unconnected_review),
    ("bakkerij-het-korenblad", "wv03-one-officer-confidential", _confidential_officer_case),
)


def demo_routes_load() -> RoutesResult:
    """Load the route cases whose organisation exists and that are missing; what exists is left alone."""
    result = RoutesResult()
    for slug, name, load in ROUTES:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        key = f"demo:{slug}:route:{name}"
        if Case.objects.filter(organisation=organisation, idempotency_key=key).exists():
            result.skipped += 1
            continue
        try:
            with transaction.atomic():
                _classifications_load(organisation)  # WV-01's categories, as the demo cases have them
                load(organisation, key)
        except Exception as error:  # one broken route must not stop the demo
            result.warnings.append(f"{organisation.name}: route {name}: {error}")
            continue
        result.created += 1
    return result
