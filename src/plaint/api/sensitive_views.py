"""`/api/cases/{id}/sensitive-sections/`: medical information and interview records, kept apart (WA-11).

The only place their texts are shown: the case detail says how many there are, never what they say, so that every
look at them is a read of its own, recorded in the audit trail (`case.sensitive.viewed`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.access.audit_services import audit_source_from_request
from plaint.api.errors import error_responses
from plaint.api.sensitive_serializers import SensitiveSectionInput, SensitiveSectionOutput
from plaint.api.views import ApiView
from plaint.cases.selectors import case_detail, case_event, case_sensitive_sections
from plaint.cases.sensitive_services import sensitive_section_add


class SensitiveSectionsView(ApiView):
    @extend_schema(
        operation_id="cases_sensitive_sections_list",
        summary="A case's sensitive sections",
        description=str(
            _(
                "Medical information and interview records of the case, including the reports of meetings and "
                "hearings, oldest first (WA-11). Only for the handler, the delegate, committee members and experts "
                "of the case and the roles working on its current stage (`cases.view_sensitive`): 403 for others "
                "who see the case. Every read is recorded in the audit trail."
            )
        ),
        responses={200: SensitiveSectionOutput(many=True), **error_responses(401, 403, 404)},
        tags=["sensitive sections"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        sections = case_sensitive_sections(
            actor=request.user,  # type: ignore[arg-type]
            case_id=case_id,
            source=audit_source_from_request(request),
        )
        return Response(SensitiveSectionOutput(sections, many=True).data)

    @extend_schema(
        operation_id="cases_sensitive_sections_add",
        summary="Add a sensitive section",
        description=str(
            _(
                "Keep medical information or an interview record apart from the rest of the case (WA-11). Needs "
                "the right to act on the case and to see its sensitive sections. The history records that a "
                "section was added, never its title or text; the case's version does not change. A meeting's "
                "report given with the action is kept as a section by itself."
            )
        ),
        request=SensitiveSectionInput,
        responses={
            201: OpenApiResponse(SensitiveSectionOutput, description=str(_("Added."))),
            **error_responses(400, 401, 403, 404, 409),
        },
        tags=["sensitive sections"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        given = SensitiveSectionInput(data=request.data)
        given.is_valid(raise_exception=True)
        source = audit_source_from_request(request)
        case = case_detail(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        event = None
        sequence = given.validated_data.get("event")
        if sequence is not None:
            event = case_event(case=case, sequence=sequence)
            if event is None:
                raise serializers.ValidationError({"event": [_("This case has no event with that number.")]})
        section = sensitive_section_add(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            kind=given.validated_data["kind"],
            title=given.validated_data["title"],
            text=given.validated_data["text"],
            event=event,
            source=source,
        )
        return Response(SensitiveSectionOutput(section).data, status=status.HTTP_201_CREATED)
