"""`/api/organisations/{slug}/improvements/`: the improvement register (XS-17, XS-20, WU-15), read only.

Entries are kept in the admin; the sweep reminds owners of overdue ones (docs/reporting.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.api.errors import error_responses
from plaint.api.pagination import PagePagination
from plaint.api.views import ApiView
from plaint.reporting.models import Improvement, ImprovementStatus
from plaint.reporting.selectors import analysis_organisation, improvements_of


class ImprovementOwnerOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ImprovementOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    owner = ImprovementOwnerOutput()
    due_on = serializers.DateField()
    status = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    cases = serializers.SerializerMethodField(help_text=_("References of the complaints that led to it."))
    report = serializers.IntegerField(source="report_id", allow_null=True)

    def get_cases(self, improvement: Improvement) -> list[str]:
        return sorted(case.reference for case in improvement.cases.all())


class ImprovementsView(ApiView):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="reporting_improvements_list",
        summary="The improvement register of an organisation",
        description=str(
            _(
                "Measures and structural recommendations with their owner, due date and status, the complaints "
                "that led to them and the report that recommended them, soonest due first. For those who may see "
                "the organisation's figures (analysts, management, the complaints officer)."
            )
        ),
        parameters=[OpenApiParameter("status", str, enum=ImprovementStatus.values, required=False)],
        responses={200: ImprovementOutput(many=True), **error_responses(400, 401, 403, 404)},
        tags=["analysis"],
    )
    def get(self, request: Request, slug: str) -> Response:
        organisation = analysis_organisation(actor=request.user, slug=slug)  # type: ignore[arg-type]
        status = request.query_params.get("status") or None
        if status is not None and status not in ImprovementStatus.values:
            raise serializers.ValidationError({"status": [_("Not one of the statuses.")]})
        rows = improvements_of(actor=request.user, organisation=organisation, status=status)  # type: ignore[arg-type]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        assert page is not None
        return paginator.get_paginated_response(ImprovementOutput(page, many=True).data)
