"""Finger positions (ISO/IEC 19794-4): 1-5 right thumb..little, 6-10 left thumb..little."""

from __future__ import annotations

INDEX_FINGERS = (2, 7)  # the two the chip stores (Perpres 26/2009 art. 6)


def hand(position: int) -> str:
    return "right" if position <= 5 else "left"
