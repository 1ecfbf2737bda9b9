"""The gpiozero indicator, on gpiozero's MockFactory: the pin histories a person would see/hear."""

from __future__ import annotations

import math
import time

import pytest
from gpiozero.pins.mock import MockFactory

from peripherals.device import DeviceError
from peripherals.indicator.gpio import GpioIndicator, GpioPins
from peripherals.indicator.looks import LOOKS, Color, markdown_table
from peripherals.indicator.port import Pattern

LED_PINS = GpioPins(green=17, amber=27, red=22, buzzer=23, button=24)
RGB_PINS = GpioPins(rgb=(5, 6, 13), buzzer=23, button=24)
TOLERANCE_S = 0.15  # thread wake-ups on a loaded, shared CI machine; still tells 0.25 s from 0.5 s


def assert_history(pin, expected: list[tuple[float, bool]]) -> None:
    """Like MockPin.assert_states_and_times, but the whole history must match (not a prefix
    of it) up to the last expected entry, with an absolute tolerance per interval."""
    actual = [(s.timestamp, bool(s.state)) for s in pin.states]
    assert len(actual) >= len(expected), f"{pin}: {actual} shorter than {expected}"
    for (got_t, got_state), (want_t, want_state) in zip(actual, expected, strict=False):
        assert got_state == want_state, f"{pin}: {actual} != {expected}"
        assert math.isclose(got_t, want_t, abs_tol=TOLERANCE_S), f"{pin}: {actual} != {expected}"


@pytest.fixture
def factory():
    factory = MockFactory()
    yield factory
    factory.reset()


def opened(pins: GpioPins, factory: MockFactory) -> GpioIndicator:
    indicator = GpioIndicator(pins, pin_factory=factory)
    indicator.open()
    for pin in factory.pins.values():
        pin.clear_states()
    return indicator


def test_waiting_blinks_amber_once_a_second_and_nothing_else(factory):
    indicator = opened(LED_PINS, factory)
    indicator.show(Pattern.WAITING)
    time.sleep(1.2)
    indicator.close()
    # ...and close() leaves it dark.
    assert_history(factory.pin(27), [(0, False), (0, True), (0.5, False), (0.5, True),
                                     (0.2, False)])
    assert [s.state for s in factory.pin(17).states] == [False]
    assert [s.state for s in factory.pin(22).states] == [False]
    assert [s.state for s in factory.pin(23).states] == [False]


def test_fault_blinks_red_fast_with_three_long_beeps(factory):
    indicator = opened(LED_PINS, factory)
    indicator.show(Pattern.FAULT)
    time.sleep(1.9)
    assert_history(factory.pin(22), [(0, False), (0, True), (0.25, False), (0.25, True),
                                     (0.25, False), (0.25, True), (0.25, False)])
    assert_history(factory.pin(23), [(0, False), (0, True), (0.4, False), (0.2, True),
                                     (0.4, False), (0.2, True), (0.4, False)])
    assert len(factory.pin(23).states) == 7, "the buzzer must stop after three beeps"
    indicator.close()


def test_success_is_steady_green_with_two_short_beeps(factory):
    indicator = opened(LED_PINS, factory)
    indicator.show(Pattern.FAULT)
    indicator.show(Pattern.SUCCESS)
    time.sleep(0.6)
    green = [s.state for s in factory.pin(17).states]
    assert green == [False, True], "steady: switched on once, never blinks"
    assert factory.pin(22).state is False, "the fault light went out"
    buzzer = factory.pin(23).states
    # The fault's first beep is cut short by the switch; then two short beeps.
    assert [s.state for s in buzzer][-4:] == [True, False, True, False]
    assert_history(factory.pin(23), [(0, False), (0, True)])
    assert math.isclose(buzzer[-3].timestamp, 0.1, abs_tol=TOLERANCE_S)
    assert math.isclose(buzzer[-1].timestamp, 0.1, abs_tol=TOLERANCE_S)
    indicator.close()


