"""The guided ten-finger sequence: the station walks the configured order by itself.

The wire overlaps the hand. As soon as the module holds an image (GenImg ok, then its
own verdict from Img2Tz) the applicant is told to lift and show the next finger (tablet,
the R503 ring, the buzzer's click) and the image crosses the line while the hand moves;
the next capture waits for the finger as soon as the line is free.

Retries: a bad module verdict asks for the same finger again at once; an image whose
quality fails when it arrives (the hand has moved on by then) marks that finger to be
asked again, by name, right after the capture in progress; the others are kept. After
the last attempt the best one is kept, force-captured (workflow.py).

The operator taps only for an exception, a retry (tapping a finger asks for it next)
or to finish. The live state of each capture (waiting for the finger, captured, sending
the image with progress, quality) goes to the tablets as `fingerprint_live` events and
is in the snapshot (`enrollment.fingerprints.guided`), so a reloaded tablet sees it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from peripherals.fingerprint.port import FingerprintReader, FingerTaken
from station.access.operators import Operator
from station.enrollment.draft import Capture, Draft
from station.errors import DeviceFault, StationError
from station.events import EventBus, EventType
from station.fingerprints.workflow import FingerprintStep, Runner
from station.messages import finger_unclear_place_again, module_rejected_place_again

log = logging.getLogger(__name__)

Phase = Literal["waiting", "captured", "sending", "quality", "finished", "stopped"]
State = Literal["not_started", "running", "finished", "stopped"]
_TO_CAPTURE = ("pending", "retry")
_EXCEPTED = ("exception", "exception_pending")
PROGRESS_STEP = 0.1  # publish the transfer's progress in 10 % steps (10 events a finger)


@dataclass
class Live:
    """What the tablet shows of the capture in progress."""

    phase: Phase = "waiting"
    position: int | None = None  # the finger whose image this is
    prompt: int | None = None  # the finger the applicant is asked to place now
    again: bool = False  # the prompt asks for a finger again
    progress: float = 0.0  # share of the image received
    verdict: str | None = None  # the module's verdict on the image
    quality: int | None = None
    good: bool | None = None
    attempt: int = 0
    message: dict[str, str] | None = None  # why a finger is asked again


@dataclass
class Timing:
    """Where a sequence's seconds went, for the benchmark and the technician."""

    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    waited_for_finger_s: float = 0.0  # the station waiting for the applicant
    captures: int = 0

    def as_json(self) -> dict[str, Any]:
        end = self.finished if self.finished is not None else time.monotonic()
        return {
            "seconds": round(end - self.started, 3),
            "waited_for_finger_s": round(self.waited_for_finger_s, 3),
            "captures": self.captures,
        }


# Hooks into the controller that owns the draft and the device faults.
# Record a finger's outcome (a Capture to keep, or None: asked again); False when the
# draft is gone or the step has moved on, and the walk stops.
Keep = Callable[[Draft, Capture | None, Operator], Awaitable[bool]]
Prompt = Callable[[Draft, int], None]  # tell the (simulated) applicant


