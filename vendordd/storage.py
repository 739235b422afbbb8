"""Evidence file storage: files kept under random keys in a local folder.

The interface (`save`, `open`, `delete`) is all the rest of the application uses, so an
S3-compatible store can take this class's place. A file is written to a temporary name in the
same folder and renamed into place only when complete, so a reader never sees half a file and a
refused upload (too large, or an error while writing) leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Flask

from vendordd.config import Config

CHUNK = 64 * 1024
HEAD_BYTES = 8 * 1024
# Keys are 48 hex digits from `secrets`: nothing in one can name another folder.
KEY = re.compile(r"^[0-9a-f]{48}$")


class StorageError(ValueError):
    """An upload refused by the store; the message says why."""


class FileTooLarge(StorageError):
    """More bytes than allowed; nothing was kept."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"larger than {max_bytes:,} bytes")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class StoredFile:
    """A file as stored: its key, size, SHA-256 and first bytes (to recognise its type)."""

    key: str
    size: int
    sha256: str
    head: bytes


class LocalStorage:
    """Files in one local folder (created on demand), each named by its random key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, stream: BinaryIO, max_bytes: int) -> StoredFile:
        """Copy the stream into the store; raises FileTooLarge beyond max_bytes."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        handle, temp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(max_bytes)
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            key = secrets.token_hex(24)
            os.replace(temp_name, self.root / key)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return StoredFile(key=key, size=size, sha256=digest.hexdigest(), head=head)

    def open(self, key: str) -> BinaryIO:
        """The stored file for reading; raises FileNotFoundError for an unknown or invalid key."""
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        """Remove a stored file (used to undo a save whose upload was then refused)."""
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key or ""):
            raise FileNotFoundError(f"not a storage key: {key!r}")
        return self.root / key


def storage_for(source: Flask | Config) -> LocalStorage:
    """The evidence store of an app (or of its settings)."""
    settings = source.config["VENDORDD"] if isinstance(source, Flask) else source
    return LocalStorage(settings.evidence_path)
