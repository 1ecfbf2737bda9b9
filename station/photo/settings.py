"""Photo thresholds, in config under `[photo]` (env `STATION__PHOTO__<KEY>`).

Sizes and positions are fractions of the frame so the same numbers hold for a
640x480 preview and a 4608x2592 still. The defaults were tuned on the simulator
(the NASA portrait) and on the scikit-image test scenes; see README "## Camera"."""

from __future__ import annotations

from pydantic import Field, model_validator

from station.settings_section import Section


class PhotoSettings(Section):
    # -- face detection (MTCNN with five landmarks, station/photo/faces.py) ----------------
    # Frames are shrunk to this width before face detection.
    detection_width: int = Field(default=320, ge=160, le=1280)
    # MTCNN's last-stage score below which a find is not a face: an over-exposed face
    # (x2.2) scores 0.5-0.73, the scikit-image scenes without a person (coffee, cat,
    # rocket, in eight variants) never reach 0.5.
    detector_min_confidence: float = Field(default=0.45, ge=0.3, le=1)
    # The same score for a face found only on the exposure-levelled copy of a burnt-out or
    # dark frame (faces._levelled): equalising also sharpens the fur and the patterns of a
    # scene without a person (the cat scored 0.6 levelled), the over-exposed astronaut 0.81.
    levelled_min_confidence: float = Field(default=0.7, ge=0.3, le=1)
    # The smallest face counted (someone standing behind the applicant).
    min_face_height: float = Field(default=0.1, gt=0, lt=1)

    # -- position and size of the face box (fractions of the frame) -----------------------
    centre_x: float = Field(default=0.5, gt=0, lt=1)
    centre_y: float = Field(default=0.46, gt=0, lt=1)
    centre_tolerance_x: float = Field(default=0.07, gt=0, lt=0.5)
    centre_tolerance_y: float = Field(default=0.08, gt=0, lt=0.5)
    # Smaller: too far. Larger: too close, and the portrait crop (face box = 36 % of its
    # height) would no longer fit inside the still.
    face_height_min: float = Field(default=0.18, gt=0, lt=1)
    face_height_max: float = Field(default=0.32, gt=0, lt=1)

    # -- exposure of the middle of the face (luma 0-255) -----------------------------------
    face_luma_min: float = Field(default=70, ge=0, le=255)
    face_luma_max: float = Field(default=205, ge=0, le=255)
    clipped_max: float = Field(default=0.08, ge=0, le=1)  # share of burnt-out pixels (>= 250)
    evenness_min: float = Field(default=0.72, ge=0, le=1)  # darker half / brighter half

    # -- sharpness, pose --------------------------------------------------------------------
    sharpness_min: float = Field(default=0.065, ge=0)  # see checks.sharpness
    max_roll_deg: float = Field(default=8.0, gt=0, le=45)
    # ISO/IEC 19794-5 frontal pose asks for about 5 degrees; five landmarks at preview
    # resolution measure yaw and pitch to about +-3 degrees, so the limit leaves room for
    # that and the operator's approval of the photo remains the last check.
    max_yaw_deg: float = Field(default=10.0, gt=0, le=45)
    max_pitch_deg: float = Field(default=12.0, gt=0, le=45)
    # Head geometry for yaw and pitch (see faces.head_pose), in eye-to-mouth distances:
    # how far the nose tip stands out, and where it sits between eyes (0) and mouth (1)
    # on a frontal face (measured on the simulator's portrait).
    nose_depth: float = Field(default=0.7, gt=0.1, le=2)
    nose_height: float = Field(default=0.64, gt=0.2, lt=0.95)

    # -- backdrop -----------------------------------------------------------------------------
    backdrop_min_share: float = Field(default=0.6, gt=0, le=1)  # of sampled backdrop pixels
    backdrop_min_saturation: int = Field(default=70, ge=0, le=255)

    # -- the e-KTP portrait (geometry explained in station/photo/portrait.py) ---------------
    portrait_width: int = Field(default=480, ge=120, le=2000)
    portrait_height: int = Field(default=640, ge=160, le=2600)
    portrait_face_height: float = Field(default=0.36, gt=0.1, lt=0.9)  # face box / photo height
    portrait_face_centre_y: float = Field(default=0.48, gt=0.2, lt=0.8)  # from the top
    jpeg_quality: int = Field(default=90, ge=30, le=100)
    jpeg_min_quality: int = Field(default=70, ge=30, le=100)
    jpeg_max_bytes: int = Field(default=60 * 1024, ge=8 * 1024)

    # -- live preview and feedback ----------------------------------------------------------
    preview_fps: float = Field(default=20, gt=0, le=60)
    preview_jpeg_quality: int = Field(default=70, ge=30, le=95)
    feedback_hz: float = Field(default=8, ge=1, le=30)

    @model_validator(mode="after")
    def _ranges_make_sense(self) -> PhotoSettings:
        if self.face_height_min >= self.face_height_max:
            raise ValueError("photo.face_height_min must be below photo.face_height_max")
        if self.face_luma_min >= self.face_luma_max:
            raise ValueError("photo.face_luma_min must be below photo.face_luma_max")
        if self.jpeg_min_quality > self.jpeg_quality:
            raise ValueError("photo.jpeg_min_quality must not exceed photo.jpeg_quality")
        return self
