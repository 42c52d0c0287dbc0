"""The sweep: cases whose terms passed their due date (on their organisation's day) are re-evaluated, so the terms
become missed; the worker runs it every hour (`cases/tasks.py`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from plaint import engine
from plaint.cases.effects import EffectSpec, effects_write
from plaint.cases.history_services import engine_events, snapshot_write
from plaint.cases.models import (
    Case,
    Effect,
    Term,
    TermState,
)
from plaint.cases.routing_services import case_routing_recheck, departed_handler_cases
from plaint.core import clock
from plaint.organisations.selectors import before_today_q
from plaint.procedures.selectors import procedure_definition

# The sweep


def case_refresh(*, case: Case, today: dt.date | None = None) -> Case:
    """Re-evaluate a case without a new event: terms that passed their due date become missed. Idempotent."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        day = today or clock.today_for(locked.organisation)
        procedure = procedure_definition(procedure_id=locked.procedure_id, version=locked.procedure_version)
        view = engine.evaluate(procedure, engine_events(locked), day)
        stage_before = locked.stage
        # A refresh is nobody's action: it keeps the version, so nobody's open form goes stale.
        snapshot_write(locked, procedure, view, expected_version=locked.version, bump=False)
        missed_letters_write(case=locked, view=view)
        if view.status == "open" and view.stage is not None and view.stage != stage_before:
            case_routing_recheck(case=locked)  # a missed term moved it on: anyone eligible there? (docs/access.md)
    case.refresh_from_db()
    return case


def missed_term_letter_key(case: Case, because: str, letter: str) -> str:
    return f"case:{case.pk}:{because}:letter:{letter}"


def missed_letters_write(*, case: Case, view: engine.CaseView) -> list[Effect]:
    """A missed term whose procedure owes a letter for it (`on_missed: letter:`, the explanation of a delay, WU-10,
    WA-07; the notice that the ombudsman may now be asked, WH-01): one `letter.<key>` effect, through the same path as
    an action's letters, once per case, term and letter (its key). The caller holds the case's lock."""
    specs = [
        EffectSpec(
            kind=f"letter.{due.key}",
            key=missed_term_letter_key(case, due.because, due.key),
            payload={"letter": due.key, "because": due.because, "since": due.since.isoformat()},
        )
        for due in view.letters_due
        if due.because.startswith("missed:")
    ]
    if not specs:
        return []
    written = set(Effect.objects.filter(key__in=[spec.key for spec in specs]).values_list("key", flat=True))
    fresh = [spec for spec in specs if spec.key not in written]
    return effects_write(case=case, event=None, actor=None, specs=fresh, check=False)


def cases_sweep(*, today: dt.date | None = None, batch: int = 500) -> int:
    """Mark terms missed on every open case whose next due date has passed; run periodically by the worker."""
    count = 0
    # Each term against its own organisation's day (never UTC's); case_refresh then judges the case in that zone too.
    passed = (
        Q(due__lt=today)
        if today is not None
        else before_today_q("due", time_zone_field="case__organisation__time_zone")
    )
    pending = Term.objects.filter(passed, state__in=[TermState.PENDING, TermState.EXTENDED])
    for case in Case.objects.filter(status="open", terms__in=pending).distinct().iterator(chunk_size=batch):
        case_refresh(case=case, today=today)
        count += 1
    # Cases nobody could handle: someone may have been given the role, or a conflict ended (docs/access.md).
    for case in Case.objects.filter(status="open").exclude(no_eligible_handler="").iterator(chunk_size=batch):
        case_routing_recheck(case=case)
    # Cases whose handler left on a date no save announced (a membership ending in the future): hand-over.
    for case in Case.objects.filter(pk__in=departed_handler_cases()).iterator(chunk_size=batch):
        case_routing_recheck(case=case)
    return count
