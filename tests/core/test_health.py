import pytest
from django.db import connections
from huey import RedisHuey


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
