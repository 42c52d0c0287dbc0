"""A cap on uploaded files, applied while the request is read (settings `FILE_UPLOAD_HANDLERS`, first in line).

Django writes a large upload to a temporary file before any view sees it, so a view's own size check comes after
the disk has been filled. This handler counts the bytes of a request's files and stops reading them once they pass
`PLAINT_ATTACHMENT_MAX_BYTES`: the partial file is dropped, the rest of the body is read and thrown away, and the
request carries `plaint_upload_too_large` (the size the client announced, or the bytes seen) for the view to answer
with a 400 that says what is allowed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

ATTRIBUTE = "plaint_upload_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        self.limit = int(settings.PLAINT_ATTACHMENT_MAX_BYTES)
        self.request_length = content_length
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                setattr(self.request, ATTRIBUTE, max(self.received, self.request_length or 0))
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_too_large(request: HttpRequest) -> int | None:
    """The size of an upload stopped for being too large (bytes, at least), or None."""
    value = getattr(request, ATTRIBUTE, None)
    return int(value) if value is not None else None
