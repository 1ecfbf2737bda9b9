"""Sending one batch: create once, HEAD after any failure, PATCH in adaptive chunks,
back off with jitter, and stop only on success, a fatal refusal, or too many
failures in a row (the batch then stays queued and resumes next time)."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from exchange.ack import Acknowledgement, verify_ack
from exchange.errors import SealingError
from peripherals.device import Text
from station.messages import (
    UPLOAD_LOST_TWICE,
    UPLOAD_OFFSET_UNSTABLE,
    UPLOAD_STOPPED_FOR_SHUTDOWN,
    link_failed_in_a_row,
    sent_but_ack_not_found,
    sent_but_no_ack_header,
    sent_but_no_ack_key,
)
from station.upload.errors import OffsetConflict, TransientError, UploadError, UploadGone
from station.upload.outbox import Batch, Outbox
from station.upload.progress import RateMeter, UploadProgress
from station.upload.settings import UploadSettings
from station.upload.tus import TusClient, UploadStatus

log = logging.getLogger(__name__)

ProgressSink = Callable[[UploadProgress], None]


@dataclass(frozen=True)
class NoAck:
    """Why every byte arrived but no acknowledgement did, and what a person does."""

    code: str  # no_ack_key | no_ack_header | ack_not_found
    text: Text


@dataclass(frozen=True)
class UploadResult:
    batch_id: str
    ack: Acknowledgement | None  # None: sent, but nothing released (see no_ack)
    retries: int
    bytes_sent: int
    seconds: float
    no_ack: NoAck | None = None


def _no_ack(batch_id: str, ack_url: str | None, has_key: bool) -> NoAck:
    if not has_key:
        return NoAck("no_ack_key", sent_but_no_ack_key(batch_id))
    if ack_url is None:
        return NoAck("no_ack_header", sent_but_no_ack_header(batch_id))
    return NoAck("ack_not_found", sent_but_ack_not_found(batch_id, ack_url))


def backoff_delay(failures: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: spreads stations that all lost the same
    cell tower at once, and never waits longer than `max_s`."""
    return rng.uniform(0, min(max_s, base_s * 2 ** max(0, failures - 1)))


class ChunkSizer:
    """Chunk size that follows the link: about `target_s` seconds of data at the
    measured rate, within [min, max], halved after a failure so a flaky link loses
    less per cut even against a server that drops partial PATCH bodies."""

    def __init__(self, minimum: int, maximum: int, target_s: float) -> None:
        self.minimum, self.maximum, self.target_s = minimum, max(minimum, maximum), target_s
        self.size = minimum

    def observe(self, nbytes: int, seconds: float) -> None:
        if nbytes <= 0 or seconds <= 0:
            return
        wanted = int(nbytes / seconds * self.target_s)
        self.size = max(self.minimum, min(self.maximum, wanted))

    def failed(self) -> None:
        self.size = max(self.minimum, self.size // 2)


class Uploader:
    def __init__(
        self,
        outbox: Outbox,
        client: TusClient,
        settings: UploadSettings,
        collector_key: Ed25519PublicKey | None,
        on_progress: ProgressSink | None = None,
        *,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.settings = settings
        self.collector_key = collector_key
        self.on_progress = on_progress or (lambda _p: None)
        # Set when the station shuts down: the upload ends between two requests and
        # resumes from the server's offset next time.
        self.stop = stop or threading.Event()
        self.sleep = sleep or self.stop.wait
        self.rng = rng or random.Random()

    def upload(self, batch: Batch) -> UploadResult:
        started = time.monotonic()
        meter = RateMeter()
        sizer = ChunkSizer(
            self.settings.chunk_min_bytes,
            self.settings.chunk_max_bytes,
            self.settings.chunk_target_s,
        )
        url = batch.upload_url
        retries = failures = recreated = 0
        bytes_sent = offset = 0

        def report(state: str) -> None:
            self.on_progress(
                UploadProgress(
                    batch_id=batch.batch_id,
                    state=state,
                    bytes_done=offset,
                    bytes_total=batch.size,
                    rate_bps=meter.rate,
                    eta_s=meter.eta(batch.size - offset),
                    retries=retries,
                    bytes_sent=bytes_sent,
                )
            )

        report("connecting")
        with open(batch.path, "rb") as source:
            while True:
                try:
                    if url is None:
                        url = self.client.create(
                            batch.size,
                            {
                                "batch_id": batch.batch_id,
                                "station_id": batch.station_id,
                                "filename": batch.path.name,
                                "ciphertext_sha256": batch.ciphertext_sha256,
                            },
                        )
                        # Before the first PATCH, so a restart resumes this very upload.
                        self.outbox.set_upload_url(batch.batch_id, url)
                    status = self.client.status(url)
                    if status.offset > offset:
                        # A cut PATCH still moved the server on: that is progress,
                        # not a failure streak (a link cutting every few 100 KB
                        # must finish, not give up).
                        failures = 0
                    offset = status.offset
                    report("uploading")
                    while offset < batch.size:
                        self._check_stop()
                        source.seek(offset)
                        data = source.read(sizer.size)
                        t0 = time.monotonic()
                        bytes_sent += len(data)
                        status = self.client.patch(url, offset, data)
                        elapsed = time.monotonic() - t0
                        meter.add(status.offset - offset, elapsed)
                        sizer.observe(len(data), elapsed)
                        offset, failures = status.offset, 0
                        report("uploading")
                    if status.ack is None and offset >= batch.size:
                        # The last PATCH reply may have been lost; HEAD carries the ack too.
                        status = self.client.status(url)
                    report("verifying")
                    ack, ack_url = self._accept(batch, status)
                    report("done")
                    return UploadResult(
                        batch.batch_id,
                        ack,
                        retries,
                        bytes_sent,
                        time.monotonic() - started,
                        None
                        if ack is not None
                        else _no_ack(batch.batch_id, ack_url, self.collector_key is not None),
                    )
                except OffsetConflict:
                    log.info("upload %s: offset conflict, re-reading it", batch.batch_id)
                    retries += 1
                    failures += 1
                except UploadGone:
                    # The server expired or lost the upload. Start it once more from
                    # zero; a second disappearance in one run is a server problem.
                    if recreated:
                        raise UploadError(
                            "upload_lost",
                            UPLOAD_LOST_TWICE,
                            resumable=True,
                        ) from None
                    recreated += 1
                    url = None
                    self.outbox.set_upload_url(batch.batch_id, None)
                    continue
                except TransientError as exc:
                    log.warning("upload %s: %s (retry %d)", batch.batch_id, exc, retries + 1)
                    retries += 1
                    failures += 1
                    sizer.failed()
                    report("retrying")
                    if failures >= self.settings.max_consecutive_failures:
                        raise UploadError(
                            "link_unusable", link_failed_in_a_row(failures), resumable=True
                        ) from None
                    self._check_stop()
                    self.sleep(
                        backoff_delay(
                            failures,
                            self.settings.backoff_base_s,
                            self.settings.backoff_max_s,
                            self.rng,
                        )
                    )
                if failures >= self.settings.max_consecutive_failures:
                    raise UploadError(
                        "offset_unstable",
                        UPLOAD_OFFSET_UNSTABLE,
                        resumable=True,
                    )

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise UploadError(
                "upload_stopped",
                UPLOAD_STOPPED_FOR_SHUTDOWN,
                resumable=True,
            )

    def _accept(
        self, batch: Batch, status: UploadStatus
    ) -> tuple[Acknowledgement | None, str | None]:
        """Delete sealed data only on an acknowledgement we can verify. Also returns
        the ack service's URL when one was asked (to say why no ack came)."""
        token, url = status.ack, None
        if token is None and self.settings.ack_url:
            url = self.settings.ack_url.format(station_id=batch.station_id, batch_id=batch.batch_id)
            token = self._fetch_ack(url)
        if token is None or self.collector_key is None:
            return None, url
        try:
            ack = verify_ack(token, self.collector_key, batch.batch_id, batch.ciphertext_sha256)
        except SealingError as exc:
            raise UploadError(exc.code, exc.text, resumable=False) from exc
        self.outbox.acknowledge(batch.batch_id, ack.token, self.settings.retention_after_ack_hours)
        return ack, url

    def _fetch_ack(self, url: str) -> str | None:
        """The office may verify a moment after the last byte: ask a few times."""
        for attempt in range(1, 6):
            try:
                token = self.client.fetch_ack(url)
            except TransientError as exc:
                log.warning("acknowledgement %s: %s", url, exc)
                token = None
            if token is not None:
                return token
            self.sleep(
                backoff_delay(
                    attempt, self.settings.backoff_base_s, self.settings.backoff_max_s, self.rng
                )
            )
        return None
