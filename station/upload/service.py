"""Day's end, as the CLI and the tablet both run it: purge what retention allows,
close new sealed records into a batch, check the link, send every pending batch."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from exchange.ack import Acknowledgement, claimed_batch_id, verify_ack
from exchange.batch import manifest_bytes
from exchange.errors import BilingualError
from exchange.keys import ensure_signing_key, load_public_key
from station.config import StationConfig
from station.errors import Conflict
from station.events import EventBus, EventType
from station.messages import UPLOAD_ALREADY_RUNNING, UPLOAD_CRASHED, UPLOAD_NO_ACK_KEY
from station.store.db import Store
from station.upload.errors import UploadError
from station.upload.export import ExportResult, opened_medium, write_file
from station.upload.link import ModemStatus, check_collector, modem_status, require_collector
from station.upload.media import MediaFinder, Medium
from station.upload.outbox import Batch, Outbox
from station.upload.progress import UploadProgress
from station.upload.second_copy import receipt_of
from station.upload.settings import UploadSettings
from station.upload.tus import TusClient
from station.upload.uploader import Uploader, UploadResult

log = logging.getLogger(__name__)


def signing_key_path(config: StationConfig) -> Path:
    key_file = config.upload.signing_key_file
    return key_file if key_file.is_absolute() else config.data_dir / key_file


@dataclass
class DayEnd:
    outbox: Outbox
    settings: UploadSettings
    station_id: str
    signing_key: Ed25519PrivateKey

    @classmethod
    def from_config(cls, config: StationConfig, store: Store) -> DayEnd:
        return cls(
            Outbox(store, config.data_dir / "outbox"),
            config.upload,
            config.station.id,
            ensure_signing_key(signing_key_path(config)),
        )

    def media(self) -> MediaFinder:
        return MediaFinder.from_settings(self.settings)

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
        self,
        on_progress: Callable[[UploadProgress], None] | None = None,
        stop: threading.Event | None = None,
    ) -> list[UploadResult]:
        require_collector(self.settings.collector_url)
        self.close_day()
        pending = self.outbox.pending()
        if not pending:
            return []
        with self.client() as client:
            check_collector(client)
            uploader = Uploader(
                self.outbox, client, self.settings, self.collector_key, on_progress, stop=stop
            )
            return [uploader.upload(batch) for batch in pending]

    def export(self, medium: Medium) -> ExportResult:
        """Close the day and copy every pending batch onto the medium: the same signed
        bytes the upload would send, plus a readable manifest for the person carrying it.
        Files go into the medium's top folder; nothing is created elsewhere."""
        self.close_day()
        result = ExportResult(medium)
        with opened_medium(medium) as folder:
            for batch in self.outbox.pending():
                result.bytes_written += write_file(folder, batch.path.name, batch.path)
                manifest = f"{batch.batch_id}.manifest.json"
                result.bytes_written += write_file(folder, manifest, manifest_bytes(batch.manifest))
                result.files += [batch.path.name, manifest]
                result.records += batch.record_count
                self.outbox.set_exported(batch.batch_id, f"{medium.label}/{batch.path.name}")
        return result

    def accept_acks(self, tokens: list[str]) -> list[Acknowledgement]:
        """Acknowledgements carried back on media (`station collector import
        --ack-out`): each is verified against the pending batch it names."""
        key = self.collector_key
        if key is None:
            raise UploadError(
                "no_ack_key",
                UPLOAD_NO_ACK_KEY,
                resumable=False,
            )
        accepted = []
        pending = {b.batch_id: b for b in self.outbox.pending()}
        for token in tokens:
            claimed = claimed_batch_id(token) or ""
            receipt = receipt_of(claimed)
            if receipt is not None:
                copy_ack = self._accept_copy_ack(token, key, claimed, receipt)
                if copy_ack is not None:
                    accepted.append(copy_ack)
                continue
            batch = pending.get(claimed)
            if batch is None:
                continue  # not ours, or already acknowledged
            ack = verify_ack(token, key, batch.batch_id, batch.ciphertext_sha256)
            self.outbox.acknowledge(
                batch.batch_id, ack.token, self.settings.retention_after_ack_hours
            )
            accepted.append(ack)
        return accepted

    def _accept_copy_ack(
        self, token: str, key: Ed25519PublicKey, batch_id: str, receipt: str
    ) -> Acknowledgement | None:
        """The office holds this record from the second-copy stick: verified against our
        own ciphertext, it is released as an exported batch's record would be."""
        held = self.outbox.undelivered_ciphertext(receipt)
        if held is None:
            return None  # already released, or not ours
        enrollment_id, ciphertext = held
        ack = verify_ack(token, key, batch_id, hashlib.sha256(ciphertext).hexdigest())
        self.outbox.release_record(enrollment_id, self.settings.retention_after_ack_hours)
        return ack

    def status(self) -> dict[str, Any]:
        states = self.outbox.record_states()
        pending = self.outbox.pending()
        return {
            # Nothing sealed is waiting outside a batch, and every batch not yet delivered
            # is on a medium: the day is closed and exported.
            "closed_and_exported": bool(pending)
            and "sealed" not in states.values()
            and all(b.exported_to for b in pending),
            "records": {
                state: sum(1 for s in states.values() if s == state)
                for state in ("sealed", "batched", "delivered")
            },
            "record_states": states,
            "batches": [b.as_json() for b in self.outbox.batches()],
        }


