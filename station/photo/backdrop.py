"""The backdrop colour rule and how the backdrop's colour is read from a frame.

Rule (Dukcapil; shared/reference/ektp-rules.md): birth year even -> blue, odd -> red,
so 2006 -> blue and 2007 -> red."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from peripherals.camera.port import Frame
from station.photo.faces import Face
from station.photo.settings import PhotoSettings

Colour = Literal["blue", "red"]
_SAMPLE_WIDTH = 160  # colour needs no detail: read it on a thumbnail


def expected_backdrop(birth_year: int) -> Colour:
    return "blue" if birth_year % 2 == 0 else "red"


@dataclass(frozen=True)
class BackdropReading:
    colour: Colour | None  # None: neither blue nor red dominates
    share: float  # share of sampled pixels of that colour (or of the commoner one)
    sampled: int  # pixels sampled; 0 when the person hides the whole backdrop


def read_backdrop(frame: Frame, face: Face | None, settings: PhotoSettings) -> BackdropReading:
    """Read the colour beside and above the head. The person's body fills the bottom of
    the frame, so only the rows down to the chin are sampled, minus a band around the
    head wide enough for hair."""
    height, width = frame.shape[:2]
    factor = width / _SAMPLE_WIDTH
    thumb = cv2.resize(
        frame, (_SAMPLE_WIDTH, max(1, round(height / factor))), interpolation=cv2.INTER_AREA
    )
    th, tw = thumb.shape[:2]
    mask = np.zeros((th, tw), dtype=bool)
    if face is None:
        mask[: max(1, th // 4), :] = True
    else:
        f = face.scaled(1 / factor)
        bottom = min(th, int(f.y + f.h))
        mask[:bottom, :] = True
        left, right = int(f.x - 0.6 * f.w), int(f.x + 1.6 * f.w)
        top = int(f.y - 0.8 * f.h)
        mask[max(0, top) : bottom, max(0, left) : max(0, right)] = False
    sampled = int(mask.sum())
    if sampled == 0:
        return BackdropReading(None, 0.0, 0)
    hsv = cv2.cvtColor(thumb, cv2.COLOR_RGB2HSV)[mask]
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    vivid = (sat >= settings.backdrop_min_saturation) & (val >= 30)
    # OpenCV hue runs 0-179: red wraps around 0, blue is near 120.
    red = float(np.mean(vivid & ((hue <= 10) | (hue >= 165))))
    blue = float(np.mean(vivid & (hue >= 95) & (hue <= 135)))
    if max(red, blue) < settings.backdrop_min_share:
        return BackdropReading(None, max(red, blue), sampled)
    return BackdropReading("blue" if blue > red else "red", max(red, blue), sampled)
