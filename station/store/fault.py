"""A failing or full SD card, seen where the station writes: an I/O error (EIO), a full
disk (ENOSPC) or a card the kernel remounted read-only (EROFS).

The first such error trips the guard: the station refuses new enrollments with a clear
message and the fault lights, and keeps serving what is committed (lists, receipts,
upload, export). SQLite's transaction makes the failed write all or nothing, so a commit
that hit the error left no half record. A full disk clears itself once a write succeeds
again (after an upload released space); an I/O error or a read-only card stays until
the station is restarted, since that card can no longer be trusted.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from peripherals.device import Text
from station.errors import NoSpace
from station.messages import STORAGE_FULL, STORAGE_IO_ERROR, STORAGE_READ_ONLY
from station.store.audit import now_iso

log = logging.getLogger(__name__)

IO_ERROR, DISK_FULL, READ_ONLY = "io_error", "disk_full", "read_only"

_TEXT = {
    IO_ERROR: STORAGE_IO_ERROR,
    DISK_FULL: STORAGE_FULL,
    READ_ONLY: STORAGE_READ_ONLY,
}

_ERRNO = {
    errno.EIO: IO_ERROR,
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EROFS: READ_ONLY,
}
# SQLite primary result codes (the low byte of the extended code).
_SQLITE = {10: IO_ERROR, 13: DISK_FULL, 8: READ_ONLY, 11: IO_ERROR, 14: IO_ERROR}


def classify(error: BaseException) -> str | None:
    """The storage fault an exception stands for, or None for any other error."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE:
            return _SQLITE[code & 0xFF]
        message = str(error).lower()
        if "disk i/o error" in message:
            return IO_ERROR
        if "database or disk is full" in message:
            return DISK_FULL
        if "readonly" in message or "read-only" in message:
            return READ_ONLY
        return None
    if isinstance(error, OSError):
        return _ERRNO.get(error.errno or 0)
    return None


@dataclass(frozen=True)
class StorageFault:
    kind: str
    since: str

    @property
    def text(self) -> Text:
        return _TEXT[self.kind]

    def error(self) -> NoSpace:
        return NoSpace(f"storage_{self.kind}", self.text)

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "since": self.since,
            "message": self.text.as_json(),
        }


def _refine(kind: str, data_dir: Path | None) -> str:
    """SQLite reports a write refused by a read-only card or a full one as a plain I/O
    error; a tiny write beside the database says which it is (a card the kernel
    remounted read-only after errors still looks read-write to statvfs)."""
    if kind != IO_ERROR or data_dir is None:
        return kind
    probe = data_dir / ".write-probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except OSError as error:
        return _ERRNO.get(error.errno or 0, kind)
    return kind


class StorageGuard:
    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.fault: StorageFault | None = None
        self._listeners: list[Callable[[StorageFault | None], None]] = []
        self._lock = threading.Lock()

    def listen(self, listener: Callable[[StorageFault | None], None]) -> None:
        self._listeners.append(listener)

    def trip(self, kind: str) -> StorageFault:
        kind = _refine(kind, self.data_dir)
        with self._lock:
            current = self.fault
            # An I/O error or read-only card outranks "full": it is what a person must fix.
            if current is None or (current.kind == DISK_FULL and kind != DISK_FULL):
                self.fault = StorageFault(kind, now_iso())
                log.error("storage fault: %s", kind)
                fault = self.fault
            else:
                return current
        self._tell(fault)
        return fault

    def room_again(self) -> None:
        """Space was freed (an upload released records): a full disk is no fault now."""
        if self.fault is not None and self.fault.kind == DISK_FULL:
            with self._lock:
                self.fault = None
            log.warning("storage: room again, new enrollments accepted")
            self._tell(None)

    def refuse_new_work(self) -> None:
        if self.fault is not None:
            raise self.fault.error()

    @contextmanager
    def watch(self) -> Iterator[None]:
        """Turn a storage error inside the block into the fault (and its clear message)."""
        try:
            yield
        except (sqlite3.Error, OSError) as error:
            kind = classify(error)
            if kind is None:
                raise
            raise self.trip(kind).error() from error

    def _tell(self, fault: StorageFault | None) -> None:
        for listener in self._listeners:
            try:
                listener(fault)
            except Exception:  # a listener (event bus, lights) must not hide the fault
                log.exception("storage fault listener")
