"""Finger positions (ISO/IEC 19794-4): 1-5 right thumb..little, 6-10 left thumb..little."""

from __future__ import annotations

from peripherals.device import Text

INDEX_FINGERS = (2, 7)  # the two the chip stores (Perpres 26/2009 art. 6)

_FINGERS = (
    ("jempol", "thumb"),
    ("telunjuk", "index finger"),
    ("jari tengah", "middle finger"),
    ("jari manis", "ring finger"),
    ("kelingking", "little finger"),
)


def hand(position: int) -> str:
    return "right" if position <= 5 else "left"


def finger_name(position: int) -> Text:
    finger_id, finger_en = _FINGERS[(position - 1) % 5]
    if hand(position) == "right":
        return Text(f"{finger_id} kanan", f"right {finger_en}")
    return Text(f"{finger_id} kiri", f"left {finger_en}")
