"""Opening the station database with the durability settings the product promises.

WAL + synchronous=FULL: a committed enrollment survives a power cut at any instant.
secure_delete: deleted drafts are overwritten, not left in free pages."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from station.errors import Failure
from station.messages import database_cannot_open
from station.store.fault import StorageGuard
from station.store.migrations import migrate

DATABASE_NAME = "station.db"


class Store:
    """The database plus a lock: the event loop and device threads share one connection."""

    def __init__(self, db: sqlite_utils.Database, data_dir: Path | None = None) -> None:
        self.db = db
        self.lock = threading.RLock()
        # Every write goes through transaction(): the one place that sees a failing card.
        self.guard = StorageGuard(data_dir)

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """All or nothing; nested calls join the outer transaction (savepoints). An I/O
        error, a full disk or a read-only card rolls it back and trips the storage guard
        (a StationError with what to do reaches the caller)."""
        with self.guard.watch(), self.lock, self.db.atomic():
            yield self.db

    def close(self) -> None:
        with self.lock:
            self.db.close()


def keep_private(data_dir: Path) -> None:
    """Everything the station writes is readable by the station's user only (0600 files,
    0700 folders): the process's umask, set here because every process that writes
    station files (the station, `station upload|export|provision`) opens the store first,
    and files an older version or a copy left group- or world-readable are tightened."""
    os.umask(0o077)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    me = os.geteuid()
    for folder, dirs, files in os.walk(data_dir):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            info = os.lstat(name)
            # Only our own files: one that provisioning (root) left is its owner's to fix.
            if not stat.S_ISLNK(info.st_mode) and info.st_uid == me and info.st_mode & 0o077:
                os.chmod(name, stat.S_IMODE(info.st_mode) & 0o700)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]


def open_store(data_dir: Path) -> Store:
    try:
        keep_private(data_dir)
        conn = sqlite3.connect(data_dir / DATABASE_NAME, check_same_thread=False, timeout=10)
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "secure_delete=ON",
            "busy_timeout=10000",
        ):
            conn.execute(f"PRAGMA {pragma}")
        db = sqlite_utils.Database(conn)
        migrate(db)
    except (OSError, sqlite3.DatabaseError) as error:
        raise Failure("store_unavailable", database_cannot_open(data_dir, error)) from None
    return Store(db, data_dir)
