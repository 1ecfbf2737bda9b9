"""The second copy: every committed record also on a USB stick, as it commits, so a dying
SD card does not take the day's records with it.

Only ciphertext leaves the station, so a lost stick reveals nothing: each record goes
onto the stick as its own one-record signed batch, `ektp-copy/<station>/copy-<receipt>.tar`
(the same format as an upload or an export: manifest, Ed25519 signature, the record's age
ciphertext). At the office `station collector import <stick folder>` verifies and holds
each one and writes the acknowledgements; `station ack FILE` back at the station releases
each acknowledged record as an export's acknowledgement does.

Which stick: the first medium the USB export would offer (station/upload/media.py: a
file system the kernel's mount table shows mounted below one of `upload.export_roots`, on
a block device the kernel calls removable or attaches over USB), other than the one that
holds the data directory. A fixed disk, or a folder on the SD card, is never taken for the
stick. Nothing found on the stick is trusted: its top folder is opened without following
links and checked to be that mounted file system, every file is created relative to it
with O_NOFOLLOW (a planted link is replaced by the rename, never written through),
fsynced, renamed, and the folder fsynced.

A worker writes whatever is missing: after each commit (woken by the commit hook), every
few seconds, and when a stick is plugged in later, it catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exchange.batch import SealedRecord, batch_bytes
from exchange.keys import ensure_signing_key
from peripherals.device import Text
from station.lifecycle import cancel_and_wait
from station.messages import SECOND_COPY_FAILED, second_copy_failed_on
from station.store.db import Store
from station.upload.export import write_file
from station.upload.media import MediaFinder, Medium

log = logging.getLogger(__name__)

FOLDER = "ektp-copy"
PREFIX = "copy-"
POLL_S = 5.0


def copy_batch_id(receipt_number: str) -> str:
    return f"{PREFIX}{receipt_number}"


def receipt_of(batch_id: str) -> str | None:
    return batch_id[len(PREFIX) :] if batch_id.startswith(PREFIX) else None


def find_stick(media: MediaFinder, data_dir: Path) -> Medium | None:
    """The first removable medium the export would list, other than the SD card."""
    try:
        card = os.stat(data_dir).st_dev
    except OSError:
        return None
    return next((m for m in media.mounted() if m.st_dev != card), None)


@contextmanager
def _folder(stick: Medium, station_id: str) -> Iterator[int]:
    """`<stick>/ektp-copy/<station>` as a directory fd, created if needed, no link
    followed, and on the stick's own file system."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    top = os.open(stick.mount_point, flags)
    fds = [top]
    try:
        device = os.fstat(top).st_dev
        if device != stick.st_dev:
            raise OSError(f"{stick.mount_point} is no longer the stick")
        current = top
        for name in (FOLDER, station_id):
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o700, dir_fd=current)
            current = os.open(name, flags, dir_fd=current)
            fds.append(current)
            if os.fstat(current).st_dev != device:
                raise OSError(f"{name} on the stick is not on the stick")
        yield current
    finally:
        for fd in reversed(fds):
            os.close(fd)


@dataclass
class CopyStatus:
    enabled: bool
    stick: Path | None = None
    copied: int = 0
    missing: int = 0
    error: Text | None = None

    @property
    def up_to_date(self) -> bool:
        return self.enabled and self.stick is not None and self.missing == 0 and not self.error

    def as_json(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "stick": str(self.stick) if self.stick else None,
            "copied": self.copied,
            "missing": self.missing,
            "up_to_date": self.up_to_date,
            "error": self.error.as_json() if self.error else None,
        }


class SecondCopy:
    def __init__(
        self,
        *,
        enabled: bool,
        media: MediaFinder,
        data_dir: Path,
        station_id: str,
        store: Store,
        key_file: Path,
    ) -> None:
        self.enabled = enabled
        self.media = media
        self.data_dir = data_dir
        self.station_id = station_id
        self.store = store
        self.key_file = key_file
        self._key: Ed25519PrivateKey | None = None
        self.status = CopyStatus(enabled)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def committed(self, db: sqlite_utils.Database, draft: Any, summary: dict[str, Any]) -> None:
        """Commit hook: wake the worker (the copy is written after the commit, so a slow
        or failing stick never holds up or fails a commit)."""
        self._wake.set()

    async def start(self) -> None:
        if self.enabled:
            self._task = asyncio.create_task(self._run(), name="second-copy")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                status = await asyncio.to_thread(self.sync)
            except Exception:  # a stick pulled mid-write, a bug: keep the worker alive
                log.exception("second copy")
                status = CopyStatus(True, None, 0, 0, SECOND_COPY_FAILED)
            self.status = status  # the health watch tells the tablets when it changes
            waiter = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({waiter}, timeout=POLL_S)
            finally:
                waiter.cancel()
            self._wake.clear()

    def _signing_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = ensure_signing_key(self.key_file)
        return self._key

    def _pending(self) -> list[tuple[str, str, bytes]]:
        """Committed records the office has not acknowledged: (receipt, visit, ciphertext)."""
        with self.store.lock:
            rows = self.store.db.execute(
                "SELECT e.receipt_number, e.visit_id, s.ciphertext FROM sealed_records s"
                " JOIN enrollments e ON e.id = s.enrollment_id"
                " WHERE s.ciphertext IS NOT NULL AND s.delivered_at IS NULL"
                " ORDER BY s.enrollment_id"
            ).fetchall()
        return [(str(r[0]), str(r[1]), bytes(r[2])) for r in rows]

    def survey(self) -> CopyStatus:
        """How up to date the stick is, writing nothing (`station doctor` asks this while
        the station may be writing)."""
        pending = self._pending()
        if not self.enabled:
            return CopyStatus(False, None, 0, len(pending))
        stick = find_stick(self.media, self.data_dir)
        if stick is None:
            return CopyStatus(True, None, 0, len(pending))
        try:
            present = set(os.listdir(stick.mount_point / FOLDER / self.station_id))
        except FileNotFoundError:
            present = set()
        except OSError as error:
            return self._failed(stick, 0, len(pending), error)
        copied = sum(f"{copy_batch_id(receipt)}.tar" in present for receipt, _, _ in pending)
        return CopyStatus(True, stick.mount_point, copied, len(pending) - copied)

    def sync(self) -> CopyStatus:
        """Write every record missing from the stick; say how up to date it is."""
        pending = self._pending()
        stick = find_stick(self.media, self.data_dir)
        if stick is None:
            return CopyStatus(True, None, 0, len(pending))
        copied = 0
        try:
            with _folder(stick, self.station_id) as folder:
                present = set(os.listdir(folder))
                for receipt, visit, ciphertext in pending:
                    name = f"{copy_batch_id(receipt)}.tar"
                    if name not in present:
                        data, _ = batch_bytes(
                            self.station_id,
                            copy_batch_id(receipt),
                            [SealedRecord(receipt, visit, ciphertext)],
                            self._signing_key(),
                        )
                        write_file(folder, name, data)
                        os.fsync(folder)  # each record's copy stands as it commits
                    copied += 1
        except OSError as error:
            return self._failed(stick, copied, len(pending) - copied, error)
        return CopyStatus(True, stick.mount_point, copied, 0)

    @staticmethod
    def _failed(stick: Medium, copied: int, missing: int, error: OSError) -> CopyStatus:
        where, why = stick.mount_point, error.strerror or error
        log.warning("second copy on %s: %s", where, why)
        return CopyStatus(True, where, copied, missing, second_copy_failed_on(where, why))
