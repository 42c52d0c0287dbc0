"""What kind of document a file is, judged by its content (magic bytes and structure), never by the name or the
content type a client claims.

Only the kinds in `KINDS` are known; `settings.PLAINT_ATTACHMENT_TYPES` chooses which of them an installation accepts.
Everything else is refused, executables and scripts included. Refused on purpose, though they look harmless:
HTML, SVG and other markup (they run scripts when a browser opens them), Office files with macros or ActiveX
(`vbaProject.bin`, ODF `Basic/`), and the old binary Office formats (.doc, .xls: macros cannot be told apart).

No library is used: the binary formats are recognised by their first bytes (as `filetype` or libmagic do), Office
files by the names inside the ZIP (which `filetype` does not read, and which are needed anyway to find macros),
Outlook messages by their compound-file stream names, text by the absence of control bytes.

Then the content is judged, whole (docs/cases.md, "What documents are refused"):
- Office and OpenDocument files: archives whose declared size or compression ratio is absurd are refused before
  anything is inflated (`archive`); their XML parts, inflated with a cap, may not declare a DOCTYPE or entities (XXE,
  billion laughs: `entities`); macros stay refused (`macros`).
- PDF: JavaScript, actions run on opening or on events (OpenAction, AA, Launch), embedded files and forms' XFA are
  refused (`active`), in the file and in its compressed streams.
- A file of one kind that is also markup or an archive (a PDF/HTML or image/HTML polyglot, a PDF that is a ZIP) is
  refused (`polyglot`).
- Text: markup anywhere in it, not only at the start (`markup`). Mail: every part, the same way; a script or a program
  as a part is refused (`active`); an HTML part may hold no script, event handler or `javascript:` address.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
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
    """The file is refused, with the reason: `markup`, `macros`, `unknown`, `entities`, `archive`, `active`,
    `polyglot` (see the module's doc)."""

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
#: Markup a browser would run, anywhere in a text or a binary file (a polyglot): tags that load or run something.
_ACTIVE_MARKUP = re.compile(
    rb"(?i)<\s*/?\s*(?:script|html|head|body|iframe|frame|frameset|object|embed|applet|svg|math|meta|link|style|"
    rb"form|base|img|xml|!doctype)\b"
)
#: What makes an HTML mail part active: scripts, event handlers, javascript: addresses.
_HTML_SCRIPT = re.compile(rb"(?i)<\s*script\b|\bon[a-z]+\s*=|javascript\s*:|vbscript\s*:")
#: Office archives: at most this many entries, this much declared content in all, and this compression ratio for
#: any entry over 1 MB (text compresses about 10:1; a zip bomb 1000:1).
MAX_ENTRIES = 10_000
MAX_INFLATED = 200 * 1024 * 1024
MAX_RATIO = 100
#: The most bytes of XML parts (and of PDF streams) inflated to check them.
MAX_INSPECTED = 50 * 1024 * 1024
_XML_PART = re.compile(r"(?i)\.(?:xml|rels|vml)$")
_DECLARATION = re.compile(rb"(?i)<!\s*(?:DOCTYPE|ENTITY)")
#: PDF names that run something or carry a file: written with #xx escapes undone first (/J#61vaScript).
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|OpenAction|AA|Launch|EmbeddedFile|EmbeddedFiles|RichMedia|XFA)(?![A-Za-z])"
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
#: Parts of a mail that are programs or scripts, by type or by name.
_MAIL_ACTIVE_TYPES = re.compile(
    r"(?i)^(?:application/(?:x-)?(?:javascript|ecmascript|msdownload|msdos-program|sh|bat|msi|dosexec|"
    r"executable|hta|vbscript|powershell)|text/(?:javascript|ecmascript|vbscript|x-sh|x-python))$"
)
_MAIL_ACTIVE_NAMES = re.compile(
    r"(?i)\.(?:exe|com|bat|cmd|scr|pif|js|jse|vbs|vbe|wsf|wsh|hta|ps1|msi|jar|sh|lnk|html?|svg|docm|xlsm)$"
)