class GuidedSequence:
    def __init__(self, step: FingerprintStep, bus: EventBus, capture_timeout_s: float) -> None:
        self.step = step
        self.bus = bus
        self.capture_timeout_s = capture_timeout_s
        self.enrollment_id: int | None = None
        self.state: State = "not_started"
        self.live = Live()
        self.timing = Timing()
        self._task: asyncio.Task[None] | None = None
        self._stop_waiting = threading.Event()  # ends the wait for a finger at once
        self._first: list[int] = []  # asked for next, before the guided order
        self._why: dict[int, dict[str, str]] = {}  # why a finger is asked for again

    # ---- control -----------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(
        self,
        draft: Draft,
        operator: Operator,
        run: Runner,
        keep: Keep,
        prompt: Prompt,
        first: int | None = None,
    ) -> None:
        """Walk the fingers still to capture; `first` is asked for before the others
        (the operator tapped it: a retry, or a finger done again)."""
        if first is not None:
            self._first = [first]
        if self.running:
            self._stop_waiting.set()  # a waiting capture re-reads what to ask for
            return
        if self.enrollment_id != draft.id:
            self.timing = Timing()
        self.enrollment_id = draft.id
        self.state = "running"
        self._stop_waiting.clear()
        self._task = asyncio.create_task(
            self._walk(draft, operator, run, keep, prompt), name="fingerprints-guided"
        )

    def nudge(self) -> None:
        """Something changed (an exception marked): re-read what to ask for."""
        self._stop_waiting.set()

    async def stop(self) -> None:
        """End the walk (manual capture, done, cancel, fault). A transfer in progress
        finishes in its device thread; its result is dropped."""
        task = self._task
        if task is None or task.done():
            return
        self._stop_waiting.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def forget(self) -> None:
        self.enrollment_id = None
        self.state = "not_started"
        self.live = Live()
        self._first = []
        self._why = {}

    def status(self, draft: Draft) -> dict[str, Any]:
        if self.enrollment_id != draft.id:
            return {"state": "not_started", "live": asdict(Live()), "timing": None}
        return {"state": self.state, "live": asdict(self.live), "timing": self.timing.as_json()}

    # ---- the walk ----------------------------------------------------------------

    def _next(self, draft: Draft, exclude: int | None = None) -> int | None:
        """The finger to ask for: one asked for out of turn first, else the first one
        still to capture in the guided order."""
        fingers = self.step.session(draft).fingers
        for wanted in self._first:
            if wanted != exclude and fingers[wanted].status not in _EXCEPTED:
                return wanted
        to_do = [p for p in self.step.order if p != exclude and fingers[p].status in _TO_CAPTURE]
        return to_do[0] if to_do else None

    def _show(self, draft: Draft, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(self.live, name, value)
        live = {"enrollment_id": draft.id, "state": self.state, **asdict(self.live)}
        self.bus.publish(EventType.FINGERPRINT_LIVE, live)

    async def _walk(
        self, draft: Draft, operator: Operator, run: Runner, keep: Keep, prompt: Prompt
    ) -> None:
        prompted: int | None = None  # what the applicant was last asked to place
        fresh = False  # the glass must clear first: what is on it is another finger
        try:
            while True:
                position = self._next(draft)
                if position is None:
                    break
                finger = self.step.begin(draft, position)
                again = finger.status == "retry"
                if prompted != position:
                    # Asked for out of the flow (the walk's first finger, a finger asked
                    # again, a tap): what lies on the glass now is some other finger.
                    fresh = True
                    prompt(draft, position)
                    prompted = position
                self._show(
                    draft,
                    phase="waiting",
                    position=position,
                    prompt=position,
                    again=again,
                    progress=0.0,
                    verdict=None,
                    quality=None,
                    good=None,
                    attempt=len(finger.attempts) + 1,
                    message=self._why.get(position) if again else None,
                )
                self._stop_waiting.clear()
                taken = await self._take(draft, finger, run, fresh)
                if taken is None:
                    continue  # no finger yet, or asked to re-read what to ask for
                fresh = False
                self._first = [p for p in self._first if p != position]
                self.timing.captures += 1
                retry_now = not taken.module_ok and self.step.attempts_left(draft, position) > 1
                following = position if retry_now else self._next(draft, exclude=position)
                if following is not None:
                    prompt(draft, following)  # lift and show the next finger, now
                prompted = following
                # The status lights' capture pattern: its click says "got it, lift".
                self.bus.publish(EventType.CAPTURE, {"device": "fingerprint", "active": True})
                await run(_light(self.step.reader, taken.module_ok))
                self._why.pop(position, None)
                if not taken.module_ok:
                    self._why[position] = module_rejected_place_again(
                        position, taken.module_verdict
                    ).as_json()
                self._show(
                    draft,
                    phase="captured",
                    verdict=taken.module_verdict,
                    prompt=following,
                    again=retry_now,
                    message=self._why.get(position),
                )
                capture = await self._fetch_and_judge(draft, operator, run, position, taken)
                if not await keep(draft, capture, operator):
                    return
                kept = self.step.session(draft).fingers[position]
                late_retry = kept.status == "retry" and following != position
                if late_retry:
                    # The finger already asked for is likely on the glass: take it, then
                    # this one again.
                    ahead = [following] if following is not None else []
                    self._first = [*ahead, position, *self._first]
                    self._why[position] = finger_unclear_place_again(position).as_json()
                last = kept.attempts[-1] if kept.attempts else None
                self._show(
                    draft,
                    phase="quality",
                    quality=last.quality.score if last else None,
                    good=kept.status == "captured",
                    message=self._why.get(position),
                )
                self.bus.publish(EventType.CAPTURE, {"device": "fingerprint", "active": False})
        except asyncio.CancelledError:
            self.state = "stopped"
            self._show(draft, phase="stopped", prompt=None)
            self.bus.publish(EventType.CAPTURE, {"device": "fingerprint", "active": False})
            raise
        except StationError as error:
            self.state = "stopped"  # a device fault: the controller is in its fault state
            log.info("guided fingerprints stopped: %s", error.code)
            self._show(draft, phase="stopped", prompt=None, message=error.text.as_json())
            return
        self.state = "finished"
        self.timing.finished = time.monotonic()
        self._show(draft, phase="finished", position=None, prompt=None, message=None)
        self.bus.publish(EventType.CAPTURE, {"device": "fingerprint", "active": False})

    async def _take(
        self, draft: Draft, finger: Any, run: Runner, fresh: bool
    ) -> FingerTaken | None:
        reader, stop, timeout = self.step.reader, self._stop_waiting, self.capture_timeout_s
        started = time.monotonic()
        try:
            taken: FingerTaken = await run(lambda: reader.take(timeout, stop, fresh))
            self.timing.waited_for_finger_s += taken.waited_s
            return taken
        except DeviceFault:
            raise  # the module is gone: the station is in its fault state
        except StationError as error:
            if error.code != "fingerprint_stopped":
                self.step.note_error(draft, finger, error)  # still waiting: say why
            # No finger in time (or asked to re-read): all of it was spent waiting.
            self.timing.waited_for_finger_s += time.monotonic() - started
            return None

    async def _fetch_and_judge(
        self, draft: Draft, operator: Operator, run: Runner, position: int, taken: FingerTaken
    ) -> Capture | None:
        loop = asyncio.get_running_loop()
        shown = [0.0]

        def progress(received: int, total: int) -> None:  # in the device thread
            share = received / total if total else 1.0
            if share - shown[0] >= PROGRESS_STEP or share >= 1.0:
                shown[0] = share
                loop.call_soon_threadsafe(
                    lambda: self._show(draft, phase="sending", position=position, progress=share)
                )

        self._show(draft, phase="sending", position=position, progress=0.0)
        reader = self.step.reader
        image = await run(lambda: reader.fetch_image(progress))
        # The time spent fetching is the station's: it must not count as waiting.
        return await self.step.judge(draft, position, operator, run, taken, image)


def _light(reader: FingerprintReader, ok: bool) -> Callable[[], None]:
    return lambda: reader.set_light("success" if ok else "failure")
