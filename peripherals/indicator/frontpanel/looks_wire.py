"""The host's pattern table (peripherals.indicator.looks) in the panel's wire format."""

from __future__ import annotations

from peripherals.indicator.frontpanel.firmware.protocol import format_show
from peripherals.indicator.looks import LOOKS, Color
from peripherals.indicator.port import Pattern

_LETTER = {Color.GREEN: "g", Color.AMBER: "a", Color.RED: "r", None: "-"}


def show_line(pattern: Pattern) -> str:
    look = LOOKS[pattern]
    steps = tuple((_LETTER[step.color], round(step.seconds * 1000)) for step in look.steps)
    beeps = None
    if look.beeps is not None:
        beeps = (round(look.beeps.on_s * 1000), round(look.beeps.off_s * 1000), look.beeps.count)
    return format_show(pattern.value, steps, beeps)
