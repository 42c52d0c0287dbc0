"""Effects leave by one path (issue 9): written in the action's transaction, handled once by the app that registered
a handler for their kind, never lost when a job is, never repeated when a job runs twice or a worker dies mid-way."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection, connections

from plaint.access.models_audit import AuditRecord
from plaint.cases import effects
from plaint.cases.models import Case, Category, Effect, EffectState
from plaint.cases.services import case_act
from tests.access.audit_support import audit_transactional_db  # noqa: F401 - a fixture
from tests.access.helpers import login_verified
from tests.api.conftest import Api
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 4, 20, 8, 0, tzinfo=dt.UTC)
KIND = "letter.acknowledgement"


class Killed(BaseException):
    """The worker's process dies (SIGKILL, out of memory) in the middle of a handler."""


@pytest.fixture
def calls():
    """A handler of Xs2more's acknowledgement letter for the test: it writes a row (a category named after the
    effect), so a repeat would show as a second row; `calls.fail` makes it raise, `calls.kill` kill the worker."""

    class Calls(list):
        fail: Exception | None = None
        kill = False
        slow = 0.0

    seen = Calls()

    def handle(effect: Effect) -> dict[str, int]:
        seen.append(effect.pk)
        time.sleep(seen.slow)  # long enough for a second worker to arrive while the first holds the effect
        Category.objects.create(
            organisation=effect.case.organisation, code=f"effect-{effect.pk}-{len(seen)}", name_en="x", name_nl="x"
        )
        if seen.kill:
            raise Killed()
        if seen.fail is not None:
            raise seen.fail
        return {"written": len(seen)}

    seen.handle = handle
    effects.register_handler(KIND)(handle)
    yield seen
    effects.unregister_handler(KIND)


@pytest.fixture
def xs():
    organisation = organisation_running("xs2more")
    return organisation, staff(organisation, "intake_staff", "complaints_officer")


def _acknowledged(xs, capture=None) -> tuple[Case, Effect]:
    organisation, intake = xs
    case = register(organisation, intake)
    if capture is None:
        case = case_act(case=case, actor=intake, action="acknowledged")
    else:
        with capture(execute=True):
            case = case_act(case=case, actor=intake, action="acknowledged")
    return case, Effect.objects.get(case=case, kind=KIND)


def _handled_rows(effect: Effect) -> int:
    return Category.objects.filter(code__startswith=f"effect-{effect.pk}-").count()


@time_machine.travel(MONDAY, tick=False)
def test_the_letter_due_is_an_effect_written_with_the_event_and_handled_once_on_commit(
    xs, calls, django_capture_on_commit_callbacks
):
    # When an action makes a letter due, and its transaction commits
    case, effect = _acknowledged(xs, django_capture_on_commit_callbacks)
    # then the effect belongs to the event, holds what the handler needs, and was handled once by the job
    effect.refresh_from_db()
    assert effect.event is not None and effect.event.kind == "acknowledged"
    assert effect.payload == {"letter": "acknowledgement", "because": "acknowledged", "since": "2026-04-20"}
    assert (effect.state, effect.attempts, effect.result) == (EffectState.DONE, 1, {"written": 1})
    assert calls == [effect.pk] and _handled_rows(effect) == 1
    # and the action's audit record names it, and its handling has a record of its own
    action = AuditRecord.objects.get(case_id=case.pk, action="case.action.acknowledged")
    assert action.details["effects"] == [{"id": effect.pk, "kind": KIND}]
    handled = AuditRecord.objects.get(case_id=case.pk, action="case.effect.handled")
    assert handled.details == {"effect": effect.pk, "kind": KIND, "attempts": 1}
    # When the job runs again (Huey retried it, or two workers got it), and the sweep runs too
    assert effects.effects_handle(effect_ids=[effect.pk]) == []
    assert effects.effects_sweep().handled == 0
    # then nothing is done twice
    assert calls == [effect.pk] and _handled_rows(effect) == 1


@time_machine.travel(MONDAY, tick=False)
def test_a_lost_job_loses_nothing_the_sweep_handles_it(xs, calls):
    # Given an action whose job never ran (the worker or Redis was down when it committed)
    _case, effect = _acknowledged(xs)
    assert effect.state == EffectState.PENDING and calls == []
    # when the sweep runs, then it handles the effect, once
    assert effects.effects_sweep().handled == 1
    assert effects.effects_sweep().handled == 0
    effect.refresh_from_db()
    assert effect.state == EffectState.DONE and calls == [effect.pk] and _handled_rows(effect) == 1


