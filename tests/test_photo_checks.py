"""Each photo quality check on frames from the camera simulator (the real detector on
a real photograph) and on scikit-image scenes without a person."""

from __future__ import annotations

import numpy as np
import pytest

from peripherals.camera.simulated import Scene, SimulatedCamera
from station.photo.backdrop import expected_backdrop
from station.photo.checks import CHECKS, Verdict
from station.photo.quality import QualityAnalyser, QualityReport
from station.photo.settings import PhotoSettings


@pytest.fixture(scope="module")
def analyser() -> QualityAnalyser:
    return QualityAnalyser(PhotoSettings())


def analyse(
    analyser: QualityAnalyser, birth_year: int | None = 2006, **scene: object
) -> QualityReport:
    camera = SimulatedCamera(frame_interval_s=0, still_s=0, scene=Scene(**scene))  # type: ignore[arg-type]
    return analyser.analyse(camera.preview_frame(), birth_year)


def verdicts(report: QualityReport) -> dict[str, Verdict]:
    return {c.check: c.verdict for c in report.checks}


def test_portrait_on_the_right_backdrop_passes_every_check(analyser: QualityAnalyser) -> None:
    report = analyse(analyser, birth_year=2006, backdrop="blue")
    assert [c.check for c in report.checks] == list(CHECKS)
    assert report.ok, [c.as_json() for c in report.not_passed]
    # The face is found where the simulator put it: centre (0.5, 0.46) of 640x480.
    assert report.face is not None
    cx, cy = report.face.centre
    assert abs(cx - 320) < 15 and abs(cy - 0.46 * 480) < 15
    assert 0.2 < report.face.h / 480 < 0.32


def test_odd_birth_year_needs_red(analyser: QualityAnalyser) -> None:
    assert analyse(analyser, birth_year=2007, backdrop="red").ok


@pytest.mark.parametrize("picture", ["coffee", "chelsea"])
def test_no_face_in_scenes_without_a_person(analyser: QualityAnalyser, picture: str) -> None:
    data = pytest.importorskip("skimage.data")
    report = analyse(analyser, picture=getattr(data, picture)())
    assert report.face is None
    count = report.check("face_count")
    assert count.verdict is Verdict.FAIL and count.value == 0
    assert "No face" in count.text.en and "Wajah tidak terlihat" in count.text.id
    # Checks about the face wait for one instead of guessing.
    for name in ("centred", "size", "exposure", "sharpness", "upright", "eyes"):
        assert report.check(name).verdict is Verdict.UNKNOWN


def test_empty_backdrop_has_no_face(analyser: QualityAnalyser) -> None:
    report = analyse(analyser, person=False)
    assert report.check("face_count").verdict is Verdict.FAIL
    assert report.check("backdrop").verdict is Verdict.PASS  # blue cloth, 2006


def test_two_faces_flagged(analyser: QualityAnalyser) -> None:
    report = analyse(analyser, second_face=True)
    count = report.check("face_count")
    assert count.verdict is Verdict.FAIL and count.value == 2
    assert "only the applicant" in count.text.en
    # The applicant (the larger face) is still judged, so the operator sees the rest.
    assert report.check("centred").verdict is Verdict.PASS


def test_wrong_backdrop_flagged(analyser: QualityAnalyser) -> None:
    report = analyse(analyser, birth_year=2006, backdrop="red")
    check = report.check("backdrop")
    assert check.verdict is Verdict.FAIL and check.value == "red"
    assert "must be blue" in check.text.en and "harus biru" in check.text.id
    assert verdicts(report) | {"backdrop": Verdict.PASS} == {n: Verdict.PASS for n in CHECKS}


def test_backdrop_neither_blue_nor_red_flagged(analyser: QualityAnalyser) -> None:
    check = analyse(analyser, backdrop=(200, 200, 195)).check("backdrop")
    assert check.verdict is Verdict.FAIL and check.value is None


def test_no_birth_date_says_so_instead_of_guessing(analyser: QualityAnalyser) -> None:
    check = analyse(analyser, birth_year=None, backdrop="red").check("backdrop")
    assert check.verdict is Verdict.UNKNOWN
    assert "No birth date yet" in check.text.en and "Tanggal lahir belum" in check.text.id
    assert check.value == "red"


def test_backdrop_rule() -> None:
    assert expected_backdrop(2006) == "blue"
    assert expected_backdrop(2007) == "red"
    assert expected_backdrop(2008) == "blue"


def test_too_dark_flagged(analyser: QualityAnalyser) -> None:
    check = analyse(analyser, brightness=0.3).check("exposure")
    assert check.verdict is Verdict.FAIL and "Too dark" in check.text.en
    assert "Terlalu gelap" in check.text.id


