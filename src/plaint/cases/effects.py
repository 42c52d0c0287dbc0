"""Effects: what an action causes outside the case's own rows, written in the action's transaction, handled once.

`case_register` and `case_act` turn the engine's decision into effect rows (`Effect`) in the transaction that
appends the event: one `letter.<key>` per letter the decision makes due, a `notification.handler_assigned` when
someone is given the case. When the transaction commits one job (`cases.handle_effects`) is queued for them; the
periodic sweep (`cases.effects_sweep`, every minute) handles effects whose job was lost and retries failed ones.

Apps that act on effects register a handler per kind in their `AppConfig.ready()`; `cases` never imports them:

    @register_handler("letter.compliment_copy", check=...)
    def send_copy(effect: Effect) -> Mapping[str, Any] | None: ...

A handler runs in a transaction with its effect row: the effect is claimed by a conditional UPDATE (state
`pending`, due) that holds the row until the transaction ends, the handler writes what it writes, and the effect
becomes `done` in the same transaction. So a job run twice finds the effect done and does nothing; a worker that dies
mid-way rolls the handler's work back with the claim, and the effect is still `pending` for the next job or sweep.
A handler that raises has its work rolled back (a savepoint) and the effect stays `pending` with the error and a
later `next_attempt_at` (1 minute, 5, 15, 1 hour, 4 hours), `failed` after `MAX_ATTEMPTS`.

An effect whose kind has no handler (a letter before the letters issue) is written as `waiting_for_handler`: no job,
no error, no retries. The sweep moves such effects to `pending` once a handler for their kind is registered.

A handler's optional `check(case, effect)` runs before the effect is written, inside the action's transaction: a
refusal there (no one to send a letter to, say) refuses the whole action, so nothing is recorded that cannot be done.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from plaint import engine
from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.models import Case, CaseEvent, Effect, EffectState
from plaint.core import clock

logger = logging.getLogger(__name__)

#: Failed attempts after which an effect is `failed` for a person to look at.
MAX_ATTEMPTS = 6
#: Wait before the next attempt after the n-th failed one (the last value repeats).
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=4),
)
MAX_ERROR = 1000

Handle = Callable[[Effect], Mapping[str, Any] | None]
Check = Callable[[Case, "EffectSpec"], None]


@dataclass(frozen=True)
class EffectSpec:
    """An effect about to be written: its kind, what makes it unique, and what its handler needs."""

    kind: str
    key: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Handler:
    kind: str
    handle: Handle
    check: Check | None = None


_HANDLERS: dict[str, Handler] = {}


def register_handler(kind: str, *, check: Check | None = None) -> Callable[[Handle], Handle]:
    """Register the function that handles effects of `kind` (`letter.compliment_copy`, or `letter` for every letter
    without a handler of its own). Call it from an app's `AppConfig.ready()`; registering a kind twice replaces it."""

    def decorator(handle: Handle) -> Handle:
        _HANDLERS[kind] = Handler(kind=kind, handle=handle, check=check)
        return handle

    return decorator


def unregister_handler(kind: str) -> None:
    _HANDLERS.pop(kind, None)


def handler_for(kind: str) -> Handler | None:
    """The handler of this kind, else of its family (`letter` for `letter.compliment_copy`), else None."""
    return _HANDLERS.get(kind) or _HANDLERS.get(kind.partition(".")[0])


# Writing: in the action's transaction


def decision_effects(
    *, event: CaseEvent, decision: engine.Decision, data: Mapping[str, Any] | None = None
) -> list[EffectSpec]:
    """What the engine's decision (and the action's data) asks to happen outside the case's rows."""
    specs = [
        EffectSpec(
            kind=f"letter.{letter.key}",
            key=f"event:{event.pk}:letter:{letter.key}:{index}",
            payload={"letter": letter.key, "because": letter.because, "since": letter.since.isoformat()},
        )
        for index, letter in enumerate(decision.letters_due)
    ]
    if event.kind == "handler_assigned" and data and data.get("handler") is not None:
        specs.append(
            EffectSpec(
                kind="notification.handler_assigned",
                key=f"event:{event.pk}:notification:handler_assigned",
                payload={"person": data["handler"], "delegate": bool(data.get("delegate"))},
            )
        )
    return specs


def effects_write(
    *, case: Case, event: CaseEvent | None, actor: User | None, specs: Sequence[EffectSpec], check: bool = True
) -> list[Effect]:
    """Write the effects of an event in the caller's transaction, and queue their job for when it commits. `event`
    None: an effect of no action (a letter made due by a missed term, written by the sweep).

    Each handler's check runs first: its refusal refuses the action (the caller's transaction rolls back). The sweep
    writes without the check (`check=False`): nothing is refused there, and a handler's failure shows on the case."""
    if not specs:
        return []
    for spec in specs if check else ():
        handler = handler_for(spec.kind)
        if handler is not None and handler.check is not None:
            handler.check(case, spec)
    now = clock.now()
    effects = [
        Effect(
            case=case,
            event=event,
            kind=spec.kind,
            key=spec.key,
            payload=dict(spec.payload),
            actor=actor,
            state=EffectState.PENDING if handler_for(spec.kind) is not None else EffectState.WAITING,
            created_at=now,
        )
        for spec in specs
    ]
    Effect.objects.bulk_create(effects)
    pending = [effect.pk for effect in effects if effect.state == EffectState.PENDING]
    if pending:
        _enqueue_on_commit(pending)
    return effects


