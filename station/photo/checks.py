"""The photo quality checks, each giving pass/fail and what to say to the applicant.

Instructions are addressed to the applicant, who faces the camera: "move to your right"
means the applicant's right, which is the left of the (unmirrored) camera image."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from peripherals.device import Text
from station.messages import (
    PHOTO_BLURRED,
    PHOTO_CHIN_DOWN,
    PHOTO_CHIN_UP,
    PHOTO_DISTANCE_OK,
    PHOTO_EYES_NOT_OPEN,
    PHOTO_EYES_NOT_SEEN,
    PHOTO_EYES_OPEN,
    PHOTO_FACE_CENTRED,
    PHOTO_FACE_TOO_HIGH,
    PHOTO_FACE_TOO_LOW,
    PHOTO_HEAD_STRAIGHT,
    PHOTO_LIGHT_OK,
    PHOTO_MOVE_LEFT,
    PHOTO_MOVE_RIGHT,
    PHOTO_NO_BACKDROP,
    PHOTO_NO_FACE,
    PHOTO_ONE_FACE,
    PHOTO_SHARP,
    PHOTO_TOO_BRIGHT,
    PHOTO_TOO_CLOSE,
    PHOTO_TOO_DARK,
    PHOTO_TOO_FAR,
    PHOTO_UNEVEN_LIGHT,
    PHOTO_WAITING_FOR_FACE,
    backdrop_matches_birth_year,
    backdrop_unchecked_without_birth_date,
    backdrop_wrong_colour,
    face_turned,
    faces_seen,
    head_tilted,
)
from station.photo.backdrop import BackdropReading, expected_backdrop
from station.photo.faces import Face, Grey
from station.photo.settings import PhotoSettings


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"  # cannot be judged yet (no face, no birth date, eyes not seen)


@dataclass(frozen=True)
class CheckResult:
    check: str
    verdict: Verdict
    text: Text
    value: float | str | None = None  # what was measured, for the operator and the log

    def as_json(self) -> dict[str, object]:
        return {
            "check": self.check,
            "verdict": str(self.verdict),
            "message": self.text.as_json(),
            "value": round(self.value, 3) if isinstance(self.value, float) else self.value,
        }


CHECKS = (
    "face_count",
    "centred",
    "size",
    "exposure",
    "sharpness",
    "upright",
    "eyes",
    "backdrop",
)
_WAITING = PHOTO_WAITING_FOR_FACE


def waiting_for_face(check: str) -> CheckResult:
    return CheckResult(check, Verdict.UNKNOWN, _WAITING)


def face_count(count: int) -> CheckResult:
    if count == 0:
        return CheckResult(
            "face_count",
            Verdict.FAIL,
            PHOTO_NO_FACE,
            0,
        )
    if count > 1:
        return CheckResult(
            "face_count",
            Verdict.FAIL,
            faces_seen(count),
            count,
        )
    return CheckResult("face_count", Verdict.PASS, PHOTO_ONE_FACE, 1)


def centred(face: Face, width: int, height: int, s: PhotoSettings) -> CheckResult:
    cx, cy = face.centre
    dx, dy = cx / width - s.centre_x, cy / height - s.centre_y
    value = f"dx={dx:+.3f} dy={dy:+.3f}"
    # The image is not mirrored: a face right of centre is on the applicant's left.
    if dx > s.centre_tolerance_x:
        text = PHOTO_MOVE_RIGHT
    elif dx < -s.centre_tolerance_x:
        text = PHOTO_MOVE_LEFT
    elif dy < -s.centre_tolerance_y:
        text = PHOTO_FACE_TOO_HIGH
    elif dy > s.centre_tolerance_y:
        text = PHOTO_FACE_TOO_LOW
    else:
        return CheckResult("centred", Verdict.PASS, PHOTO_FACE_CENTRED, value)
    return CheckResult("centred", Verdict.FAIL, text, value)


def size(face: Face, height: int, s: PhotoSettings) -> CheckResult:
    share = face.h / height
    if share < s.face_height_min:
        return CheckResult(
            "size",
            Verdict.FAIL,
            PHOTO_TOO_FAR,
            share,
        )
    if share > s.face_height_max:
        return CheckResult(
            "size",
            Verdict.FAIL,
            PHOTO_TOO_CLOSE,
            share,
        )
    return CheckResult(
        "size",
        Verdict.PASS,
        PHOTO_DISTANCE_OK,
        share,
    )


def exposure(face_grey: Grey, s: PhotoSettings) -> CheckResult:
    """Judged on the middle of the face (no hair, no backdrop): mean luma, burnt-out
    share, and the darker half against the brighter half (light from one side)."""
    mean = float(face_grey.mean())
    clipped = float(np.mean(face_grey >= 250))
    half = face_grey.shape[1] // 2
    left, right = float(face_grey[:, :half].mean()), float(face_grey[:, half:].mean())
    evenness = min(left, right) / max(left, right, 1.0)
    if mean < s.face_luma_min:
        return CheckResult(
            "exposure",
            Verdict.FAIL,
            PHOTO_TOO_DARK,
            mean,
        )
    if mean > s.face_luma_max or clipped > s.clipped_max:
        return CheckResult(
            "exposure",
            Verdict.FAIL,
            PHOTO_TOO_BRIGHT,
            mean,
        )
    if evenness < s.evenness_min:
        return CheckResult(
            "exposure",
            Verdict.FAIL,
            PHOTO_UNEVEN_LIGHT,
            evenness,
        )
    return CheckResult("exposure", Verdict.PASS, PHOTO_LIGHT_OK, mean)


def sharpness(face_grey: Grey, s: PhotoSettings) -> CheckResult:
    """Laplacian energy of the face relative to its brightness (x100), on a fixed 96x96
    size so distance does not matter, after a 1 px Gaussian that removes sensor noise
    (which would otherwise pass for detail) but keeps the eyes', brows' and mouth's
    edges; dividing by brightness squared keeps a dim but sharp face from counting as
    blurred."""
    small = cv2.resize(face_grey, (96, 96), interpolation=cv2.INTER_AREA).astype(np.float32)
    small = np.asarray(cv2.GaussianBlur(small, (0, 0), 1.0), dtype=np.float32)
    detail = float(cv2.Laplacian(small, cv2.CV_32F).var())
    score = 100 * detail / max(float(small.mean()) ** 2, 1.0)
    if score < s.sharpness_min:
        return CheckResult(
            "sharpness",
            Verdict.FAIL,
            PHOTO_BLURRED,
            score,
        )
    return CheckResult("sharpness", Verdict.PASS, PHOTO_SHARP, score)


def upright(face: Face, s: PhotoSettings) -> CheckResult:
    """Frontal pose (ISO/IEC 19794-5): roll, then yaw, then pitch, each with the
    instruction that fixes it. The value is "roll/yaw/pitch" in degrees."""
    pose = face.pose
    if pose is None:
        return CheckResult(
            "upright",
            Verdict.UNKNOWN,
            PHOTO_EYES_NOT_SEEN,
        )
    roll = pose.roll_deg
    value = f"roll={pose.roll_deg:+.1f} yaw={pose.yaw_deg:+.1f} pitch={pose.pitch_deg:+.1f}"
    if abs(roll) > s.max_roll_deg:
        # Clockwise on screen: the top of the head goes to the image's right, which is
        # the applicant's left.
        return CheckResult("upright", Verdict.FAIL, head_tilted(to_left=roll > 0), value)
    if abs(pose.yaw_deg) > s.max_yaw_deg:
        # The nose points to the image's right: the applicant looks to their left.
        return CheckResult("upright", Verdict.FAIL, face_turned(to_left=pose.yaw_deg > 0), value)
    if abs(pose.pitch_deg) > s.max_pitch_deg:
        text = PHOTO_CHIN_DOWN if pose.pitch_deg > 0 else PHOTO_CHIN_UP
        return CheckResult("upright", Verdict.FAIL, text, value)
    return CheckResult("upright", Verdict.PASS, PHOTO_HEAD_STRAIGHT, value)


def eyes(face: Face) -> CheckResult:
    if face.eyes_open is None:
        return waiting_for_face("eyes")
    if not face.eyes_open:
        return CheckResult(
            "eyes",
            Verdict.FAIL,
            PHOTO_EYES_NOT_OPEN,
            "not seen open",
        )
    return CheckResult("eyes", Verdict.PASS, PHOTO_EYES_OPEN, "open")


def backdrop(reading: BackdropReading, birth_year: int | None) -> CheckResult:
    seen = reading.colour
    if reading.sampled == 0:
        return CheckResult(
            "backdrop",
            Verdict.UNKNOWN,
            PHOTO_NO_BACKDROP,
        )
    if birth_year is None:
        return CheckResult(
            "backdrop",
            Verdict.UNKNOWN,
            backdrop_unchecked_without_birth_date(seen),
            seen,
        )
    want = expected_backdrop(birth_year)
    if seen == want:
        return CheckResult(
            "backdrop",
            Verdict.PASS,
            backdrop_matches_birth_year(want, birth_year),
            seen,
        )
    return CheckResult(
        "backdrop",
        Verdict.FAIL,
        backdrop_wrong_colour(want, seen, birth_year),
        seen,
    )
