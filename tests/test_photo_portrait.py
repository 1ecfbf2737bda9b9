"""The e-KTP portrait: crop geometry around the face, and the JPEG size budget."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from peripherals.camera.port import as_frame
from peripherals.camera.simulated import Scene, SimulatedCamera
from station.photo.faces import Face
from station.photo.portrait import encode_jpeg, make_portrait, portrait_crop
from station.photo.quality import QualityAnalyser
from station.photo.settings import PhotoSettings

SETTINGS = PhotoSettings()


@pytest.fixture(scope="module")
def analyser() -> QualityAnalyser:
    return QualityAnalyser(SETTINGS)


def test_crop_has_document_geometry() -> None:
    face = Face(x=800, y=500, w=400, h=400)  # centre (1000, 700) in a 1920x1440 still
    crop = portrait_crop(face, (1920, 1440), SETTINGS)
    assert crop.exact
    assert crop.w / crop.h == pytest.approx(3 / 4, abs=0.002)
    assert face.h / crop.h == pytest.approx(SETTINGS.portrait_face_height, abs=0.003)
    # Centred horizontally; face box centre 48 % down from the top of the photo.
    assert (crop.x + crop.w / 2) == pytest.approx(1000, abs=1)
    assert (700 - crop.y) / crop.h == pytest.approx(SETTINGS.portrait_face_centre_y, abs=0.003)


def test_crop_shifted_inside_the_still_near_an_edge() -> None:
    face = Face(x=20, y=500, w=400, h=400)
    crop = portrait_crop(face, (1920, 1440), SETTINGS)
    assert crop.x == 0 and not crop.exact
    assert crop.w / crop.h == pytest.approx(3 / 4, abs=0.002)


def test_crop_shrunk_when_the_face_is_too_close() -> None:
    face = Face(x=560, y=200, w=800, h=800)  # needs a crop 2222 px high
    crop = portrait_crop(face, (1920, 1440), SETTINGS)
    assert not crop.exact
    assert (crop.y, crop.h) == (0, 1440)
    assert crop.w / crop.h == pytest.approx(3 / 4, abs=0.002)
    assert crop.x >= 0 and crop.x + crop.w <= 1920


def test_portrait_from_the_simulated_still(analyser: QualityAnalyser) -> None:
    still = SimulatedCamera(frame_interval_s=0, still_s=0).capture_still()
    report = analyser.analyse(still, 2006)
    assert report.ok and report.face is not None
    portrait = make_portrait(still, report.face, SETTINGS)
    assert portrait.crop.exact and portrait.within_budget
    assert len(portrait.jpeg) <= SETTINGS.jpeg_max_bytes
    assert portrait.jpeg[:3] == b"\xff\xd8\xff" and b"Exif" not in portrait.jpeg[:64]
    image = as_frame(cv2.imdecode(np.frombuffer(portrait.jpeg, np.uint8), cv2.IMREAD_COLOR))
    assert image.shape == (640, 480, 3)
    # The face in the finished photo sits where the geometry says, at the right size.
    inside = analyser.analyse(as_frame(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)), 2006).face
    assert inside is not None
    assert inside.centre[0] / 480 == pytest.approx(0.5, abs=0.04)
    assert inside.centre[1] / 640 == pytest.approx(SETTINGS.portrait_face_centre_y, abs=0.04)
    assert inside.h / 640 == pytest.approx(SETTINGS.portrait_face_height, abs=0.05)
    assert inside.eyes is not None  # eyes visible and far enough apart to measure
    assert inside.eyes[1][0] - inside.eyes[0][0] >= 90


def test_jpeg_quality_steps_down_to_fit_the_budget() -> None:
    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 256, (640, 480, 3), dtype=np.uint8)  # incompressible
    tight = PhotoSettings(jpeg_max_bytes=150 * 1024, jpeg_quality=95, jpeg_min_quality=50)
    data, quality = encode_jpeg(noisy, tight)
    assert len(data) <= tight.jpeg_max_bytes and 50 <= quality < 95
    impossible = PhotoSettings(jpeg_max_bytes=8 * 1024, jpeg_min_quality=70)
    data, quality = encode_jpeg(noisy, impossible)
    assert quality == 70 and len(data) > 8 * 1024  # caller sees within_budget False


def test_off_centre_applicant_still_gets_a_centred_portrait(analyser: QualityAnalyser) -> None:
    still = SimulatedCamera(frame_interval_s=0, still_s=0, scene=Scene(x=0.4)).capture_still()
    report = analyser.analyse(still, 2006)
    assert report.face is not None
    portrait = make_portrait(still, report.face, SETTINGS)
    crop_centre = portrait.crop.x + portrait.crop.w / 2
    assert crop_centre == pytest.approx(report.face.centre[0], abs=2)