def _enqueue_on_commit(effect_ids: list[int]) -> None:
    from plaint.cases.tasks import handle_effects

    transaction.on_commit(lambda: handle_effects(effect_ids))


# Handling: once


def effect_handle(*, effect_id: int) -> Effect | None:
    """Handle one pending effect that is due, once; None when it is not (done, waiting, failed, not yet due).

    Safe to call twice, from several workers, and from inside a caller's transaction (the action that wrote it)."""
    now = clock.now()
    with transaction.atomic():
        claimed = (
            Effect.objects.filter(pk=effect_id, state=EffectState.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .update(attempts=F("attempts") + 1)
        )  # the row stays locked by this UPDATE until the transaction ends: a second worker waits, then finds it done
        if not claimed:
            return None
        effect = Effect.objects.select_related("case__organisation", "event", "actor").get(pk=effect_id)
        if effect.case.anonymised_on is not None:  # its case was erased (docs/privacy.md): nothing more goes out
            effect.state = EffectState.FAILED
            effect.last_error = "case anonymised"
            effect.save(update_fields=["state", "last_error"])
            return effect
        handler = handler_for(effect.kind)
        if handler is None:  # its handler went away since it was written
            Effect.objects.filter(pk=effect.pk).update(state=EffectState.WAITING, attempts=F("attempts") - 1)
            return effect
        try:
            with transaction.atomic():
                result = handler.handle(effect) or {}
        except Exception as error:
            return _record_failure(effect, error, now)
        effect.state = EffectState.DONE
        effect.handled_at = now
        effect.result = dict(result)
        effect.last_error = ""
        effect.next_attempt_at = None
        effect.save(update_fields=["state", "handled_at", "result", "last_error", "next_attempt_at"])
        _audit(effect, "case.effect.handled", {"effect": effect.pk, "kind": effect.kind, "attempts": effect.attempts})
    return effect


def _record_failure(effect: Effect, error: Exception, now: dt.datetime) -> Effect:
    text = f"{type(error).__name__}: {error}"[:MAX_ERROR]
    if effect.attempts >= MAX_ATTEMPTS:
        effect.state = EffectState.FAILED
        effect.next_attempt_at = None
        logger.error("Effect %s (%s) of case %s failed for good: %s", effect.pk, effect.kind, effect.case_id, text)
    else:
        effect.next_attempt_at = now + BACKOFF[min(effect.attempts, len(BACKOFF)) - 1]
        logger.warning(
            "Effect %s (%s) of case %s failed, retried later: %s", effect.pk, effect.kind, effect.case_id, text
        )
    effect.last_error = text
    effect.save(update_fields=["state", "next_attempt_at", "last_error"])
    _audit(
        effect,
        "case.effect.failed",
        {"effect": effect.pk, "kind": effect.kind, "attempts": effect.attempts, "final": effect.state == "failed"},
    )
    return effect


def _audit(effect: Effect, action: str, details: dict[str, Any]) -> None:
    audit_record(
        actor=None,
        action=action,
        target_type="case",
        target_id=effect.case_id,
        organisation=effect.case.organisation,
        reference=effect.case.reference,
        details=details,
    )


def effect_retry(*, effect: Effect, actor: User, source: AuditSource | None = None) -> bool:
    """A person's decision to try a failed effect again (the admin's "Try again", after fixing what made it fail):
    it becomes pending with a fresh set of attempts, and a job is queued. False for an effect that is not failed."""
    with transaction.atomic():
        updated = Effect.objects.filter(pk=effect.pk, state=EffectState.FAILED).update(
            state=EffectState.PENDING, attempts=0, next_attempt_at=None
        )
        if not updated:
            return False
        audit_record(
            actor=actor,
            action="case.effect.retry_requested",
            target_type="case",
            target_id=effect.case_id,
            organisation=effect.case.organisation,
            reference=effect.case.reference,
            details={"effect": effect.pk, "kind": effect.kind},
            source=source,
        )
        _enqueue_on_commit([effect.pk])
    return True


def effects_handle(*, effect_ids: Iterable[int]) -> list[Effect]:
    """Handle these effects, each once (the job queued when an action commits)."""
    handled = [effect_handle(effect_id=effect_id) for effect_id in effect_ids]
    return [effect for effect in handled if effect is not None]


def event_effects_handle(*, event: CaseEvent) -> list[Effect]:
    """Handle an event's pending effects now, in the caller's transaction (an operation that answers with what its
    effects did, such as the compliment copy); the job queued on commit then finds them done."""
    ids = list(Effect.objects.filter(event=event, state=EffectState.PENDING).values_list("pk", flat=True))
    return effects_handle(effect_ids=ids)


@dataclass(frozen=True)
class EffectSweep:
    released: int  # waiting effects whose kind now has a handler
    handled: int  # pending effects handled (lost jobs, due retries)


def effects_sweep(*, batch: int = 200) -> EffectSweep:
    """Every minute: effects waiting for a handler that now exists become pending; pending effects that are due (their
    job was lost, or a retry is due) are handled."""
    waiting_kinds = set(Effect.objects.filter(state=EffectState.WAITING).values_list("kind", flat=True).distinct())
    ready = [kind for kind in waiting_kinds if handler_for(kind) is not None]
    released = Effect.objects.filter(state=EffectState.WAITING, kind__in=ready).update(state=EffectState.PENDING)
    due = Effect.objects.filter(state=EffectState.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=clock.now())
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:batch])
    return EffectSweep(released=released, handled=len(effects_handle(effect_ids=ids)))
