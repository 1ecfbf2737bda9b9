"""The e-KTP portrait: the still cropped around the face and encoded as JPEG.

Geometry (all configurable in `[photo]`):
- Aspect ratio 3:4 portrait, 480x640 px: the proportion of the Indonesian "pas foto
  3x4" and of the ISO/IEC 19794-5 token face image (height = width / 0.75).
- The detector's face box (brows to chin, about 2/3 of the head's height) is 36 % of the
  photo's height, so the whole head fills about 55-60 % and the top of the shoulders
  shows, as on issued cards; its centre is 48 % down from the top, which puts the eye
  line at about 44 % of the height (the ISO token format puts it at 0.6 x width = 45 %).
  The face is centred horizontally.
- With these numbers the eyes are about 105-110 px apart in the 480 px wide photo, above
  the 90 px ISO/IEC 19794-5 asks of a full frontal image.
- When the still has too little room around the face (applicant too close or at the
  edge), the crop is shifted or shrunk to stay inside the still, never padded with
  invented pixels; `PortraitCrop.exact` then says so.

JPEG budget: at most 60 KiB, quality 90 stepping down to 70. A 480x640 portrait is
usually 35-55 KiB at quality 90; quality below 70 starts to smear skin texture and the
eye region, which is what the central face matcher (ABIS) compares. 60 KiB x 100
students is 6 MB per school visit, negligible on the 4G upload, and the photo stays
small enough to keep in memory until the record is sealed."""

from __future__ import annotations

from dataclasses import dataclass

import cv2

from peripherals.camera.port import Frame, as_frame
from station.photo.faces import Face
from station.photo.settings import PhotoSettings


@dataclass(frozen=True)
class PortraitCrop:
    x: int
    y: int
    w: int
    h: int
    exact: bool  # False when the crop had to be shifted or shrunk to fit the still

    def as_json(self) -> dict[str, object]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h, "exact": self.exact}


@dataclass(frozen=True)
class EncodedPortrait:
    jpeg: bytes
    width: int
    height: int
    quality: int
    crop: PortraitCrop
    within_budget: bool


def portrait_crop(face: Face, still_size: tuple[int, int], s: PhotoSettings) -> PortraitCrop:
    """The crop box (in still pixels) that gives the e-KTP geometry around `face`."""
    width, height = still_size
    aspect = s.portrait_width / s.portrait_height
    crop_h = face.h / s.portrait_face_height
    crop_w = crop_h * aspect
    exact = True
    if crop_w > width or crop_h > height:
        shrink = min(width / crop_w, height / crop_h)
        crop_w, crop_h = crop_w * shrink, crop_h * shrink
        exact = False
    cx, cy = face.centre
    left = cx - crop_w / 2
    top = cy - s.portrait_face_centre_y * crop_h
    fitted_left = min(max(left, 0.0), width - crop_w)
    fitted_top = min(max(top, 0.0), height - crop_h)
    # Rounding may cost a pixel; more than that is a real shift of the face.
    if abs(fitted_left - left) > 1 or abs(fitted_top - top) > 1:
        exact = False
    w = int(round(crop_w))
    h = int(round(crop_h))
    x = min(int(round(fitted_left)), width - w)
    y = min(int(round(fitted_top)), height - h)
    return PortraitCrop(x, y, w, h, exact)


def make_portrait(still: Frame, face: Face, s: PhotoSettings) -> EncodedPortrait:
    """Crop `still` (RGB) around `face` (in still pixels), scale and encode it."""
    height, width = still.shape[:2]
    crop = portrait_crop(face, (width, height), s)
    region = still[crop.y : crop.y + crop.h, crop.x : crop.x + crop.w]
    size = (s.portrait_width, s.portrait_height)
    shrinking = crop.w >= s.portrait_width
    scaled = as_frame(
        cv2.resize(region, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)
    )
    jpeg, quality = encode_jpeg(scaled, s)
    return EncodedPortrait(jpeg, size[0], size[1], quality, crop, len(jpeg) <= s.jpeg_max_bytes)


def encode_jpeg(rgb: Frame, s: PhotoSettings) -> tuple[bytes, int]:
    """The best quality (steps of 5) that fits the size budget; the lowest allowed
    quality when none does (the caller sees `within_budget` False). No EXIF or other
    metadata is written."""
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    quality = s.jpeg_quality
    while True:
        ok, buffer = cv2.imencode(
            ".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1]
        )
        if not ok:
            raise RuntimeError("OpenCV could not encode the portrait as JPEG")
        data = buffer.tobytes()
        if len(data) <= s.jpeg_max_bytes or quality <= s.jpeg_min_quality:
            return data, quality
        quality = max(s.jpeg_min_quality, quality - 5)
