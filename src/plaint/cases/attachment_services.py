"""Adding documents to a case: scanned letters, emails, photos and files a complainant or staff member brings in.

`attachment_add` checks who may add (and who may add a sensitive document, WA-11), the case's state, the file's size
and its kind judged by its content (`plaint.cases.attachment_types`), stores the file under a random name, and writes
the row, a record event `attachment_added` and an audit record `case.attachment.added` in one transaction. Reading a
document is `plaint.cases.selectors.attachment_read` (every read audited). docs/cases.md describes the rules.
"""

from __future__ import annotations

import logging
import math
import unicodedata
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.access.rules import access_denied
from plaint.cases import attachment_scan, attachment_types
from plaint.cases.action_services import authorise_act
from plaint.cases.attachment_types import Kind, Refused
from plaint.cases.history_services import case_record_event
from plaint.cases.models import Attachment, Case
from plaint.core import clock
from plaint.core.errors import Conflict, Forbidden, InvalidInput, NotFound, PlaintError, lazy_format

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 500
NAME_STEM_LENGTH = 200
#: Characters Windows and shells treat specially; never part of a name shown or offered for saving.
_UNSAFE_NAME_CHARACTERS = set('"*/:<>?\\|')


class AttachmentLimitReached(Conflict):
    code = "attachment_limit"


class DocumentsGone(Conflict):
    code = "documents_deleted"


def attachment_add(
    *,
    case: Case,
    actor: User | None,
    file: File[Any],
    sensitive: bool = False,
    description: str = "",
    source: AuditSource | None = None,
) -> Attachment:
    """Add a document to the case and return it.

    Refusals, before anything is stored: `CaseNotFound` (404) or `Forbidden` (403) for an actor who may not see or
    act on the case, `Forbidden` for a sensitive document without `cases.view_sensitive` (all logged and audited as
    `access.denied`); `DocumentsGone` (409) once the case was anonymised or its documents deleted (a closed case
    otherwise still takes documents: a late letter, the ombudsman's decision); `AttachmentLimitReached` (409) at
    `PLAINT_ATTACHMENTS_PER_CASE`; `InvalidInput` (400, on `file` or `description`) for an empty or too large file,
    a kind not accepted (judged by content, never by the name or claimed type) or a description over 500 characters.

    The file is stored first, under a random name; then, in one transaction with the case locked, the row, the record
    event (the document's id, size, type and sensitivity; its name only when not sensitive, because everyone who sees
    the case sees its history) and the audit record (ids and codes, never the name). When the transaction fails the
    stored file is deleted; when storing fails nothing is written. Runs in a transaction of its own (`durable`), so
    that a commit of the rows is a commit of the file.
    """
    if actor is None:
        # The complainant through the portal's private link (plaint.portal checked the link): never sensitive.
        sensitive = False
    else:
        authorise_act(case=case, actor=actor, source=source)
    if sensitive and actor is not None and not actor.has_perm("cases.view_sensitive", case):
        access_denied(actor=actor, permission="cases.view_sensitive", case=case, source=source)
        raise Forbidden(_("Only those who may see this case's sensitive documents may add one."))
    _check_case(case)
    kind, size, clean_description = _checked_input(file, description)
    _scanned(case=case, actor=actor, file=file, kind=kind, source=source)
    name = display_name(file.name, kind)
    storage = _storage()
    stored = storage.save(_storage_path(kind), file)
    try:
        with transaction.atomic(durable=True):
            locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
            _check_case(locked)
            attachment = Attachment.objects.create(
                case=locked,
                file=stored,
                original_name=name,
                content_type=kind.content_type,
                size=size,
                sensitive=sensitive,
                description=clean_description,
                uploaded_by=actor,
                uploaded_at=clock.now(),
            )
            data: dict[str, Any] = {
                "attachment": attachment.pk,
                "size": size,
                "type": kind.content_type,
                "sensitive": sensitive,
            }
            if not sensitive:
                data["name"] = name
            case_record_event(case=locked, kind="attachment_added", actor=actor, data=data)
            audit_record(
                actor=actor,
                action="case.attachment.added",
                target_type="case",
                target_id=locked.pk,
                organisation=locked.organisation,
                reference=locked.reference,
                details={"attachment": attachment.pk, "type": kind.code, "size": size, "sensitive": sensitive},
                source=source,
            )
    except BaseException:
        _delete_quietly(storage, stored)
        raise
    return attachment


