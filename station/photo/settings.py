"""Photo thresholds, in config under `[photo]` (env `STATION__PHOTO__<KEY>`).

Sizes and positions are fractions of the frame so the same numbers hold for a
640x480 preview and a 4608x2592 still. The defaults were tuned on the simulator
(the NASA portrait) and on the scikit-image test scenes; see README "## Camera"."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class PhotoSettings(BaseModel):
    # -- face detection (OpenCV Haar cascade, frontalface_alt2) --------------------------
    detection_width: int = Field(288, ge=160, le=1280, description="frames are shrunk to this width before face detection")
    detector_scale_factor: float = Field(1.15, gt=1.01, le=1.5)
    detector_min_neighbors: int = Field(4, ge=1, le=20)
    min_face_height: float = Field(0.1, gt=0, lt=1, description="smallest face counted (someone behind the applicant)")

    # -- position and size of the face box (fractions of frame) ------------------------
    centre_x: float = Field(0.5, gt=0, lt=1)
    centre_y: float = Field(0.42, gt=0, lt=1)
    centre_tolerance_x: float = Field(0.07, gt=0, lt=0.5)
    centre_tolerance_y: float = Field(0.08, gt=0, lt=0.5)
    face_height_min: float = Field(0.22, gt=0, lt=1, description="smaller: too far")
    face_height_max: float = Field(0.45, gt=0, lt=1, description="larger: too close (and the crop no longer fits)")

    # -- exposure of the face (luma 0-255) --------------------------------------------------
    face_luma_min: float = Field(70, ge=0, le=255)
    face_luma_max: float = Field(205, ge=0, le=255)
    clipped_max: float = Field(0.08, ge=0, le=1, description="share of burnt-out face pixels (>= 250)")
    evenness_min: float = Field(0.72, ge=0, le=1, description="darker half / brighter half of the face")

    # -- sharpness, pose ------------------------------------------------------------------
    sharpness_min: float = Field(0.2, ge=0, description="100 x Laplacian variance / mean^2 of a 96x96 face")
    max_roll_deg: float = Field(8.0, gt=0, le=45)

    # -- backdrop ---------------------------------------------------------------------------
    backdrop_min_share: float = Field(0.6, gt=0, le=1, description="share of backdrop pixels of the expected colour")
    backdrop_min_saturation: int = Field(70, ge=0, le=255)

    # -- the e-KTP portrait (see station/photo/portrait.py for the geometry) ------------------
    portrait_width: int = Field(480, ge=120, le=2000)
    portrait_height: int = Field(640, ge=160, le=2600)
    portrait_face_height: float = Field(0.42, gt=0.1, lt=0.9, description="face box height / photo height")
    portrait_face_centre_y: float = Field(0.48, gt=0.2, lt=0.8, description="face box centre from the top")
    jpeg_quality: int = Field(90, ge=30, le=100)
    jpeg_min_quality: int = Field(70, ge=30, le=100)
    jpeg_max_bytes: int = Field(60 * 1024, ge=8 * 1024)

    # -- live preview and feedback ------------------------------------------------------------
    preview_fps: float = Field(20, gt=0, le=60)
    preview_jpeg_quality: int = Field(70, ge=30, le=95)
    feedback_hz: float = Field(8, ge=1, le=30)

    @model_validator(mode="after")
    def _ranges_make_sense(self) -> PhotoSettings:
        if self.face_height_min >= self.face_height_max:
            raise ValueError("photo.face_height_min must be below photo.face_height_max")
        if self.face_luma_min >= self.face_luma_max:
            raise ValueError("photo.face_luma_min must be below photo.face_luma_max")
        if self.jpeg_min_quality > self.jpeg_quality:
            raise ValueError("photo.jpeg_min_quality must not exceed photo.jpeg_quality")
        return self