@time_machine.travel(MONDAY, tick=False)
def test_a_worker_killed_mid_way_leaves_the_effect_pending_and_the_rerun_handles_it_once(xs, calls):
    # Given an effect, and a worker that claims it and dies in the middle of its handler (after writing a row)
    _case, effect = _acknowledged(xs)
    calls.kill = True
    with pytest.raises(Killed):
        effects.effect_handle(effect_id=effect.pk)
    # then the claim and the handler's half-done work went with the transaction: nothing written, still pending
    effect.refresh_from_db()
    assert (effect.state, effect.attempts) == (EffectState.PENDING, 0)
    assert len(calls) == 1 and _handled_rows(effect) == 0
    # When the job is run again (or the sweep finds it)
    calls.kill = False
    effects.effect_handle(effect_id=effect.pk)
    effects.effect_handle(effect_id=effect.pk)
    # then it is handled exactly once
    effect.refresh_from_db()
    assert (effect.state, effect.attempts) == (EffectState.DONE, 1)
    assert _handled_rows(effect) == 1 and len(calls) == 2


def test_a_failing_handler_leaves_the_effect_visible_and_retried_with_backoff(xs, calls):
    # Given a handler that fails (the mail server is down, say)
    calls.fail = ConnectionError("letter service unreachable")
    with time_machine.travel(MONDAY, tick=False):
        case, effect = _acknowledged(xs)
        effects.effect_handle(effect_id=effect.pk)
    # then its work is rolled back, and the effect stays pending with the error and the next attempt a minute later
    effect.refresh_from_db()
    assert (effect.state, effect.attempts, _handled_rows(effect)) == (EffectState.PENDING, 1, 0)
    assert effect.last_error == "ConnectionError: letter service unreachable"
    assert effect.next_attempt_at == MONDAY + dt.timedelta(minutes=1)
    failed = AuditRecord.objects.get(case_id=case.pk, action="case.effect.failed")
    assert failed.details == {"effect": effect.pk, "kind": KIND, "attempts": 1, "final": False}
    # and the case shows it
    detail = Api().as_user(xs[1]).detail(case.pk).json()
    shown = next(item for item in detail["effects"] if item["id"] == effect.pk)
    assert (shown["state"], shown["attempts"], shown["last_error"]) == ("pending", 1, effect.last_error)
    # The sweep does not retry before the time
    with time_machine.travel(MONDAY + dt.timedelta(seconds=30), tick=False):
        assert effects.effects_sweep().handled == 0
    # it retries after 1, 5, 15 minutes, 1 hour, 4 hours; the sixth failure makes it failed, for a person to see
    moment = MONDAY
    for wait in (1, 5, 15, 60, 240):
        moment += dt.timedelta(minutes=wait)
        with time_machine.travel(moment, tick=False):
            assert effects.effects_sweep().handled == 1
    effect.refresh_from_db()
    assert (effect.state, effect.attempts, effect.next_attempt_at) == (EffectState.FAILED, 6, None)
    assert AuditRecord.objects.filter(case_id=case.pk, action="case.effect.failed").count() == 6
    # and nothing tries it again by itself
    with time_machine.travel(moment + dt.timedelta(days=1), tick=False):
        assert effects.effects_sweep().handled == 0
    assert _handled_rows(effect) == 0


@time_machine.travel(MONDAY, tick=False)
def test_a_handler_that_recovers_is_done_at_the_next_attempt(xs, calls):
    calls.fail = ConnectionError("down")
    _case, effect = _acknowledged(xs)
    effects.effect_handle(effect_id=effect.pk)
    calls.fail = None
    with time_machine.travel(MONDAY + dt.timedelta(minutes=2), tick=False):
        assert effects.effects_sweep().handled == 1
    effect.refresh_from_db()
    assert (effect.state, effect.attempts, effect.last_error) == (EffectState.DONE, 2, "")
    assert _handled_rows(effect) == 1


@pytest.fixture
def no_letter_handler():
    """As before the letters issue: no app handles letters (correspondence registers `letter` for all of them)."""
    registered = effects.handler_for("letter")
    effects.unregister_handler("letter")
    yield
    if registered is not None:
        effects.register_handler("letter", check=registered.check)(registered.handle)


