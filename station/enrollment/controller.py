"""The one controller of the station's enrollment.

It owns the state machine, the draft and its in-memory captures. Every request is
checked against the current step and the operator who holds the draft; a request that
does not fit changes nothing and is answered with a clear message (409/403)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import io
import logging
import struct
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

import numpy as np
import sqlite_utils
from PIL import Image, UnidentifiedImageError

from exchange.errors import SealingError
from exchange.seal import Sealed, parse_recipients, seal_record
from peripherals.device import DeviceError
from station.access.operators import Operator
from station.config import StationConfig
from station.devices.registry import DeviceSet
from station.domain.enrollment_facts import save_closing
from station.domain.flow import RegistryFlow, not_holder
from station.domain.nik import mask_nik
from station.domain.queue import Closing
from station.enrollment.draft import STEP_ORDER, Capture, Draft, DraftStore
from station.enrollment.forms import ConsentForm, IdentityForm
from station.enrollment.machine import EnrollmentMachine
from station.errors import Conflict, DeviceFault, Invalid, NotFound, StationError
from station.events import EventBus, EventType
from station.fingerprints.guided import GuidedSequence
from station.fingerprints.library import TodayLibrary
from station.fingerprints.workflow import FingerprintStep
from station.messages import (
    BIRTH_DATE_IN_FUTURE,
    NO_PHOTO,
    SIGNATURE_EMPTY,
    SIGNATURE_UNREADABLE,
    STEP_NAMES,
    VISIT_UNKNOWN,
    cannot_act_at_step,
    finger_not_in_order,
    fingers_not_captured,
    record_not_sealed,
    signature_too_large,
)
from station.photo.backdrop import expected_backdrop
from station.photo.capture import PhotoRequest, PhotoTaker, birth_year
from station.receipts.content import receipt_number
from station.sealing.draftkey import DraftCipher
from station.sealing.volatile_keys import volatile_key
from station.store import audit
from station.store.db import Store
from station.store.fault import DISK_FULL
from station.system.clock_sync import clock_synchronised
from station.system.storage import Storage, storage_rechecked

log = logging.getLogger(__name__)
T = TypeVar("T")
CommitHook = Callable[[sqlite_utils.Database, Draft, dict[str, Any]], None]

SIGNATURE_MAX_BYTES = 512 * 1024
# A tablet's signature pad at twice its CSS size is well under this on each side.
SIGNATURE_MAX_SIDE = 4096
_CAPTURE_KIND_STEP = {"photo": "photo", "finger": "fingerprints", "signature": "signature"}


class EnrollmentController:
    def __init__(
        self,
        config: StationConfig,
        store: Store,
        devices: DeviceSet,
        bus: EventBus,
        recipients: list[str],
    ) -> None:
        self.config = config
        self.store = store
        self.devices = devices
        self.bus = bus
        self.drafts = DraftStore(store, DraftCipher(volatile_key(config.data_dir, "draft.key")))
        self.registry = RegistryFlow(store, config.domain)
        self.recipients = recipients
        self.draft: Draft | None = None
        self.last_committed: dict[str, Any] | None = None
        self.fault: dict[str, Any] | None = None
        self.machine = EnrollmentMachine()
        self.photos = PhotoTaker(config.photo)
        # While a still is taken and judged the live feedback pauses (runtime.py): both
        # would judge a frame on the same cores, and the still's verdict is the one that
        # counts.
        self.taking_still = False
        # Called inside the commit's transaction (e.g. queueing the receipt): all or nothing.
        self.commit_hooks: list[CommitHook] = []
        self.fingerprints = FingerprintStep(
            config.fingerprints,
            config.enrollment.finger_order,
            devices.fingerprint,
            TodayLibrary(store, devices.fingerprint, today=config.domain.reports.today),
            store,
            bus,
            config.devices.fingerprint.capture_timeout_s,
        )
        self.guided = GuidedSequence(
            self.fingerprints, bus, config.devices.fingerprint.capture_timeout_s
        )
        self._lock = asyncio.Lock()
        self._restore()

    # -- lifecycle -------------------------------------------------------------------

    def _restore(self) -> None:
        draft = self.drafts.load()
        if draft is None:
            return
        step = draft.step
        if draft.must_repeat:
            lost_steps = {_CAPTURE_KIND_STEP[c["kind"]] for c in draft.must_repeat}
            earliest = min(lost_steps, key=STEP_ORDER.index)
            if step == "fault":
                draft.interrupted_step = earliest
            elif STEP_ORDER.index(step) > STEP_ORDER.index(earliest):
                step = earliest
            self.drafts.forget_captures(draft)
            self.drafts.save_step(
                draft,
                "resumed_after_restart",
                step,
                draft.operator_id,
                detail={"must_repeat": draft.must_repeat},
                interrupted_step=draft.interrupted_step,
            )
            draft.step = step
        self.draft = draft
        if draft.consent:  # the applicant is still in front of the camera
            self._seat_applicant(draft)
        self.machine = EnrollmentMachine(start_value=step)
        self.machine.interrupted_step = draft.interrupted_step
        log.info("resumed enrollment %s at step %s", draft.id, step)

    # -- reading ---------------------------------------------------------------------

    @property
    def step(self) -> str:
        return self.machine.step

    def applicant_birth_year(self) -> int | None:
        draft = self.draft
        return birth_year(draft.identity) if draft is not None else None

    def snapshot(self) -> dict[str, Any]:
        draft = self.draft
        data: dict[str, Any] = {
            "step": self.step,
            "step_name": STEP_NAMES[self.step].as_json(),
            "allowed": sorted(e.id for e in self.machine.allowed_events),
            "fault": self.fault,
            "enrollment": None,
            "last_committed": self.last_committed,
        }
        if draft is not None:
            data["enrollment"] = {
                "id": draft.id,
                "visit_id": draft.visit_id,
                "operator": {"id": draft.operator_id, "name": draft.operator_name},
                "identity": draft.identity,
                "consent": draft.consent,
                "created_at": draft.created_at,
                "interrupted_step": self.machine.interrupted_step,
                "captures": {
                    "photo": [c.detail for c in draft.captured("photo")],
                    "fingers": {c.position: c.detail for c in draft.captured("finger")},
                    "signature": [c.detail for c in draft.captured("signature")],
                },
                "fingers_required": [str(f) for f in self.config.enrollment.finger_order],
                "fingerprints": self._fingerprint_status(draft),
                "must_repeat": draft.must_repeat,
            }
        return data

    def photo_jpeg(self) -> bytes:
        """The photo just taken (to show the applicant), or NotFound."""
        photos = self.draft.captured("photo") if self.draft else []
        if not photos:
            raise NotFound("photo_missing", NO_PHOTO)
        return photos[0].files["photo.jpg"]

    def _fingerprint_status(self, draft: Draft) -> dict[str, Any] | None:
        status = self.fingerprints.status(draft)
        if status is not None:
            status["guided"] = self.guided.status(draft)
        return status

    # -- steps -----------------------------------------------------------------------

    def _room(self) -> Storage | None:
        return storage_rechecked(
            self.config.data_dir, self.config.devices.indicator.low_storage_mb, self.store
        )

    def _refuse_without_room(self) -> None:
        """New enrollments only on a card that writes and has room for one more record:
        better refused at the start than lost to a full card at the commit."""
        guard = self.store.guard
        room = self._room()
        guard.refuse_new_work()
        if room is not None and room.records_left < 1:
            raise guard.trip(DISK_FULL).error()

    async def start(self, operator: Operator, visit_id: int) -> dict[str, Any]:
        async with self._lock:
            self._require_step("idle", "start")
            self._refuse_without_room()
            with self.store.lock:
                visit = self.store.db.execute(
                    "SELECT id FROM visits WHERE id = ?", [visit_id]
                ).fetchone()
            if visit is None:
                raise NotFound("visit_unknown", VISIT_UNKNOWN)
            with self.store.guard.watch():  # the draft key is a file on the same card
                self.draft = self.drafts.create(visit_id, operator.id, operator.name)
            self.last_committed = None
            self.machine.send("start")
            return self._changed("start")

    async def submit_identity(self, operator: Operator, form: IdentityForm) -> dict[str, Any]:
        async with self._lock:
            draft = self._require_holder(operator, "identity", "identity_done")
            if form.birth_date > self.registry.today():
                raise Invalid("birth_date_future", BIRTH_DATE_IN_FUTURE)
            checked = self.registry.check_identity(form, self.registry.today())
            identity = {**form.model_dump(mode="json"), **checked.as_json()}
            with self.store.transaction() as db:
                self.registry.save_identity(db, draft.id, form, checked)
                self.drafts.save_step(
                    draft,
                    "identity_done",
                    "consent",
                    operator.id,
                    detail={"nik_warnings": [w.code for w in checked.nik.warnings]},
                    identity=identity,
                )
            draft.identity = identity
            self.machine.send("identity_done")
            return self._changed("identity_done")

    async def give_consent(self, operator: Operator, form: ConsentForm) -> dict[str, Any]:
        async with self._lock:
            draft = self._require_holder(operator, "consent", "consent_given")
            # Applicant's consent, and a guardian's for under-18s: station.domain.consent.
            born = date.fromisoformat(draft.identity["birth_date"])
            checked = self.registry.check_consent(draft.visit_id, born, form, self.registry.today())
            consent = {
                **form.model_dump(),
                **checked,
                "operator_id": operator.id,
                "at": audit.now_iso(),
            }
            self.drafts.save_step(draft, "consent_given", "photo", operator.id, consent=consent)
            draft.consent = consent
            self.machine.send("consent_given")
            self._seat_applicant(draft)
            return self._changed("consent_given")

    async def capture_photo(
        self, operator: Operator, request: PhotoRequest | None = None
    ) -> dict[str, Any]:
        """Take the still, judge it and keep the cropped e-KTP portrait (in memory). A
        photo that fails a check is refused unless the operator overrides with a reason."""
        async with self._lock:
            draft = self._require_holder(operator, "photo")
            self.taking_still = True
            try:
                frame = await self._device("camera", self.devices.camera.capture_still)
                taken = await asyncio.to_thread(
                    self.photos.take,
                    frame,
                    birth_year(draft.identity),
                    request or PhotoRequest(),
                    operator.id,
                )
            finally:
                self.taking_still = False
            capture = Capture("photo", "", {"photo.jpg": taken.jpeg}, taken.detail)
            self._keep(draft, capture, operator)
            return self._changed("photo_captured")

    async def approve_photo(self, operator: Operator) -> dict[str, Any]:
        """The applicant has seen the photo and agrees (Dukcapil requires it)."""
        async with self._lock:
            draft = self._require_holder(operator, "photo", "photo_done")
            photos = draft.captured("photo")
            if not photos:
                raise Conflict("photo_missing", NO_PHOTO)
            photos[0].detail["approved"] = True
            self.drafts.save_step(draft, "photo_done", "fingerprints", operator.id)
            self.machine.send("photo_done")
            return self._changed("photo_done")

    async def guide_fingers(self, operator: Operator, first: int | None = None) -> dict[str, Any]:
        """The station walks the fingers still to capture by itself (guided.py); `first`
        is asked for before the others (a retry, or a finger done again)."""
        async with self._lock:
            draft = self._require_holder(operator, "fingerprints")
            if first is not None:
                self._require_finger(first)
            self.guided.start(
                draft,
                operator,
                lambda call: self._device("fingerprint", call, announce=False),
                self._keep_guided,
                self._prompt_finger,
                first,
            )
            return self._changed("fingers_guided")

    async def _keep_guided(self, draft: Draft, capture: Capture | None, operator: Operator) -> bool:
        async with self._lock:
            if self.draft is not draft or self.step != "fingerprints":
                return False
            if capture is None:
                self._changed("finger_retry")
            else:
                self._keep(draft, capture, operator)
                self._changed("finger_captured")
            return True

    def _prompt_finger(self, draft: Draft, position: int) -> None:
        self.devices.applicant.prompt_finger(str(draft.id), position)

    async def capture_finger(self, operator: Operator, position: int) -> dict[str, Any]:
        """One attempt at one finger (station/fingerprints/workflow.py decides whether it
        is kept, retried or, after the last attempt, force-captured). Ends a guided walk:
        the operator has taken over."""
        await self.guided.stop()
        async with self._lock:
            draft = self._require_holder(operator, "fingerprints")
            self._require_finger(position)
            self.devices.applicant.place_finger(str(draft.id), position)
            # One "capturing" for the whole attempt (the image, then the module's checks):
            # not a flicker of the lights, and a thread hop to them, per device call.
            with self._capturing("fingerprint"):
                capture = await self.fingerprints.capture(
                    draft,
                    position,
                    operator,
                    lambda call: self._device("fingerprint", call, announce=False),
                )
            if capture is None:
                return self._changed("finger_retry")
            self._keep(draft, capture, operator)
            return self._changed("finger_captured")

    async def request_finger_exception(
        self, operator: Operator, position: int, kind: str, reason: str
    ) -> dict[str, Any]:
        async with self._lock:
            draft = self._require_holder(operator, "fingerprints")
            self._require_finger(position)
            self.fingerprints.request_exception(draft, position, kind, reason, operator)
            self.guided.nudge()  # if it was waiting for this finger, it moves on
            return self._changed("finger_exception_requested")

    def require_exception_pending(self, operator: Operator, position: int) -> None:
        """409/403/422 unless this operator's enrollment has an exception for `position`
        awaiting a supervisor (checked again, under the lock, when it is approved)."""
        draft = self._require_holder(operator, "fingerprints")
        self._require_finger(position)
        self.fingerprints.require_pending(draft, position)

    async def approve_finger_exception(
        self, operator: Operator, position: int, supervisor: Operator
    ) -> dict[str, Any]:
        async with self._lock:
            draft = self._require_holder(operator, "fingerprints")
            self._require_finger(position)
            capture = self.fingerprints.approve_exception(draft, position, supervisor)
            self._keep(draft, capture, supervisor)
            return self._changed("finger_exception_approved")

    def _require_finger(self, position: int) -> None:
        if position not in self.config.enrollment.finger_order:
            raise Invalid("finger_unknown", finger_not_in_order(position))

    async def finish_fingerprints(self, operator: Operator) -> dict[str, Any]:
        async with self._lock:
            draft = self._require_holder(operator, "fingerprints", "fingerprints_done")
            missing = self.fingerprints.missing(draft)
            if missing:
                raise Conflict("fingers_missing", fingers_not_captured(missing))
            await self.guided.stop()
            self.drafts.save_step(draft, "fingerprints_done", "signature", operator.id)
            self.machine.send("fingerprints_done")
            return self._changed("fingerprints_done")

    async def submit_signature(self, operator: Operator, png_base64: str) -> dict[str, Any]:
        async with self._lock:
            draft = self._require_holder(operator, "signature", "signature_done")
            png = _decode_signature(png_base64)
            capture = Capture("signature", "", {"signature.png": png}, {"bytes": len(png)})
            # The signature and the step it completes: one fsync'd transaction, not two.
            with self.store.transaction():
                self._keep(draft, capture, operator)
                self.drafts.save_step(draft, "signature_done", "review", operator.id)
            self.machine.send("signature_done")
            return self._changed("signature_done")

    async def commit(self, operator: Operator, closing: Closing) -> dict[str, Any]:
        """Seal and store the enrollment with the closing answers (KK, IKD): one
        transaction, or nothing at all."""
        async with self._lock:
            draft = self._require_holder(operator, "review", "commit")
            try:
                recipients = parse_recipients(self.recipients)
            except SealingError as error:
                raise _not_sealed(error) from None
            synced = clock_synchronised()
            attachments: dict[str, bytes] = {}
            for capture in draft.captures.values():
                attachments.update(capture.files)
            record = {
                "station_id": self.config.station.id,
                "enrollment_id": draft.id,
                "visit_id": draft.visit_id,
                "operator": {"id": draft.operator_id, "name": draft.operator_name},
                "identity": draft.identity,
                "consent": draft.consent,
                "captures": [
                    {"kind": c.kind, "position": c.position, **c.detail}
                    for c in draft.captures.values()
                ],
                "iris": {"captured": False, "reason": "station has no iris camera"},
                "created_at": draft.created_at,
                "committed_at": audit.now_iso(),
                # No clock battery: say whether NTP (over 4G) has set the clock since boot.
                "clock_synchronised": synced,
            }
            try:
                sealed = await asyncio.to_thread(seal_record, record, attachments, recipients)
            except SealingError as error:
                raise _not_sealed(error) from None
            # The fsync'd transaction and the receipt's layout (a commit hook) run on a
            # worker thread: the systemd watchdog is fed from this loop, and a slow SD card
            # must not get the station killed mid-commit.
            summary = await asyncio.to_thread(
                self._store_commit, draft, operator, sealed, closing, synced
            )
            self.machine.send("commit")
            self._room()  # a commit that went through after a full disk lifts that fault
            self.draft = None
            self.last_committed = {
                "enrollment_id": draft.id,
                **summary,
                # The holder finishes the student: only they may go on to the next one.
                "operator": {"id": draft.operator_id, "name": draft.operator_name},
                "closing": closing.model_dump(mode="json"),
            }
            self.fingerprints.committed(draft)
            self.guided.forget()
            return self._changed("commit")

    def _store_commit(
        self,
        draft: Draft,
        operator: Operator,
        sealed: Sealed,
        closing: Closing,
        synced: bool,
    ) -> dict[str, Any]:
        """One transaction: the day's next receipt number, the sealed record, the committed
        enrollment with its closing answers, the receipt job. Returns the summary."""
        with self.store.transaction() as db:
            receipt = self._next_receipt_number(db)
            summary = {
                "name": draft.identity.get("name", ""),
                "nik_masked": mask_nik(draft.identity.get("nik", "")),
                "receipt_number": receipt,
                # The applicant's own card date for the receipt (today when already owed).
                "card_from": draft.identity.get("eligibility", {}).get("card_from"),
            }
            save_closing(self.store, draft.id, closing, operator.id)
            db.execute(
                "INSERT INTO sealed_records (enrollment_id, ciphertext, sha256, sealed_at)"
                " VALUES (?, ?, ?, ?)",
                [draft.id, sealed.ciphertext, sealed.sha256, audit.now_iso()],
            )
            self.drafts.save_step(
                draft,
                "commit",
                "committed",
                operator.id,
                detail={
                    "receipt_number": receipt,
                    "sha256": sealed.sha256,
                    "clock_synchronised": synced,
                },
                status="committed",
                committed_at=audit.now_iso(),
                identity={},
                consent={},
                summary=summary,
                receipt_number=receipt,
            )
            for hook in self.commit_hooks:
                hook(db, draft, summary)
        return summary

    async def next_student(self, operator: Operator, *, at_station: bool = False) -> dict[str, Any]:
        """`at_station`: the station's own button, pressed beside the holder's tablet."""
        async with self._lock:
            self._require_step("committed", "next_student")
            holder = (self.last_committed or {}).get("operator")
            if holder and holder["id"] != operator.id and not at_station:
                raise not_holder(holder["name"])
            self.last_committed = None
            self.machine.send("next_student")
            return self._changed("next_student")

    async def cancel(self, operator: Operator, reason: str) -> dict[str, Any]:
        async with self._lock:
            draft = self.draft
            if draft is None or "cancel" not in self._allowed():
                raise self._out_of_order("cancel")
            if operator.id != draft.operator_id and operator.role != "supervisor":
                raise self._not_holder(draft)
            self.drafts.save_step(
                draft,
                "cancel",
                "idle",
                operator.id,
                detail={"reason": reason},
                status="cancelled",
                identity={},
                consent={},
            )
            await self.guided.stop()
            self.guided.forget()
            self.drafts.forget_captures(draft)
            self.fingerprints.forget()
            self.draft = None
            self.fault = None
            self.machine.send("cancel")
            return self._changed("cancel")

    async def resume(self, operator: Operator) -> dict[str, Any]:
        """Back from a device fault to the step it interrupted, once the device answers."""
        async with self._lock:
            draft = self._require_holder(operator, "fault", "resume")
            unhealthy = [h for h in self.devices.health().values() if not h.ok]
            failed_kind = (self.fault or {}).get("device")
            still_down = [h for h in unhealthy if h.kind == failed_kind]
            if still_down:
                raise DeviceFault(
                    "device_still_down",
                    still_down[0].detail,
                )
            target = self.machine.interrupted_step or "photo"
            log.info("device %s answers again: enrollment resumed at %s", failed_kind, target)
            self.drafts.save_step(draft, "resume", target, operator.id, interrupted_step=None)
            self.machine.send("resume")
            self.machine.interrupted_step = None
            self.fault = None
            return self._changed("resume")

    # -- helpers ---------------------------------------------------------------------

    def _seat_applicant(self, draft: Draft) -> None:
        """In simulation: the applicant sits down in front of the backdrop for their
        birth year (on real hardware the operator hangs the cloth)."""
        year = birth_year(draft.identity)
        backdrop = expected_backdrop(year) if year is not None else None
        self.devices.applicant.face_camera(str(draft.id), backdrop)

    def _keep(self, draft: Draft, capture: Capture, operator: Operator) -> None:
        self.drafts.record_capture(draft, capture, operator.id)
        draft.captures[(capture.kind, capture.position)] = capture
        draft.must_repeat = [
            m
            for m in draft.must_repeat
            if (m["kind"], m["position"]) != (capture.kind, capture.position)
        ]

    async def _device(self, kind: str, call: Callable[[], T], *, announce: bool = True) -> T:
        """Run a blocking device call off the event loop; an unplugged device is a fault.
        `announce`: tell the lights a capture runs (the guided walk says so itself, when
        the image is taken; a finger attempt once for all its device calls)."""
        with self._capturing(kind) if announce else contextlib.nullcontext():
            try:
                return await asyncio.to_thread(call)
            except DeviceError as error:
                if error.unplugged:
                    self._enter_fault(kind, error)
                    raise DeviceFault(error.code, error.text) from None
                raise Invalid(error.code, error.text) from None

    @contextlib.contextmanager
    def _capturing(self, kind: str) -> Iterator[None]:
        """Tell the lights (and tablets) that a capture on `kind` runs meanwhile."""
        self.bus.publish(EventType.CAPTURE, {"device": kind, "active": True})
        try:
            yield
        finally:
            self.bus.publish(EventType.CAPTURE, {"device": kind, "active": False})

    def _enter_fault(self, kind: str, error: DeviceError) -> None:
        log.warning("device fault during %s: %s %s", self.step, kind, error.code)
        draft = self.draft
        self.fault = {"device": kind, "code": error.code, "message": error.text.as_json()}
        step = self.step
        self.machine.send("device_failed")
        if draft is not None:
            self.drafts.save_step(
                draft,
                "device_failed",
                "fault",
                draft.operator_id,
                detail={"code": error.code},
                interrupted_step=step,
            )
            draft.step = "fault"
        self._changed("device_failed")

    def _allowed(self) -> set[str]:
        return {e.id for e in self.machine.allowed_events}

    def _require_step(self, step: str, event: str | None = None) -> None:
        if self.step != step or (event is not None and event not in self._allowed()):
            raise self._out_of_order(event or step)

    def _require_holder(self, operator: Operator, step: str, event: str | None = None) -> Draft:
        self._require_step(step, event)
        draft = self.draft
        assert draft is not None, "a step other than idle/committed always has a draft"
        if operator.id != draft.operator_id:
            raise self._not_holder(draft)
        return draft

    def _out_of_order(self, action: str) -> StationError:
        return Conflict("out_of_order", cannot_act_at_step(action, STEP_NAMES[self.step]))

    def _not_holder(self, draft: Draft) -> StationError:
        return not_holder(draft.operator_name)

    def _next_receipt_number(self, db: sqlite_utils.Database) -> str:
        """Committed records are numbered 1, 2, 3... per station and day, without gaps:
        a cancelled draft never takes a number (inside the commit's transaction)."""
        station_id, day = self.config.station.id, self.registry.today()
        prefix = receipt_number(station_id, day, 0)[:-4]
        row = db.execute(
            "SELECT count(*) FROM enrollments WHERE status = 'committed'"
            " AND substr(receipt_number, 1, ?) = ?",
            [len(prefix), prefix],
        ).fetchone()
        return receipt_number(station_id, day, int(row[0]) + 1)

    def _changed(self, event: str) -> dict[str, Any]:
        if self.draft is not None:
            self.draft.step = self.step
        snapshot = self.snapshot()
        self.bus.publish(EventType.ENROLLMENT, {"event": event, **snapshot})
        return snapshot


def _check_signature_size(png: bytes) -> None:
    """From the PNG header, before anything is decoded: a small file can declare a huge
    image (a 31 KiB PNG of 12000x12000 pixels needs 144 MB once decoded)."""
    # The IHDR chunk comes first: length, b"IHDR", width, height (big-endian).
    if len(png) < 24 or png[12:16] != b"IHDR":
        width = height = 0
    else:
        width, height = struct.unpack(">II", png[16:24])
    if not (0 < width <= SIGNATURE_MAX_SIDE and 0 < height <= SIGNATURE_MAX_SIDE):
        side = SIGNATURE_MAX_SIDE
        raise Invalid(
            "signature_too_large",
            signature_too_large(width, height, side),
        )


def _decode_signature(png_base64: str) -> bytes:
    bad = Invalid("signature_invalid", SIGNATURE_UNREADABLE)
    if png_base64.startswith("data:"):
        png_base64 = png_base64.partition(",")[2]
    try:
        png = base64.b64decode(png_base64, validate=True)
    except (binascii.Error, ValueError):
        raise bad from None
    if len(png) > SIGNATURE_MAX_BYTES or not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise bad
    _check_signature_size(png)
    try:
        with Image.open(io.BytesIO(png)) as image:
            image.verify()
        with Image.open(io.BytesIO(png)) as image:
            pixels = np.asarray(image.convert("L"))
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise bad from None
    if pixels.size == 0 or int(pixels.min()) == int(pixels.max()):
        raise Invalid("signature_empty", SIGNATURE_EMPTY)
    return png


def _not_sealed(error: SealingError) -> DeviceFault:
    """The record could not be sealed: nothing was stored and the draft stays at review
    with its captures, so the commit can be repeated once the office key is mended."""
    log.error("commit not sealed: %s", error.code)
    return DeviceFault("commit_not_sealed", record_not_sealed(error.text))
