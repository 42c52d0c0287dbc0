"""Paging of the API's lists.

The case list is the inbox of every staff member; at a million cases an exact count of everything someone may see
takes longer than the page itself (bench/README.md: ~180 ms for 265,000 visible cases against ~15 ms for the page),
and even a count capped at 10,000 cost several times the page in database CPU (issue 17). So the case list counts up
to `COUNT_CAP` (1,000, as the workspace's inbox) and says whether its count is exact: nobody pages through more than
a thousand cases, they filter. The analysts' anonymised list keeps an exact count (totals are what they are for).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

#: The most cases the case list counts (and pages through); beyond it `count_exact` is false.
COUNT_CAP = 1_000


class CappedCountPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most `COUNT_CAP + 1` rows (`SELECT COUNT(*) FROM (... LIMIT n)`), so the count costs what a page of
    that size costs, however many rows the filter lets through."""

    @cached_property
    def counted(self) -> int:
        rows = cast("QuerySet[Any]", self.object_list)  # the API pages querysets only
        # Without the ordering, PostgreSQL stops scanning at the cap instead of sorting every visible case first.
        return rows.order_by()[: COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_CAP)

    def page(self, number: Any) -> Any:
        """The first page is read with one row more than it holds: when that row is not there, the rows read are
        every row, and the count needs no query of its own (the page and the count were two queries before)."""
        if str(number) != "1" or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.__dict__["counted"] = len(rows)
        return self._get_page(rows[: self.per_page], 1, self)  # type: ignore[attr-defined]

    @property
    def count_exact(self) -> bool:
        return self.counted <= COUNT_CAP


class PagePagination(PageNumberPagination):
    """Pages of 50 (`page_size` up to 200), with an exact count."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        """`page_size` as the schema says: a whole number of at least 1 (400 otherwise, where DRF would ignore it);
        above 200 it is 200."""
        given = request.query_params.get(self.page_size_query_param)
        if given is not None and not (given.isascii() and given.isdigit() and int(given) >= 1):
            raise serializers.ValidationError({self.page_size_query_param: [_("A whole number of at least 1.")]})
        return super().get_page_size(request)


class CasePagination(PagePagination):
    """Pages of 50 with a count capped at `COUNT_CAP`; `count_exact` says whether more cases match."""

    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None and isinstance(self.page.paginator, CappedCountPaginator)
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "count_exact", "results"]
        paginated["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when more than {COUNT_CAP:,} cases match: `count` is then {COUNT_CAP:,}, the "
            "pages stop there, and a filter narrows the list.",
        }
        return paginated
