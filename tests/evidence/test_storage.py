"""The local evidence store: atomic saves, size limit, fingerprints, keys that cannot escape."""

from __future__ import annotations

import hashlib
import io

import pytest

from vendordd.config import Config
from vendordd.storage import FileTooLarge, LocalStorage, storage_for


def test_a_saved_file_reads_back_with_its_size_and_sha256(tmp_path):
    storage = LocalStorage(tmp_path / "evidence")
    content = bytes(range(256)) * 1000  # several chunks
    stored = storage.save(io.BytesIO(content), max_bytes=len(content))
    assert (stored.size, stored.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert stored.head == content[: len(stored.head)] and len(stored.head) == 8192
    with storage.open(stored.key) as saved:
        assert saved.read() == content
    assert [path.name for path in (tmp_path / "evidence").iterdir()] == [stored.key]


def test_keys_are_random(tmp_path):
    storage = LocalStorage(tmp_path)
    keys = {storage.save(io.BytesIO(b"same"), max_bytes=10).key for _ in range(3)}
    assert len(keys) == 3


def test_a_file_over_the_limit_leaves_nothing_behind(tmp_path):
    storage = LocalStorage(tmp_path / "evidence")
    storage.save(io.BytesIO(b"x" * 100), max_bytes=100)
    before = sorted((tmp_path / "evidence").iterdir())
    with pytest.raises(FileTooLarge):
        storage.save(io.BytesIO(b"x" * 200_000), max_bytes=100_000)
    assert sorted((tmp_path / "evidence").iterdir()) == before


@pytest.mark.parametrize("key", ["../secret_key", "/etc/passwd", "", "A" * 48, "0" * 47 + "/"])
def test_a_key_that_is_not_ours_never_reaches_the_filesystem(tmp_path, key):
    (tmp_path / "secret_key").write_text("do not read")
    storage = LocalStorage(tmp_path / "evidence")
    with pytest.raises(FileNotFoundError):
        storage.open(key)
    with pytest.raises(FileNotFoundError):
        storage.delete(key)
    assert (tmp_path / "secret_key").exists()


def test_the_store_lives_in_the_configured_folder(app, tmp_path):
    settings = Config(evidence_path=tmp_path / "files")
    assert storage_for(settings).root == tmp_path / "files"
    assert storage_for(app).root == app.config["VENDORDD"].evidence_path
