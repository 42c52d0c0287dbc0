"""Input of the document endpoints; the output is `AttachmentOutput`, the same as in a case's detail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from plaint.api.serializers import AttachmentOutput
from plaint.cases.attachment_services import DESCRIPTION_LENGTH


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file part of a multipart request: binary in the schema (not the URL a FileField shows on output)."""


class AttachmentAddInput(serializers.Serializer[Any]):
    """A document for the case, sent as `multipart/form-data`."""

    file = UploadField(
        allow_empty_file=True,  # refused by the service, with the message that says what is allowed
        help_text=_(
            "The document. Its kind is judged by its content, not its name: PDF, PNG, JPEG, TIFF, GIF, HEIC, plain "
            "text, email (.eml), Outlook message (.msg), Word (.docx), Excel (.xlsx) or OpenDocument text (.odt), "
            "as far as the installation accepts them; at most PLAINT_ATTACHMENT_MAX_BYTES (20 MB by default)."
        ),
    )
    sensitive = serializers.BooleanField(
        default=False,
        help_text=_(
            "Medical information or an interview record (WA-11): seen only by those who may see the case's "
            "sensitive documents, and added only by them."
        ),
    )
    description = serializers.CharField(
        max_length=DESCRIPTION_LENGTH,
        allow_blank=True,
        default="",
        help_text=_("What the document is (a letter from the complainant, the minutes of the hearing, …)."),
    )


__all__ = ["AttachmentAddInput", "AttachmentOutput"]


class AttachmentRemoveInput(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=1000, help_text=_("Why the document goes (the wrong file, a file of another case, …).")
    )