def test_low_storage_alternates_amber_and_red_never_together(factory):
    indicator = opened(LED_PINS, factory)
    indicator.show(Pattern.LOW_STORAGE)
    time.sleep(1.15)
    indicator.close()
    assert_history(factory.pin(27), [(0, False), (0, True), (0.5, False), (0.5, True)])
    assert_history(factory.pin(22), [(0, False), (0.5, True), (0.5, False)])
    amber_on = _on_intervals(factory.pin(27))
    red_on = _on_intervals(factory.pin(22))
    for a_start, a_end in amber_on:
        for r_start, r_end in red_on:
            assert a_end <= r_start + 1e-3 or r_end <= a_start + 1e-3, "two colours at once"


def _on_intervals(pin) -> list[tuple[float, float]]:
    t, start, out = 0.0, None, []
    for state in pin.states:
        t += state.timestamp
        if state.state and start is None:
            start = t
        elif not state.state and start is not None:
            out.append((start, t))
            start = None
    if start is not None:
        out.append((start, math.inf))
    return out


@pytest.mark.parametrize("pattern", list(Pattern))
def test_every_pattern_plays_its_table_entry_on_leds(factory, pattern):
    """A full cycle (and the start of the next) on the three-LED board matches the table."""
    indicator = opened(LED_PINS, factory)
    look = LOOKS[pattern]
    window = look.period_s + look.steps[0].seconds / 2 if not look.steady else 0.2
    indicator.show(pattern)
    time.sleep(window)
    indicator.close()
    pins = {Color.GREEN: 17, Color.AMBER: 27, Color.RED: 22}
    at, index = 0.0, 0
    lit: list[tuple[float, Color | None]] = []
    while at < window:
        step = look.steps[index % len(look.steps)]
        if not lit or lit[-1][1] is not step.color:
            lit.append((at, step.color))
        at += step.seconds or window
        index += 1
    for color, pin in pins.items():
        expected_on = [start for start, c in lit if c is color]
        actual_on = _on_intervals(factory.pin(pin))
        assert len(actual_on) == len(expected_on), (pattern, color, actual_on, expected_on)
        for (start, _end), want in zip(actual_on, expected_on, strict=True):
            assert math.isclose(start, want, abs_tol=TOLERANCE_S), (pattern, color, start, want)


def test_rgb_led_shows_the_same_colours(factory):
    indicator = opened(RGB_PINS, factory)
    indicator.show(Pattern.NOT_PROVISIONED)
    time.sleep(0.75)
    indicator.close()
    red, green, blue = (factory.pin(p) for p in (5, 6, 13))
    # green (0,1,0) -> amber (1,1,0) -> red (1,0,0), 0.3 s each
    assert_history(green, [(0, False), (0, True), (0.6, False)])
    assert_history(red, [(0, False), (0.3, True)])
    assert [s.state for s in blue.states] == [False]


def test_button_press_is_debounced(factory):
    indicator = opened(LED_PINS, factory)
    presses: list[float] = []
    indicator.when_pressed(lambda: presses.append(time.monotonic()))
    button = factory.pin(24)
    for _ in range(4):  # contact bounce: four edges within a few milliseconds
        button.drive_low()
        button.drive_high()
    assert len(presses) == 1
    time.sleep(indicator.debounce_s + 0.02)
    button.drive_low()
    button.drive_high()
    assert len(presses) == 2
    assert [e.what for e in indicator.recording.events].count("button") == 2
    indicator.close()


def test_pin_configuration_errors_are_bilingual():
    with pytest.raises(DeviceError) as missing:
        GpioIndicator(GpioPins(green=17, amber=27))
    assert missing.value.code == "indicator_pins"
    assert "rgb" in missing.value.text.id and "rgb" in missing.value.text.en
    with pytest.raises(DeviceError, match="twice"):
        GpioIndicator(GpioPins(green=17, amber=17, red=22))


def test_health_reports_unopened_then_ready(factory):
    indicator = GpioIndicator(LED_PINS, pin_factory=factory)
    assert not indicator.health().ok
    indicator.open()
    assert indicator.health().ok and indicator.health().adapter == "gpio:leds"
    indicator.close()


def test_readme_table_lists_every_pattern():
    table = markdown_table()
    for pattern in Pattern:
        assert f"`{pattern.value}`" in table


def test_readme_table_is_the_generated_one():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    start = readme.index("<!-- patterns:start -->\n") + len("<!-- patterns:start -->\n")
    end = readme.index("\n<!-- patterns:end -->")
    assert readme[start:end] == markdown_table()
