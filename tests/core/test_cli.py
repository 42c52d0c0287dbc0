"""The `plaint` command on bad configuration: one line on stderr naming the setting, exit code 2, no traceback.

Each test runs the real command in a child process (`python -m plaint`), against real refused connections.
"""

from __future__ import annotations

import secrets

import pytest

from tests.core.plaint_processes import child_env, free_port, listening_socket, plaint

UNREACHABLE_POSTGRES = "postgres://postgres@127.0.0.1:1/x"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def assert_one_line_error(result, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("postgres://postgres@127.0.0.1:notaport/x", "Port could not be cast"),
        ("mysql://root@127.0.0.1/x", "scheme 'mysql' is not supported"),
        ("no url at all", "scheme '(none)' is not supported"),
        ("postgres://postgres@127.0.0.1:5432", "names no database"),
    ],
)
def test_a_malformed_database_url_is_one_line_naming_it(tmp_path, url, complaint):
    # Given a DATABASE_URL that cannot be read, when any command starts
    result = plaint("check", env=child_env(tmp_path, DATABASE_URL=url))
    # then it stops at once with one line naming DATABASE_URL and what is wrong
    assert_one_line_error(result, "DATABASE_URL", complaint)


def test_migrate_against_an_unreachable_database_is_one_line(tmp_path):
    # Given a DATABASE_URL where no PostgreSQL listens, when the operator runs the migrations
    result = plaint("migrate", "--noinput", env=child_env(tmp_path, DATABASE_URL=UNREACHABLE_POSTGRES))
    # then one line names the setting, where it points and the driver's reason
    line = assert_one_line_error(result, "DATABASE_URL", "127.0.0.1:1")
    assert "refused" in line.lower()


def test_a_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path):
    # Given a SQLite database in a directory that does not exist, when the operator runs the migrations
    url = f"sqlite:///{tmp_path}/missing/dir/plaint.sqlite3"
    result = plaint("migrate", "--noinput", env=child_env(tmp_path, DATABASE_URL=url))
    # then one line names DATABASE_URL and the file
    assert_one_line_error(result, "DATABASE_URL", "missing/dir/plaint.sqlite3", "unable to open database file")


@pytest.mark.parametrize("command", [["web", "--bind", "127.0.0.1:{port}"], ["worker"]])
def test_web_and_worker_refuse_to_start_without_the_database(tmp_path, command):
    # Given an unreachable database, when a web server or a worker is started
    args = [part.format(port=free_port()) for part in command]
    result = plaint(*args, env=child_env(tmp_path, DATABASE_URL=UNREACHABLE_POSTGRES))
    # then the preflight check stops it with one line naming DATABASE_URL
    assert_one_line_error(result, "DATABASE_URL", "PostgreSQL at 127.0.0.1:1/x")


def test_a_worker_refuses_to_start_without_redis(tmp_path):
    # Given a migrated database and a REDIS_URL where nothing listens
    env = child_env(tmp_path, REDIS_URL=UNREACHABLE_REDIS)
    assert plaint("migrate", "--noinput", "-v0", env=env).returncode == 0
    # when a worker is started, then it stops with one line naming REDIS_URL and where it points
    assert_one_line_error(plaint("worker", env=env), "REDIS_URL", "127.0.0.1:1")


def test_any_command_that_needs_redis_names_it(tmp_path):
    # Given a REDIS_URL where nothing listens, when a command uses the task queue
    env = child_env(tmp_path, REDIS_URL=UNREACHABLE_REDIS)
    result = plaint("shell", "-c", "from huey.contrib.djhuey import HUEY; HUEY.pending_count()", env=env)
    # then it is one line naming REDIS_URL
    assert_one_line_error(result, "REDIS_URL", "127.0.0.1:1")


def test_a_malformed_redis_url_is_one_line(tmp_path):
    # Given a REDIS_URL with a bad scheme, when any command starts, then one line names REDIS_URL
    result = plaint("check", env=child_env(tmp_path, REDIS_URL="http://127.0.0.1:6379/0"))
    assert_one_line_error(result, "REDIS_URL", "scheme 'http'")


def test_production_without_a_secret_key_is_one_line(tmp_path):
    # Given the production profile and no SECRET_KEY, when any command starts
    result = plaint("check", env=child_env(tmp_path, PLAINT_ENV="production"))
    # then one line names SECRET_KEY
    assert_one_line_error(result, "SECRET_KEY", "required when PLAINT_ENV=production")


def test_web_on_a_port_in_use_names_the_port_and_how_to_choose_another(tmp_path):
    # Given something already listening on a port, when `plaint web` is told to bind to it
    with listening_socket() as port:
        result = plaint("web", "--bind", f"127.0.0.1:{port}", env=child_env(tmp_path))
    # then one line names the port and how to choose another
    assert_one_line_error(result, f"port {port} on 127.0.0.1 is in use", "--bind 127.0.0.1:8080")


def test_run_on_a_port_in_use_suggests_another_port(tmp_path):
    # Given something already listening on $PORT, when `plaint run` (what `make run` starts) starts
    with listening_socket() as port:
        result = plaint("run", env=child_env(tmp_path, PORT=str(port)))
    # then one line names the port and says how to choose another
    assert_one_line_error(result, "PORT", f"port {port} on 127.0.0.1 is in use", "PORT=8080 make run")


def test_web_refuses_to_start_before_migrations(tmp_path):
    # Given an empty database (never migrated), when a web server is started
    result = plaint("web", "--bind", f"127.0.0.1:{free_port()}", env=child_env(tmp_path))
    # then it does not migrate on its own: one line says to run `plaint migrate`
    assert_one_line_error(result, "DATABASE_URL", "unapplied migration", "plaint migrate")


def test_the_production_profile_passes_the_deployment_checks(tmp_path):
    # Given the production profile with a proper secret key and host name
    env = child_env(
        tmp_path, PLAINT_ENV="production", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="plaint.example.org"
    )
    # when Django's deployment checks run, failing on warnings too
    result = plaint("check", "--deploy", "--fail-level", "WARNING", env=env)
    # then there is nothing to report
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