@time_machine.travel(MONDAY, tick=False)
def test_a_letter_without_handler_waits_quietly_until_one_is_registered(
    xs, django_capture_on_commit_callbacks, no_letter_handler
):
    # Given no app handles Xs2more's acknowledgement letter yet (the letters issue comes next)
    organisation, intake = xs
    case = register(organisation, intake)
    # when the action that makes it due commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_act(case=case, actor=intake, action="acknowledged")
    # then the effect is written, waiting for a handler: no job, no error, no retries
    effect = Effect.objects.get(case=case, kind=KIND)
    assert (effect.state, effect.attempts, effect.last_error) == (EffectState.WAITING, 0, "")
    assert callbacks == [] or all("handle_effects" not in repr(callback) for callback in callbacks)
    assert effects.effects_sweep().handled == 0
    effect.refresh_from_db()
    assert effect.state == EffectState.WAITING
    # When a handler for its kind (or for all letters) arrives, the sweep hands it over
    seen: list[int] = []
    effects.register_handler("letter")(lambda item: seen.append(item.pk) or None)
    try:
        result = effects.effects_sweep()
    finally:
        effects.unregister_handler("letter")
    assert (result.released, result.handled) == (1, 1) and seen == [effect.pk]
    effect.refresh_from_db()
    assert effect.state == EffectState.DONE


@time_machine.travel(MONDAY, tick=False)
def test_assigning_a_handler_writes_a_notification_effect(xs):
    organisation, intake = xs
    officer = staff(organisation, "intake_staff")
    case = register(organisation, intake)
    case_act(case=case, actor=intake, action="handler_assigned", data={"handler": person_of(officer).pk})
    effect = Effect.objects.get(case=case, kind="notification.handler_assigned")
    assert effect.payload == {"person": person_of(officer).pk, "delegate": False}
    # the correspondence app handles it (an email through the outbox: tests/correspondence/test_notifications.py)
    assert effect.state == EffectState.PENDING and effect.event is not None


@time_machine.travel(MONDAY, tick=False)
def test_a_refused_action_writes_no_effect(xs):
    organisation, intake = xs
    case = register(organisation, intake)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        case_act(case=case, actor=intake, action="closed")
    assert not Effect.objects.filter(case=case).exclude(event__kind="received").exists()


@pytest.mark.usefixtures("audit_transactional_db")  # handling writes audit records: flushed by the fixture
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
def test_two_workers_running_the_same_job_at_once_handle_it_once(xs, calls, no_letter_handler):
    # Given an effect whose job two workers picked up at the same moment (a retried job beside the sweep)
    # (written while no handler was registered, so that no job ran when it committed, then released)
    effects.unregister_handler(KIND)
    with time_machine.travel(MONDAY, tick=False):
        _case, effect = _acknowledged(xs)
    effects.register_handler(KIND)(calls.handle)
    Effect.objects.filter(pk=effect.pk).update(state=EffectState.PENDING)
    calls.slow = 0.5
    start = threading.Barrier(2)
    results: list[object] = []

    def work() -> None:
        try:
            start.wait()
            results.append(effects.effect_handle(effect_id=effect.pk))
        finally:
            connections.close_all()

    # When both run it, each in its own transaction
    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Then one handled it and the other found it done (it waited for the first one's row lock)
    assert sorted(result is None for result in results) == [False, True]
    effect.refresh_from_db()
    assert (effect.state, effect.attempts) == (EffectState.DONE, 1)
    assert _handled_rows(effect) == 1 and len(calls) == 1


def test_a_failed_effect_is_listed_in_the_admin_and_tried_again_by_a_person(
    xs, calls, client, django_capture_on_commit_callbacks
):
    # Given an effect that failed for good (its handler failed six times)
    calls.fail = ConnectionError("down")
    with time_machine.travel(MONDAY, tick=False):
        case, effect = _acknowledged(xs)
    Effect.objects.filter(pk=effect.pk).update(state=EffectState.FAILED, attempts=6, last_error="ConnectionError: down")
    admin = UserFactory(is_superuser=True)
    login_verified(client, admin)
    # then the administrator sees it in the list of failed effects, in English and Dutch
    listing = client.get("/admin/cases/effect/?state__exact=failed")
    assert listing.status_code == 200 and case.reference in listing.text and KIND in listing.text
    assert client.get("/nl/admin/cases/effect/").status_code == 200
    # When the cause is fixed and they try it again
    calls.fail = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/cases/effect/", {"action": "try_again", "_selected_action": [effect.pk]}, follow=True
        )
    # then it is handled (the job queued on commit), and the decision is on record
    assert "1 effect will be tried again." in response.text
    effect.refresh_from_db()
    assert (effect.state, effect.attempts) == (EffectState.DONE, 1)
    record = AuditRecord.objects.get(action="case.effect.retry_requested")
    assert record.actor_id == admin.pk and record.details == {"effect": effect.pk, "kind": KIND}
