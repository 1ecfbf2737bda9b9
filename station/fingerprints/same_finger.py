"""The same-finger check: has this person shown this finger before, as another finger?

The person's kept templates wait in the module's own flash, one slot per finger position
at the top of its library (below them is today's library, library.py). A new finger is
checked with the module's Search over the slots of the person's other kept fingers, then
kept in its own slot. Comparing it with each earlier finger instead (DownChar + Match)
sent every earlier template over the line again: 45 templates of 0.5 KB a person, about
2 s at 115200 baud. The slots of positions not kept in this enrollment may hold an
earlier person's templates: only the positions kept now are searched, and the slots are
emptied in the background when the enrollment ends (committed or cancelled).

Blocking: call from the device thread.
"""

from __future__ import annotations

from collections.abc import Iterable

from peripherals.fingerprint.port import FingerprintReader

SLOTS = 10  # one per finger position, 1..10


def first_slot(reader: FingerprintReader) -> int:
    """Where the person's slots begin; today's library is everything below."""
    return max(0, reader.library_size - SLOTS)


def matches(
    reader: FingerprintReader, template: bytes, others: Iterable[int]
) -> list[tuple[int, int]]:
    """(position, score) of each of `others` (positions whose templates are in their
    slots) that the module finds to be the finger of `template`. Search answers with the
    best match of a range: a range that matched is searched again on either side of it."""
    base = first_slot(reader) - 1  # position 1 is the first slot
    ranges = _runs(sorted(base + p for p in set(others)))
    found: list[tuple[int, int]] = []
    while ranges:
        start, end = ranges.pop()
        hit = reader.identify(template, start, end - start)
        if hit is None:
            continue
        slot, score = hit
        if not start <= slot < end:  # not what was asked for: a confused module
            continue
        found.append((slot - base, score))
        ranges += [r for r in ((start, slot), (slot + 1, end)) if r[0] < r[1]]
    return sorted(found)


def hold(reader: FingerprintReader, template: bytes, position: int) -> None:
    """Keep `template` in the slot of `position` for the fingers that follow."""
    reader.remember(template, first_slot(reader) - 1 + position)


def clear(reader: FingerprintReader) -> None:
    """Empty the person's slots (the enrollment ended)."""
    reader.forget(first_slot(reader), SLOTS)


def _runs(slots: list[int]) -> list[tuple[int, int]]:
    """Sorted slots as [start, end) ranges of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for slot in slots:
        if runs and runs[-1][1] == slot:
            runs[-1] = (runs[-1][0], slot + 1)
        else:
            runs.append((slot, slot + 1))
    return runs