class UploadRunner:
    """The station's day's-end upload, started from the tablet: one at a time, in a
    worker thread, every progress step published as an `upload` event."""

    def __init__(self, config: StationConfig, store: Store, bus: EventBus) -> None:
        self.config = config
        self.store = store
        self.bus = bus
        self.progress: UploadProgress | None = None
        self.last_error: dict[str, Any] | None = None
        self._running = threading.Lock()
        self._stop = threading.Event()
        self._task: asyncio.Task[None] | None = None
        # During-day rounds that came due and were decided (uploaded or declined): the
        # positive signal that the schedule looked and said no, which a test waits for
        # instead of sleeping to show that nothing left.
        self.rounds_decided = 0

    @property
    def running(self) -> bool:
        return self._running.locked()

    def day_end(self) -> DayEnd:
        return DayEnd.from_config(self.config, self.store)

    def media(self) -> list[dict[str, object]]:
        return [medium.as_json() for medium in self.day_end().media().mounted()]

    def export(self, mount_point: str) -> ExportResult:
        """Export to the listed medium mounted at `mount_point`; a delivered export
        supersedes the last upload's failure, which the tablet stops showing."""
        day = self.day_end()
        result = day.export(day.media().find(mount_point))
        self.last_error = None
        self.progress = None
        return result

    def status(self) -> dict[str, Any]:
        return {
            **self.day_end().status(),
            "running": self.running,
            "progress": self.progress.as_event() if self.progress else None,
            "error": self.last_error,
        }

    def _publish(self, progress: UploadProgress) -> None:
        self.progress = progress
        self.bus.publish(EventType.UPLOAD, {"progress": progress.as_event()})

    async def during_day(self) -> None:
        """Upload as the day goes (upload.during_day): every few minutes, the same
        upload as the tablet's day's-end button, skipped while one runs; a link that is
        down leaves everything queued for the next round. It runs with the setting off
        too, every round declining, so that "off" is a decision it is seen to make."""
        every = self.config.upload.during_day_every_min * 60
        while not self._stop.is_set():
            await asyncio.sleep(every)
            if self._round_due():
                with contextlib.suppress(Conflict):  # an upload started meanwhile
                    self.start()
                    # Shielded: stopping this loop must not cancel an upload mid-request;
                    # the station's stop() ends that between two requests.
                    await asyncio.shield(self.wait())
            self.rounds_decided += 1

    def _round_due(self) -> bool:
        return (
            self.config.upload.during_day
            and not self._stop.is_set()
            and not self.running
            and bool(self.day_end().outbox.unbatched_count())
        )

    def start(self) -> None:
        if not self._running.acquire(blocking=False):
            raise Conflict("upload_running", UPLOAD_ALREADY_RUNNING)
        self.last_error = None
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            results = await asyncio.to_thread(self.day_end().upload, self._publish, self._stop)
            acknowledged = sum(r.ack is not None for r in results)
            log.info("upload finished: %d batch(es), %d acknowledged", len(results), acknowledged)
            self.bus.publish(
                EventType.UPLOAD,
                {
                    "finished": True,
                    "batches": [
                        {
                            "batch_id": r.batch_id,
                            "acknowledged": r.ack is not None,
                            "no_ack": None
                            if r.no_ack is None
                            else {
                                "code": r.no_ack.code,
                                "message": r.no_ack.text.as_json(),
                            },
                        }
                        for r in results
                    ],
                },
            )
        except BilingualError as error:
            log.warning("upload stopped: %s (%s)", error.code, error.text.en)
            self.last_error = {
                "code": error.code,
                "message": error.text.as_json(),
            }
            self.bus.publish(EventType.UPLOAD, {"finished": True, "error": self.last_error})
        except Exception:  # noqa: BLE001 - reported to the tablet, never a silent death
            log.exception("day's-end upload failed")
            self.last_error = {
                "code": "upload_crashed",
                "message": UPLOAD_CRASHED.as_json(),
            }
            self.bus.publish(EventType.UPLOAD, {"finished": True, "error": self.last_error})
        finally:
            self._running.release()

    async def wait(self) -> None:
        if self._task is not None:
            await self._task

    async def stop(self) -> None:
        """Before the store closes: end a running upload between two requests (at
        most one request timeout); it resumes from the server's offset next time."""
        self._stop.set()
        await self.wait()
