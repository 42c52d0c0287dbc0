"""Indexes for the analyses (issue 12, bench/README.md), on the cases table, made here because only the reporting
reads by them. PostgreSQL only (INCLUDE); SQLite, for development and tests, does without.

* `reporting_case_received_cover`: the cases of an organisation received in a range of days with every column the
  analysis counts them by, so the counts are an index-only scan (no visit to the wide case rows);
* `reporting_case_closed`: the closed cases of an organisation by day of closure, with the day of receipt, for the
  handling times (index-only as well);
* `reporting_event_reported_cover`: the escalation and extension events by kind and day with their case, an
  index-only scan instead of a lossy bitmap scan of the events' heap (`case_event_reported` has no case id).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = {
    "reporting_case_received_cover": "ON cases_case (organisation_id, received_on) "
    "INCLUDE (kind, channel, stage, outcome, status, procedure_id, procedure_version)",
    "reporting_case_closed": "ON cases_case (organisation_id, closed_on) INCLUDE (received_on) WHERE status = 'closed'",
    "reporting_event_reported_cover": 'ON cases_caseevent (kind, "on") INCLUDE (case_id) '
    "WHERE kind IN ('escalated', 'review_requested', 'external_filed', 'term_extended')",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("cases", "0010_merge_20261204_1833"),
    ]

    operations = [migrations.RunPython(create, drop)]
