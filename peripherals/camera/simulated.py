"""A camera that films a person in front of the station's backdrop.

The person is a real photograph (the public-domain NASA astronaut portrait, see
`assets/ORIGIN.txt`) cut out and composited on a blue or red backdrop, so the face
detector and every quality check see what they would see on a real station. A `Scene`
controls what is in front of the lens: where the person stands, how close, the light,
focus blur, sensor noise, a second face behind, nobody at all, or any other picture.

Frames are paced like a real sensor (one preview frame per `frame_interval_s`, a still
takes `still_s`); both can be zero for tests."""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from peripherals import messages
from peripherals.camera.port import Frame, as_frame
from peripherals.device import DeviceError, DeviceHealth
from peripherals.recording import Recording

BACKDROPS: dict[str, tuple[int, int, int]] = {"blue": (28, 78, 190), "red": (190, 32, 38)}

_ASSETS = Path(__file__).parent / "assets"
# Where the detector's face box sits in the portrait asset (see assets/ORIGIN.txt).
_FACE_CENTRE = (214.5, 113.5)
_FACE_HEIGHT_PX = 95.0
# The astronaut holds her head a little tilted; tilt_deg=0 straightens it.
_HEAD_ROLL_DEG = 3.8
_PAINT_WIDTH = 960


@dataclass(frozen=True)
class Scene:
    """What is in front of the lens. Positions and sizes are fractions of the frame, so
    the preview and the still show the same scene."""

    backdrop: str | tuple[int, int, int] = "blue"
    person: bool = True
    x: float = 0.5  # face centre, fraction of frame width
    y: float = 0.46  # face centre, fraction of frame height
    face_height: float = 0.26  # detector face box height, fraction of frame height
    tilt_deg: float = 0.0  # head roll, positive = clockwise on screen
    brightness: float = 1.0  # exposure gain
    side_light: float = 0.0  # light from the left: 0 = even, 0.6 = right cheek 60 % darker
    blur: float = 0.0  # optical blur, Gaussian sigma in preview pixels
    noise: float = 2.0  # sensor noise, standard deviation in grey levels
    second_face: bool = False  # someone standing behind, to the left
    picture: Frame | None = dataclasses.field(default=None, compare=False)
    """Any RGB picture filmed instead of the backdrop and person (e.g. a test scene)."""


_NOISE_PATTERNS = 4
# A noise pattern as what it adds and what it takes away, each in 0..255: two saturating
# 8-bit operations give the same frame as one signed addition at a quarter of the cost
# (each pixel has only one of the two).
_Noise = tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]


def _split(noise: npt.NDArray[np.int16]) -> _Noise:
    return (
        np.clip(noise, 0, 255).astype(np.uint8),
        np.clip(-noise, 0, 255).astype(np.uint8),
    )


