"""The simulator's synthetic fingers: stable per finger, different per placement, and
templates that match for the same finger only."""

from __future__ import annotations

import numpy as np

from peripherals.fingerprint.models import model_named
from peripherals.fingerprint.module_sim import SimulatedModule
from peripherals.fingerprint.synthetic import (
    Placement,
    decode_template,
    encode_template,
    extract,
    finger_key,
    match_score,
    render,
)

SIZE = (256, 288)
THRESHOLD = SimulatedModule(model_named("zfm70")).match_threshold  # security level 3


def test_images_are_stable_per_placement_and_differ_between_placements() -> None:
    first = render(Placement("ani", 2, 1), SIZE)
    assert np.array_equal(first, render(Placement("ani", 2, 1), SIZE))
    again = render(Placement("ani", 2, 2), SIZE)
    other = render(Placement("ani", 3, 1), SIZE)
    assert not np.array_equal(first, again)

    assert not np.array_equal(first, other)
    assert first.shape == (288, 256) and first.dtype == np.uint8


def test_same_finger_matches_and_other_fingers_never_reach_the_threshold() -> None:
    people = ["ani", "budi", "citra", "dedi"]
    same = [
        match_score(extract(Placement(p, f, 0), SIZE), extract(Placement(p, f, i), SIZE))
        for p in people
        for f in range(1, 11)
        for i in (5, 11)
    ]
    templates = [(p, f, extract(Placement(p, f, 3), SIZE)) for p in people for f in range(1, 11)]
    different = [
        match_score(a, b)
        for i, (p, f, a) in enumerate(templates)
        for (q, g, b) in templates[i + 1 :]
    ]
    assert min(same) >= THRESHOLD
    assert max(different) < THRESHOLD
    assert len(different) == 40 * 39 // 2


def test_the_indexed_search_gives_the_full_scan_answer() -> None:
    module = SimulatedModule(model_named("zfm70"))
    for slot, finger in enumerate(range(1, 11)):
        module.library[slot] = extract(Placement("ani", finger, 0), SIZE)
    foreign = decode_template(extract(Placement("ani", 4, 9), SIZE))
    assert foreign is not None
    module.library[20] = encode_template(foreign)  # no finger key: always scored in full
    probe = extract(Placement("ani", 4, 7), SIZE)
    best = max(match_score(probe, t) for t in module.library.values())
    module.char_buffers[1] = probe
    packet = module._search(bytes([1, 0, 0, 0x03, 0xE8])).packets[0]
    confirmation, slot, score = packet[9], packet[10:12], packet[12:14]
    assert confirmation == 0 and int.from_bytes(score, "big") == best
    assert match_score(probe, module.library[int.from_bytes(slot, "big")]) == best
    assert finger_key(probe) != finger_key(module.library[0])
