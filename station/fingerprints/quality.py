"""Fingerprint image quality, 0-100, computed from the image alone.

The module's own verdict (Img2Tz ok / too few features) is kept beside this score; the
score makes attempts comparable ("keep the best of three") and lets the operator see why
an image is weak. Method, on 16x16-pixel blocks of the grey image:

- foreground: a block belongs to the finger when the grey-level spread (standard
  deviation) of the lightly smoothed image shows ridges (> 12 of 255; smoothing removes
  pixel noise, which is finer than ridges). Foreground area = share of such blocks,
  scored against 45 % of the frame (a finger pressed flat covers about half of it).
- contrast: the median spread of the foreground blocks, scored against 50 grey levels
  (dark ridges on light valleys; a dry or faint finger gives a washed-out image).
- ridge-orientation coherence: from the smoothed image gradients, per block
  sqrt((Gxx - Gyy)^2 + 4 Gxy^2) / (Gxx + Gyy), 1 for perfectly parallel ridges and
  near 0 for noise or smudges (Kass & Witkin; the usual orientation-certainty measure of
  NFIQ-style scores). The mean over the foreground is mapped from 0.2..0.95 to 0..1.

score = 100 x area^0.5 x contrast^0.3 x coherence^0.7: each factor can pull the score
down on its own, and ridge clarity weighs most because it decides whether minutiae can
be found at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

BLOCK = 16
FOREGROUND_SPREAD = 12.0
FULL_AREA = 0.45
FULL_CONTRAST = 50.0
COHERENCE_RANGE = (0.2, 0.95)


@dataclass(frozen=True)
class QualityReport:
    score: int  # 0..100
    foreground: float  # share of the frame covered by the finger, 0..1
    contrast: float  # median grey-level spread on the finger, 0..255
    coherence: float  # mean ridge-orientation coherence on the finger, 0..1

    def as_json(self) -> dict[str, float | int]:
        return {
            "score": self.score,
            "foreground": round(self.foreground, 3),
            "contrast": round(self.contrast, 1),
            "coherence": round(self.coherence, 3),
        }


def _blocks(values: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """(rows, cols, BLOCK*BLOCK) view of the whole blocks of a 2-D array."""
    h, w = (values.shape[0] // BLOCK) * BLOCK, (values.shape[1] // BLOCK) * BLOCK
    cut = values[:h, :w]
    return (
        cut.reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK)
        .swapaxes(1, 2)
        .reshape(h // BLOCK, w // BLOCK, BLOCK * BLOCK)
    )


def assess(image: npt.NDArray[np.uint8]) -> QualityReport:
    if image.ndim != 2 or min(image.shape) < BLOCK:
        raise ValueError("a fingerprint image is a 2-D grey image of at least 16x16 pixels")
    # Pixels and gradients in single precision (a third of the time); each block's sums
    # are taken in double precision, so the score is the same.
    grey = image.astype(np.float32)
    # Sensor noise is finer than ridges (about 8-10 pixels apart at 500 ppi): smoothing
    # first keeps a noisy empty glass from counting as finger.
    smooth = np.asarray(cv2.GaussianBlur(grey, (0, 0), 1.0), dtype=np.float32)
    spread = _blocks(smooth).std(axis=2, dtype=np.float64)
    foreground = spread > FOREGROUND_SPREAD
    if not foreground.any():
        return QualityReport(0, 0.0, 0.0, 0.0)
    area = float(foreground.mean())
    contrast = float(np.median(spread[foreground]))

    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    gxx, gyy, gxy = (_blocks(g).sum(axis=2, dtype=np.float64) for g in (gx * gx, gy * gy, gx * gy))
    energy = gxx + gyy
    coherent = np.sqrt((gxx - gyy) ** 2 + 4 * gxy**2) / np.maximum(energy, 1e-9)
    coherence = float(coherent[foreground].mean())

    low, high = COHERENCE_RANGE
    factors = (
        min(1.0, area / FULL_AREA) ** 0.5,
        min(1.0, contrast / FULL_CONTRAST) ** 0.3,
        float(np.clip((coherence - low) / (high - low), 0.0, 1.0)) ** 0.7,
    )
    score = round(100 * float(np.prod(factors)))
    return QualityReport(score, area, contrast, coherence)
