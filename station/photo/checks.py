"""The photo quality checks, each giving pass/fail and what to say to the applicant.

Instructions are addressed to the applicant, who faces the camera: "move to your right"
means the applicant's right, which is the left of the (unmirrored) camera image."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from peripherals.device import Text
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
            "message": {"id": self.text.id, "en": self.text.en},
            "value": round(self.value, 3) if isinstance(self.value, float) else self.value,
        }


CHECKS = (
    "face_count", "centred", "size", "exposure", "sharpness", "upright", "eyes", "backdrop",
)
_WAITING = Text(
    "Menunggu satu wajah di depan kamera.", "Waiting for one face in front of the camera."
)


def waiting_for_face(check: str) -> CheckResult:
    return CheckResult(check, Verdict.UNKNOWN, _WAITING)


def face_count(count: int) -> CheckResult:
    if count == 0:
        return CheckResult(
            "face_count",
            Verdict.FAIL,
            Text(
                "Wajah tidak terlihat: duduk di depan kamera dan hadap lurus ke kamera.",
                "No face seen: sit in front of the camera and look straight at it.",
            ),
            0,
        )
    if count > 1:
        return CheckResult(
            "face_count",
            Verdict.FAIL,
            Text(
                f"Terlihat {count} wajah: hanya pemohon yang boleh di depan kamera.",
                f"{count} faces seen: only the applicant may be in front of the camera.",
            ),
            count,
        )
    return CheckResult(
        "face_count", Verdict.PASS, Text("Satu wajah terlihat.", "One face seen."), 1
    )


def centred(face: Face, width: int, height: int, s: PhotoSettings) -> CheckResult:
    cx, cy = face.centre
    dx, dy = cx / width - s.centre_x, cy / height - s.centre_y
    value = f"dx={dx:+.3f} dy={dy:+.3f}"
    # The image is not mirrored: a face right of centre is on the applicant's left.
    if dx > s.centre_tolerance_x:
        text = Text("Geser sedikit ke kanan Anda.", "Move a little to your right.")
    elif dx < -s.centre_tolerance_x:
        text = Text("Geser sedikit ke kiri Anda.", "Move a little to your left.")
    elif dy < -s.centre_tolerance_y:
        text = Text(
            "Wajah terlalu tinggi: turunkan kepala atau naikkan kamera.",
            "Face too high: lower your head or raise the camera.",
        )
    elif dy > s.centre_tolerance_y:
        text = Text(
            "Wajah terlalu rendah: duduk tegak atau turunkan kamera.",
            "Face too low: sit up straight or lower the camera.",
        )
    else:
        return CheckResult(
            "centred", Verdict.PASS, Text("Posisi wajah di tengah.", "Face centred."), value
        )
    return CheckResult("centred", Verdict.FAIL, text, value)


def size(face: Face, height: int, s: PhotoSettings) -> CheckResult:
    share = face.h / height
    if share < s.face_height_min:
        return CheckResult(
            "size",
            Verdict.FAIL,
            Text(
                "Terlalu jauh: maju sedikit mendekati kamera.",
                "Too far: come a little closer to the camera.",
            ),
            share,
        )
    if share > s.face_height_max:
        return CheckResult(
            "size",
            Verdict.FAIL,
            Text(
                "Terlalu dekat: mundur sedikit dari kamera.",
                "Too close: move back a little from the camera.",
            ),
            share,
        )
    return CheckResult(
        "size",
        Verdict.PASS,
        Text("Jarak ke kamera pas.", "Distance to the camera is right."),
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
            Text("Terlalu gelap: tambah cahaya ke wajah.", "Too dark: put more light on the face."),
            mean,
        )
    if mean > s.face_luma_max or clipped > s.clipped_max:
        return CheckResult(
            "exposure",
            Verdict.FAIL,
            Text(
                "Terlalu terang: kurangi cahaya atau jauhkan lampu.",
                "Too bright: reduce the light or move the lamp away.",
            ),
            mean,
        )
    if evenness < s.evenness_min:
        return CheckResult(
            "exposure",
            Verdict.FAIL,
            Text(
                "Cahaya tidak merata: satu sisi wajah gelap, terangi dari depan.",
                "Uneven light: one side of the face is dark, light it from the front.",
            ),
            evenness,
        )
    return CheckResult(
        "exposure", Verdict.PASS, Text("Pencahayaan baik.", "Lighting is good."), mean
    )


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
            Text(
                "Gambar buram: diam sejenak dan tunggu kamera fokus.",
                "Blurred: hold still for a moment and let the camera focus.",
            ),
            score,
        )
    return CheckResult("sharpness", Verdict.PASS, Text("Gambar tajam.", "Image is sharp."), score)


def upright(face: Face, s: PhotoSettings) -> CheckResult:
    """Frontal pose (ISO/IEC 19794-5): roll, then yaw, then pitch, each with the
    instruction that fixes it. The value is "roll/yaw/pitch" in degrees."""
    pose = face.pose
    if pose is None:
        return CheckResult(
            "upright",
            Verdict.UNKNOWN,
            Text(
                "Mata belum terlihat jelas: lihat ke kamera, rambut tidak menutupi mata.",
                "Eyes not clearly seen: look at the camera, keep hair off the eyes.",
            ),
        )
    roll = pose.roll_deg
    value = f"roll={pose.roll_deg:+.1f} yaw={pose.yaw_deg:+.1f} pitch={pose.pitch_deg:+.1f}"
    if abs(roll) > s.max_roll_deg:
        # Clockwise on screen: the top of the head goes to the image's right, which is
        # the applicant's left.
        side = ("kiri", "left") if roll > 0 else ("kanan", "right")
        return CheckResult(
            "upright",
            Verdict.FAIL,
            Text(
                f"Kepala miring: tegakkan kepala (jangan condong ke bahu {side[0]}).",
                f"Head tilted: hold your head straight (not leaning to your {side[1]} shoulder).",
            ),
            value,
        )
    if abs(pose.yaw_deg) > s.max_yaw_deg:
        # The nose points to the image's right: the applicant looks to their left.
        side = ("kiri", "left") if pose.yaw_deg > 0 else ("kanan", "right")
        return CheckResult(
            "upright",
            Verdict.FAIL,
            Text(
                f"Wajah menoleh ke {side[0]} Anda: hadapkan wajah lurus ke kamera.",
                f"Face turned to your {side[1]}: turn your face straight to the camera.",
            ),
            value,
        )
    if abs(pose.pitch_deg) > s.max_pitch_deg:
        text = (
            Text("Dagu terlalu turun: angkat dagu sedikit.", "Chin down: raise your chin a little.")
            if pose.pitch_deg > 0
            else Text(
                "Dagu terlalu naik: turunkan dagu sedikit.", "Chin up: lower your chin a little."
            )
        )
        return CheckResult("upright", Verdict.FAIL, text, value)
    return CheckResult(
        "upright", Verdict.PASS, Text("Kepala tegak, menghadap kamera.", "Head straight, facing "
                                      "the camera."), value
    )


def eyes(face: Face) -> CheckResult:
    if face.eyes_open is None:
        return waiting_for_face("eyes")
    if not face.eyes_open:
        return CheckResult(
            "eyes",
            Verdict.FAIL,
            Text(
                "Mata tidak terlihat terbuka: buka mata, lihat ke kamera, rambut dan kacamata "
                "tidak menutupi mata.",
                "Eyes not seen open: open your eyes, look at the camera, no hair or glasses "
                "over the eyes.",
            ),
            "not seen open",
        )
    return CheckResult("eyes", Verdict.PASS, Text("Mata terbuka.", "Eyes open."), "open")


_COLOUR_NAMES = {"blue": ("biru", "blue"), "red": ("merah", "red")}


def backdrop(reading: BackdropReading, birth_year: int | None) -> CheckResult:
    seen = reading.colour
    seen_id, seen_en = _COLOUR_NAMES[seen] if seen else ("tidak jelas", "unclear")
    if reading.sampled == 0:
        return CheckResult(
            "backdrop",
            Verdict.UNKNOWN,
            Text("Latar belakang tidak terlihat.", "The backdrop cannot be seen."),
        )
    if birth_year is None:
        return CheckResult(
            "backdrop",
            Verdict.UNKNOWN,
            Text(
                "Tanggal lahir belum diisi, jadi warna latar belum bisa diperiksa "
                f"(terlihat: {seen_id}).",
                f"No birth date yet, so the backdrop colour cannot be checked (seen: {seen_en}).",
            ),
            seen,
        )
    want = expected_backdrop(birth_year)
    want_id, want_en = _COLOUR_NAMES[want]
    parity = ("genap", "even") if birth_year % 2 == 0 else ("ganjil", "odd")
    if seen == want:
        return CheckResult(
            "backdrop",
            Verdict.PASS,
            Text(
                f"Latar {want_id} sesuai tahun lahir {birth_year} ({parity[0]}).",
                f"{want_en.capitalize()} backdrop matches birth year {birth_year} ({parity[1]}).",
            ),
            seen,
        )
    return CheckResult(
        "backdrop",
        Verdict.FAIL,
        Text(
            f"Latar harus {want_id} (tahun lahir {birth_year} {parity[0]}), terlihat {seen_id}: "
            "ganti kain latar.",
            f"Backdrop must be {want_en} (birth year {birth_year} is {parity[1]}), seen {seen_en}: "
            "change the backdrop cloth.",
        ),
        seen,
    )
