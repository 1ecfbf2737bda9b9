"""Day's end, as the CLI and the tablet both run it: purge what retention allows,
close new sealed records into a batch, check the link, send every pending batch."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from station.sealing.batch import manifest_bytes
from station.sealing.keys import load_public_key
from station.upload.link import ModemStatus, check_collector, modem_status
from station.upload.outbox import Batch, Outbox
from station.upload.progress import UploadProgress
from station.upload.settings import UploadSettings
from station.upload.tus import TusClient
from station.upload.uploader import Uploader, UploadResult


@dataclass
class DayEnd:
    outbox: Outbox
    settings: UploadSettings
    station_id: str
    signing_key: Ed25519PrivateKey

    @property
    def collector_key(self) -> Ed25519PublicKey | None:
        key = self.settings.collector_ack_key
        return load_public_key(key) if key else None

    def close_day(self) -> Batch | None:
        self.outbox.purge_expired(self.settings.retention_after_ack_hours)
        return self.outbox.close_batch(self.station_id, self.signing_key)

    def client(self) -> TusClient:
        s = self.settings
        return TusClient(
            s.collector_url,
            connect_timeout_s=s.connect_timeout_s,
            read_timeout_s=s.read_timeout_s,
            write_timeout_s=s.write_timeout_s,
        )

    def modem(self) -> ModemStatus | None:
        return modem_status()

    def upload(
        self, on_progress: Callable[[UploadProgress], None] | None = None
    ) -> list[UploadResult]:
        self.close_day()
        pending = self.outbox.pending()
        if not pending:
            return []
        with self.client() as client:
            check_collector(client)
            uploader = Uploader(self.outbox, client, self.settings, self.collector_key, on_progress)
            return [uploader.upload(batch) for batch in pending]

    def export(self, target: Path) -> list[Path]:
        """Copy every pending batch to removable media: the same signed bytes the
        upload would send, plus a readable manifest for the person carrying it."""
        self.close_day()
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for batch in self.outbox.pending():
            destination = target / batch.path.name
            partial = destination.with_name(destination.name + ".part")
            with open(batch.path, "rb") as source, open(partial, "wb") as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(partial, destination)
            (target / f"{batch.batch_id}.manifest.json").write_bytes(manifest_bytes(batch.manifest))
            self.outbox.set_exported(batch.batch_id, str(destination))
            written.append(destination)
        return written
