"""Full-text search over cases: reference, summary, description and the parties' names (docs/workspace.md).

PostgreSQL: expression GIN indexes (migration 0002) on the summary and description in the Dutch and English
configurations, on party and person names in the `simple` configuration, and a plain index on the reference; a query
matches when every word (as a prefix) is found in one of them. SQLite (the embedded default): an FTS5 table kept in
step with the cases and parties by triggers, so no service has to remember it.

`case_search_q` only says which cases match; the caller narrows `cases_visible_to`, so a search never finds, nor
counts, a case the person may not see.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from plaint.cases.models import Case, Party
from plaint.organisations.models import Person

#: Longer input is cut to this many characters, then to `MAX_WORDS` words: a 10,000-character paste costs nothing.
MAX_CHARS = 200
MAX_WORDS = 8
#: The SQLite FTS5 table that mirrors the cases (migration 0002).
FTS_TABLE = "workspace_case_search"
FTS_MATCH = "SELECT rowid FROM workspace_case_search WHERE workspace_case_search MATCH %s"

# Index expressions: the queries below use these very expressions, so PostgreSQL uses the GIN indexes.
CASE_TEXT_NL = SearchVector("summary", "description", config="dutch")
CASE_TEXT_EN = SearchVector("summary", "description", config="english")
NAME_SIMPLE = SearchVector("name", config="simple")


def search_words(text: str) -> list[str]:
    """The words of a search, letters and digits only: SQL, HTML and the search syntax of either database are
    dropped here, never passed on."""
    return re.findall(r"\w+", text[:MAX_CHARS])[:MAX_WORDS]


def case_search_q(text: str) -> Q | None:
    """A filter for the cases whose reference, texts or party names match `text`; None when there is nothing to
    search for. Every word must match (as the start of a word)."""
    words = search_words(text)
    if not words:
        return None
    reference = Q(reference=text.strip().upper()[:32])
    if connection.vendor == "postgresql":
        return reference | _postgres_matches(words)
    if connection.vendor == "sqlite":
        match = " ".join(f'"{word}"*' for word in words)
        # The table name is a constant; the words go as a parameter.
        return reference | Q(pk__in=RawSQL(FTS_MATCH, [match]))  # noqa: S611
    condition = Q()  # another database: every word somewhere in the texts or names (slow, but correct)
    for word in words:
        condition &= (
            Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(parties__name__icontains=word)
            | Q(parties__person__name__icontains=word)
        )
    return reference | Q(pk__in=Case.objects.filter(condition).values("pk"))


#: Up to this many matching cases, the search first reads their ids (one query on the GIN indexes) and the page then
#: fetches visible cases by id; beyond it (a very common word) the page walks the cases in due order, testing each.
ID_LIST_CAP = 5_000


def _postgres_matches(words: list[str]) -> Q:
    """Each part answered by its own GIN index: the texts (Dutch or English), the parties' names, the names of people
    of the organisation who are parties. A rare word or a name matches few cases: their ids are read first, so the
    page and its count are lookups by id. A common word keeps the subqueries: the page walks the cases in due order
    and stops at 25. (An OR inside one subquery, or the text test on the case row, made the planner test every row:
    bench/README.md.)"""
    raw = " & ".join(f"{word}:*" for word in words)  # `\w+` words only: nothing else reaches to_tsquery
    dutch = SearchQuery(raw, config="dutch", search_type="raw")
    english = SearchQuery(raw, config="english", search_type="raw")
    simple = SearchQuery(raw, config="simple", search_type="raw")
    by_text = (
        Case.objects.annotate(text_nl=CASE_TEXT_NL, text_en=CASE_TEXT_EN)
        .filter(Q(text_nl=dutch) | Q(text_en=english))
        .values_list("pk", flat=True)
    )
    by_party_name = (
        Party.objects.annotate(name_vector=NAME_SIMPLE).filter(name_vector=simple).values_list("case_id", flat=True)
    )
    people = Person.objects.annotate(name_vector=NAME_SIMPLE).filter(name_vector=simple).values("pk")
    by_person = Party.objects.filter(person_id__in=people).values_list("case_id", flat=True)
    # UNION ALL stops at the cap, where UNION read and sorted every match first; a case found twice (by its text and
    # a name) counts twice towards the cap, so reaching it says only "many", never that some were left out
    found = list(by_text.order_by().union(by_party_name.order_by(), by_person.order_by(), all=True)[: ID_LIST_CAP + 1])
    if len(found) <= ID_LIST_CAP:
        return Q(pk__in=sorted(set(found)))
    return Q(pk__in=by_text) | Q(pk__in=by_party_name) | Q(pk__in=by_person)
