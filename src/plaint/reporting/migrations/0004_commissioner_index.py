"""The commissioning parties of an organisation by name (`selectors.commissioning_parties`, WP-22): a loose index
scan finds each distinct name with one probe. PostgreSQL only; SQLite does without."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "CREATE INDEX IF NOT EXISTS reporting_case_commissioner ON cases_case (organisation_id, commissioning_party)"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reporting_case_commissioner")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_month_summary")]

    operations = [migrations.RunPython(create, drop)]
