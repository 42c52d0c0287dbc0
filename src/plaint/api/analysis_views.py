"""`/api/organisations/{slug}/anonymised-cases/`: case data without personal data, for analysts and management
(training and audit WA-12, the quarterly registration WP-22, the annual analysis XS-20), as pages of JSON or one
streamed CSV file. Who may: `cases.view_anonymised` (docs/access.md); every read is in the audit trail."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.access.audit_services import audit_source_from_request
from plaint.api.analysis_serializers import CSV_COLUMNS, AnonymisedCaseOutput, AnonymisedFiltersInput
from plaint.api.errors import ErrorOutput, error_responses
from plaint.api.pagination import PagePagination
from plaint.api.views import ApiView
from plaint.cases.selectors import (
    AnonymisedCase,
    anonymised_batches,
    anonymised_rows,
    cases_anonymised,
    organisation_for_anonymised,
)

NO_ORGANISATION = _("No such organisation.")
#: The refusals of both operations: 404 is about the organisation here, not a case.
REFUSALS = {
    **error_responses(400, 401, 403),
    404: OpenApiResponse(ErrorOutput, description=str(NO_ORGANISATION)),
}


def _filters(request: Request) -> AnonymisedFiltersInput:
    filters = AnonymisedFiltersInput(data=request.query_params.dict())
    filters.is_valid(raise_exception=True)
    return filters


class AnonymisedCasesView(ApiView):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="analysis_anonymised_cases_list",
        summary="Anonymised cases of an organisation",
        description=str(
            _(
                "Every case of the organisation, confidential ones included, without anything that identifies a "
                "person: kind, categories, causes, stage, status, outcome, month of receipt and handling days. "
                "Oldest receipt first, paginated. For analysts, administrators, senior managers, board members and "
                "complaints officers of the organisation (or of the firm serving it); every read is recorded in "
                "the audit trail. Filters are query parameters; an unknown parameter or value is a 400."
            )
        ),
        parameters=[AnonymisedFiltersInput],
        responses={200: AnonymisedCaseOutput(many=True), **REFUSALS},
        tags=["analysis"],
    )
    def get(self, request: Request, slug: str) -> Response:
        source = audit_source_from_request(request)
        organisation = organisation_for_anonymised(actor=request.user, slug=slug, source=source)  # type: ignore[arg-type]
        filters = _filters(request)
        page_number = request.query_params.get("page", "1")
        cases = cases_anonymised(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            filters=filters.filters(),
            source=source,
            audit_details={"output": "json", "page": page_number if page_number.isdigit() else "invalid"},
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cases, request, view=self)
        assert page is not None
        return paginator.get_paginated_response(AnonymisedCaseOutput(anonymised_rows(page), many=True).data)


class _Echo:
    """A file-like object whose `write` hands the line back, for `csv.writer` in a streamed response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(batches: Iterator[list[AnonymisedCase]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for batch in batches:
        for row in batch:
            yield writer.writerow(
                [
                    row.kind,
                    ";".join(row.categories),
                    ";".join(row.causes),
                    row.stage,
                    row.status,
                    row.outcome,
                    row.received_month,
                    "" if row.handling_days is None else row.handling_days,
                ]
            )


class JSONErrorsOnly(BaseContentNegotiation):
    """The CSV address answers a file whatever the Accept header says; its refusals are JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = JSONRenderer()
        return renderer, renderer.media_type


class AnonymisedCasesCsvView(ApiView):
    content_negotiation_class = JSONErrorsOnly

    @extend_schema(
        operation_id="analysis_anonymised_cases_csv",
        summary="Anonymised cases of an organisation, as CSV",
        description=str(
            _(
                "The same rows as the list, all of them in one CSV file (UTF-8, comma-separated, a header line; "
                "several categories or causes joined with semicolons), streamed so that any number of cases fits. "
                "The same filters; the export is recorded in the audit trail."
            )
        ),
        parameters=[AnonymisedFiltersInput],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=str(_("The rows as CSV."))),
            **REFUSALS,
        },
        tags=["analysis"],
    )
    def get(self, request: Request, slug: str) -> Any:
        source = audit_source_from_request(request)
        organisation = organisation_for_anonymised(actor=request.user, slug=slug, source=source)  # type: ignore[arg-type]
        filters = _filters(request)
        cases = cases_anonymised(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            filters=filters.filters(),
            source=source,
            audit_details={"output": "csv"},
        )
        response = StreamingHttpResponse(_csv_lines(anonymised_batches(cases)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{organisation.slug}-anonymised-cases.csv"'
        return response
