"""The collector's disk: partial uploads, received batches and rejected ones.

    DATA/uploads/<upload_id>.bin   bytes received so far (its size is the tus offset)
    DATA/uploads/<upload_id>.json  length and metadata given at creation
    DATA/batches/<station>/<batch>.tar  verified batches
    DATA/batches/<station>/<batch>.ack  the signed acknowledgement sent back
    DATA/rejected/...              batches that failed verification, kept for audit

The upload id is derived from (station id, batch id), so a repeated creation for the
same batch finds the same upload: never stored twice, never restarted from zero.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exchange.batch import SAFE_ID


def upload_id_for(station_id: str, batch_id: str) -> str:
    return hashlib.sha256(f"{station_id}\x00{batch_id}".encode()).hexdigest()[:32]


@dataclass
class Upload:
    upload_id: str
    length: int
    station_id: str
    batch_id: str
    metadata: dict[str, str]
    offset: int = 0
    # Bumped by every PATCH that takes over the upload, so a request whose link was
    # black-holed (and that may still be waiting for body bytes) can never write again.
    generation: int = 0
    received: bool = False
    ack: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class CollectorStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.uploads_dir = self.data_dir / "uploads"
        self.batches_dir = self.data_dir / "batches"
        self.rejected_dir = self.data_dir / "rejected"
        for directory in (self.uploads_dir, self.batches_dir, self.rejected_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self._live: dict[str, Upload] = {}

    def batch_path(self, station_id: str, batch_id: str) -> Path:
        return self.batches_dir / station_id / f"{batch_id}.tar"

    def data_path(self, upload_id: str) -> Path:
        return self.uploads_dir / f"{upload_id}.bin"

    def _info_path(self, upload_id: str) -> Path:
        return self.uploads_dir / f"{upload_id}.json"

    def get(self, upload_id: str) -> Upload | None:
        if upload_id in self._live:
            return self._live[upload_id]
        if not all(c in "0123456789abcdef" for c in upload_id) or len(upload_id) != 32:
            return None
        info = self._info_path(upload_id)
        if not info.exists():
            return None
        meta = json.loads(info.read_text(encoding="utf-8"))
        upload = Upload(
            upload_id=upload_id,
            length=int(meta["length"]),
            station_id=meta["station_id"],
            batch_id=meta["batch_id"],
            metadata=meta["metadata"],
        )
        final = self.batch_path(upload.station_id, upload.batch_id)
        if final.exists():
            upload.offset, upload.received = upload.length, True
            ack_path = final.with_suffix(".ack")
            upload.ack = ack_path.read_text(encoding="ascii") if ack_path.exists() else None
        else:
            data = self.data_path(upload_id)
            upload.offset = data.stat().st_size if data.exists() else 0
        self._live[upload_id] = upload
        return upload

    def create(
        self, station_id: str, batch_id: str, length: int, metadata: dict[str, str]
    ) -> Upload:
        assert SAFE_ID.match(station_id) and SAFE_ID.match(batch_id)
        upload_id = upload_id_for(station_id, batch_id)
        existing = self.get(upload_id)
        if existing is not None:
            return existing
        self.data_path(upload_id).touch()
        self._write_info(upload_id, station_id, batch_id, length, metadata)
        upload = Upload(upload_id, length, station_id, batch_id, metadata)
        self._live[upload_id] = upload
        return upload

    def _write_info(
        self, upload_id: str, station_id: str, batch_id: str, length: int, metadata: dict[str, str]
    ) -> None:
        document = {
            "length": length,
            "station_id": station_id,
            "batch_id": batch_id,
            "metadata": metadata,
            "created_at": time.time(),
        }
        partial = self._info_path(upload_id).with_suffix(".tmp")
        partial.write_text(json.dumps(document), encoding="utf-8")
        os.replace(partial, self._info_path(upload_id))

    def import_file(
        self, source: Path, station_id: str, batch_id: str, sign: Callable[[], str]
    ) -> tuple[Path, str, bool]:
        """Take in a verified batch brought on removable media. Returns the held file,
        its acknowledgement, and whether it was already held. Afterwards a tus upload
        of the same batch is answered as already received."""
        final = self.batch_path(station_id, batch_id)
        if final.exists():
            return final, final.with_suffix(".ack").read_text(encoding="ascii"), True
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(final.name + ".part")
        with open(source, "rb") as reader, open(partial, "wb") as writer:
            shutil.copyfileobj(reader, writer, 1024 * 1024)
            writer.flush()
            os.fsync(writer.fileno())
        ack = sign()
        final.with_suffix(".ack").write_text(ack, encoding="ascii")
        os.replace(partial, final)
        upload_id = upload_id_for(station_id, batch_id)
        self._write_info(upload_id, station_id, batch_id, final.stat().st_size, {"via": "media"})
        self._live.pop(upload_id, None)
        return final, ack, False

    def write(self, upload: Upload, generation: int, chunk: bytes) -> bool:
        """Append `chunk` at the upload's offset unless a newer request took over.
        Runs without an await inside, so it is atomic within the event loop."""
        if generation != upload.generation or upload.received:
            return False
        room = upload.length - upload.offset
        chunk = chunk[:room]
        with open(self.data_path(upload.upload_id), "r+b") as handle:
            handle.seek(upload.offset)
            handle.write(chunk)
            handle.truncate()
        upload.offset += len(chunk)
        return True

    def sync(self, upload: Upload) -> None:
        path = self.data_path(upload.upload_id)
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def accept(self, upload: Upload, ack: str) -> Path:
        final = self.batch_path(upload.station_id, upload.batch_id)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.sync(upload)
        ack_path = final.with_suffix(".ack")
        ack_path.write_text(ack, encoding="ascii")
        os.replace(self.data_path(upload.upload_id), final)
        upload.received, upload.ack = True, ack
        return final

    def reject(self, upload: Upload, reason: str) -> None:
        """Move a batch that failed verification aside, freeing its upload id so a
        corrected batch can be sent again."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = self.rejected_dir / f"{upload.station_id}-{upload.batch_id}-{stamp}"
        target.mkdir(parents=True, exist_ok=True)
        os.replace(self.data_path(upload.upload_id), target / "batch.tar")
        os.replace(self._info_path(upload.upload_id), target / "upload.json")
        (target / "reason.txt").write_text(reason + "\n", encoding="utf-8")
        self._live.pop(upload.upload_id, None)

    def terminate(self, upload: Upload) -> None:
        for path in (self.data_path(upload.upload_id), self._info_path(upload.upload_id)):
            path.unlink(missing_ok=True)
        upload.generation += 1
        self._live.pop(upload.upload_id, None)

    def held_batches(self) -> list[Path]:
        return sorted(self.batches_dir.glob("*/*.tar"))
