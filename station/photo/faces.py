"""Finding faces and eyes with OpenCV's Haar cascades (shipped in the opencv wheel).

`frontalface_alt2` was chosen over `frontalface_default`: on the simulator it still finds
faces that are off-centre, far, blurred or over-exposed, and like the default cascade
it finds nothing in the scikit-image scenes without a person (coffee, chelsea, rocket).
Detection runs on a frame shrunk to `detection_width` (288 px): the applicant's face is
at least a fifth of the frame high, so nothing is lost, and it costs a third of 640 px."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from station.photo.settings import PhotoSettings

Grey = npt.NDArray[np.uint8]
Point = tuple[float, float]


@dataclass(frozen=True)
class Face:
    """A face box in frame pixels; `eyes` (image-left first) when both were found."""

    x: float
    y: float
    w: float
    h: float
    eyes: tuple[Point, Point] | None = None

    @property
    def centre(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)

    @property
    def roll_deg(self) -> float | None:
        """Head roll from the eye line: positive when the head leans clockwise on screen."""
        if self.eyes is None:
            return None
        (lx, ly), (rx, ry) = self.eyes
        return math.degrees(math.atan2(ry - ly, rx - lx))

    def scaled(self, factor: float) -> Face:
        eyes = None
        if self.eyes is not None:
            eyes = (
                (self.eyes[0][0] * factor, self.eyes[0][1] * factor),
                (self.eyes[1][0] * factor, self.eyes[1][1] * factor),
            )
        return Face(self.x * factor, self.y * factor, self.w * factor, self.h * factor, eyes)

    def as_json(self) -> dict[str, object]:
        return {
            "x": round(self.x, 1),
            "y": round(self.y, 1),
            "w": round(self.w, 1),
            "h": round(self.h, 1),
            "roll_deg": _rounded(self.roll_deg),
        }


class FaceDetector:
    """Thread-safe: OpenCV cascade objects are not, so calls are serialised."""

    def __init__(self, settings: PhotoSettings) -> None:
        self.settings = settings
        self._faces = _cascade("haarcascade_frontalface_alt2.xml")
        self._eyes = _cascade("haarcascade_eye.xml")
        self._lock = threading.Lock()

    def find(self, grey: Grey) -> list[Face]:
        """All faces in a full-resolution grey frame, largest first, with eyes looked for
        in the largest one only (the others only need counting)."""
        height, width = grey.shape
        factor = width / self.settings.detection_width
        small = cv2.resize(
            grey,
            (self.settings.detection_width, round(height / factor)),
            interpolation=cv2.INTER_AREA,
        )
        min_side = max(20, round(self.settings.min_face_height * small.shape[0]))
        with self._lock:
            boxes = self._faces.detectMultiScale(
                small,
                scaleFactor=self.settings.detector_scale_factor,
                minNeighbors=self.settings.detector_min_neighbors,
                minSize=(min_side, min_side),
            )
        faces = sorted(
            (Face(float(x), float(y), float(w), float(h)).scaled(factor) for x, y, w, h in boxes),
            key=lambda f: f.w * f.h,
            reverse=True,
        )
        if faces:
            faces[0] = self._with_eyes(grey, faces[0])
        return faces

    def _with_eyes(self, grey: Grey, face: Face) -> Face:
        # Eyes sit in the upper half of the face box; searching only there is fast and
        # keeps nostrils and the mouth from passing for eyes.
        x0, y0 = int(face.x), int(face.y + face.h * 0.15)
        roi = grey[y0 : int(face.y + face.h * 0.55), x0 : int(face.x + face.w)]
        if roi.size == 0:
            return face
        # Eye search at a fixed scale: a 120 px wide face box is plenty for 20 px eyes.
        factor = roi.shape[1] / 120
        small = cv2.resize(
            roi, (120, max(1, round(roi.shape[0] / factor))), interpolation=cv2.INTER_AREA
        )
        with self._lock:
            found = self._eyes.detectMultiScale(
                small, scaleFactor=1.1, minNeighbors=3, minSize=(14, 14), maxSize=(45, 45)
            )
        centres = sorted(
            (
                (x0 + (ex + ew / 2) * factor, y0 + (ey + eh / 2) * factor)
                for ex, ey, ew, eh in found
            ),
            key=lambda p: p[0],
        )
        pair = _eye_pair(centres, face)
        return Face(face.x, face.y, face.w, face.h, pair)


def _eye_pair(centres: list[Point], face: Face) -> tuple[Point, Point] | None:
    """The leftmost and rightmost eye candidates, if they are on either side of the
    face's middle and a plausible distance apart (a quarter to two thirds of its width)."""
    if len(centres) < 2:
        return None
    left, right = centres[0], centres[-1]
    middle = face.x + face.w / 2
    gap = math.dist(left, right)
    if left[0] < middle < right[0] and 0.25 * face.w <= gap <= 0.67 * face.w:
        return (left, right)
    return None


def _cascade(name: str) -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)  # type: ignore[attr-defined]
    if classifier.empty():
        raise RuntimeError(
            f"OpenCV cascade {name} is missing: reinstall opencv-python-headless<5 "
            f"(berkas cascade OpenCV {name} tidak ada: pasang ulang opencv-python-headless<5)"
        )
    return classifier


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