def test_too_bright_flagged(analyser: QualityAnalyser) -> None:
    check = analyse(analyser, brightness=1.8).check("exposure")
    assert check.verdict is Verdict.FAIL and "Too bright" in check.text.en


def test_uneven_light_flagged(analyser: QualityAnalyser) -> None:
    check = analyse(analyser, side_light=0.6).check("exposure")
    assert check.verdict is Verdict.FAIL and "Uneven" in check.text.en
    assert analyse(analyser, side_light=0.2).check("exposure").verdict is Verdict.PASS


@pytest.mark.parametrize("blur", [2.0, 4.0])
def test_blurred_flagged(analyser: QualityAnalyser, blur: float) -> None:
    report = analyse(analyser, blur=blur)
    assert report.check("face_count").verdict is Verdict.PASS
    check = report.check("sharpness")
    assert check.verdict is Verdict.FAIL and "Blurred" in check.text.en


def test_noise_does_not_pass_for_sharpness(analyser: QualityAnalyser) -> None:
    assert analyse(analyser, blur=3.0, noise=8.0).check("sharpness").verdict is Verdict.FAIL
    assert analyse(analyser, noise=8.0).check("sharpness").verdict is Verdict.PASS


def test_dim_but_sharp_face_is_not_called_blurred(analyser: QualityAnalyser) -> None:
    assert analyse(analyser, brightness=0.45).check("sharpness").verdict is Verdict.PASS


@pytest.mark.parametrize(
    ("x", "y", "en", "id_"),
    [
        (0.3, 0.46, "to your left", "ke kiri"),  # image left = applicant's right side
        (0.7, 0.46, "to your right", "ke kanan"),
        (0.5, 0.3, "too high", "terlalu tinggi"),
        (0.5, 0.62, "too low", "terlalu rendah"),
    ],
)
def test_off_centre_flagged_with_direction(
    analyser: QualityAnalyser, x: float, y: float, en: str, id_: str
) -> None:
    check = analyse(analyser, x=x, y=y).check("centred")
    assert check.verdict is Verdict.FAIL
    assert en in check.text.en and id_ in check.text.id


def test_too_far_and_too_close_flagged(analyser: QualityAnalyser) -> None:
    far = analyse(analyser, face_height=0.12).check("size")
    assert far.verdict is Verdict.FAIL and "Too far" in far.text.en
    close = analyse(analyser, face_height=0.42, y=0.5).check("size")
    assert close.verdict is Verdict.FAIL and "Too close" in close.text.en


@pytest.mark.parametrize(("tilt", "side"), [(12.0, "left"), (-12.0, "right")])
def test_tilted_head_flagged(analyser: QualityAnalyser, tilt: float, side: str) -> None:
    report = analyse(analyser, tilt_deg=tilt)
    check = report.check("upright")
    assert check.verdict is Verdict.FAIL
    assert report.face is not None and report.face.roll_deg is not None
    assert abs(report.face.roll_deg - tilt) < 4 and str(check.value).startswith("roll=")
    assert f"your {side} shoulder" in check.text.en


def test_slight_tilt_is_roughly_upright(analyser: QualityAnalyser) -> None:
    assert analyse(analyser, tilt_deg=4.0).check("upright").verdict is Verdict.PASS


def test_thresholds_come_from_settings() -> None:
    strict = QualityAnalyser(PhotoSettings(face_luma_min=190))
    camera = SimulatedCamera(frame_interval_s=0, still_s=0)
    assert strict.analyse(camera.preview_frame(), 2006).check("exposure").verdict is Verdict.FAIL


def test_still_is_judged_like_the_preview(analyser: QualityAnalyser) -> None:
    camera = SimulatedCamera(frame_interval_s=0, still_s=0, scene=Scene(x=0.7))
    report = analyser.analyse(camera.capture_still(), 2006)
    assert report.frame_size == (1920, 1440)
    assert report.check("centred").verdict is Verdict.FAIL
    assert report.face is not None and abs(report.face.centre[0] - 0.7 * 1920) < 40


def test_report_as_json_is_bilingual(analyser: QualityAnalyser) -> None:
    data = analyse(analyser, brightness=0.3).as_json()
    assert data["ok"] is False
    checks = data["checks"]
    assert isinstance(checks, list)
    exposure = next(c for c in checks if c["check"] == "exposure")
    assert exposure["verdict"] == "fail"
    assert set(exposure["message"]) == {"id", "en"}


def test_bad_settings_rejected_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="face_height_min must be below"):
        PhotoSettings(face_height_min=0.4, face_height_max=0.3)


def test_grey_levels_are_not_faked() -> None:
    # Guard for the simulator itself: the default scene is a photograph, not a flat paint.
    frame = SimulatedCamera(frame_interval_s=0, still_s=0).preview_frame()
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 5000
