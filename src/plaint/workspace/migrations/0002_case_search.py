"""Full-text search over cases (plaint.workspace.search): GIN indexes on PostgreSQL, an FTS5 table on SQLite.

Neither is part of a model's state: the indexes are expressions the search queries repeat, the FTS5 table is kept in
step by triggers on the cases' and parties' tables.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

FTS = "workspace_case_search"
NAMES = (
    "(SELECT coalesce(group_concat(coalesce(nullif(p.name, ''), pe.name, u.name, ''), ' '), '') "
    "FROM cases_party p LEFT JOIN organisations_person pe ON pe.id = p.person_id "
    "LEFT JOIN organisations_organisationalunit u ON u.id = p.unit_id WHERE p.case_id = {case})"
)
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(reference, summary, description, names, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    f"INSERT INTO {FTS}(rowid, reference, summary, description, names) "
    f"SELECT c.id, c.reference, c.summary, c.description, {NAMES.format(case='c.id')} FROM cases_case c",
    f"CREATE TRIGGER {FTS}_case_insert AFTER INSERT ON cases_case BEGIN "
    f"INSERT INTO {FTS}(rowid, reference, summary, description, names) "
    "VALUES (NEW.id, NEW.reference, NEW.summary, NEW.description, ''); END",
    f"CREATE TRIGGER {FTS}_case_update AFTER UPDATE OF reference, summary, description ON cases_case BEGIN "
    f"UPDATE {FTS} SET reference = NEW.reference, summary = NEW.summary, description = NEW.description "
    "WHERE rowid = NEW.id; END",
    f"CREATE TRIGGER {FTS}_case_delete AFTER DELETE ON cases_case BEGIN DELETE FROM {FTS} WHERE rowid = OLD.id; END",
    f"CREATE TRIGGER {FTS}_party_insert AFTER INSERT ON cases_party BEGIN "
    f"UPDATE {FTS} SET names = {NAMES.format(case='NEW.case_id')} WHERE rowid = NEW.case_id; END",
    f"CREATE TRIGGER {FTS}_party_update AFTER UPDATE ON cases_party BEGIN "
    f"UPDATE {FTS} SET names = {NAMES.format(case='NEW.case_id')} WHERE rowid = NEW.case_id; END",
    f"CREATE TRIGGER {FTS}_party_delete AFTER DELETE ON cases_party BEGIN "
    f"UPDATE {FTS} SET names = {NAMES.format(case='OLD.case_id')} WHERE rowid = OLD.case_id; END",
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {FTS}_{name}"
        for name in ("case_insert", "case_update", "case_delete", "party_insert", "party_update", "party_delete")
    ),
    f"DROP TABLE IF EXISTS {FTS}",
]


def _indexes(apps):
    case = apps.get_model("cases", "Case")
    party = apps.get_model("cases", "Party")
    person = apps.get_model("organisations", "Person")
    return [
        (case, GinIndex(SearchVector("summary", "description", config="dutch"), name="case_search_nl")),
        (case, GinIndex(SearchVector("summary", "description", config="english"), name="case_search_en")),
        (case, models.Index(fields=["reference"], name="case_search_reference")),
        (party, GinIndex(SearchVector("name", config="simple"), name="party_search_name")),
        (person, GinIndex(SearchVector("name", config="simple"), name="person_search_name")),
    ]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.add_index(model, index)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.remove_index(model, index)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0001_initial"),
        ("cases", "0007_case_due_index"),
        ("organisations", "0002_roles"),
    ]

    operations = [migrations.RunPython(create, drop)]
