"""Synthetic fingers for the simulator: a ridge image and a minutiae template per placement.

Each (person, finger) has a stable pattern (core position, ridge spacing, whorl/loop
shape, a low-frequency warp) and a stable set of minutiae. Each placement on the glass
shifts and turns the finger a little, presses it a little harder or softer and adds
sensor noise, so no two images are identical while templates of the same finger still
match and templates of different fingers do not.

Templates are 512-byte character files in a private format (like every vendor's): a
magic, the key of the finger they were made from, a count and (x, y, angle) per
minutia. Only this module and the simulator read them; the driver and the station treat
templates as opaque bytes. The simulated module's Search uses the key as an index: a
template of another finger never reaches the match threshold (the tests check this on
the scores themselves), so skipping those gives the same answer in a fraction of the
time a full 1:N scan would take.
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

MAGIC = b"SMT1"
KEY_BYTES = 8
_HEAD = 4 + KEY_BYTES + 2  # magic, finger key, minutiae count
MINUTIAE = 40
MATCH_DISTANCE_PX = 10.0
MATCH_ANGLE_DEG = 25.0
MAX_SCORE = 300
ROTATIONS_DEG = (-6, -3, 0, 3, 6)


def _rng(*parts: object) -> np.random.Generator:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class Placement:
    """One time a finger touches the glass."""

    person: str
    finger: int
    index: int  # how many placements came before on this module: varies the pose
    poor: bool = False  # dry, smudged or barely touching: few usable features
    # Looks as poor, yet the module still finds enough features for a template (its
    # verdict is ok; only the image's quality, known once it has crossed the line, fails).
    faint: bool = False

    def pose(self) -> tuple[float, float, float]:
        """(dx, dy, rotation in radians) of this placement relative to the finger."""
        rng = _rng("pose", self.person, self.finger, self.index)
        dx, dy = rng.uniform(-8, 8, size=2)
        return float(dx), float(dy), float(np.radians(rng.uniform(-3, 3)))


@dataclass(frozen=True)
class FingerPattern:
    core: tuple[float, float]  # relative to the image centre, pixels
    period: float  # ridge spacing, pixels
    aspect: float  # whorl (about 1) ... loop (stretched)
    tilt: float
    drift: float  # how far the rings open into a loop on one side
    warp: tuple[tuple[float, float, float, float], ...]  # (amplitude, fx, fy, phase)
    minutiae: npt.NDArray[np.float64]  # (n, 3): x, y relative to centre, angle degrees


def finger_pattern(person: str, finger: int, size: tuple[int, int]) -> FingerPattern:
    width, height = size
    rng = _rng("finger", person, finger)
    core = (float(rng.uniform(-0.12, 0.12) * width), float(rng.uniform(-0.15, 0.1) * height))
    warp = tuple(
        (
            float(rng.uniform(1.0, 4.0)),
            float(rng.uniform(-0.045, 0.045)),
            float(rng.uniform(-0.045, 0.045)),
            float(rng.uniform(0, 2 * math.pi)),
        )
        for _ in range(3)
    )
    # Minutiae sit inside the pressed area (an ellipse of about 0.8 x 0.85 of the frame).
    r = np.sqrt(rng.uniform(0, 1, MINUTIAE)) * 0.8
    t = rng.uniform(0, 2 * math.pi, MINUTIAE)
    minutiae = np.column_stack(
        (r * np.cos(t) * width * 0.4, r * np.sin(t) * height * 0.42, rng.uniform(0, 360, MINUTIAE))
    )
    return FingerPattern(
        core=core,
        period=float(rng.uniform(7.5, 10.0)),
        aspect=float(rng.uniform(0.6, 1.0)),
        tilt=float(rng.uniform(-0.8, 0.8)),
        drift=float(rng.uniform(-0.7, 0.7)),
        warp=warp,
        minutiae=minutiae,
    )


@lru_cache(maxsize=32)
def _finger_fields(
    person: str, finger: int, size: tuple[int, int]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The finger in its own frame (centred, unturned): ridges (1 = ridge) and the
    elliptic distance from its centre (1 = the edge of a normally pressed finger).
    Cached: a placement only moves, turns and presses this."""
    width, height = size
    pattern = finger_pattern(person, finger, size)
    # Single precision, one row and one column broadcast over the frame, and the sums done
    # in place: each new finger costs the simulator about a millisecond, not tens (float64
    # full grids).
    f32 = np.float32
    fx = (np.arange(width, dtype=f32) - f32(width / 2))[None, :]
    fy = (np.arange(height, dtype=f32) - f32(height / 2))[:, None]
    u, v = fx - f32(pattern.core[0]), fy - f32(pattern.core[1])
    ct, st = f32(math.cos(pattern.tilt)), f32(math.sin(pattern.tilt))
    ur, vr = ct * u + st * v, -st * u + ct * v
    phase = np.hypot(ur, vr * f32(1 / pattern.aspect))
    phase += f32(pattern.drift) * vr
    np.abs(ur, out=ur)
    ur *= f32(0.3)
    phase += ur
    for amplitude, kx, ky, ph in pattern.warp:
        size_px = f32(amplitude * pattern.period * 0.3)
        along_x, along_y = f32(kx) * fx + f32(ph), f32(ky) * fy
        # sin(x + y) = sin x cos y + cos x sin y: sines of a row and a column, not a sine
        # per pixel.
        phase += (size_px * np.sin(along_x)) * np.cos(along_y)
        phase += (size_px * np.cos(along_x)) * np.sin(along_y)
    phase *= f32(2 * math.pi / pattern.period)
    ridges = np.cos(phase, out=phase)
    ridges *= f32(0.5)
    ridges += f32(0.5)
    ridges.setflags(write=False)  # cached: every placement of this finger reads it
    return ridges, _pressed_area(size)


