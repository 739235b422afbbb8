"""Small real files of every accepted type, and disguised ones, built here byte by byte."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


def png() -> bytes:
    """A valid 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """A JFIF header (start of image, APP0) and the end-of-image marker."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def office(*parts: str) -> bytes:
    """A zip holding `[Content_Types].xml` and the named parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


def docx() -> bytes:
    return office("_rels/.rels", "word/document.xml")


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["control", "status"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def txt() -> bytes:
    return "Penetration test summary: no critical findings. Grüße.\n".encode()


def csv() -> bytes:
    return b"subprocessor,country\nCloudCo,SG\n"


ACCEPTED = {
    "soc2.pdf": (pdf, "application/pdf"),
    "diagram.png": (png, "image/png"),
    "scan.jpg": (jpeg, "image/jpeg"),
    "scan.JPEG": (jpeg, "image/jpeg"),
    "policy.docx": (
        docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "register.xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "summary.txt": (txt, "text/plain"),
    "subprocessors.csv": (csv, "text/csv"),
}

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