def attachment_remove(
    *, case: Case, actor: User, attachment_id: int, reason: str, source: AuditSource | None = None
) -> None:
    """Remove a document added by mistake (the wrong file, or a file of another case: itself a leak to undo fast).

    Needs the right to act on the case, and for a sensitive document `cases.view_sensitive` too (403, logged and
    audited); a reason is required. The row goes, its file is deleted from storage once the transaction commits, and
    the history keeps that it was there and why it went (`attachment_removed`: its id and the reason) beside the
    audit record `case.attachment.removed`. The case's version does not change.
    """
    authorise_act(case=case, actor=actor, source=source)
    reason = reason.strip()
    if not reason:
        message = _("Say why the document is removed.")
        raise InvalidInput(message, errors={"reason": [message]})
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
        attachment = Attachment.objects.filter(case=locked, pk=attachment_id).first()
        if attachment is None:
            raise NotFound(_("This case has no such document."))
        if attachment.sensitive and not actor.has_perm("cases.view_sensitive", locked):
            access_denied(actor=actor, permission="cases.view_sensitive", case=locked, source=source)
            raise Forbidden(_("Only those who may see this case's sensitive documents may remove one."))
        stored = attachment.file.name or ""
        attachment.delete()
        case_record_event(
            case=locked,
            kind="attachment_removed",
            actor=actor,
            data={"attachment": attachment_id, "reason": reason},
        )
        audit_record(
            actor=actor,
            action="case.attachment.removed",
            target_type="case",
            target_id=locked.pk,
            organisation=locked.organisation,
            reference=locked.reference,
            details={"attachment": attachment_id, "sensitive": attachment.sensitive},
            source=source,
        )
        if stored:
            storage = _storage()
            transaction.on_commit(lambda: _delete_quietly(storage, stored))


def attachment_limits() -> dict[str, Any]:
    """The limits in force: the largest file (bytes), the most documents per case, the kinds accepted."""
    return {
        "max_bytes": int(settings.PLAINT_ATTACHMENT_MAX_BYTES),
        "per_case": int(settings.PLAINT_ATTACHMENTS_PER_CASE),
        "kinds": [attachment_types.KINDS[code] for code in settings.PLAINT_ATTACHMENT_TYPES],
    }


def file_too_large(size: int) -> InvalidInput:
    """The refusal of a file of `size` bytes (also raised by the API for an upload stopped while it was read)."""
    message = lazy_format(
        _("The file is %(size)s; the most a file may be is %(limit)s."),
        size=_lazy_size(size, True),
        limit=_lazy_size(int(settings.PLAINT_ATTACHMENT_MAX_BYTES), False),
    )
    return InvalidInput(message, errors={"file": [message]})


