"""What kind of document a file is, judged by its content (magic bytes and structure), never by the name or the
content type a client claims.

Only the kinds in `KINDS` are known; `settings.PLAINT_ATTACHMENT_TYPES` chooses which of them an installation accepts.
Everything else is refused, executables and scripts included. Refused on purpose, though they look harmless:
HTML, SVG and other markup (they run scripts when a browser opens them), Office files with macros or ActiveX
(`vbaProject.bin`, ODF `Basic/`), and the old binary Office formats (.doc, .xls: macros cannot be told apart).

No library is used: the binary formats are recognised by their first bytes (as `filetype` or libmagic do), Office
files by the names inside the ZIP (which `filetype` does not read, and which are needed anyway to find macros),
Outlook messages by their compound-file stream names, text by the absence of control bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

#: How much of a file is read at a time when a check needs the whole file (text, Outlook streams).
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the canonical one
    label: Any  # lazy text, for messages


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind("pdf", "application/pdf", (".pdf",), _("PDF")),
        Kind("png", "image/png", (".png",), _("PNG image")),
        Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"), _("JPEG image")),
        Kind("tiff", "image/tiff", (".tif", ".tiff"), _("TIFF image")),
        Kind("gif", "image/gif", (".gif",), _("GIF image")),
        Kind("heic", "image/heic", (".heic", ".heif"), _("HEIC photo")),
        Kind("txt", "text/plain", (".txt",), _("plain text")),
        Kind("eml", "message/rfc822", (".eml",), _("email message (.eml)")),
        Kind("msg", "application/vnd.ms-outlook", (".msg",), _("Outlook message (.msg)")),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            _("Word document (.docx)"),
        ),
        Kind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            _("Excel workbook (.xlsx)"),
        ),
        Kind("odt", "application/vnd.oasis.opendocument.text", (".odt",), _("OpenDocument text (.odt)")),
    )
}


class Refused(Exception):
    """The file is of a kind that is never accepted, with the reason (`markup`, `macros`, `unknown`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_MSG_STREAMS = ("__substg1.0_".encode("utf-16-le"), "__properties_version1.0".encode("utf-16-le"))
#: Bytes that never occur in text: C0 controls except tab, line feed, vertical tab, form feed, carriage return and
#: escape (ISO-2022 mail).
_CONTROL = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
#: A text starting with one of these (after white space) is markup a browser would render: HTML, SVG, XML.
_MARKUP = re.compile(rb"<(?:[!?]|/?[A-Za-z])")
_HEADER = re.compile(rb"^([!-9;-~]+):")
_MACRO_NAMES = re.compile(r"(?i)(?:^|/)(?:vbaProject\.bin|vbaData\.xml|activeX/|Basic/|Scripts/)")


def sniff(file: IO[bytes]) -> Kind:
    """The kind of the file (read from the start; the position is put back to 0), or `Refused`."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    try:
        return _sniff(file, head)
    finally:
        file.seek(0)


def _sniff(file: IO[bytes], head: bytes) -> Kind:
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return KINDS["gif"]
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return KINDS["tiff"]
    if head[4:8] == b"ftyp" and _is_heic(head):
        return KINDS["heic"]
    if head.startswith(_ZIP):
        return _office(file)
    if head.startswith(_OLE2):
        if all(_contains(file, needle) for needle in _MSG_STREAMS):
            return KINDS["msg"]
        raise Refused("unknown")  # .doc, .xls, .ppt and other compound files: macros cannot be ruled out
    return _text(file, head)


def _is_heic(head: bytes) -> bool:
    size = int.from_bytes(head[0:4], "big")
    box = head[8 : max(12, min(size, len(head)))]
    brands = {box[0:4]} | {box[index : index + 4] for index in range(8, len(box) - 3, 4)}
    return box[0:4] in _HEIC_BRANDS or (box[0:4] in {b"mif1", b"msf1"} and bool(brands & _HEIC_BRANDS))


def _office(file: IO[bytes]) -> Kind:
    """DOCX, XLSX or ODT by the names in the ZIP's directory (nothing is decompressed but ODT's `mimetype`)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if any(_MACRO_NAMES.search(name) for name in names):
                raise Refused("macros")
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return KINDS["docx"]
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return KINDS["xlsx"]
            # ODF's first entry, `mimetype`, names the kind; read only when small (nothing else is decompressed)
            odt = KINDS["odt"].content_type.encode()
            small = bool(names) and names[0] == "mimetype" and archive.getinfo("mimetype").file_size < 100
            if small and archive.read("mimetype").strip() == odt:
                return KINDS["odt"]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, NotImplementedError, RuntimeError, EOFError):
        pass
    raise Refused("unknown")  # other archives (.zip, .jar, .apk, .docm…) are not documents


def _chunks(file: IO[bytes], overlap: int = 0) -> Iterator[bytes]:
    file.seek(0)
    tail = b""
    while chunk := file.read(CHUNK):
        yield tail + chunk
        tail = chunk[-overlap:] if overlap else b""


def _contains(file: IO[bytes], needle: bytes) -> bool:
    return any(needle in chunk for chunk in _chunks(file, overlap=len(needle)))


def _text(file: IO[bytes], head: bytes) -> Kind:
    """Text without control bytes in any encoding of ASCII's family (UTF-8, Latin-1, Windows-1252): an email
    message when it starts with mail headers, else plain text. Markup (HTML, SVG, XML) is refused."""
    if any(chunk.translate(None, _CONTROL) != chunk for chunk in _chunks(file)):
        raise Refused("unknown")
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if _MARKUP.match(start):
        raise Refused("markup")
    if _is_email(head):
        return KINDS["eml"]
    return KINDS["txt"]


def _is_email(head: bytes) -> bool:
    """Starts with RFC 5322 header fields and has a From and a Date, Subject, Message-ID or Received."""
    names: set[str] = set()
    lines = head.splitlines()
    if lines and lines[0].startswith(b"From "):  # an mbox separator line, as some mail programs save it
        lines = lines[1:]
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):  # a folded header line
            continue
        match = _HEADER.match(line)
        if match is None:
            return False
        names.add(match.group(1).decode("ascii").lower())
    return "from" in names and bool(names & {"date", "subject", "message-id", "received"})
