"""The camera adapters: the simulator's controls and pacing, picamera2 (absent here, and
driven through a stand-in module with picamera2's API), and the USB webcam through
OpenCV on a real MJPEG stream."""

from __future__ import annotations

import sys
import time
import types
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from peripherals.camera.picamera2_adapter import AF_MODE_CONTINUOUS, PiCamera
from peripherals.camera.simulated import BACKDROPS, Scene, SimulatedCamera
from peripherals.camera.webcam import UsbWebcam
from peripherals.device import DeviceError

# -- simulator ------------------------------------------------------------------------------


def test_simulator_sizes_and_backdrop_colour() -> None:
    camera = SimulatedCamera(frame_interval_s=0, still_s=0, scene=Scene(backdrop="red"))
    preview, still = camera.preview_frame(), camera.capture_still()
    assert preview.shape == (480, 640, 3) and preview.dtype == np.uint8
    assert still.shape == (1440, 1920, 3)
    corner = preview[5:40, 5:40].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - BACKDROPS["red"]).max() < 30
    assert camera.recording.of("still")


def test_simulator_controls_change_the_picture() -> None:
    camera = SimulatedCamera(frame_interval_s=0, still_s=0, scene=Scene(noise=0))
    base = camera.preview_frame().astype(np.float32)
    camera.set_scene(brightness=0.5)
    assert camera.preview_frame().mean() < base.mean() * 0.6
    camera.set_scene(brightness=1.0, person=False)
    empty = camera.preview_frame()
    assert np.abs(empty[200:260, 300:340].astype(np.float32) - BACKDROPS["blue"]).mean() < 30
    assert camera.recording.of("scene")[-1].value == {"brightness": 1.0, "person": False}
    with pytest.raises(TypeError):
        camera.set_scene(colour="green")
    with pytest.raises(ValueError, match="backdrop must be one of"):
        camera.set_scene(backdrop="green")


def test_simulator_noise_differs_frame_to_frame() -> None:
    camera = SimulatedCamera(frame_interval_s=0, still_s=0)
    a, b = camera.preview_frame(), camera.preview_frame()
    assert not np.array_equal(a, b)
    assert np.abs(a.astype(np.int16) - b.astype(np.int16)).mean() < 5


def test_simulator_is_paced_like_a_sensor() -> None:
    camera = SimulatedCamera(frame_interval_s=0.05, still_s=0)
    camera.preview_frame()
    start = time.monotonic()
    for _ in range(4):
        camera.preview_frame()
    # A lower bound only (sleeps never end early): the frame taken before `start` was
    # stamped when it began, so four more frames span at least three full intervals.
    assert time.monotonic() - start >= 3 * 0.05


def test_simulator_unplugged() -> None:
    camera = SimulatedCamera(frame_interval_s=0, still_s=0)
    camera.unplugged = True
    with pytest.raises(DeviceError) as err:
        camera.preview_frame()
    assert err.value.unplugged and err.value.code == "camera_gone"
    assert not camera.health().ok and camera.health().detail.id.startswith("Kamera")


# -- picamera2 ----------------------------------------------------------------------------------


def test_picamera2_absent_gives_a_clear_bilingual_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "picamera2", None)  # import fails like on a laptop
    camera = PiCamera()
    with pytest.raises(DeviceError) as err:
        camera.open()
    assert err.value.code == "camera_driver_missing"
    assert "python3-picamera2" in err.value.text.en and "tidak terpasang" in err.value.text.id
    health = camera.health()
    assert not health.ok and "picamera2" in health.detail.en


class _StandInPicamera2:
    """Records what the adapter asks of picamera2 and serves B,G,R-ordered frames as
    picamera2's "RGB888" format does."""

    instances: list[_StandInPicamera2] = []

    def __init__(self, index: int = 0, *, autofocus: bool = True) -> None:
        self.sensor_resolution = (4608, 2592)
        self.camera_controls: dict[str, Any] = {"AfMode": (0, 2, 0)} if autofocus else {}
        self.controls: dict[str, Any] = {}
        self.configured: Any = None
        self.still_controls: dict[str, Any] = {}
        self.started = False
        _StandInPicamera2.instances.append(self)

    def create_preview_configuration(
        self, main: dict[str, Any], controls: dict[str, Any]
    ) -> dict[str, Any]:
        return {"use": "preview", "main": main, "controls": controls}

    def create_still_configuration(
        self, main: dict[str, Any], controls: dict[str, Any]
    ) -> dict[str, Any]:
        return {"use": "still", "main": main, "controls": controls}

    def configure(self, config: dict[str, Any]) -> None:
        self.configured = config
        self.controls = dict(config["controls"])

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        pass

    def _bgr(self, size: tuple[int, int]) -> np.ndarray:
        frame = np.zeros((size[1], size[0], 3), np.uint8)
        frame[..., 0] = 10  # blue
        frame[..., 2] = 200  # red
        return frame

    def capture_array(self, stream: str) -> np.ndarray:
        assert stream == "main" and self.configured["use"] == "preview"
        return self._bgr(self.configured["main"]["size"])

    def switch_mode_and_capture_array(self, config: dict[str, Any], stream: str) -> np.ndarray:
        self.still_controls = dict(config["controls"])
        return self._bgr(config["main"]["size"])