class SimulatedCamera:
    kind = "camera"

    def __init__(
        self,
        preview_size: tuple[int, int] = (640, 480),
        still_size: tuple[int, int] = (1920, 1440),
        frame_interval_s: float = 1 / 30,
        still_s: float = 0.3,
        scene: Scene | None = None,
    ) -> None:
        self.preview_size = preview_size
        self.still_size = still_size
        self.frame_interval_s = frame_interval_s
        self.still_s = still_s
        self.unplugged = False
        self.recording = Recording()
        self._scene = scene or Scene()
        self._lock = threading.Lock()
        self._pace_lock = threading.Lock()
        self._last_frame_at = 0.0
        self._rendered: dict[tuple[int, int], npt.NDArray[np.uint8]] = {}
        # Sensor noise: a few patterns drawn once per size and taken in turn. Drawing 8
        # million Gaussian values per still costs the simulator more CPU than a real
        # camera spends on the whole still.
        self._noise: dict[tuple[int, int], list[_Noise]] = {}
        self._noise_turn = 0
        self._painter: threading.Thread | None = None

    # -- what is in front of the lens --------------------------------------------------

    @property
    def scene(self) -> Scene:
        return self._scene

    def set_scene(self, **changes: object) -> Scene:
        """Change part of the scene, e.g. `set_scene(x=0.3, brightness=0.4)`."""
        backdrop = changes.get("backdrop")
        if isinstance(backdrop, str) and backdrop not in BACKDROPS:
            raise ValueError(f"backdrop must be one of {sorted(BACKDROPS)} or an RGB tuple")
        with self._lock:
            scene = dataclasses.replace(self._scene, **changes)  # type: ignore[arg-type]
            if scene == self._scene and "picture" not in changes:
                return scene  # the same cloth hung again: nothing to paint
            self._scene = scene
            self._rendered.clear()
            if "noise" in changes:
                self._noise.clear()
            scene = self._scene
        self.recording.add("scene", {k: v for k, v in changes.items() if k != "picture"})
        # Paint the new scene now, in the background: on a real camera the scene costs
        # no CPU, so the next still must not pay for the simulator's painting.
        # An earlier painter notices the newer scene and stops by itself.
        self._painter = threading.Thread(
            target=self._paint, args=(scene,), name="camera-painter", daemon=True
        )
        self._painter.start()
        return scene

    def _paint(self, scene: Scene) -> None:
        for size in (self.still_size, self.preview_size):
            painted = _render_at(scene, size)
            with self._lock:
                if self._scene is not scene:
                    return
                self._rendered.setdefault(size, painted)
            if scene.noise > 0:
                self._noise_for(painted, scene.noise)

    def _join_painter(self) -> None:
        painter = self._painter
        if painter is not None and painter is not threading.current_thread():
            painter.join()

    @property
    def backdrop(self) -> str | tuple[int, int, int]:
        return self._scene.backdrop

    @backdrop.setter
    def backdrop(self, colour: str | tuple[int, int, int]) -> None:
        """The operator hangs the blue or the red cloth."""
        self.set_scene(backdrop=colour)

    # -- Device --------------------------------------------------------------------------

    def open(self) -> None:
        self._check()
        self.recording.add("open")

    def close(self) -> None:
        self._join_painter()
        self.recording.add("close")

    def health(self) -> DeviceHealth:
        if self.unplugged:
            return DeviceHealth(self.kind, "simulated", False, messages.CAMERA_NOT_CONNECTED)
        return DeviceHealth(self.kind, "simulated", True, messages.DEVICE_READY)

    # -- Camera ----------------------------------------------------------------------------

    def preview_frame(self) -> Frame:
        self._check()
        with self._pace_lock:
            wait = self._last_frame_at + self.frame_interval_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_frame_at = time.monotonic()
        return self._expose(self.preview_size)

    def capture_still(self) -> Frame:
        self._check()
        if self.still_s > 0:
            time.sleep(self.still_s)
        self.recording.add("still")
        return self._expose(self.still_size)

    def _check(self) -> None:
        if self.unplugged:
            raise DeviceError("camera_gone", messages.CAMERA_NOT_CONNECTED, unplugged=True)

    def _expose(self, size: tuple[int, int]) -> Frame:
        painter = self._painter
        if painter is not None and painter.is_alive() and size not in self._rendered:
            painter.join()  # the scene is being painted already: wait, do not paint twice
        with self._lock:
            scene = self._scene
            clean = self._rendered.get(size)
            if clean is None:
                clean = _render_at(scene, size)
                self._rendered[size] = clean
        if scene.noise <= 0:
            return clean.copy()
        # Sensor noise changes every frame; everything else in the scene is cached.
        brighter, darker = self._noise_for(clean, scene.noise)
        return as_frame(cv2.subtract(cv2.add(clean, brighter), darker))

    def _noise_for(self, clean: npt.NDArray[np.uint8], sigma: float) -> _Noise:
        size = (clean.shape[1], clean.shape[0])
        with self._lock:
            bank = self._noise.get(size)
            self._noise_turn += 1
            turn = self._noise_turn
        if bank is None:
            bank = []
            for _ in range(_NOISE_PATTERNS):
                noise = np.zeros_like(clean, dtype=np.int16)
                cv2.randn(noise, np.zeros(1), np.full(1, sigma))
                bank.append(_split(noise))
            with self._lock:
                bank = self._noise.setdefault(size, bank)
        return bank[turn % len(bank)]


def _render_at(scene: Scene, size: tuple[int, int]) -> Frame:
    """Large frames are painted at preview scale and enlarged: the portrait has no more
    detail to give, and painting 1920x1440 in floating point would take half a second."""
    width, height = size
    if width <= _PAINT_WIDTH:
        return render(scene, size)
    small = render(scene, (_PAINT_WIDTH, round(height * _PAINT_WIDTH / width)))
    return as_frame(cv2.resize(small, size, interpolation=cv2.INTER_LINEAR))


