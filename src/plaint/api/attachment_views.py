"""A case's documents over the API: list them, add one (multipart), download one. Thin: the rules are in
`plaint.cases.attachment_services` (adding) and `plaint.cases.selectors` (reading, every download audited)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.access.audit_services import audit_source_from_request
from plaint.api.attachment_serializers import AttachmentAddInput, AttachmentOutput, AttachmentRemoveInput
from plaint.api.errors import error_responses
from plaint.api.presenters import attachment_presentation
from plaint.api.views import ApiView
from plaint.cases.attachment_services import attachment_add, attachment_remove, file_too_large
from plaint.cases.selectors import attachment_list, attachment_read, case_for_attachments
from plaint.core.uploads import upload_too_large


class AttachmentsView(ApiView):
    """`/api/cases/{id}/attachments/`: the list (GET) and adding one (POST, multipart)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="cases_attachments_list",
        summary="A case's documents",
        description=str(
            _(
                "The documents of the case, oldest first: name, type, size, description, who added them and when "
                "(never the content). Sensitive documents only if you may see the case's sensitive documents."
            )
        ),
        responses={200: AttachmentOutput(many=True), **error_responses(401, 403, 404)},
        tags=["attachments"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        attachments = attachment_list(
            actor=request.user,  # type: ignore[arg-type]
            case_id=case_id,
            source=audit_source_from_request(request),
        )
        return Response(AttachmentOutput([attachment_presentation(item) for item in attachments], many=True).data)

    @extend_schema(
        operation_id="cases_attachments_add",
        summary="Add a document to a case",
        description=str(
            _(
                "A scanned letter, an email, a photo or a document, sent as multipart/form-data. Its kind is judged "
                "by its content; executables, web pages, SVG images and documents with macros are refused. Needs "
                "the right to act on the case; a sensitive document (WA-11) also the right to see sensitive "
                "documents. Refused (409) when the case has the most documents it may have, or its documents "
                "were deleted. Answers with the document's details."
            )
        ),
        request={"multipart/form-data": AttachmentAddInput},
        responses={201: AttachmentOutput, **error_responses(400, 401, 403, 404, 409, 503)},
        tags=["attachments"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        source = audit_source_from_request(request)
        data = request.data  # reading the body; an upload over the limit is stopped while it is read
        case = case_for_attachments(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        too_large = upload_too_large(request._request)
        if too_large is not None:
            raise file_too_large(too_large)
        given = AttachmentAddInput(data=data)
        given.is_valid(raise_exception=True)
        values: dict[str, Any] = given.validated_data
        attachment = attachment_add(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            file=values["file"],
            sensitive=values["sensitive"],
            description=values["description"],
            source=source,
        )
        return Response(AttachmentOutput(attachment_presentation(attachment)).data, status=status.HTTP_201_CREATED)


class AttachmentRemoveView(ApiView):
    """`/api/cases/{id}/attachments/{attachment_id}/removal/`: a document added by mistake taken off the case."""

    @extend_schema(
        operation_id="cases_attachments_remove",
        summary="Remove a document added by mistake",
        description=str(
            _(
                "The document and its file go; the history keeps that it was there and why it went, and the audit "
                "trail who removed it. Needs the right to act on the case, and for a sensitive document (WA-11) the "
                "right to see sensitive documents. Answers with the documents left."
            )
        ),
        request=AttachmentRemoveInput,
        responses={200: AttachmentOutput(many=True), **error_responses(400, 401, 403, 404)},
        tags=["attachments"],
    )
    def post(self, request: Request, case_id: int, attachment_id: int) -> Response:
        given = AttachmentRemoveInput(data=request.data)
        given.is_valid(raise_exception=True)
        source = audit_source_from_request(request)
        case = case_for_attachments(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        attachment_remove(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            attachment_id=attachment_id,
            reason=given.validated_data["reason"],
            source=source,
        )
        attachments = attachment_list(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        return Response(AttachmentOutput([attachment_presentation(item) for item in attachments], many=True).data)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """A download answers with the document whatever the client accepts (`Accept: application/pdf` is no 406);
    refusals are JSON, in the one error shape."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class AttachmentContentView(ApiView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        operation_id="cases_attachments_content",
        summary="Download a document",
        description=str(
            _(
                "The file itself, as an attachment with its name and the type found when it was added. Every "
                "download is recorded in the audit trail before the file is sent. A sensitive document (WA-11) "
                "only for those who may see the case's sensitive documents (403 otherwise)."
            )
        ),
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=str(_("The file; Content-Type is the document's own (application/pdf, image/jpeg, …).")),
            ),
            **error_responses(401, 403, 404),
        },
        tags=["attachments"],
    )
    def get(self, request: Request, case_id: int, attachment_id: int) -> FileResponse:
        attachment = attachment_read(
            actor=request.user,  # type: ignore[arg-type]
            case_id=case_id,
            attachment_id=attachment_id,
            source=audit_source_from_request(request),
        )
        response = FileResponse(
            attachment.file,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