def test_picamera2_streams_preview_and_full_resolution_still(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("picamera2")
    module.Picamera2 = _StandInPicamera2  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "picamera2", module)
    camera = PiCamera(preview_size=(640, 480))
    camera.open()
    stand_in = _StandInPicamera2.instances[-1]
    assert stand_in.started and camera.health().ok
    assert camera.autofocus and stand_in.controls["AfMode"] == AF_MODE_CONTINUOUS
    preview = camera.preview_frame()
    assert preview.shape == (480, 640, 3)
    assert tuple(preview[0, 0]) == (200, 0, 10)  # turned into R, G, B
    still = camera.capture_still()
    assert still.shape == (2592, 4608, 3) and tuple(still[0, 0]) == (200, 0, 10)
    assert stand_in.still_controls["AfMode"] == AF_MODE_CONTINUOUS  # kept in still mode
    camera.close()
    assert not stand_in.started


def test_picamera2_without_autofocus_skips_it(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("picamera2")
    module.Picamera2 = lambda index=0: _StandInPicamera2(index, autofocus=False)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "picamera2", module)
    camera = PiCamera()
    camera.open()
    assert not camera.autofocus and "AfMode" not in _StandInPicamera2.instances[-1].controls


def test_picamera2_no_camera_connected(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_camera(index: int = 0) -> None:
        raise IndexError("list index out of range")  # what picamera2 raises with no camera

    module = types.ModuleType("picamera2")
    module.Picamera2 = no_camera  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "picamera2", module)
    with pytest.raises(DeviceError) as err:
        PiCamera().open()
    assert err.value.unplugged and "ribbon cable" in err.value.text.en


# -- USB webcam ---------------------------------------------------------------------------------


@pytest.fixture()
def mjpeg_file(tmp_path: Path) -> Path:
    """A real MJPEG stream as a webcam sends it, written by OpenCV's own MJPEG muxer."""
    path = tmp_path / "webcam.avi"
    writer = cv2.VideoWriter(
        str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter.fourcc(*"MJPG"), 30, (800, 600)
    )
    assert writer.isOpened()
    camera = SimulatedCamera(
        preview_size=(800, 600), frame_interval_s=0, still_s=0, scene=Scene(backdrop="red")
    )
    for _ in range(12):
        writer.write(cv2.cvtColor(camera.preview_frame(), cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def test_webcam_reads_rgb_frames_at_the_preview_size(mjpeg_file: Path) -> None:
    webcam = UsbWebcam(
        str(mjpeg_file), preview_size=(640, 480), still_size=(640, 480), api=cv2.CAP_OPENCV_MJPEG
    )
    webcam.open()
    frame = webcam.preview_frame()
    assert frame.shape == (480, 640, 3)  # a webcam that ignores the size is scaled
    r, g, b = frame[5:30, 5:30].reshape(-1, 3).mean(axis=0)
    assert r > 120 and b < 80  # red backdrop comes out red, not swapped to blue
    assert webcam.capture_still().shape == (600, 800, 3)
    assert webcam.health().ok
    webcam.close()


def test_webcam_end_of_stream_is_a_clear_fault(mjpeg_file: Path) -> None:
    webcam = UsbWebcam(str(mjpeg_file), still_size=(640, 480), api=cv2.CAP_OPENCV_MJPEG)
    webcam.open()
    with pytest.raises(DeviceError) as err:
        for _ in range(20):
            webcam.preview_frame()
    assert err.value.unplugged and "replug" in err.value.text.en
    assert not webcam.health().ok


def test_webcam_missing_device() -> None:
    webcam = UsbWebcam("/dev/video-does-not-exist")
    with pytest.raises(DeviceError) as err:
        webcam.open()
    assert err.value.code == "camera_gone" and "USB" in err.value.text.en
    assert "tidak ditemukan" in webcam.health().detail.id
    with pytest.raises(DeviceError):
        webcam.preview_frame()
