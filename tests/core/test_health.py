import json

import pytest
from django.db import connections
from huey import RedisHuey

from plaint.core.models import WorkerHeartbeat
from plaint.core.tasks import worker_heartbeat
from tests.core.plaint_processes import child_env, plaint


@pytest.mark.django_db
def test_healthz_reports_database_and_task_queue(client):
    # Given a running installation, when a monitor asks for its health
    response = client.get("/healthz")
    # then both parts are reported reachable
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["detail"] == connections["default"].vendor
    assert body["task_queue"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_task_queue_is_unreachable(client, monkeypatch):
    # Given a task queue on a Redis port where nothing listens (a real, refused connection)
    monkeypatch.setattr("plaint.core.health.HUEY", RedisHuey("plaint-unreachable", url="redis://127.0.0.1:1/0"))
    # when a monitor asks for health, then it is told the service is unavailable, and why
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["task_queue"] == {"ok": False, "detail": "ConnectionError"}
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_shows_when_a_worker_was_last_seen_without_changing_the_status(client):
    # Given no worker has ever run its heartbeat
    # when a monitor asks for health, then it is healthy, and says no worker has been seen
    before = client.get("/healthz")
    assert before.status_code == 200
    assert before.json()["worker"] == {"last_seen": None}
    # When a worker runs its heartbeat task (jobs run in-process in the test settings)
    worker_heartbeat()
    # then /healthz shows when
    last_seen = client.get("/healthz").json()["worker"]["last_seen"]
    assert last_seen == WorkerHeartbeat.objects.get().last_seen.isoformat()


def healthz_in_a_process(tmp_path, **variables):
    """GET /healthz in a separate `plaint` process configured by `variables` (real connections, no server needed)."""
    code = (
        "import json; from django.test import Client; "
        "response = Client().get('/healthz', HTTP_HOST='127.0.0.1'); "
        "print(json.dumps({'status': response.status_code, 'body': response.json()}))"
    )
    result = plaint("shell", "-c", code, env=child_env(tmp_path, **variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_is_503_when_postgresql_is_unreachable(tmp_path):
    # Given a Plaint process whose DATABASE_URL points at a port where nothing listens
    answer = healthz_in_a_process(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/x")
    # when a monitor asks for health, then it is 503 naming the database, and the worker is simply unknown
    assert answer["status"] == 503
    assert answer["body"]["status"] == "unavailable"
    assert answer["body"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert answer["body"]["task_queue"]["ok"] is True
    assert answer["body"]["worker"] == {"last_seen": None}


def test_healthz_is_503_when_the_sqlite_file_cannot_be_opened(tmp_path):
    # Given a Plaint process whose SQLite database lies in a directory that does not exist
    answer = healthz_in_a_process(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/gone/plaint.sqlite3")
    # when a monitor asks for health, then the database is reported down
    assert answer["status"] == 503
    assert answer["body"]["database"]["ok"] is False


def test_healthz_is_503_when_both_database_and_redis_are_unreachable(tmp_path):
    # Given a Plaint process pointing at a dead PostgreSQL and a dead Redis
    answer = healthz_in_a_process(
        tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/x", REDIS_URL="redis://127.0.0.1:1/0"
    )
    # when a monitor asks for health, then both are reported down
    assert answer["status"] == 503
    assert answer["body"]["database"]["ok"] is False
    assert answer["body"]["task_queue"] == {"ok": False, "detail": "ConnectionError"}


def test_healthz_answers_plain_http_probes_in_production(tmp_path):
    # Given the production profile, which redirects every other plain-HTTP request to https
    answer = healthz_in_a_process(
        tmp_path, PLAINT_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="127.0.0.1,plaint.example.org"
    )
    # when a load balancer probes /healthz over plain HTTP, then it gets the health, not a redirect
    assert answer["status"] == 200
    assert answer["body"]["status"] == "ok"
