"""A corpus of crafted documents, each with the verdict Plaint must give: the kind it is accepted as, or the reason
it is refused. Built in code (each a few lines a reader can check), from the attacks of issue 13's probe and the
ordinary files they hide in. `tests/cases/test_document_corpus.py` runs every one through `attachment_types.sniff`.
"""

from __future__ import annotations

import base64
import io
import zipfile
import zlib
from dataclasses import dataclass

from tests.cases.attachment_samples import DOCX, EML, GIF, JPEG, MSG, ODT, PDF, PNG, TEXT, XLSX

#: The EICAR anti-virus test file: harmless, but every scanner reports it (the optional clamd scanner's test).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass(frozen=True)
class Sample:
    name: str
    content: bytes
    verdict: str  # "accepted:<kind>" or "refused:<reason>"
    why: str


def _zip(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in entries.items():
            compress = zipfile.ZIP_STORED if name == "mimetype" else method
            archive.writestr(name, content, compress_type=compress)
    return buffer.getvalue()


def _docx(document: bytes, **extra: bytes) -> bytes:
    return _zip(
        {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", "word/document.xml": document, **extra}
    )


def _pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n" % number + obj + b"\nendobj\n" for number, obj in enumerate(objects, start=1))
    return b"%PDF-1.7\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def _pdf_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"


def _bomb(size: int) -> bytes:
    """An .xlsx whose one sheet inflates to `size` bytes of zeros (from a few hundred KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                sheet.write(block)
    return buffer.getvalue()


XXE = b'<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<w>&xxe;</w>'
LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><w>&lol2;</w>'
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def _mail(*parts: tuple[str, str, bytes]) -> bytes:
    """A multipart message with (content type, file name or "", body) parts."""
    lines = [
        b"From: Jan Jansen <jan@example.org>",
        b"To: klachten@example.com",
        b"Subject: Klacht",
        b"Date: Mon, 3 Mar 2025 09:00:00 +0100",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="BOUNDARY"',
        b"",
    ]
    for content_type, name, body in parts:
        lines += [b"--BOUNDARY", b"Content-Type: " + content_type.encode()]
        if name:
            lines.append(b'Content-Disposition: attachment; filename="' + name.encode() + b'"')
        if not content_type.startswith("text/"):  # as mail programs send files: base64
            lines.append(b"Content-Transfer-Encoding: base64")
            body = base64.encodebytes(body).replace(b"\n", b"\r\n")
        lines += [b"", body]
    lines += [b"--BOUNDARY--", b""]
    return b"\r\n".join(lines)


PLAIN = ("text/plain", "", b"Mijn coach kwam drie keer niet.")

CORPUS: tuple[Sample, ...] = (
    # Ordinary documents, accepted as what they are
    Sample("letter.pdf", PDF, "accepted:pdf", "a plain PDF"),
    Sample(
        "form.pdf", _pdf(CATALOG, PAGES, _pdf_stream(b"BT /F1 12 Tf (Hello) Tj ET")), "accepted:pdf", "compressed text"
    ),
    Sample("scan.png", PNG, "accepted:png", "an image"),
    Sample("photo.jpeg", JPEG, "accepted:jpeg", "a photo"),
    Sample("notes.txt", TEXT, "accepted:txt", "plain text"),
    Sample(
        "maths.txt", b"If a < b and b > c, then a <= c?\nUse <Enter> to go on.\n", "accepted:txt", "< that is no tag"
    ),
    Sample("complaint.eml", EML, "accepted:eml", "an HTML mail without script"),
    Sample("with-photo.eml", _mail(PLAIN, ("image/jpeg", "photo.jpg", JPEG)), "accepted:eml", "a mail with a photo"),
    Sample("complaint.msg", MSG, "accepted:msg", "an Outlook message"),
    Sample("report.docx", DOCX, "accepted:docx", "a Word document"),
    Sample("figures.xlsx", XLSX, "accepted:xlsx", "a workbook"),
    Sample("minutes.odt", ODT, "accepted:odt", "an OpenDocument text"),
    Sample("big.docx", _docx(b"<w>" + b"text " * 200_000 + b"</w>"), "accepted:docx", "1 MB of text, 10:1"),
    # Office and OpenDocument: entities, bombs, macros
    Sample("xxe.docx", _docx(XXE), "refused:entities", "an XML external entity in the document"),
    Sample("laughs.docx", _docx(LAUGHS), "refused:entities", "entity expansion (billion laughs)"),
    Sample(
        "rels-xxe.docx", _docx(b"<w/>", **{"word/_rels/document.xml.rels": XXE}), "refused:entities", "XXE in a .rels"
    ),
    Sample(
        "xxe.odt",
        _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": XXE}),
        "refused:entities",
        "XXE in OpenDocument",
    ),
    Sample(
        "doctype.xlsx",
        _zip({"[Content_Types].xml": b"<!DOCTYPE x><Types/>", "xl/workbook.xml": b"<w/>"}),
        "refused:entities",
        "a DOCTYPE",
    ),
    Sample("bomb.xlsx", _bomb(300 * 1024 * 1024), "refused:archive", "300 MB of zeros in a few hundred KB"),
    Sample("ratio.xlsx", _bomb(8 * 1024 * 1024), "refused:archive", "8 MB at a 1000:1 ratio"),
    Sample(
        "many.docx", _docx(b"<w/>", **{f"x/{n}.bin": b"" for n in range(10_001)}), "refused:archive", "10,001 entries"
    ),
    Sample("macro.docm", _docx(b"<w/>", **{"word/vbaProject.bin": b"Attribute VB_Name"}), "refused:macros", "VBA"),
    # PDF: active content, also when hidden
    Sample(
        "js.pdf", _pdf(b"<< /Type /Catalog /Names << /JavaScript 3 0 R >> >>", PAGES), "refused:active", "JavaScript"
    ),
    Sample(
        "open.pdf",
        _pdf(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
        "refused:active",
        "OpenAction",
    ),
    Sample("launch.pdf", _pdf(CATALOG, b"<< /S /Launch /F (cmd.exe) >>"), "refused:active", "a Launch action"),
    Sample(
        "attached.pdf",
        _pdf(CATALOG, b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream"),
        "refused:active",
        "an embedded file",
    ),
    Sample(
        "escaped.pdf",
        _pdf(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>"),
        "refused:active",
        "#xx-escaped names",
    ),
    Sample(
        "hidden.pdf",
        _pdf(CATALOG, _pdf_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")),
        "refused:active",
        "JS in a compressed object stream",
    ),
    Sample(
        "aa.pdf",
        _pdf(CATALOG, b"<< /Type /Page /AA << /O << /S /JavaScript >> >> >>"),
        "refused:active",
        "a page's additional action",
    ),
    # Polyglots
    Sample(
        "polyglot.pdf",
        PDF + b"<html><script>alert(document.domain)</script></html>",
        "refused:polyglot",
        "PDF and HTML",
    ),
    Sample("polyglot.gif", GIF + b"<script>alert(1)</script>", "refused:polyglot", "GIF and HTML"),
    Sample("zip.pdf", PDF + _zip({"a.exe": b"MZ"}), "refused:polyglot", "a PDF that is also a ZIP"),
    Sample("svg.png", PNG + b"<svg onload=alert(1)>", "refused:polyglot", "PNG and SVG"),
    # Text and mail judged whole
    Sample(
        "later.txt",
        b"Dear sir,\nplease see below.\n<html><body><script>alert(1)</script></body></html>\n",
        "refused:markup",
        "HTML after the first line",
    ),
    Sample("iframe.txt", TEXT * 100 + b"<iframe src=https://evil.example>", "refused:markup", "markup far on"),
    Sample(
        "script.eml",
        _mail(PLAIN, ("text/html", "", b"<p>Hi</p><script>alert(1)</script>")),
        "refused:active",
        "a script in the HTML part",
    ),
    Sample(
        "handler.eml", _mail(("text/html", "", b'<img src=x onerror="alert(1)">')), "refused:active", "an event handler"
    ),
    Sample(
        "js-part.eml",
        _mail(PLAIN, ("application/javascript", "run.js", b"alert(1)")),
        "refused:active",
        "a script part",
    ),
    Sample(
        "exe-part.eml",
        _mail(PLAIN, ("application/octet-stream", "invoice.exe", b"MZ\x90\x00")),
        "refused:active",
        "a program",
    ),
    Sample(
        "page-part.eml",
        _mail(PLAIN, ("application/octet-stream", "page.html", b"<html></html>")),
        "refused:active",
        "a web page",
    ),
    # Not documents at all
    Sample("page.html", b"<!DOCTYPE html><html></html>", "refused:markup", "a web page"),
    Sample("eicar.txt", EICAR, "accepted:txt", "EICAR is text: only a virus scanner (clamd) refuses it"),
    Sample("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56, "refused:unknown", "a program"),
)