@lru_cache(maxsize=4)
def _pressed_area(size: tuple[int, int]) -> npt.NDArray[np.float32]:
    """The elliptic distance from the frame's centre, 1 at the edge of a normally pressed
    finger: the same for every finger, so made once per sensor size (read-only, shared)."""
    width, height = size
    f32 = np.float32
    fx = (np.arange(width, dtype=f32) - f32(width / 2))[None, :]
    fy = (np.arange(height, dtype=f32) - f32(height / 2))[:, None]
    ellipse = (fx / f32(width * 0.46)) ** 2 + (fy / f32(height * 0.47)) ** 2
    ellipse.setflags(write=False)
    return ellipse


@lru_cache(maxsize=4)
def _noise_bank(size: tuple[int, int]) -> npt.NDArray[np.float32]:
    """Unit sensor noise for twice the frame each way, drawn once per sensor size: a
    placement takes the window at its own offset (one of width x height), so every image
    still has its own noise, without drawing 74,000 normal values per image (0.75 ms, a
    quarter of the drawing)."""
    width, height = size
    rng = _rng("noise bank", width, height)
    return rng.standard_normal(size=(2 * height, 2 * width), dtype=np.float32)


def render(placement: Placement, size: tuple[int, int]) -> npt.NDArray[np.uint8]:
    """The grey image the sensor sees: dark ridges on a light background."""
    width, height = size
    ridges0, ellipse0 = _finger_fields(placement.person, placement.finger, size)
    dx, dy, rot = placement.pose()
    # Finger frame -> sensor: turn about the centre, then shift.
    c, s = math.cos(rot), math.sin(rot)
    cx, cy = width / 2, height / 2
    pose = np.array(
        [[c, -s, cx + dx - (c * cx - s * cy)], [s, c, cy + dy - (s * cx + c * cy)]],
        dtype=np.float64,
    )
    ridges: npt.NDArray[np.float32] = np.asarray(
        cv2.warpAffine(ridges0, pose, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT),
        np.float32,
    )
    mask: npt.NDArray[np.float32] = np.asarray(
        cv2.warpAffine(ellipse0, pose, size, flags=cv2.INTER_LINEAR, borderValue=(9.0,)),
        np.float32,
    )
    noise_rng = _rng("noise", placement.person, placement.finger, placement.index)
    pressure = 0.85 + 0.1 * noise_rng.uniform(-1, 1)
    weak = placement.poor or placement.faint
    if weak:
        pressure *= 0.55
    # In place from here on (the simulator draws every placement; fresh arrays for each
    # step cost a third of it). The soft edge off the glass: clip((1 - e / p^2) * 6, 0, 1).
    f32 = np.float32
    mask *= f32(-6 / pressure**2)
    mask += f32(6)
    np.clip(mask, 0, 1, out=mask)
    # Dry or sweaty patches break ridges here and there; how much varies per placement.
    coarse = noise_rng.uniform(0, 1, size=(6, 6)).astype(np.float32)
    patches: npt.NDArray[np.float32] = np.asarray(
        cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC), np.float32
    )
    dryness = noise_rng.uniform(0.0, 0.3)
    dry = np.clip(patches, 0, 1)
    dry *= f32(-dryness)
    dry += f32(1)
    ridges *= dry
    patches *= f32(dryness * 0.3)
    ridges += patches
    contrast = noise_rng.uniform(110, 180) if not weak else 35.0
    sigma = noise_rng.uniform(5, 15) if not weak else 30.0
    top, left = noise_rng.integers(0, height), noise_rng.integers(0, width)
    # 235 - mask * (ridges * contrast + 25) + noise
    ridges *= f32(contrast)
    ridges += f32(25)
    ridges *= mask
    image = _noise_bank(size)[top : top + height, left : left + width] * f32(sigma)
    image -= ridges
    image += f32(235)
    return np.clip(image, 0, 255, out=image).astype(np.uint8)


