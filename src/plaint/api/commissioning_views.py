"""`/api/cases/{id}/commissioning-party/`: who commissioned the complainant's trajectory (WP-22)."""

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
from plaint.cases.commissioning_services import case_set_commissioning_party
from plaint.cases.selectors import case_detail


class CommissioningPartyInput(serializers.Serializer[Any]):
    commissioning_party = serializers.CharField(
        allow_blank=True, max_length=200, help_text=_("The organisation's name; empty clears it.")
    )
    note = text_field(max_length=MAX_NOTE, required=False, allow_blank=True, default="")


class CommissioningPartyView(ApiView):
    @extend_schema(
        operation_id="cases_set_commissioning_party",
        summary="Set a case's commissioning party",
        description=str(
            _(
                "The organisation that commissioned the complainant's trajectory (a municipality, UWV), which "
                "receives the quarterly anonymised registration (WP-22). Not a step of the procedure: recorded in "
                "the history and the audit trail; the case's version does not change."
            )
        ),
        request=CommissioningPartyInput,
        responses={200: CaseDetailOutput, **error_responses(400, 401, 403, 404, 409)},
        tags=["cases"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        given = CommissioningPartyInput(data=request.data)
        given.is_valid(raise_exception=True)
        source = audit_source_from_request(request)
        case = case_detail(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        case_set_commissioning_party(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            name=given.validated_data["commissioning_party"],
            note=given.validated_data["note"],
            source=source,
        )
        return detail_response(request, case.pk)
