"""The light and beep players' rhythm, on a fake clock: no sleeping, no timing assertions."""

from __future__ import annotations

from peripherals.indicator.looks import LOOKS, Beeps, Color, Pattern
from peripherals.indicator.player import BeepPlayer, LookPlayer
from tests.support.fake_time import FakeTime

PLAYERS = ("indicator-look", "indicator-beeps")


def test_waiting_blinks_amber_half_a_second_on_half_off() -> None:
    fake = FakeTime(PLAYERS)
    shown: list[tuple[float, Color | None]] = []
    player = LookPlayer(lambda color: shown.append((fake.now, color)), fake.clock, fake.wait)
    player.play(LOOKS[Pattern.WAITING])
    try:
        fake.advance(2.2)
    finally:
        player.stop()
    assert shown == [
        (0.0, Color.AMBER), (0.5, None), (1.0, Color.AMBER), (1.5, None), (2.0, Color.AMBER),
    ]  # fmt: skip


def test_a_steady_look_starts_no_rhythm() -> None:
    fake = FakeTime(PLAYERS)
    shown: list[Color | None] = []
    player = LookPlayer(shown.append, fake.clock, fake.wait)
    player.play(LOOKS[Pattern.READY])
    fake.advance(10)
    player.stop()
    assert shown == [Color.GREEN]


def test_stop_ends_the_rhythm_at_once() -> None:
    fake = FakeTime(PLAYERS)
    shown: list[Color | None] = []
    player = LookPlayer(shown.append, fake.clock, fake.wait)
    player.play(LOOKS[Pattern.FAULT])
    player.stop()  # returns only once the player's thread has ended
    fake.advance(10)
    assert shown == [Color.RED]


def test_beeps_sound_their_count_and_then_stay_silent() -> None:
    fake = FakeTime(PLAYERS)
    heard: list[tuple[float, bool]] = []
    player = BeepPlayer(lambda on: heard.append((fake.now, on)), fake.clock, fake.wait)
    player.play(Beeps(on_s=0.5, off_s=0.25, count=3))
    fake.advance(10)
    player.stop()
    assert heard == [
        (0.0, True), (0.5, False), (0.75, True), (1.25, False), (1.5, True), (2.0, False),
    ]  # fmt: skip