def display_name(raw: str | None, kind: Kind) -> str:
    """The client's file name made safe to show and to offer for saving: no folders, control or format characters
    (a right-to-left override can disguise `exe`), or characters Windows refuses; at most 200 characters before
    the extension; and an extension of the kind found, added when the client's does not fit (`notes.bat` holding
    text is offered as `notes.bat.txt`)."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable() and char not in _UNSAFE_NAME_CHARACTERS)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if dot and f".{extension.lower()}" in kind.extensions:
        suffix = f".{extension}"
    else:
        stem, suffix = name, kind.extensions[0]
    stem = stem[:NAME_STEM_LENGTH].strip(" .") or str(_("document"))
    return f"{stem}{suffix}"


def _check_case(case: Case) -> None:
    if case.anonymised_on is not None:
        raise DocumentsGone(_("This case was anonymised; documents can no longer be added to it."))
    if case.documents_deleted_on is not None:
        raise DocumentsGone(
            _("This case's documents were deleted when its retention period passed; no documents can be added.")
        )
    limit = int(settings.PLAINT_ATTACHMENTS_PER_CASE)
    if Attachment.objects.filter(case=case).count() >= limit:
        raise AttachmentLimitReached(
            lazy_format(_("This case has %(count)s documents, the most one case may have."), count=limit)
        )


def attachment_check(*, file: File[Any]) -> None:
    """Judge a file before anything else happens (the portal checks its uploads before registering the case):
    `InvalidInput` on `file` for an empty, too large or refused file, as `attachment_add` would."""
    _checked_input(file, "")
    file.seek(0)


def _checked_input(file: File[Any], description: str) -> tuple[Kind, int, str]:
    clean_description = description.strip()
    if len(clean_description) > DESCRIPTION_LENGTH:
        message = lazy_format(_("At most %(count)s characters."), count=DESCRIPTION_LENGTH)
        raise InvalidInput(message, errors={"description": [message]})
    size = int(file.size or 0)
    if size == 0:
        message = _("The file is empty.")
        raise InvalidInput(message, errors={"file": [message]})
    if size > int(settings.PLAINT_ATTACHMENT_MAX_BYTES):
        raise file_too_large(size)
    try:
        kind = attachment_types.sniff(file)
    except Refused as refusal:
        raise _kind_refused(refusal.reason) from None
    if kind.code not in settings.PLAINT_ATTACHMENT_TYPES:
        raise _kind_refused("unknown")
    return kind, size, clean_description


def _scanned(*, case: Case, actor: User | None, file: File[Any], kind: Kind, source: AuditSource | None) -> None:
    """With a virus scanner configured (`PLAINT_CLAMD`), a flagged file is refused, never stored, and the refusal is
    recorded with the case in the audit trail; an unreachable scanner refuses every upload (503)."""
    try:
        result = attachment_scan.scan(file)
    except attachment_scan.ScannerUnavailable as error:
        logger.error("virus scanner unavailable: %s", error)
        raise ScannerDown() from None
    if result is None or result.clean:
        return
    logger.warning("upload to case %s refused by the virus scanner: %s", case.pk, result.signature)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="case.attachment.refused",
            target_type="case",
            target_id=case.pk,
            organisation=case.organisation,
            reference=case.reference,
            details={"type": kind.code, "signature": result.signature},
            source=source,
        )
    message = _("The virus scanner found %(signature)s in this file; it was not added.")
    text = lazy_format(message, signature=result.signature)
    raise InvalidInput(text, errors={"file": [text]})


class ScannerDown(PlaintError):
    """A virus scanner is configured but could not scan the file: nothing is added unscanned."""

    status = 503
    code = "scanner_unavailable"

    def __init__(self) -> None:
        super().__init__(_("Documents cannot be added just now: the virus scanner is not available. Try again later."))


def _kind_refused(reason: str) -> InvalidInput:
    message: Any
    if reason == "markup":
        message = _(
            "Web pages, SVG images and other markup cannot be added, because they can run scripts. Save it as PDF "
            "instead."
        )
    elif reason == "macros":
        message = _("Documents with macros cannot be added. Save it without macros (.docx, .xlsx) or as PDF.")
    elif reason == "entities":
        message = _("Documents that declare XML entities or a DOCTYPE cannot be added. Save it again, or as PDF.")
    elif reason == "archive":
        message = _("This file unpacks to far more than its size (or into too many parts); it cannot be added.")
    elif reason == "active":
        message = _(
            "Files with scripts, actions that run on opening, embedded files or programs cannot be added. Print "
            "it to a new PDF, or forward the message without them."
        )
    elif reason == "polyglot":
        message = _("This file is of two kinds at once (with a web page or an archive inside); it cannot be added.")
    else:
        allowed = lazy(lambda: ", ".join(str(kind.label) for kind in attachment_limits()["kinds"]), str)()
        message = lazy_format(_("Files of this type cannot be added. Allowed: %(allowed)s."), allowed=allowed)
    return InvalidInput(message, errors={"file": [message]})


def _format_size(size: int, round_up: bool) -> str:
    """1.5 MB, 20 MB, 312 KB, 12 bytes: in the active language's number format, a file's size rounded up (never
    shown equal to the limit it passes) and a limit rounded down."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        rounding = math.ceil if round_up else math.floor
        return f"{rounding(size / 1024)} KB"
    tenths = size * 10 / (1024 * 1024)
    megabytes = (math.ceil(tenths) if round_up else math.floor(tenths)) / 10
    return f"{number_format(megabytes, decimal_pos=0 if megabytes.is_integer() else 1)} MB"


_lazy_size = lazy(_format_size, str)


def _storage() -> Storage:
    return Attachment._meta.get_field("file").storage


def _storage_path(kind: Kind) -> str:
    """A random name under attachments/<year>/<month>/, with the kind's extension; never the client's name."""
    now = clock.now()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{kind.extensions[0]}"


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - logged for the administrator; the original error is what the caller sees
        logger.exception("could not delete the stored file %s after a failed attachment", name)