def render(scene: Scene, size: tuple[int, int]) -> Frame:
    """The scene as a noiseless RGB frame of `size` (width, height)."""
    width, height = size
    if scene.picture is not None:
        frame = cv2.resize(scene.picture, (width, height), interpolation=cv2.INTER_AREA)
        image = np.asarray(frame, dtype=np.float32)
    else:
        image = _backdrop(scene.backdrop, width, height)
        if scene.second_face:
            _composite(
                image, x=0.16, y=0.3, face_height=scene.face_height * 0.7, tilt_deg=0.0, mirror=True
            )
        if scene.person:
            _composite(
                image,
                x=scene.x,
                y=scene.y,
                face_height=scene.face_height,
                tilt_deg=scene.tilt_deg,
                mirror=False,
            )
    light = np.float32(scene.brightness)
    if scene.side_light:
        # A lamp on one side: the shadow falls across the face, then stays.
        span = max(scene.face_height * height * 0.6, 1.0)
        left = scene.x * width - span / 2
        across = np.clip((np.arange(width, dtype=np.float32) - left) / span, 0, 1)
        light = light * (1.0 - scene.side_light * across)[None, :, None]
    image *= light
    if scene.blur > 0:
        sigma = scene.blur * height / 480  # blur is given at preview scale
        image = np.asarray(cv2.GaussianBlur(image, (0, 0), sigma), dtype=np.float32)
    return np.clip(image, 0, 255).astype(np.uint8)


def _backdrop(
    colour: str | tuple[int, int, int], width: int, height: int
) -> npt.NDArray[np.float32]:
    rgb = BACKDROPS[colour] if isinstance(colour, str) else colour
    # A lit cloth backdrop is a little brighter in the middle than at the corners.
    yy = np.linspace(-1, 1, height, dtype=np.float32)[:, None]
    xx = np.linspace(-1, 1, width, dtype=np.float32)[None, :]
    falloff = 1.0 - 0.12 * (xx**2 + yy**2) / 2
    return np.asarray(falloff[..., None] * np.asarray(rgb, np.float32)[None, None, :], np.float32)


@cache
def _portrait() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The portrait's colour and alpha, with the body continued downwards (by repeating
    the bottom rows) so a person standing far from the camera is not cut at the waist."""
    bgr = cv2.imread(str(_ASSETS / "astronaut_portrait.jpg"), cv2.IMREAD_COLOR)
    alpha = cv2.imread(str(_ASSETS / "astronaut_portrait_alpha.png"), cv2.IMREAD_GRAYSCALE)
    if bgr is None or alpha is None:
        raise DeviceError(
            "camera_simulator_assets",
            messages.CAMERA_SIMULATOR_FILES_MISSING,
        )
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    extend = rgb.shape[0] * 2
    rgb = cv2.copyMakeBorder(rgb, 0, extend, 0, 0, cv2.BORDER_REPLICATE)
    alpha = cv2.copyMakeBorder(alpha, 0, extend, 0, 0, cv2.BORDER_REPLICATE)
    return rgb.astype(np.float32), (alpha.astype(np.float32) / 255.0)


def _composite(
    image: npt.NDArray[np.float32],
    *,
    x: float,
    y: float,
    face_height: float,
    tilt_deg: float,
    mirror: bool,
) -> None:
    """Paint the person into `image` in place, face centre at (x, y)."""
    height, width = image.shape[:2]
    rgb, alpha = _portrait()
    if mirror:
        rgb, alpha = rgb[:, ::-1], alpha[:, ::-1]
        centre = (rgb.shape[1] - 1 - _FACE_CENTRE[0], _FACE_CENTRE[1])
    else:
        centre = _FACE_CENTRE
    scale = face_height * height / _FACE_HEIGHT_PX
    # One affine warp: rotate and scale about the face centre, then move it into place.
    roll = -_HEAD_ROLL_DEG if mirror else _HEAD_ROLL_DEG
    matrix = cv2.getRotationMatrix2D(centre, roll - tilt_deg, scale)
    matrix[0, 2] += x * width - centre[0]
    matrix[1, 2] += y * height - centre[1]
    flags = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    person = cv2.warpAffine(np.ascontiguousarray(rgb), matrix, (width, height), flags=flags)
    cover = cv2.warpAffine(np.ascontiguousarray(alpha), matrix, (width, height), flags=flags)
    cover = cover[..., None]
    image *= 1.0 - cover
    image += person * cover