def sniff(file: IO[bytes]) -> Kind:
    """The kind of the file (read from the start; the position is put back to 0), or `Refused`: its kind is not
    accepted, or its content is not (judged whole)."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    try:
        kind = _sniff(file, head)
        _judge(file, kind)
        return kind
    finally:
        file.seek(0)


def _judge(file: IO[bytes], kind: Kind) -> None:
    if kind.code in {"docx", "xlsx", "odt"}:
        return  # judged while recognised (_office)
    if kind.code in {"txt", "eml"}:
        return  # judged while recognised (_text)
    if kind.code == "msg":
        return  # an Outlook message's parts are compound-file streams: no markup is rendered from them here
    # Binary kinds (PDF, images): neither markup a browser would run, nor an archive behind the data.
    if any(_ACTIVE_MARKUP.search(chunk) for chunk in _chunks(file, overlap=64)):
        raise Refused("polyglot")
    file.seek(0)
    if zipfile.is_zipfile(file):
        raise Refused("polyglot")
    if kind.code == "pdf":
        _judge_pdf(file)


def _judge_pdf(file: IO[bytes]) -> None:
    """Refuse active content: in the file's own bytes and in every compressed stream (inflated with a cap)."""
    budget = MAX_INSPECTED
    for chunk in _chunks(file, overlap=256):
        if _pdf_active(chunk):
            raise Refused("active")
        for match in _PDF_STREAM.finditer(chunk):
            data = chunk[match.end() : match.end() + CHUNK]
            inflater = zlib.decompressobj()
            try:
                inflated = inflater.decompress(data, min(budget, CHUNK * 8))
            except zlib.error:
                continue  # not a Flate stream (images, fonts): nothing to inflate
            budget -= len(inflated)
            if _pdf_active(inflated):
                raise Refused("active")
            if budget <= 0:
                raise Refused("archive")


def _pdf_active(data: bytes) -> bool:
    if b"#" in data:
        data = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)
    return _PDF_ACTIVE.search(data) is not None


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
    kind: Kind | None = None
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if any(_MACRO_NAMES.search(name) for name in names):
                raise Refused("macros")
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                kind = KINDS["docx"]
            elif "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                kind = KINDS["xlsx"]
            else:
                # ODF's first entry, `mimetype`, names the kind; read only when small
                odt = KINDS["odt"].content_type.encode()
                small = bool(names) and names[0] == "mimetype" and archive.getinfo("mimetype").file_size < 100
                if small and archive.read("mimetype").strip() == odt:
                    kind = KINDS["odt"]
            if kind is not None:
                _judge_archive(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, NotImplementedError, RuntimeError, EOFError):
        kind = None
    except (OSError, zlib.error, ValueError):
        raise Refused("archive") from None  # a part that does not inflate as its directory says
    if kind is None:
        raise Refused("unknown")  # other archives (.zip, .jar, .apk, .docm…) are not documents
    return kind


def _judge_archive(archive: zipfile.ZipFile) -> None:
    """Before inflating anything: the sizes the directory declares. Then each XML part, inflated in chunks with a
    cap: no DOCTYPE or entity declaration (XML external entities, entity expansion)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_INFLATED:
        raise Refused("archive")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise Refused("archive")
    budget = MAX_INSPECTED
    for entry in entries:
        if not _XML_PART.search(entry.filename):
            continue
        with archive.open(entry) as part:
            tail = b""
            while chunk := part.read(CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise Refused("archive")
                if _DECLARATION.search(tail + chunk):
                    raise Refused("entities")
                tail = chunk[-32:]


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
        _judge_email(file)
        return KINDS["eml"]
    if any(_ACTIVE_MARKUP.search(chunk) for chunk in _chunks(file, overlap=64)):
        raise Refused("markup")  # markup further on: a browser sniffing the file would still render it
    return KINDS["txt"]


def _judge_email(file: IO[bytes]) -> None:
    """Every part of the message: no program or script as a part, no script in an HTML part, and a plain-text part
    that is really markup is refused as text would be."""
    file.seek(0)
    message = BytesParser(policy=policy.default).parse(file)
    assert isinstance(message, EmailMessage)
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        name = part.get_filename() or ""
        if _MAIL_ACTIVE_TYPES.match(content_type) or _MAIL_ACTIVE_NAMES.search(name):
            raise Refused("active")
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if content_type == "text/html" or content_type == "image/svg+xml":
            if _HTML_SCRIPT.search(payload):
                raise Refused("active")
        elif content_type.startswith("text/") and _ACTIVE_MARKUP.search(payload) and part.get_filename():
            raise Refused("active")  # an attached .txt that is really a web page


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
