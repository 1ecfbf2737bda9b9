"""Live quality feedback: while the enrollment stands at the photo step, the newest
preview frame is judged `feedback_hz` times a second and every tablet gets the result
as a `photo_quality` event (each check, pass/fail, and what to tell the applicant)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from peripherals.camera.port import Camera
from station.events import EventBus, EventType
from station.lifecycle import cancel_and_wait
from station.messages import CAMERA_NO_PICTURE_YET
from station.photo.preview import PreviewHub
from station.photo.quality import QualityAnalyser, QualityReport
from station.photo.settings import PhotoSettings

log = logging.getLogger(__name__)

_IDLE_POLL_S = 0.1  # how quickly the feedback starts once the photo step is reached


class LivePhoto:
    """The camera preview (for the MJPEG stream) and the live feedback on it.

    `active()` says whether the photo step is on; `birth_year()` what the backdrop must
    be. Both are asked every round, so a change of step or identity shows at once."""

    def __init__(
        self,
        settings: PhotoSettings,
        camera: Camera,
        bus: EventBus,
        active: Callable[[], bool],
        birth_year: Callable[[], int | None],
    ) -> None:
        self.settings = settings
        self.hub = PreviewHub(camera, settings)
        self.bus = bus
        self.analyser = QualityAnalyser(settings)
        self.latest: QualityReport | None = None
        self._active = active
        self._birth_year = birth_year
        self._task: asyncio.Task[None] | None = None
        # Rounds of the feedback loop begun, judging or idle: lets a test wait until the
        # loop has had its chances to judge (and declined) rather than sleep and hope.
        self.rounds = 0

    async def start(self) -> None:
        self.hub.bind(asyncio.get_running_loop())
        self._task = asyncio.create_task(self._feedback(), name="photo-feedback")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        await asyncio.to_thread(self.hub.close)

    async def _feedback(self) -> None:
        while True:
            if not self._active():
                self.rounds += 1
                self.latest = None
                await asyncio.sleep(_IDLE_POLL_S)
                continue
            with self.hub.watching(jpeg=False):
                await self._judge_while_active()

    async def _judge_while_active(self) -> None:
        period = 1.0 / self.settings.feedback_hz
        seq = 0
        while self._active():
            self.rounds += 1
            started = time.monotonic()
            try:
                frame = await self.hub.next_frame(seq, jpeg=False, timeout_s=1.0)
            except TimeoutError:
                self._publish_fault()
                continue
            if not self._active():
                break  # the step ended, or a still is being judged, while the frame came
            seq = frame.seq
            birth_year = self._birth_year()
            try:
                report = await asyncio.to_thread(self.analyser.analyse, frame.rgb, birth_year)
            except Exception:  # one bad frame must not end the feedback for the session
                log.exception("photo analysis failed")
                await asyncio.sleep(period)
                continue
            self.latest = report
            self.bus.publish(
                EventType.PHOTO_QUALITY,
                {"seq": seq, "birth_year": birth_year, **report.as_json()},
            )
            await asyncio.sleep(max(0.0, period - (time.monotonic() - started)))

    def _publish_fault(self) -> None:
        fault = self.hub.fault
        said = fault or CAMERA_NO_PICTURE_YET
        message = said.as_json()
        self.bus.publish(EventType.PHOTO_QUALITY, {"ok": False, "camera": message, "checks": []})
