"""An optional virus scanner for documents: ClamAV's daemon (clamd) over its socket, `PLAINT_CLAMD` set to
`unix:///run/clamav/clamd.ctl` or `tcp://127.0.0.1:3310`. Unset (the default), documents are not scanned.

The file is streamed with clamd's INSTREAM command (4-byte big-endian length, then the bytes; a zero length ends it)
and clamd answers `stream: OK` or `stream: <signature> FOUND`. A flagged file is refused and never stored; the refusal
is recorded in the audit trail with the case (`case.attachment.refused`, with the signature's name). When clamd
cannot be reached or answers anything else, the upload is refused too (`ScannerUnavailable`, 503): a document is
never taken in unscanned when a scanner is configured.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30


class ScannerUnavailable(Exception):
    """clamd is configured but could not scan the file."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def scanner_configured() -> bool:
    return bool(getattr(settings, "PLAINT_CLAMD", ""))


def _connect(address: str) -> socket.socket:
    parts = urlsplit(address)
    if parts.scheme == "unix":
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(TIMEOUT_SECONDS)
        connection.connect(parts.path)
        return connection
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT_SECONDS)
    raise ScannerUnavailable(f"PLAINT_CLAMD: {address!r} is neither unix:///path nor tcp://host:port")


def scan(file: IO[bytes]) -> ScanResult | None:
    """The scanner's verdict on the file (position put back to 0), or None when no scanner is configured."""
    address = str(getattr(settings, "PLAINT_CLAMD", ""))
    if not address:
        return None
    file.seek(0)
    try:
        with _connect(address) as connection:
            connection.sendall(b"zINSTREAM\0")
            while chunk := file.read(CHUNK):
                connection.sendall(len(chunk).to_bytes(4, "big") + chunk)
            connection.sendall(b"\0\0\0\0")
            answer = b""
            while not answer.endswith(b"\0") and (data := connection.recv(4096)):
                answer += data
    except OSError as error:
        raise ScannerUnavailable(f"clamd at {address}: {error}") from error
    finally:
        file.seek(0)
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(": OK"):
        return ScanResult(clean=True)
    if text.endswith(" FOUND"):
        signature = text.split(":", 1)[-1].removesuffix(" FOUND").strip()
        return ScanResult(clean=False, signature=signature[:100])
    raise ScannerUnavailable(f"clamd at {address} answered {text[:200]!r}")
