"""Files that survive a power cut: written to a temporary name, fsynced, renamed over
the target, and the directory fsynced, so that after a cut at any instant the path
holds either the whole old file or the whole new one, never an empty or half file.

Every file that matters on the station (keys, config, batches, status records,
the second copy on a USB stick) and at the collector goes through here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol


class FileOwner(Protocol):
    @property
    def uid(self) -> int: ...

    @property
    def gid(self) -> int: ...


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new name in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def _open_temp(path: Path, mode: int, owner: FileOwner | None) -> tuple[Path, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_name(path)
    # O_NOFOLLOW: a planted symlink at the temp name is refused, never written through.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    try:
        os.fchmod(fd, mode)  # O_CREAT's mode is filtered by the umask; this is not
        if owner is not None:
            os.fchown(fd, owner.uid, owner.gid)
    except BaseException:
        _discard(tmp, fd)
        raise
    return tmp, fd


def _discard(tmp: Path, fd: int) -> None:
    """A temp file that will not be published: closed and gone, the target untouched."""
    os.close(fd)
    tmp.unlink(missing_ok=True)


def _publish(tmp: Path, fd: int, path: Path) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


@contextmanager
def replacing(path: Path, mode: int = 0o600, owner: FileOwner | None = None) -> Iterator[int]:
    """A temp file beside `path` to write to; published over `path` when the block ends,
    discarded if it raises (so a failed write leaves the old file, never part of the new)."""
    tmp, fd = _open_temp(path, mode, owner)
    try:
        yield fd
    except BaseException:
        _discard(tmp, fd)
        raise
    _publish(tmp, fd, path)


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is out (a short write is legal for any file)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_atomic(
    path: Path, data: bytes, mode: int = 0o600, owner: FileOwner | None = None
) -> None:
    """Replace `path` with `data` so that a power cut leaves the old or the new file."""
    with replacing(path, mode, owner) as fd:
        write_all(fd, data)


def copy_atomic(source: Path | BinaryIO, path: Path, mode: int = 0o600) -> None:
    """Copy a file (or an open binary stream) to `path`, durably and all-or-nothing."""
    # The buffered sink is flushed as its block ends, before the file is fsynced.
    with replacing(path, mode, None) as fd, open(fd, "wb", closefd=False) as sink:
        if isinstance(source, Path):
            with open(source, "rb") as reader:
                shutil.copyfileobj(reader, sink, 1024 * 1024)
        else:
            shutil.copyfileobj(source, sink, 1024 * 1024)


def replace_durably(source: Path, target: Path) -> None:
    """Rename an already-fsynced file into place and make the rename itself durable
    (both directories, when it moves between them)."""
    os.replace(source, target)
    fsync_dir(target.parent)
    if source.parent != target.parent:
        fsync_dir(source.parent)


def create_exclusive(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Create `path` with `data` unless it exists (then False): a key written once.
    The name appears only once the whole file is on disk (link of a fsynced temp),
    so a power cut never leaves an empty key that would stop the station."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    try:
        try:
            os.fchmod(fd, mode)
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        fsync_dir(path.parent)
        return True
    finally:
        tmp.unlink(missing_ok=True)
