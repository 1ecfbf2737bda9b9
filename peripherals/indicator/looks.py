"""How each `Pattern` looks and sounds: one table, read by every indicator adapter.

The rules that make a pattern readable across a classroom: at most one colour is lit at a
time (so a single RGB LED and a three-LED board say exactly the same thing), the colour
carries the meaning (green good, amber "your turn / wait", red "needs a person"), and the
rhythm tells apart states that share a colour. The buzzer sounds once when a pattern
starts, never continuously, so a room of students is not kept beeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from peripherals import messages
from peripherals.device import Text
from peripherals.indicator.port import Pattern


class Color(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Step:
    """Show `color` (None = dark) for `seconds`; a single step with seconds=0 is steady."""

    color: Color | None
    seconds: float = 0.0


@dataclass(frozen=True)
class Beeps:
    on_s: float
    off_s: float
    count: int


@dataclass(frozen=True)
class Look:
    steps: tuple[Step, ...]  # repeated until the next pattern
    beeps: Beeps | None
    lights_id: str  # how the lights look, for the README table and the diagnostics page
    sound_id: str
    meaning: Text  # what a person should understand

    @property
    def steady(self) -> bool:
        return len(self.steps) == 1

    @property
    def period_s(self) -> float:
        return sum(step.seconds for step in self.steps)


def _blink(color: Color, on_s: float, off_s: float) -> tuple[Step, ...]:
    return (Step(color, on_s), Step(None, off_s))


LOOKS: dict[Pattern, Look] = {
    Pattern.OFF: Look((Step(None),), None, "mati", "-", messages.LAMP_STATION_OFF),
    Pattern.READY: Look((Step(Color.GREEN),), None, "hijau menyala", "-", messages.LAMP_READY),
    Pattern.WAITING: Look(
        _blink(Color.AMBER, 0.5, 0.5),
        None,
        "kuning berkedip lambat (1x/detik)",
        "-",
        messages.LAMP_APPLICANTS_TURN,
    ),
    Pattern.CAPTURING: Look(
        (Step(Color.AMBER),),
        Beeps(0.05, 0.0, 1),
        "kuning menyala",
        "klik",
        messages.LAMP_HOLD_STILL,
    ),
    Pattern.SUCCESS: Look(
        (Step(Color.GREEN),),
        Beeps(0.1, 0.1, 2),
        "hijau menyala",
        "2 bip pendek",
        messages.LAMP_TAKE_THE_RECEIPT,
    ),
    Pattern.FAULT: Look(
        _blink(Color.RED, 0.25, 0.25),
        Beeps(0.4, 0.2, 3),
        "merah berkedip cepat (2x/detik)",
        "3 bip panjang",
        messages.LAMP_CALL_THE_OPERATOR,
    ),
    Pattern.UPLOADING: Look(
        (Step(Color.GREEN, 0.2), Step(None, 0.8)),
        None,
        "hijau berkedip singkat (1x/detik)",
        "-",
        messages.LAMP_UPLOADING,
    ),
    Pattern.LOW_STORAGE: Look(
        (Step(Color.AMBER, 0.5), Step(Color.RED, 0.5)),
        Beeps(0.6, 0.0, 1),
        "kuning dan merah bergantian",
        "1 bip panjang",
        messages.LAMP_STORAGE_ALMOST_FULL,
    ),
    Pattern.NOT_PROVISIONED: Look(
        (Step(Color.GREEN, 0.3), Step(Color.AMBER, 0.3), Step(Color.RED, 0.3)),
        None,
        "hijau, kuning, merah berputar",
        "-",
        messages.LAMP_NOT_PROVISIONED,
    ),
}


def markdown_table() -> str:
    """The README table, generated from LOOKS so the documentation cannot drift."""
    rows = [
        "| Pola (pattern) | Arti / meaning | Lampu | Cahaya per langkah | Buzzer |",
        "| --- | --- | --- | --- | --- |",
    ]
    for pattern, look in LOOKS.items():
        steps = ", ".join(
            f"{step.color.value if step.color else 'off'}"
            + (f" {step.seconds:g}s" if step.seconds else "")
            for step in look.steps
        )
        sound = f"{look.sound_id} ({look.beeps.count}x {look.beeps.on_s:g}s)" if look.beeps else "-"
        meaning = look.meaning.one_line
        rows.append(f"| `{pattern.value}` | {meaning} | {look.lights_id} | {steps} | {sound} |")
    return "\n".join(rows)
