"""Writing the day's batches onto a USB stick that may have been prepared by someone
hostile: links planted under the batch's file names must not redirect a write onto the
SD card or anywhere else.

The medium's top folder is opened once (no symlink followed, and it must be the very
filesystem the mount table listed), and every file is created relative to that open
folder: a temporary name created exclusively (O_EXCL never follows a link), written,
fsynced, then renamed over the final name (a rename replaces a planted link, it does not
write through it), and the folder fsynced."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from station.errors import Conflict
from station.messages import export_medium_changed
from station.upload.media import Medium

CHUNK = 1024 * 1024


@dataclass
class ExportResult:
    medium: Medium
    records: int = 0
    files: list[str] = field(default_factory=list)
    bytes_written: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "medium": self.medium.as_json(),
            "records": self.records,
            "files": list(self.files),
            "bytes": self.bytes_written,
        }


def _refused(medium: Medium) -> Conflict:
    return Conflict("export_medium_changed", export_medium_changed(medium.label))


@contextmanager
def opened_medium(medium: Medium) -> Iterator[int]:
    """The medium's top folder as a directory descriptor, checked to be the mounted
    filesystem itself (not a link, not a folder of the SD card swapped in since)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(medium.mount_point, flags)
    except OSError:
        raise _refused(medium) from None
    try:
        if os.fstat(fd).st_dev != medium.st_dev:
            raise _refused(medium)
        yield fd
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(dir_fd: int, name: str, source: Path | bytes) -> int:
    """Write `source` (a file's path or the bytes) as `name` inside the open folder:
    temp name, fsync, rename. Returns the bytes written."""
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"not a plain file name: {name!r}")
    partial = name + ".part"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(partial, dir_fd=dir_fd)  # removes a planted link itself, never its target
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(partial, flags, 0o600, dir_fd=dir_fd)
    written = 0
    with os.fdopen(fd, "wb") as sink:
        if isinstance(source, bytes):
            written = sink.write(source)
        else:
            with open(source, "rb") as reader:
                while chunk := reader.read(CHUNK):
                    written += sink.write(chunk)
        sink.flush()
        os.fsync(sink.fileno())
    os.replace(partial, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    return written
