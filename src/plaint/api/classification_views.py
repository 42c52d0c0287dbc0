"""`/api/cases/{id}/classification/`: what a case is about, why it happened and its nature, for the analyses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.access.audit_services import audit_source_from_request
from plaint.api.errors import error_responses
from plaint.api.fields import MAX_NOTE, text_field
from plaint.api.serializers import CaseDetailOutput
from plaint.api.views import ApiView, detail_response
from plaint.cases.classification_services import case_classify
from plaint.cases.models import Nature
from plaint.cases.selectors import case_detail


class ClassificationInput(serializers.Serializer[Any]):
    """Fields left out stay as they are; an empty list clears the categories or causes."""

    categories = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text=_("Category codes: what the case is about.")
    )
    causes = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text=_("Cause codes: why it happened (XS-22).")
    )
    nature = serializers.ChoiceField(choices=Nature.choices, required=False, allow_blank=True)
    note = text_field(max_length=MAX_NOTE, required=False, allow_blank=True, default="")


class ClassificationView(ApiView):
    @extend_schema(
        operation_id="cases_classify",
        summary="Classify a case",
        description=str(
            _(
                "Set the categories, causes and nature of a case for the periodic analyses (XS-20, XS-22). Not a "
                "step of the procedure: allowed whenever you may act on the case, until it is anonymised. Recorded "
                "in the history and the audit trail; the case's version does not change."
            )
        ),
        request=ClassificationInput,
        responses={200: CaseDetailOutput, **error_responses(400, 401, 403, 404, 409)},
        tags=["cases"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        given = ClassificationInput(data=request.data)
        given.is_valid(raise_exception=True)
        source = audit_source_from_request(request)
        case = case_detail(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        case_classify(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            categories=given.validated_data.get("categories"),
            causes=given.validated_data.get("causes"),
            nature=given.validated_data.get("nature"),
            note=given.validated_data["note"],
            source=source,
        )
        return detail_response(request, case.pk)
