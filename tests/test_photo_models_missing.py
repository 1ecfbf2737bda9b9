"""A station installed without the face detector's files says so in both languages: the
failure reaches /api/health as the catalogue's words, not as one mixed English line."""

from __future__ import annotations

import importlib.util

import pytest

from exchange.errors import ErrorKind
from station import messages
from station.errors import Failure
from station.lifecycle import _reason
from station.photo import faces, mtcnn


def test_missing_detector_models_are_a_bilingual_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(Failure) as caught:
        mtcnn._net("pnet.onnx")
    assert caught.value.kind is ErrorKind.FAILED
    assert _reason(caught.value) == messages.FACE_DETECTOR_MODELS_MISSING


def test_missing_opencv_cascade_is_a_bilingual_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cv2.data.haarcascades", "/nonexistent/")
    with pytest.raises(Failure) as caught:
        faces._cascade("haarcascade_eye.xml")
    assert _reason(caught.value) == messages.opencv_cascade_missing("haarcascade_eye.xml")
