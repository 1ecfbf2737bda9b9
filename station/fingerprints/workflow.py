"""The fingerprints step of an enrollment: ten fingers in a guided order.

For each finger: wait for it on the glass, capture, let the module make a template,
score the image (quality.py). A good attempt (the module made a template and the score
reaches `min_quality`) is kept. Otherwise the operator retries, up to `max_attempts`;
then the best attempt is kept and flagged force-captured with its retry count (the
MOSIP registration client's practice). A finger that cannot be given (missing,
amputated, bandaged, unreadable) is marked by the operator with a reason and approved by
a supervisor's PIN; both are recorded with who and when. Never silent: a finger placed
for two positions, or a finger that matches someone enrolled earlier today at this
station, gives a warning on the finger, in the API, the events and the sealed record.

Attempts and kept images/templates stay in memory. A kept finger becomes a foundation
`Capture` (bytes sealed at commit, metadata stored); nothing biometric is written here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from peripherals.device import DeviceError
from peripherals.fingerprint.port import FingerprintReader, FingerTaken, Light
from station.access.operators import Operator
from station.enrollment.draft import Capture, Draft
from station.errors import Conflict, StationError
from station.events import EventBus, EventType
from station.fingerprints import same_finger
from station.fingerprints.fingers import INDEX_FINGERS, hand
from station.fingerprints.imaging import IMAGE_FORMAT, encode_image
from station.fingerprints.library import TodayLibrary
from station.fingerprints.quality import QualityReport, assess
from station.fingerprints.settings import FingerprintCaptureSettings
from station.messages import (
    FINGER_EXCEPTION_NAMES,
    INDEX_FINGERS_ON_CHIP,
    finger_matches_enrolled_today,
    finger_name,
    no_exception_pending,
    same_finger_as,
)
from station.store import audit
from station.store.db import Store

log = logging.getLogger(__name__)

Status = Literal["pending", "retry", "captured", "force_captured", "exception_pending", "exception"]
DONE: frozenset[str] = frozenset({"captured", "force_captured", "exception"})
ExceptionKind = Literal["missing", "amputated", "bandaged", "unreadable"]
# Runs a blocking device call off the event loop, turning device faults into the
# station's fault state (EnrollmentController._device).
Runner = Callable[[Callable[[], Any]], Awaitable[Any]]


@dataclass
class Attempt:
    number: int
    at: str
    image: npt.NDArray[np.uint8]  # memory only
    template: bytes  # memory only; empty when the module could not make one
    module_ok: bool
    module_verdict: str
    quality: QualityReport

    def good(self, min_quality: int) -> bool:
        return self.usable and self.quality.score >= min_quality

    @property
    def usable(self) -> bool:
        return self.module_ok and bool(self.template)

    def rank(self) -> tuple[bool, int]:
        """Best attempt: one with a template first, then the higher quality score."""
        return (self.usable, self.quality.score)

    def summary(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "at": self.at,
            "module_ok": self.module_ok,
            "module_verdict": self.module_verdict,
            "quality": self.quality.as_json(),
        }


@dataclass
class FingerRecord:
    position: int
    status: Status = "pending"
    attempts: list[Attempt] = field(default_factory=list)
    kept: Attempt | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    exception: dict[str, Any] | None = None
    last_error: dict[str, Any] | None = None

    def as_json(self, max_attempts: int) -> dict[str, Any]:
        last = self.attempts[-1] if self.attempts else None
        return {
            "position": self.position,
            "hand": hand(self.position),
            "name": finger_name(self.position).as_json(),
            "index_finger": self.position in INDEX_FINGERS,
            "status": self.status,
            "attempts": len(self.attempts),
            "max_attempts": max_attempts,
            "quality": self.kept.quality.score if self.kept else None,
            "module_verdict": self.kept.module_verdict if self.kept else None,
            "force_captured": self.status == "force_captured",
            "last_attempt": last.summary() if last else None,
            "warnings": self.warnings,
            "exception": self.exception,
            "last_error": self.last_error,
        }


@dataclass
class FingerSession:
    enrollment_id: int
    fingers: dict[int, FingerRecord]
    # Positions whose kept template is in its same-finger slot on the module (a finger
    # done again is stored again; its old slot is not searched while it has no template).
    on_module: set[int] = field(default_factory=set)


class FingerprintStep:
    def __init__(
        self,
        settings: FingerprintCaptureSettings,
        order: list[int],
        reader: FingerprintReader,
        library: TodayLibrary,
        store: Store,
        bus: EventBus,
        capture_timeout_s: float,
    ) -> None:
        self.settings = settings
        self.order = order
        self.reader = reader
        self.library = library
        self.store = store
        self.bus = bus
        self.capture_timeout_s = capture_timeout_s
        self._session: FingerSession | None = None
        self._module_work: asyncio.Task[None] | None = None  # after an enrollment ended

    # ---- state ---------------------------------------------------------------------

    def session(self, draft: Draft) -> FingerSession:
        """The current draft's fingers; any other draft's (cancelled) are dropped."""
        if self._session is None or self._session.enrollment_id != draft.id:
            self._session = FingerSession(draft.id, {p: FingerRecord(p) for p in self.order})
        return self._session

    def forget(self) -> None:
        """The enrollment ended (committed or cancelled): its templates leave the
        same-finger slots on the module, in the background."""
        session, self._session = self._session, None
        if session is not None and session.on_module:
            self._after_enrollment(lambda: same_finger.clear(self.reader), "same-finger slots")

    def status(self, draft: Draft | None) -> dict[str, Any] | None:
        """Per-finger status for the tablet's hand diagram."""
        if draft is None:
            return None
        session = self.session(draft)
        fingers = [session.fingers[p] for p in self.order]
        waiting = [f.position for f in fingers if f.status not in DONE]
        to_capture = [f.position for f in fingers if f.status in ("pending", "retry")]
        return {
            "order": self.order,
            "next": to_capture[0] if to_capture else None,  # the guided order
            "missing": waiting,
            "complete": not waiting,
            "max_attempts": self.settings.max_attempts,
            "min_quality": self.settings.min_quality,
            "image_format": IMAGE_FORMAT,
            "fingers": [f.as_json(self.settings.max_attempts) for f in fingers],
        }

    def missing(self, draft: Draft) -> list[int]:
        session = self.session(draft)
        return [p for p in self.order if session.fingers[p].status not in DONE]

    def _publish(self, draft: Draft, finger: FingerRecord) -> None:
        self.bus.publish(
            EventType.FINGERPRINT,
            {"enrollment_id": draft.id, **finger.as_json(self.settings.max_attempts)},
        )

    def _restart(self, draft: Draft, finger: FingerRecord) -> FingerRecord:
        """A finger already kept or excepted is being done again: start it afresh."""
        if finger.status not in DONE and finger.status != "exception_pending":
            return finger
        draft.captures.pop(("finger", str(finger.position)), None)
        fresh = FingerRecord(finger.position)
        self.session(draft).fingers[finger.position] = fresh
        return fresh

    # ---- capture -------------------------------------------------------------------

    async def capture(
        self, draft: Draft, position: int, operator: Operator, run: Runner
    ) -> Capture | None:
        """One attempt at `position`. Returns the Capture to keep once the finger is
        done (good, or force-captured after the last attempt), else None (retry)."""
        finger = self.begin(draft, position)
        reader, timeout = self.reader, self.capture_timeout_s
        try:
            result = await run(lambda: reader.capture(timeout))
        except StationError as error:
            self.note_error(draft, finger, error)
            raise
        taken = FingerTaken(result.template, result.module_ok, result.module_verdict)
        return await self.judge(draft, position, operator, run, taken, result.image)

    def begin(self, draft: Draft, position: int) -> FingerRecord:
        """The finger about to be captured (afresh if it was already done)."""
        return self._restart(draft, self.session(draft).fingers[position])

    def note_error(self, draft: Draft, finger: FingerRecord, error: StationError) -> None:
        """No finger in time, finger lifted...: tell the operator; not an attempt."""
        finger.last_error = {"code": error.code, "message": error.text.as_json()}
        self._publish(draft, finger)

    def attempts_left(self, draft: Draft, position: int) -> int:
        finger = self.session(draft).fingers[position]
        return self.settings.max_attempts - len(finger.attempts)

    async def judge(
        self,
        draft: Draft,
        position: int,
        operator: Operator,
        run: Runner,
        taken: FingerTaken,
        image: npt.NDArray[np.uint8],
    ) -> Capture | None:
        """Score the image and decide: keep (good, or the best after the last attempt),
        or ask again. Returns the Capture to keep, or None for a retry."""
        finger = self.session(draft).fingers[position]
        if finger.status in ("exception_pending", "exception"):
            return None  # marked as an exception while its image crossed the line
        reader = self.reader
        quality = await asyncio.to_thread(assess, image)
        attempt = Attempt(
            len(finger.attempts) + 1,
            audit.now_iso(),
            image,
            taken.template,
            taken.module_ok,
            taken.module_verdict,
            quality,
        )
        finger.attempts.append(attempt)
        finger.last_error = None
        good = attempt.good(self.settings.min_quality)
        if not good and len(finger.attempts) < self.settings.max_attempts:
            # A retry is audited on its own; a kept attempt with the capture it makes
            # (one transaction per finger: DraftStore.record_capture).
            self._audit(draft, operator, "finger_attempt", position, attempt.summary())
            finger.status = "retry"
            await run(lambda: reader.set_light("failure"))
            self._publish(draft, finger)
            return None
        kept = finger.kept = attempt if good else max(finger.attempts, key=Attempt.rank)
        finger.status = "captured" if good else "force_captured"
        # The image is compressed while the module answers the same-finger and 1:N checks
        # (on a real line each is a template sent over the wire, about 0.1 s): the
        # compression lets go of the interpreter (nbis_wsq.py), so neither waits for the
        # other.
        encoding = asyncio.ensure_future(asyncio.to_thread(encode_image, kept.image))
        try:
            light: Light = "success" if good else "failure"
            finger.warnings = await self._checks(draft, finger, operator, run, light)
        except BaseException:
            encoding.cancel()
            raise
        self._publish(draft, finger)
        capture = self._as_capture(finger, await encoding)
        capture.audit.append(("finger_attempt", {"position": position, **attempt.summary()}))
        return capture

    async def _checks(
        self, draft: Draft, finger: FingerRecord, operator: Operator, run: Runner, light: Light
    ) -> list[dict[str, Any]]:
        """The ring shows the verdict (`light`), the module searches this person's other
        fingers (same_finger.py) and today's library for the kept template, and keeps it
        for the fingers that follow: one trip to the device thread for all of it (the
        driver keeps `template` in the module meanwhile)."""
        assert finger.kept is not None
        template = finger.kept.template
        session = self.session(draft)
        same = self.settings.check_same_finger and bool(template)
        today = self.settings.check_enrolled_today and bool(template)
        others = [
            other.position
            for other in session.fingers.values()
            if other is not finger
            and other.position in session.on_module
            and other.kept is not None
            and other.kept.template
        ]
        if same or today:
            await self.module_ready()
        reader, library, enrollment = self.reader, self.library, draft.id

        def on_the_module() -> tuple[list[tuple[int, int]], dict[str, Any] | None]:
            reader.set_light(light)
            matched = same_finger.matches(reader, template, others) if same and others else []
            hit = library.identify(template, enrollment) if today else None
            if same:  # after the 1:N search, which may empty the library on a new day
                same_finger.hold(reader, template, finger.position)
            return matched, hit

        matched, hit = await run(on_the_module)
        if same:
            session.on_module.add(finger.position)
        warnings: list[dict[str, Any]] = []
        for position, score in matched:
            other = session.fingers[position]
            warnings.append(_same_finger(position, score))
            other.warnings.append(_same_finger(finger.position, score))
            self._refresh_detail(draft, other)
            self._publish(draft, other)
        if hit is not None:
            # The day's report counts these (station/domain/enrollment_facts.py).
            self._audit(draft, operator, "duplicate_warned", finger.position, {"matched": hit})
            warnings.append(
                {
                    "code": "matches_enrolled_today",
                    **hit,
                    "message": finger_matches_enrolled_today(hit["receipt_number"]).as_json(),
                }
            )
        return warnings

    def _detail(self, finger: FingerRecord) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "name": finger_name(finger.position).as_json(),
            "status": finger.status,
            "attempts": len(finger.attempts),
            "warnings": finger.warnings,
        }
        if finger.kept is not None:
            height, width = finger.kept.image.shape[:2]
            detail |= {
                "image_format": IMAGE_FORMAT,
                "width": width,
                "height": height,
                "quality": finger.kept.quality.as_json(),
                "module_ok": finger.kept.module_ok,
                "module_verdict": finger.kept.module_verdict,
                "kept_attempt": finger.kept.number,
                "force_captured": finger.status == "force_captured",
                "retries": len(finger.attempts) - 1,
            }
        if finger.exception is not None:
            detail["exception"] = finger.exception
        return detail

    def _refresh_detail(self, draft: Draft, finger: FingerRecord) -> None:
        kept = draft.captures.get(("finger", str(finger.position)))
        if kept is not None:
            kept.detail = self._detail(finger)

    def _as_capture(self, finger: FingerRecord, image: bytes) -> Capture:
        kept = finger.kept
        assert kept is not None
        files = {f"finger_{finger.position}.{IMAGE_FORMAT}": image}
        if kept.template:
            files[f"finger_{finger.position}.tmpl"] = kept.template
        return Capture("finger", str(finger.position), files, self._detail(finger))

    # ---- exceptions ----------------------------------------------------------------

    def request_exception(
        self, draft: Draft, position: int, kind: str, reason: str, operator: Operator
    ) -> None:
        finger = self._restart(draft, self.session(draft).fingers[position])
        finger.status = "exception_pending"
        finger.exception = {
            "kind": kind,
            "kind_name": FINGER_EXCEPTION_NAMES[kind].as_json(),
            "reason": reason,
            "requested_by": {"id": operator.id, "name": operator.name},
            "requested_at": audit.now_iso(),
            "approved_by": None,
            "approved_at": None,
        }
        self._audit(draft, operator, "finger_exception_requested", position, finger.exception)
        self._publish(draft, finger)

    def require_pending(self, draft: Draft, position: int) -> FingerRecord:
        finger = self.session(draft).fingers[position]
        if finger.status != "exception_pending" or finger.exception is None:
            raise Conflict(
                "no_exception_pending",
                no_exception_pending(position),
            )
        return finger

    def approve_exception(self, draft: Draft, position: int, supervisor: Operator) -> Capture:
        finger = self.require_pending(draft, position)
        finger.exception = (finger.exception or {}) | {
            "approved_by": {"id": supervisor.id, "name": supervisor.name},
            "approved_at": audit.now_iso(),
        }
        finger.status = "exception"
        if position in INDEX_FINGERS:
            finger.warnings = [
                {
                    "code": "index_finger_exception",
                    "message": INDEX_FINGERS_ON_CHIP.as_json(),
                }
            ]
        self._audit(draft, supervisor, "finger_exception_approved", position, finger.exception)
        self._publish(draft, finger)
        return Capture("finger", str(position), {}, self._detail(finger))

    # ---- after commit --------------------------------------------------------------

    def committed(self, draft: Draft) -> None:
        """Keep the committed person's templates for today's 1:N checks, in the background
        (about 0.1 s a finger on the wire: not worth keeping anyone at the Done screen).
        The record is already sealed: a failing module here is logged, never undoes the
        commit. The next check on the module waits for it (`module_ready`)."""
        session = self.session(draft)
        templates = {
            p: f.kept.template
            for p, f in session.fingers.items()
            if f.kept is not None and f.kept.template and f.status in DONE
        }
        if templates and self.settings.check_enrolled_today:
            library, enrollment = self.library, draft.id
            self._after_enrollment(
                lambda: library.remember(enrollment, templates), "today's fingerprint library"
            )
        self.forget()

    def _after_enrollment(self, work: Callable[[], object], what: str) -> None:
        """Module work once an enrollment has ended, in order, behind any still running."""
        before = self._module_work

        async def in_turn() -> None:
            if before is not None:
                await asyncio.wait({before})
            try:
                await asyncio.to_thread(work)
            except DeviceError as error:
                log.warning("%s not updated: %s", what, error.code)
            except Exception:  # a background task's failure must be seen, and stop nothing
                log.exception("%s not updated", what)

        self._module_work = asyncio.create_task(in_turn(), name="fingerprint-module-after")

    async def module_ready(self) -> None:
        """Wait until the module work of the last enrollment is done."""
        task = self._module_work
        if task is not None and not task.done():
            await asyncio.shield(task)

    def _audit(
        self,
        draft: Draft,
        operator: Operator,
        action: str,
        position: int,
        detail: dict[str, Any],
    ) -> None:
        with self.store.transaction() as db:
            audit.record(
                db,
                action,
                operator_id=operator.id,
                enrollment_id=draft.id,
                detail={"position": position, **detail},
            )


def _same_finger(other: int, score: int) -> dict[str, Any]:
    return {
        "code": "same_finger_twice",
        "other_position": other,
        "score": score,
        "message": same_finger_as(other).as_json(),
    }
