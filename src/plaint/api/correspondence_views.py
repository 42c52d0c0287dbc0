"""`POST /api/cases/{id}/compliment-copy/`: send a compliment's copy to the service manager(s) and record it (WU-01).

Thin: validate, call `correspondence.services.compliment_forward`, answer with the case and the emails queued. It is
the same action as the generic `report_shared` (whose `letter.compliment_copy` effect sends the copy: one path, issue
9), handled at once so that the answer can list the emails.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.access.audit_services import audit_source_from_request
from plaint.api.errors import error_responses
from plaint.api.fields import MAX_ID, MAX_NOTE, text_field
from plaint.api.presenters import case_presentation
from plaint.api.serializers import CaseDetailOutput
from plaint.api.views import ApiView
from plaint.cases.selectors import case_detail
from plaint.correspondence.models import EmailStatus
from plaint.correspondence.selectors import case_emails
from plaint.correspondence.services import compliment_forward
from plaint.correspondence.texts import COMPLIMENT_COPY_DESCRIPTION, EMAIL_BECAUSE_HELP


class ComplimentCopyInput(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=0, max_value=MAX_ID, help_text=_("The case version you saw; 409 when it changed since.")
    )
    note = text_field(max_length=MAX_NOTE, required=False, allow_blank=True, default="")


class EmailOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    recipient = serializers.IntegerField(source="recipient_id", allow_null=True)
    recipient_name = serializers.CharField()
    recipient_email = serializers.EmailField()
    language = serializers.CharField()
    status = serializers.ChoiceField(choices=EmailStatus.choices)
    because = serializers.CharField(help_text=EMAIL_BECAUSE_HELP)


class ComplimentCopyOutput(serializers.Serializer[Any]):
    case = CaseDetailOutput()
    emails = EmailOutput(many=True)


class ComplimentCopyView(ApiView):
    @extend_schema(
        operation_id="cases_compliment_copy",
        summary="Send a compliment's copy to the service manager",
        description=str(COMPLIMENT_COPY_DESCRIPTION),
        request=ComplimentCopyInput,
        responses={200: ComplimentCopyOutput, **error_responses(400, 401, 403, 404, 409)},
        tags=["actions"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        given = ComplimentCopyInput(data=request.data)
        given.is_valid(raise_exception=True)
        source = audit_source_from_request(request)
        case = case_detail(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        forwarded = compliment_forward(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            note=given.validated_data["note"],
            expected_version=given.validated_data["version"],
            source=source,
        )
        because = {email.pk: item.because for email, item in zip(forwarded.emails, forwarded.recipients, strict=True)}
        emails = case_emails(actor=request.user, case=case).filter(pk__in=because)  # type: ignore[arg-type]
        presentation = case_presentation(actor=request.user, case_id=case.pk, source=source)  # type: ignore[arg-type]
        output = [{**_email_fields(email), "because": because[email.pk]} for email in emails]
        return Response(ComplimentCopyOutput({"case": presentation, "emails": output}).data)


def _email_fields(email: Any) -> dict[str, Any]:
    return {
        "id": email.pk,
        "recipient_id": email.recipient_id,
        "recipient_name": email.recipient_name,
        "recipient_email": email.recipient_email,
        "language": email.language,
        "status": email.status,
    }
