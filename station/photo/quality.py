"""The full quality analysis of one frame: find the faces, then run every check."""

from __future__ import annotations

from dataclasses import dataclass

import cv2

from peripherals.camera.port import Frame, as_frame
from station.photo import checks
from station.photo.backdrop import read_backdrop
from station.photo.checks import CheckResult, Verdict
from station.photo.faces import Face, FaceDetector, Grey
from station.photo.settings import PhotoSettings

ANALYSIS_WIDTH = 640
"""Stills are shrunk to the preview's width first: the checks need no more detail, and
one set of thresholds then holds for both."""


@dataclass(frozen=True)
class QualityReport:
    checks: tuple[CheckResult, ...]
    face: Face | None  # the applicant's face (the largest), in the analysed frame's pixels
    frame_size: tuple[int, int]  # (width, height) of the frame passed in

    @property
    def ok(self) -> bool:
        return all(c.verdict is Verdict.PASS for c in self.checks)

    @property
    def not_passed(self) -> list[CheckResult]:
        return [c for c in self.checks if c.verdict is not Verdict.PASS]

    def check(self, name: str) -> CheckResult:
        return next(c for c in self.checks if c.check == name)

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "frame": {"width": self.frame_size[0], "height": self.frame_size[1]},
            "face": self.face.as_json() if self.face else None,
            "checks": [c.as_json() for c in self.checks],
        }


class QualityAnalyser:
    def __init__(self, settings: PhotoSettings | None = None) -> None:
        self.settings = settings or PhotoSettings()
        self.detector = FaceDetector(self.settings)

    def analyse(self, frame: Frame, birth_year: int | None) -> QualityReport:
        """Judge an RGB frame of any size; the face box is returned in its pixels."""
        height, width = frame.shape[:2]
        factor = 1.0
        if width > ANALYSIS_WIDTH:
            factor = width / ANALYSIS_WIDTH
            frame = as_frame(
                cv2.resize(
                    frame, (ANALYSIS_WIDTH, round(height / factor)), interpolation=cv2.INTER_AREA
                )
            )
        grey: Grey = as_frame(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY))
        faces = self.detector.find(frame, grey)
        face = faces[0] if faces else None
        s = self.settings
        gh, gw = grey.shape
        results = [checks.face_count(len(faces))]
        if face is None:
            results += [checks.waiting_for_face(name) for name in checks.CHECKS[1:-1]]
        else:
            middle = _face_middle(grey, face)
            results += [
                checks.centred(face, gw, gh, s),
                checks.size(face, gh, s),
                checks.exposure(middle, s),
                checks.sharpness(middle, s),
                checks.upright(face, s),
                checks.eyes(face),
            ]
        results.append(checks.backdrop(read_backdrop(frame, face, s), birth_year))
        return QualityReport(
            tuple(results),
            face.scaled(factor) if face else None,
            (width, height),
        )


def _face_middle(grey: Grey, face: Face) -> Grey:
    """The inner part of the face box: cheeks, eyes, nose, mouth; no hair, no backdrop."""
    x0, x1 = int(face.x + 0.2 * face.w), int(face.x + 0.8 * face.w)
    y0, y1 = int(face.y + 0.2 * face.h), int(face.y + 0.9 * face.h)
    h, w = grey.shape
    return grey[max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)]
