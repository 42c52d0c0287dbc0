"""`plaint web`'s production choices (issue 17): worker class, processes, threads, timeout and access log."""

from __future__ import annotations

from plaint.core.management.commands.web import gunicorn_options


def test_the_default_is_threaded_workers_with_an_access_log():
    options = gunicorn_options(bind="127.0.0.1:8000", workers=3, threads=4)
    assert (options["worker_class"], options["workers"], options["threads"]) == ("gthread", 3, 4)
    assert (options["timeout"], options["accesslog"]) == (30, "-")


def test_sync_workers_a_longer_timeout_and_no_access_log_can_be_chosen():
    options = gunicorn_options(
        bind="0.0.0.0:8000", workers=5, threads=4, worker_class="sync", timeout=60, access_log=False
    )
    # one request at a time per process: threads do not apply
    assert (options["worker_class"], options["threads"], options["timeout"]) == ("sync", 1, 60)
    assert options["graceful_timeout"] == 55
    assert options["accesslog"] is None
