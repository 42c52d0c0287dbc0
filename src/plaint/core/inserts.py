"""One new row's INSERT (and a plain UPDATE) without the ORM's SQL compiler, for the hot paths (registration, the
portal's form).

`Model.objects.create()` compiles its INSERT anew every time (~0.3 ms of CPU for a wide row); `insert_row` builds
each model's statement once per process and only adapts the values: the same columns and values, each field's
`pre_save` (defaults, `auto_now_add`) and `get_db_prep_save` as `save()` applies them, the primary key read back
with RETURNING. A model with `pre_save`/`post_save` receivers goes through `save()`, so no receiver is ever
skipped. On databases other than PostgreSQL it is `save(force_insert=True)`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

ModelT = TypeVar("ModelT", bound=Model)


def insert_row(obj: ModelT) -> ModelT:
    """INSERT `obj` (a new row: its primary key unset) and set its primary key."""
    model = type(obj)
    if (
        connection.vendor != "postgresql"
        or obj.pk is not None
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    ):
        obj.save(force_insert=True)
        return obj
    sql, fields = _statement(model)
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        (pk,) = cursor.fetchone()
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


@functools.cache
def _statement(model: type[Model]) -> tuple[str, list[Any]]:
    meta = model._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join("%s" for _field in fields)
    table, pk = quote(meta.db_table), quote(str(meta.pk.column))
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}", fields  # noqa: S608


def update_where(model: type[Model], values: Mapping[str, Any], **where: Any) -> int:
    """`model.objects.filter(**where).update(**values)` for plain values and equality on plain fields (`pk` for
    the primary key), with the statement built once per model and set of columns; the number of rows updated."""
    if connection.vendor != "postgresql" or any(hasattr(value, "resolve_expression") for value in values.values()):
        return int(model._default_manager.filter(**where).update(**values))
    sql, set_fields, where_fields = _update_statement(model, tuple(values), tuple(where))
    pairs = [*zip(set_fields, values.values(), strict=True), *zip(where_fields, where.values(), strict=True)]
    params = [field.get_db_prep_save(value, connection) for field, value in pairs]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


@functools.cache
def _update_statement(
    model: type[Model], names: tuple[str, ...], keys: tuple[str, ...]
) -> tuple[str, list[Any], list[Any]]:
    meta = model._meta
    quote = connection.ops.quote_name
    set_fields: list[Any] = [meta.get_field(name) for name in names]
    where_fields: list[Any] = [meta.pk if key == "pk" else meta.get_field(key) for key in keys]
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in set_fields)
    conditions = " AND ".join(f"{quote(str(field.column))} = %s" for field in where_fields)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {conditions}", set_fields, where_fields  # noqa: S608
