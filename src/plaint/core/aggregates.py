"""A text aggregate that works on both databases Plaint runs on, so that a few short texts of related rows (role
codes, category codes) come with the row that needs them instead of a query of their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, TextField

#: Between the rows' texts: callers join texts that cannot contain it (ids, dates, slugs, IANA zone names).
SEPARATOR = "|"


class JoinedText(Aggregate):
    """The rows' texts joined with `SEPARATOR`, in no particular order (`STRING_AGG` in PostgreSQL, `GROUP_CONCAT`
    in SQLite); NULL when there are no rows."""

    function = "STRING_AGG"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def split_joined(text: str | None) -> list[str]:
    """The texts `JoinedText` joined (none for NULL)."""
    return [part for part in (text or "").split(SEPARATOR) if part]
