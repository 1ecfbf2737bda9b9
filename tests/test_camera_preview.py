"""The preview hub on its own: newest frame only (no backlog), one reader for many
watchers, the camera runs only while watched, and a failing camera is reported and
recovered from without ending the preview."""

from __future__ import annotations

import asyncio

import numpy as np

from peripherals.camera.port import Frame
from peripherals.camera.simulated import SimulatedCamera
from station.photo.preview import PreviewHub
from station.photo.settings import PhotoSettings
from tests.support.waiting import wait_for


class CountingCamera(SimulatedCamera):
    """The simulator, counting reads and failing on demand like a flaky driver."""

    def __init__(self) -> None:
        super().__init__(frame_interval_s=0, still_s=0)
        self.reads = 0
        self.broken = False

    def preview_frame(self) -> Frame:
        if self.broken:
            raise RuntimeError("driver returned garbage")
        self.reads += 1
        return super().preview_frame()


def hub_for(camera: SimulatedCamera, fps: float = 50) -> PreviewHub:
    return PreviewHub(camera, PhotoSettings(preview_fps=fps))


def test_a_slow_watcher_gets_the_newest_frame_not_a_backlog() -> None:
    async def scenario() -> tuple[int, int]:
        hub = hub_for(CountingCamera())
        hub.bind(asyncio.get_running_loop())
        with hub.watching(jpeg=True):
            first = await hub.next_frame(0, jpeg=True)
            await asyncio.sleep(0.3)  # a tablet on bad Wi-Fi, busy with the last frame
            second = await hub.next_frame(first.seq, jpeg=True)
        hub.close()
        assert second.jpeg is not None and second.jpeg[:2] == b"\xff\xd8"
        return first.seq, second.seq

    first, second = asyncio.run(scenario())
    assert second - first > 3, "frames produced meanwhile were skipped, not queued"


def test_many_watchers_share_one_camera_reader() -> None:
    camera = CountingCamera()

    async def scenario() -> list[list[int]]:
        hub = hub_for(camera)
        hub.bind(asyncio.get_running_loop())

        async def watch() -> list[int]:
            seqs, seq = [], 0
            with hub.watching(jpeg=True):
                for _ in range(10):
                    seq = (await hub.next_frame(seq, jpeg=True)).seq
                    seqs.append(seq)
            return seqs

        result = await asyncio.gather(*(watch() for _ in range(4)))
        hub.close()
        assert not hub.running
        return list(result)

    watched = asyncio.run(scenario())
    assert all(len(seqs) == 10 for seqs in watched)
    # Four watchers of ten frames each cost about ten camera reads, not forty.
    assert camera.reads < 25


def test_camera_runs_only_while_watched() -> None:
    camera = CountingCamera()
    hub = hub_for(camera)
    assert not hub.running and camera.reads == 0
    with hub.watching(jpeg=False):
        wait_for(lambda: camera.reads > 0, what="the camera read")
        assert hub.running
    wait_for(lambda: not hub.running, what="the reader stopping after the last watcher left")


def test_the_reader_lingers_for_a_stream_not_for_the_feedback() -> None:
    """A tablet's stream may come back at once (a page reload): the camera keeps reading.
    The live feedback leaves when the photo step ends: the camera stops at once."""
    camera = CountingCamera()
    hub = PreviewHub(camera, PhotoSettings(preview_fps=50), linger_s=60)
    with hub.watching(jpeg=False):
        wait_for(lambda: camera.reads > 0, what="the camera read")
    wait_for(lambda: not hub.running, what="the reader stopping with the feedback")
    with hub.watching(jpeg=True):
        wait_for(lambda: camera.reads > 2, what="the camera read for the stream")
    left_at = camera.reads
    wait_for(lambda: camera.reads > left_at + 3, what="reads after the stream left")
    assert hub.running
    hub.close()
    assert not hub.running


def test_a_failing_camera_is_reported_and_the_preview_recovers() -> None:
    camera = CountingCamera()
    camera.broken = True

    async def scenario() -> None:
        hub = hub_for(camera)
        hub.bind(asyncio.get_running_loop())
        with hub.watching(jpeg=False):
            while hub.fault is None:
                await asyncio.sleep(0.01)
            assert "broken pictures" in hub.fault.en
            camera.broken = False
            frame = await hub.next_frame(0, jpeg=False, timeout_s=5)
            assert frame.rgb.shape == (480, 640, 3) and np.any(frame.rgb)
            assert hub.fault is None
        hub.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=20))
