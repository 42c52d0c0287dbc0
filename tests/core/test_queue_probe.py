"""The queue probe endpoints (/ops/queue-probes) and the idempotence of the core jobs.

Jobs run in-process here (the test settings make the queue immediate); tests/core/test_multiprocess.py proves the
same through real web and worker processes.
"""

from __future__ import annotations

import pytest

from plaint.core import services
from plaint.core.models import QueueProbe, WorkerHeartbeat
from plaint.core.tasks import process_queue_probe, worker_heartbeat
from tests.access.helpers import login_verified

pytestmark = pytest.mark.django_db


def test_an_admin_sends_a_probe_and_reads_its_result(admin_client, admin_user, django_capture_on_commit_callbacks):
    # Given an admin, when they send a probe through the task queue (enqueued once the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/ops/queue-probes")
    # then it is created, processed by a worker (in-process here) and readable by id
    assert response.status_code == 201
    created = response.json()
    probe = QueueProbe.objects.get(pk=created["id"])
    assert probe.created_by == admin_user
    assert probe.processed_at is not None
    assert response.json()["processed_at"] is None  # answered before the job ran
    created = admin_client.get(f"/ops/queue-probes/{probe.pk}").json()
    assert created["processed_at"] == probe.processed_at.isoformat()
    assert created["processed_by"] == services.worker_name()


def test_probes_are_for_staff_only(client, django_user_model):
    # Given a probe, an anonymous visitor and a logged-in person who is not staff
    probe = services.queue_probe_create(actor_id=None)
    person = django_user_model.objects.create_user(username="someone", password="not-staff-123")
    # when the visitor asks, then they are told to log in
    assert client.post("/ops/queue-probes").status_code == 401
    assert client.get(f"/ops/queue-probes/{probe.pk}").status_code == 401
    # when the person who is not staff asks, then they are refused, and no probe is sent
    login_verified(client, person)
    assert client.post("/ops/queue-probes").status_code == 403
    assert client.get(f"/ops/queue-probes/{probe.pk}").status_code == 403
    assert QueueProbe.objects.count() == 1


def test_staff_need_the_probe_permissions(client, django_user_model):
    # Given staff without the queue probe permissions
    staff = django_user_model.objects.create_user(username="staff", password="staff-only-123", is_staff=True)
    probe = services.queue_probe_create(actor_id=None)
    login_verified(client, staff)
    # when they send or read a probe, then they are refused (a probe they may not see is "not found")
    assert client.post("/ops/queue-probes").status_code == 403
    assert client.get(f"/ops/queue-probes/{probe.pk}").status_code == 404


def test_an_unknown_probe_is_not_found(admin_client):
    # Given no probes, when an admin asks for one, then it is not found, in the API's error shape
    response = admin_client.get("/ops/queue-probes/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_probe_processed_twice_keeps_its_first_result(django_capture_on_commit_callbacks):
    # Given a processed probe
    with django_capture_on_commit_callbacks(execute=True):
        probe = services.queue_probe_create(actor_id=None)
    first = QueueProbe.objects.get(pk=probe.pk)
    assert first.processed_at is not None
    # when its job runs again (a retried or duplicated job)
    process_queue_probe.call_local(probe.pk)
    # then nothing changes
    again = QueueProbe.objects.get(pk=probe.pk)
    assert (again.processed_at, again.processed_by) == (first.processed_at, first.processed_by)
    assert services.queue_probe_process(probe_id=probe.pk, worker="elsewhere:1") is False


def test_the_heartbeat_keeps_one_row_per_worker_and_forgets_silent_ones():
    # Given a worker silent for more than a week
    WorkerHeartbeat.objects.create(
        worker="old-host:1", last_seen=services.clock.now() - services.HEARTBEAT_RETENTION * 2
    )
    # when this worker runs its heartbeat twice
    worker_heartbeat()
    worker_heartbeat()
    # then there is one row, for this worker
    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == [services.worker_name()]
