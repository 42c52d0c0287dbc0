"""`/api/cases/{id}/parties/`: a party joining a case after its registration (WV-03 experts and committee members, a
subject found later, a representative appointed later)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.access.audit_services import audit_source_from_request
from plaint.api.errors import error_responses
from plaint.api.fields import MAX_NOTE, BoundedDateField, id_field, text_field
from plaint.api.serializers import CaseDetailOutput
from plaint.api.views import ApiView, detail_response
from plaint.cases.models import PartyRole
from plaint.cases.party_services import PARTIES_ADDED_LATER, case_party_add
from plaint.cases.selectors import case_detail
from plaint.cases.services import PartyInput


class PartyAddInput(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=[(role, PartyRole(role).label) for role in PARTIES_ADDED_LATER])
    person = id_field(required=False, help_text=_("A person known to Plaint (an employee, an external expert)."))
    unit = id_field(required=False, help_text=_("A unit of the case's organisation."))
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True)
    internal = serializers.BooleanField(required=False, default=False)
    involved = serializers.BooleanField(
        required=False, default=False, help_text=_("Involved in the event: never handles the case (XS-14).")
    )
    authorisation = serializers.CharField(
        required=False, allow_blank=True, help_text=_("How the complainant authorised a representative (WA-09).")
    )
    consent_given_on = BoundedDateField(required=False, allow_null=True)
    note = text_field(max_length=MAX_NOTE, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("name") and attrs.get("person") is None and attrs.get("unit") is None:
            raise serializers.ValidationError({"name": [_("Give a person, a unit or a name.")]})
        return attrs

    def party(self) -> PartyInput:
        data = self.validated_data
        return PartyInput(
            role=data["role"],
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            address=data.get("address", ""),
            person_id=data.get("person"),
            unit_id=data.get("unit"),
            internal=data["internal"],
            involved=data["involved"],
            authorisation=data.get("authorisation", ""),
            consent_given_on=data.get("consent_given_on"),
        )


class PartyAddView(ApiView):
    @extend_schema(
        operation_id="cases_party_add",
        summary="Add a party to a case",
        description=str(
            _(
                "A committee member or expert brought in (WV-03), a person or unit the complaint turns out to be about "
                "(WP-01, WP-02), or a representative or surviving relative (WA-09, WP-24). Needs the right to act on "
                "the case. Access follows at once: an expert may read the case, a subject no longer may. Recorded in "
                "the history and the audit trail; the case's version does not change."
            )
        ),
        request=PartyAddInput,
        responses={201: CaseDetailOutput, **error_responses(400, 401, 403, 404, 409)},
        tags=["parties"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        given = PartyAddInput(data=request.data)
        given.is_valid(raise_exception=True)
        source = audit_source_from_request(request)
        case = case_detail(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        case_party_add(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            party=given.party(),
            note=given.validated_data["note"],
            source=source,
        )
        return detail_response(request, case.pk, status_code=status.HTTP_201_CREATED)
