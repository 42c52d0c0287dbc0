"""Background jobs of the cases app. Thin: each calls a service, and each is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from plaint.cases import effects, routing_services, services
from plaint.cases.models import Case


@db_periodic_task(crontab(minute="5"), name="cases.sweep")  # type: ignore[untyped-decorator]
@lock_task("cases.sweep")  # type: ignore[untyped-decorator]
def sweep() -> int:
    """Every hour: terms past their due date become missed (and so start what the procedure says follows)."""
    return services.cases_sweep()


@db_task(name="cases.handle_effects")  # type: ignore[untyped-decorator]
def handle_effects(effect_ids: list[int]) -> list[str]:
    """Handle the effects an action wrote (enqueued when its transaction commits); each is handled once."""
    return [effect.state for effect in effects.effects_handle(effect_ids=effect_ids)]


@db_periodic_task(crontab(minute="*"), name="cases.effects_sweep")  # type: ignore[untyped-decorator]
@lock_task("cases.effects_sweep")  # type: ignore[untyped-decorator]
def effects_sweep() -> dict[str, int]:
    """Every minute: effects whose job was lost, retries that are due, and effects whose handler has arrived."""
    result = effects.effects_sweep()
    return {"released": result.released, "handled": result.handled}


@db_task(name="cases.routing_check")  # type: ignore[untyped-decorator]
def routing_check(case_id: int) -> str:
    """After a registration or a change of stage: may anyone handle the case? Marks it, or clears its mark."""
    case = Case.objects.filter(pk=case_id).first()
    return routing_services.case_routing_recheck(case=case) if case is not None else ""