def extract(placement: Placement, size: tuple[int, int]) -> bytes:
    """The character file the module makes from this placement's image."""
    pattern = finger_pattern(placement.person, placement.finger, size)
    dx, dy, rot = placement.pose()
    rng = _rng("extract", placement.person, placement.finger, placement.index)
    points = pattern.minutiae
    keep = rng.uniform(0, 1, len(points)) > 0.12  # a few minutiae are missed each time
    points = points[keep]
    c, s = math.cos(rot), math.sin(rot)
    x = c * points[:, 0] - s * points[:, 1] + dx + rng.normal(0, 1.5, len(points))
    y = s * points[:, 0] + c * points[:, 1] + dy + rng.normal(0, 1.5, len(points))
    angle = (points[:, 2] + math.degrees(rot) + rng.normal(0, 5, len(points))) % 360
    width, height = size
    minutiae = np.column_stack((x + width / 2, y + height / 2, angle))
    return encode_template(minutiae, _finger_key(placement.person, placement.finger))


def _finger_key(person: str, finger: int) -> bytes:
    return hashlib.sha256(f"key/{person}/{finger}".encode()).digest()[:KEY_BYTES]


def encode_template(
    minutiae: npt.NDArray[np.float64], key: bytes = bytes(8), size: int = 512
) -> bytes:
    # (x, y, angle) as big-endian 16-bit words, in one go rather than a pack per minutia;
    # np.rint rounds halves to even like round(), and % and & on int64 wrap like Python's.
    words = np.rint(np.asarray(minutiae, dtype=np.float64).reshape(-1, 3)).astype(np.int64)
    words[:, :2] &= 0xFFFF
    words[:, 2] %= 360
    body = words.astype(">u2").tobytes()
    head = MAGIC + key[:KEY_BYTES].ljust(KEY_BYTES, b"\x00") + struct.pack(">H", len(minutiae))
    used = head + body
    # The rest of a real character file is dense too (ridge counts, quality maps): fill it
    # with bytes derived from the minutiae rather than zeros.
    filler = b""
    while len(used) + len(filler) < size:
        filler += hashlib.sha256(used + len(filler).to_bytes(4, "big")).digest()
    return (used + filler)[:size]


def finger_key(template: bytes) -> bytes | None:
    """The key of the finger a template was made from (None: not one of ours)."""
    if len(template) < _HEAD or template[:4] != MAGIC:
        return None
    return template[4 : 4 + KEY_BYTES]


def same_finger_candidates(
    template: bytes, slots: list[tuple[int, bytes]]
) -> list[tuple[int, bytes]]:
    """The (slot, template) pairs that may be of `template`'s finger: same key, or either
    one not ours (those are scored in full)."""
    key = finger_key(template)
    if key is None:
        return slots
    head = MAGIC + key
    return [(s, t) for s, t in slots if t[: len(head)] == head or t[:4] != MAGIC]


def decode_template(template: bytes) -> npt.NDArray[np.float64] | None:
    """Minutiae of a character file, or None when it is not one of ours."""
    if len(template) < _HEAD or template[:4] != MAGIC:
        return None
    (count,) = struct.unpack(">H", template[_HEAD - 2 : _HEAD])
    if _HEAD + 6 * count > len(template):
        return None
    values = struct.unpack(f">{3 * count}H", template[_HEAD : _HEAD + 6 * count])
    return np.array(values, dtype=np.float64).reshape(count, 3)


def match_score(a: bytes, b: bytes) -> int:
    """0..MAX_SCORE: how many minutiae pair up under one common rotation and translation.

    For a few small rotations, every pair of minutiae with similar direction votes for
    the translation between them (a Hough transform over shifts, in bins of half the
    match distance); the score is the largest vote in any 2x2 window of bins, relative to
    the larger template."""
    ma, mb = decode_template(a), decode_template(b)
    if ma is None or mb is None or not len(ma) or not len(mb):
        return 0
    centre = ma[:, :2].mean(axis=0)
    best = 0
    for degrees in ROTATIONS_DEG:
        rad = math.radians(degrees)
        c, s = math.cos(rad), math.sin(rad)
        rel = ma[:, :2] - centre
        xy = np.column_stack((c * rel[:, 0] - s * rel[:, 1], s * rel[:, 0] + c * rel[:, 1]))
        angle_diff = np.abs(((ma[:, None, 2] + degrees - mb[None, :, 2]) + 180) % 360 - 180)
        ia, ib = np.nonzero(angle_diff < MATCH_ANGLE_DEG)
        if not len(ia):
            continue
        step = MATCH_DISTANCE_PX / 2
        shifts = np.floor((mb[ib, :2] - xy[ia]) / step).astype(np.int64)
        shifts -= shifts.min(axis=0)
        votes = np.zeros(tuple(shifts.max(axis=0) + 2), dtype=np.int64)
        np.add.at(votes, (shifts[:, 0], shifts[:, 1]), 1)
        windows = votes[:-1, :-1] + votes[1:, :-1] + votes[:-1, 1:] + votes[1:, 1:]
        best = max(best, int(windows.max()))
    paired = min(best, len(ma), len(mb))
    return min(MAX_SCORE, round(MAX_SCORE * paired / max(len(ma), len(mb))))


def merge(a: bytes, b: bytes) -> bytes:
    """RegModel: one template from two character files of the same finger.

    Keeps the first file's minutiae (the real modules merge them; for matching this is
    equivalent and keeps the template inside 512 bytes)."""
    return a
