"""What an evidence file really is, judged by its content: the accepted types and the check.

The browser's content type is never trusted and the name alone decides nothing: the content
must be one of the accepted types, and the file's extension must agree with it, so an
executable or a web page renamed `.pdf` is refused. Only text (valid UTF-8, no NUL bytes) is
told apart by the extension: `.csv` is CSV, anything else TXT.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

CHUNK = 64 * 1024
# More entries than any real document has: a sign of a crafted archive, not read further.
MAX_ZIP_ENTRIES = 10_000
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<head")


@dataclass(frozen=True)
class FileType:
    label: str
    mimetype: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileType(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
TXT = FileType("TXT", "text/plain", (".txt",))
CSV = FileType("CSV", "text/csv", (".csv",))
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, TXT, CSV)
ACCEPTED_LABELS = ", ".join(kind.label for kind in ACCEPTED)
ACCEPT_ATTRIBUTE = ",".join(ext for kind in ACCEPTED for ext in kind.extensions)
TYPE_LABELS = {kind.mimetype: kind.label for kind in ACCEPTED}
BY_EXTENSION = {ext: kind for kind in ACCEPTED for ext in kind.extensions}


class FileTypeRefused(ValueError):
    """A file whose content is not an accepted type, or does not match its name."""


def detect(stream: BinaryIO, filename: str) -> FileType:
    """The accepted type of a (seekable) file, or FileTypeRefused saying what is wrong."""
    extension = PurePosixPath(filename.lower()).suffix
    claimed = BY_EXTENSION.get(extension)
    stream.seek(0)
    found = _sniff(stream, claimed)
    if found is None:
        what = f"is not {_a(claimed.label)}" if claimed else "is not an accepted file"
        raise FileTypeRefused(
            f"'{filename}' {what}: its content is not one of the accepted types "
            f"({ACCEPTED_LABELS})."
        )
    if claimed is None:
        raise FileTypeRefused(
            f"'{filename}' holds {_a(found.label)} but its name does not end in "
            f"{' or '.join(found.extensions)}; rename it and upload it again."
        )
    if found.label in (TXT.label, CSV.label) and claimed.label in (TXT.label, CSV.label):
        return claimed
    if found is not claimed:
        raise FileTypeRefused(
            f"'{filename}' is not {_a(claimed.label)}: its content is {_a(found.label)}. "
            f"Upload the file you meant, or rename it to {found.extensions[0]}."
        )
    return found


def _a(label: str) -> str:
    """The label with its article, as it is read aloud: a PDF, an XLSX."""
    return f"{'an' if label[0] in 'AEFHILMNORSX' else 'a'} {label}"


def _sniff(stream: BinaryIO, claimed: FileType | None) -> FileType | None:
    head = stream.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office(stream)
    stream.seek(0)
    if _is_text(stream):
        return CSV if claimed is CSV else TXT
    return None


def _office(stream: BinaryIO) -> FileType | None:
    """DOCX or XLSX: a zip with `[Content_Types].xml` and word/ or xl/ parts, and no macros.

    Only the archive's directory is read; nothing is decompressed.
    """
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if len(infos) > MAX_ZIP_ENTRIES:
        return None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_text(stream: BinaryIO) -> bool:
    """Valid UTF-8 throughout, without NUL bytes, and not a web page or other markup."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    start = b""
    try:
        while chunk := stream.read(CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
            if len(start) < 512:
                start += chunk[:512]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    opening = start.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    return not opening.startswith(MARKUP)
