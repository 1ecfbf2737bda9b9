"""Atomic replacement (exchange/durable.py): a write or copy that fails part-way leaves
the old file whole and no temp file behind; one that completes replaces it, with the
requested mode whatever the umask."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from exchange import durable
from exchange.durable import copy_atomic, write_atomic


class Unplugged(OSError):
    """The medium going away in the middle of a write."""


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != "target")


def test_a_write_replaces_the_file_with_the_mode_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"old")
    old_umask = os.umask(0o077)
    try:
        write_atomic(target, b"new", mode=0o640)
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_a_write_that_fails_part_way_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"old")

    def half_then_unplugged(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise Unplugged(5, "Input/output error")

    monkeypatch.setattr(durable, "write_all", half_then_unplugged)
    with pytest.raises(Unplugged):
        write_atomic(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_a_copy_from_a_path_or_a_stream_replaces_the_file(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.write_bytes(b"from a file" * 1000)
    target = tmp_path / "out" / "target"
    copy_atomic(source, target)
    assert target.read_bytes() == source.read_bytes()
    copy_atomic(io.BytesIO(b"from a stream"), target)
    assert target.read_bytes() == b"from a stream"
    assert _leftovers(target.parent) == []


def test_a_copy_whose_source_fails_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"old")

    class FailingStream(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() > 0:
                raise Unplugged(5, "Input/output error")
            return super().read(4)

    with pytest.raises(Unplugged):
        copy_atomic(FailingStream(b"new contents"), target)
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []
