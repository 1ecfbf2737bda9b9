"""The event bus and its catalogue: every event the station sends to the tablets.

The catalogue below is the written contract between the core and the tablet: each
`EventType` names one event and `PAYLOADS` its payload type. Publishers pass an
`EventType`, never a free string, so nothing is published that is not documented here.

Every event carries `seq`, one more than the event before it on this station run. A
tablet that sees a gap (its socket buffer overflowed, or it reconnected) re-reads the
whole state instead of trusting its own copy.

A slow or vanished tablet must never slow the station: each subscriber has a bounded
queue and, when it is full, loses its oldest events (the `seq` gap tells the tablet)."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import Any, TypedDict

from station.store.audit import now_iso


class EventType(StrEnum):
    HELLO = "hello"  # first message on every connection: the whole current state
    STATION = "station"  # the station finished starting
    HEALTH = "health"  # device, provisioning or storage health changed (the banner)
    ENROLLMENT = "enrollment"  # the enrollment snapshot after any step
    CAPTURE = "capture"  # a camera or fingerprint capture started / ended
    FINGERPRINT = "fingerprint"  # one finger's record changed
    FINGERPRINT_LIVE = "fingerprint_live"  # the guided walk: the capture in progress
    PHOTO_QUALITY = "photo_quality"  # live photo checks of the preview
    RECEIPT = "receipt"  # a receipt job changed
    PRINTER = "printer"  # the printer's state changed
    UPLOAD = "upload"  # day's-end upload progress or result
    INDICATOR = "indicator"  # the status lights' pattern changed
    BUTTON = "button"  # the front panel button was pressed
    ROSTER = "roster"  # the school roster changed (import, status, pick)
    CLOSING = "closing"  # registry closing answers were saved
    SIMULATOR = "simulator"  # a simulator control was used (simulation mode only)
    SELFTEST = "selftest"  # a technician ran a device self-test


class Message(TypedDict):
    """`{"id": ..., "en": ...}`: a bilingual message."""

    id: str
    en: str


class HelloPayload(TypedDict):
    enrollment: dict[str, Any]  # as GET /api/enrollment
    health: dict[str, Any]  # as GET /api/health


class StationPayload(TypedDict):
    ready: bool


class HealthPayload(TypedDict, total=False):
    """As GET /api/health."""

    status: str
    devices: dict[str, Any]
    notes: list[Message]


class CapturePayload(TypedDict):
    device: str  # "camera" | "fingerprint"
    active: bool


class EnrollmentPayload(TypedDict, total=False):
    """The enrollment snapshot (as GET /api/enrollment) plus what happened."""

    event: str
    step: str
    enrollment: dict[str, Any] | None


class FingerprintPayload(TypedDict, total=False):
    enrollment_id: int
    position: int
    status: str
    attempts: int
    last_error: dict[str, Any] | None


class FingerprintLivePayload(TypedDict):
    """The guided walk's capture in progress (station/fingerprints/guided.py)."""

    enrollment_id: int
    state: str  # not_started | running | finished | stopped
    phase: str  # waiting | captured | sending | quality | finished | stopped
    position: int | None  # the finger whose image this is
    prompt: int | None  # the finger the applicant is asked to place now
    again: bool  # the prompt asks for a finger again
    progress: float  # share of the image received, 0-1
    verdict: str | None  # the module's verdict on the image
    quality: int | None
    good: bool | None
    attempt: int
    message: Message | None  # why a finger is asked again


class PhotoQualityPayload(TypedDict, total=False):
    seq: int  # the preview frame checked
    birth_year: int | None
    ok: bool
    camera: Message
    checks: list[dict[str, Any]]


class ReceiptPayload(TypedDict, total=False):
    job_id: int
    enrollment_id: int
    receipt_number: str
    kind: str
    status: str  # queued | printed | uncertain
    error: str


class PrinterPayload(TypedDict, total=False):
    """As GET /api/receipts/printer."""

    state: str
    message: Message


class UploadPayload(TypedDict, total=False):
    progress: dict[str, Any]
    finished: bool
    batches: list[dict[str, Any]]
    error: dict[str, Any] | None


class IndicatorPayload(TypedDict):
    pattern: str


class ButtonPayload(TypedDict):
    action: str
    step: str


class RosterPayload(TypedDict, total=False):
    event: str  # imported | status | picked
    visit_id: int
    student: dict[str, Any]


class ClosingPayload(TypedDict, total=False):
    enrollment_id: int


class DeviceActionPayload(TypedDict):
    device: str
    operator: str


PAYLOADS: dict[EventType, type] = {
    EventType.HELLO: HelloPayload,
    EventType.STATION: StationPayload,
    EventType.HEALTH: HealthPayload,
    EventType.ENROLLMENT: EnrollmentPayload,
    EventType.CAPTURE: CapturePayload,
    EventType.FINGERPRINT: FingerprintPayload,
    EventType.FINGERPRINT_LIVE: FingerprintLivePayload,
    EventType.PHOTO_QUALITY: PhotoQualityPayload,
    EventType.RECEIPT: ReceiptPayload,
    EventType.PRINTER: PrinterPayload,
    EventType.UPLOAD: UploadPayload,
    EventType.INDICATOR: IndicatorPayload,
    EventType.BUTTON: ButtonPayload,
    EventType.ROSTER: RosterPayload,
    EventType.CLOSING: ClosingPayload,
    EventType.SIMULATOR: DeviceActionPayload,
    EventType.SELFTEST: DeviceActionPayload,
}


class Event(TypedDict):
    """What a tablet receives on /api/events."""

    type: str  # an EventType
    seq: int
    at: str
    data: Mapping[str, Any]


class EventBus:
    def __init__(self, queue_size: int = 256) -> None:
        self.queue_size = queue_size
        self._subscribers: set[asyncio.Queue[Event]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self.last_seq = 0

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Remember the loop so device threads can publish safely."""
        self._loop = loop

    def hello(self, data: HelloPayload) -> Event:
        """The first message of a new connection. It carries the number of the last
        event already delivered (not a number of its own: other tablets would see a gap),
        so the tablet expects `seq + 1` next."""
        return {"type": EventType.HELLO.value, "seq": self.last_seq, "at": now_iso(), "data": data}

    def publish(self, type_: EventType, data: Mapping[str, Any] | None = None) -> None:
        type_ = EventType(type_)  # an event not in the catalogue is a bug: fail loudly
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(type_, data or {})
        else:
            loop.call_soon_threadsafe(self._deliver, type_, data or {})

    def _deliver(self, type_: EventType, data: Mapping[str, Any]) -> None:
        # Numbered here, on the loop, so the order of `seq` is the order of delivery.
        with self._lock:
            self.last_seq = next(self._seq)
            event: Event = {
                "type": type_.value, "seq": self.last_seq, "at": now_iso(), "data": data
            }
            subscribers = list(self._subscribers)
        for queue in subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(self.queue_size)
        with self._lock:
            self._subscribers.add(queue)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers.discard(queue)
