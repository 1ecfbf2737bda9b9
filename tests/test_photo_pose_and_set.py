"""Issue 17: the detector with landmarks. What to fix is named instead of "no face" for a
tilted, over-exposed or small face; yaw and pitch are checked as well as roll (ISO/IEC
19794-5 frontal pose); closed eyes are caught; and an independent image set (scikit-
image's astronaut, coffee, cat, camera, rocket in eight variants, two birth years: 80
analyses) gets no wrong pass and no face where there is none."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from peripherals.camera.port import Frame, as_frame
from peripherals.camera.simulated import Scene, SimulatedCamera
from station.photo.checks import Verdict
from station.photo.faces import Landmarks, head_pose
from station.photo.quality import QualityAnalyser
from station.photo.settings import PhotoSettings

data = pytest.importorskip("skimage.data")


@pytest.fixture(scope="module")
def analyser() -> QualityAnalyser:
    return QualityAnalyser(PhotoSettings())


def frame(**scene: object) -> Frame:
    camera = SimulatedCamera(frame_interval_s=0, still_s=0, scene=Scene(**scene))  # type: ignore[arg-type]
    return camera.preview_frame()


@pytest.mark.parametrize(
    ("scene", "check", "en"),
    [
        ({"tilt_deg": 15.0}, "upright", "Head tilted"),
        ({"brightness": 2.2}, "exposure", "Too bright"),
        ({"face_height": 0.12}, "size", "Too far"),
    ],
)
def test_the_instruction_names_the_actual_problem(
    analyser: QualityAnalyser, scene: dict[str, object], check: str, en: str
) -> None:
    report = analyser.analyse(frame(**scene), 2006)
    assert report.check("face_count").verdict is Verdict.PASS, "not 'No face seen'"
    result = report.check(check)
    assert result.verdict is Verdict.FAIL and en in result.text.en


def test_a_turned_head_is_told_to_face_the_camera(analyser: QualityAnalyser) -> None:
    # The cameraman looks past the camera: the roll of his head is small, the yaw is not.
    picture = cv2.cvtColor(cv2.resize(data.camera(), (640, 480)), cv2.COLOR_GRAY2RGB)
    report = analyser.analyse(as_frame(picture), 2006)
    assert report.face is not None and report.face.pose is not None
    assert abs(report.face.pose.yaw_deg) > 15
    upright = report.check("upright")
    assert upright.verdict is Verdict.FAIL and "Face turned" in upright.text.en
    assert "menoleh" in upright.text.id


def test_the_simulated_applicant_faces_the_camera(analyser: QualityAnalyser) -> None:
    report = analyser.analyse(frame(), 2006)
    assert report.face is not None and report.face.pose is not None
    pose = report.face.pose
    assert abs(pose.yaw_deg) < 6 and abs(pose.pitch_deg) < 6 and abs(pose.roll_deg) < 4
    assert report.check("upright").verdict is Verdict.PASS


FRONTAL = Landmarks((100, 100), (160, 100), (130, 132), (108, 150), (152, 150))


def test_pose_from_landmarks_reads_yaw_and_pitch() -> None:
    s = PhotoSettings()
    frontal = head_pose(FRONTAL, s.nose_depth, s.nose_height)
    assert abs(frontal.yaw_deg) < 1 and abs(frontal.pitch_deg) < 1 and frontal.roll_deg == 0

    def moved(dx: float, dy: float) -> Landmarks:
        return Landmarks(
            FRONTAL.left_eye,
            FRONTAL.right_eye,
            (130 + dx, 132 + dy),
            FRONTAL.mouth_left,
            FRONTAL.mouth_right,
        )

    assert head_pose(moved(12, 0), s.nose_depth, s.nose_height).yaw_deg > 15
    assert head_pose(moved(-12, 0), s.nose_depth, s.nose_height).yaw_deg < -15
    assert head_pose(moved(0, 10), s.nose_depth, s.nose_height).pitch_deg > 12  # chin down
    assert head_pose(moved(0, -10), s.nose_depth, s.nose_height).pitch_deg < -12  # chin up
    # Rolling the whole face changes roll only.
    turn = cv2.getRotationMatrix2D((130, 125), -20, 1.0)

    def rolled(p: tuple[float, float]) -> tuple[float, float]:
        x, y = turn @ np.array([p[0], p[1], 1.0])
        return (float(x), float(y))

    tilted = Landmarks(
        *(
            rolled(p)
            for p in (
                FRONTAL.left_eye,
                FRONTAL.right_eye,
                FRONTAL.nose,
                FRONTAL.mouth_left,
                FRONTAL.mouth_right,
            )
        )
    )
    pose = head_pose(tilted, s.nose_depth, s.nose_height)
    assert abs(pose.roll_deg - 20) < 0.5 and abs(pose.yaw_deg) < 1 and abs(pose.pitch_deg) < 1


def test_pitch_beyond_the_limit_fails_with_the_chin_instruction() -> None:
    from station.photo.checks import upright
    from station.photo.faces import Face

    s = PhotoSettings()
    down = Landmarks(
        FRONTAL.left_eye, FRONTAL.right_eye, (130, 142), FRONTAL.mouth_left, FRONTAL.mouth_right
    )
    face = Face(70, 60, 120, 120, down, head_pose(down, s.nose_depth, s.nose_height), True)
    result = upright(face, s)
    assert result.verdict is Verdict.FAIL and "Chin down" in result.text.en


def nose_moved(picture: Frame, marks: Landmarks, shift: float) -> Frame:
    """The middle of the face warped so the nose tip moves `shift` eye-to-mouth distances
    down (up if negative) while the eyes and the mouth stay: in a photograph that is what
    a chin lowered (raised) does, the nose tip standing out of the face."""
    h, w = picture.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    nx, ny = marks.nose
    sigma = 0.45 * marks.eye_gap
    weight = np.exp(-((xs - nx) ** 2 + (ys - ny) ** 2) / (2 * sigma**2))
    return as_frame(
        cv2.remap(picture, xs, ys - shift * marks.eye_to_mouth * weight, cv2.INTER_LINEAR)
    )


@pytest.mark.parametrize("tilt", [0.0, 6.0])
def test_pitch_is_read_from_the_picture_landmarks(analyser: QualityAnalyser, tilt: float) -> None:
    picture = frame(tilt_deg=tilt)
    level = analyser.analyse(picture, 2006).face
    assert level is not None and level.landmarks is not None and level.pose is not None
    down = analyser.analyse(nose_moved(picture, level.landmarks, 0.35), 2006).face
    up = analyser.analyse(nose_moved(picture, level.landmarks, -0.35), 2006).face
    assert down is not None and down.pose is not None and up is not None and up.pose is not None
    # Chin down reads as positive pitch, chin up as negative; roll and yaw stay put.
    assert down.pose.pitch_deg > level.pose.pitch_deg + 6
    assert up.pose.pitch_deg < level.pose.pitch_deg - 6
    for moved in (down.pose, up.pose):
        assert abs(moved.roll_deg - level.pose.roll_deg) < 2 and abs(moved.yaw_deg) < 8


def test_closed_eyes_are_caught(analyser: QualityAnalyser) -> None:
    open_eyes = frame()
    report = analyser.analyse(open_eyes, 2006)
    assert report.check("eyes").verdict is Verdict.PASS
    assert report.face is not None and report.face.landmarks is not None
    marks = report.face.landmarks
    # Lids shut: the eye openings filled with the surrounding skin, a lash line drawn.
    mask = np.zeros(open_eyes.shape[:2], np.uint8)
    closed = open_eyes.copy()
    for x, y in (marks.left_eye, marks.right_eye):
        axes = (round(0.28 * marks.eye_gap), round(0.14 * marks.eye_gap))
        cv2.ellipse(mask, (round(x), round(y)), axes, 0, 0, 360, 255, -1)
    closed = cv2.inpaint(closed, mask, 5, cv2.INPAINT_TELEA)
    for x, y in (marks.left_eye, marks.right_eye):
        axes = (round(0.22 * marks.eye_gap), round(0.05 * marks.eye_gap))
        cv2.ellipse(closed, (round(x), round(y)), axes, 0, 0, 180, (70, 50, 45), 2)
    eyes = analyser.analyse(as_frame(closed), 2006).check("eyes")
    assert eyes.verdict is Verdict.FAIL and "Eyes not seen open" in eyes.text.en


@pytest.mark.parametrize(
    "scene",
    [
        {"tilt_deg": -8.0, "face_height": 0.18, "brightness": 0.6},
        {"tilt_deg": 8.0, "face_height": 0.32, "brightness": 0.6},
        {"tilt_deg": 0.0, "face_height": 0.24, "brightness": 1.5},
        {"tilt_deg": -8.0, "face_height": 0.32, "brightness": 1.5},
    ],
)
def test_open_eyes_are_seen_open(analyser: QualityAnalyser, scene: dict[str, object]) -> None:
    # A bright face (x1.5) is told to reduce the light, not also to open its eyes.
    assert analyser.analyse(frame(**scene), 2006).check("eyes").verdict is Verdict.PASS


PICTURES = ("astronaut", "coffee", "chelsea", "camera", "rocket")
NO_PERSON = ("coffee", "chelsea", "rocket")


def variants(picture: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    img = cv2.resize(picture, (640, 480), interpolation=cv2.INTER_AREA)
    h, w = img.shape[:2]
    yield "as is", img
    yield "darkened", np.clip(img * 0.4, 0, 255).astype(np.uint8)
    yield "overexposed", np.clip(img * 2.2, 0, 255).astype(np.uint8)
    yield "blurred", cv2.GaussianBlur(img, (0, 0), 3)
    rotation = cv2.getRotationMatrix2D((w / 2, h / 2), 15, 1)
    yield "rotated", cv2.warpAffine(img, rotation, (w, h), borderMode=cv2.BORDER_REFLECT)
    yield "shifted", np.roll(img, (60, 120), axis=(0, 1))
    half = cv2.resize(img, (w // 2, h))
    yield "doubled", np.hstack([half, half])
    shrunk = np.zeros_like(img)
    shrunk[h // 4 : h // 4 + h // 2, w // 4 : w // 4 + w // 2] = cv2.resize(img, (w // 2, h // 2))
    yield "shrunk", shrunk


@pytest.mark.parametrize("name", PICTURES)
def test_the_independent_set_gets_no_wrong_pass(analyser: QualityAnalyser, name: str) -> None:
    picture = getattr(data, name)()
    if picture.ndim == 2:
        picture = cv2.cvtColor(picture, cv2.COLOR_GRAY2RGB)
    analyses = 0
    for variant, image in variants(picture):
        for birth_year in (2006, 2007):
            report = analyser.analyse(as_frame(np.ascontiguousarray(image)), birth_year)
            analyses += 1
            assert not report.ok, (name, variant, birth_year)
            if name in NO_PERSON:  # the detector holds on the negatives
                assert report.face is None, (name, variant)
                assert report.check("face_count").value == 0
    assert analyses == 16  # 5 pictures x 16 = the issue's 80 analyses


@pytest.mark.parametrize(
    ("variant", "check", "en", "id_"),
    [
        ("rotated", "upright", "Head tilted", "Kepala miring"),
        ("overexposed", "exposure", "Too bright", "Terlalu terang"),
        ("shrunk", "size", "Too far", "Terlalu jauh"),
    ],
)
def test_the_issues_own_cases_are_told_what_to_fix(
    analyser: QualityAnalyser, variant: str, check: str, en: str, id_: str
) -> None:
    # The issue's report: the astronaut tilted 15 degrees, over-exposed x2.2 and shrunk got
    # "No face seen" instead of what to fix. Her face is plainly visible in all three.
    image = dict(variants(data.astronaut()))[variant]
    report = analyser.analyse(as_frame(np.ascontiguousarray(image)), 2006)
    count = report.check("face_count")
    assert count.verdict is Verdict.PASS, count.text.en
    result = report.check(check)
    assert result.verdict is Verdict.FAIL
    assert en in result.text.en and id_ in result.text.id
