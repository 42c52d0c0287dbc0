"""Small files of every kind, as a scanner, a phone, a mail program or an office suite would make them (only the
parts Plaint reads to tell them apart), and some that must be refused."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 20 + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00;"
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 30
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08free" + b"\x00" * 20
TEXT = "Notes of the phone call with Mrs de Vries: she wants an apology. Één keer.\n".encode()
EML = (
    b"Return-Path: <jan@example.org>\r\nReceived: from mail.example.org\r\n by mx.example.com; Mon, 3 Mar 2025\r\n"
    b"From: Jan Jansen <jan@example.org>\r\nTo: klachten@example.com\r\nSubject: Klacht\r\n"
    b"Date: Mon, 3 Mar 2025 09:00:00 +0100\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><body><p>Mijn coach kwam drie keer niet.</p></body></html>\r\n"
)
HTML = b"  <!DOCTYPE html>\n<html><script>alert(document.cookie)</script></html>\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 40
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(entries.items()):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", "word/document.xml": b"<w/>"})
DOCM = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w/>",
        "word/vbaProject.bin": b"Attribute VB_Name",
    }
)
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"},
    stored_first=True,
)
ODT_WITH_MACROS = _zip(
    {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": b"<x/>",
        "Basic/Standard/Module1.xml": b"Sub Main",
    },
    stored_first=True,
)
ZIP = _zip({"setup.exe": EXE})
MSG = (
    OLE2
    + b"\x00" * 504
    + "Root Entry".encode("utf-16-le")
    + "__properties_version1.0".encode("utf-16-le")
    + "__substg1.0_0037001F".encode("utf-16-le")
    + b"\x00" * 64
)
DOC = OLE2 + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 600

KINDS = {
    "letter.pdf": (PDF, "application/pdf"),
    "scan.png": (PNG, "image/png"),
    "photo.jpeg": (JPEG, "image/jpeg"),
    "image.gif": (GIF, "image/gif"),
    "scan.tif": (TIFF, "image/tiff"),
    "IMG_0042.HEIC": (HEIC, "image/heic"),
    "notes.txt": (TEXT, "text/plain"),
    "complaint.eml": (EML, "message/rfc822"),
    "complaint.msg": (MSG, "application/vnd.ms-outlook"),
    "report.docx": (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "figures.xlsx": (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "minutes.odt": (ODT, "application/vnd.oasis.opendocument.text"),
}
REFUSED = {
    "page.html": (HTML, "markup"),
    "logo.svg": (SVG, "markup"),
    "setup.exe": (EXE, "unknown"),
    "tool": (ELF, "unknown"),
    "report.docm": (DOCM, "macros"),
    "minutes.odt": (ODT_WITH_MACROS, "macros"),
    "archive.zip": (ZIP, "unknown"),
    "old.doc": (DOC, "unknown"),
}


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A file as a browser sends it; the claimed type is never believed."""
    return SimpleUploadedFile(name, content, content_type=content_type)
