"""The gpiozero indicator, on gpiozero's MockFactory: the pin histories a person would see/hear."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from gpiozero.pins.mock import MockFactory, MockPin

from peripherals.device import DeviceError
from peripherals.indicator.gpio import GpioIndicator, GpioPins
from peripherals.indicator.looks import LOOKS, Color, markdown_table
from peripherals.indicator.port import Pattern
from tests.support.fake_time import FakeTime

LED_PINS = GpioPins(green=17, amber=27, red=22, buzzer=23, button=24)
RGB_PINS = GpioPins(rgb=(5, 6, 13), buzzer=23, button=24)
LAMPS = {Color.GREEN: 17, Color.AMBER: 27, Color.RED: 22}
History = list[tuple[float, bool]]


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime(("indicator-look", "indicator-beeps"))


@pytest.fixture
def factory(fake: FakeTime) -> Iterator[MockFactory]:
    changes: list[tuple[int, bool]] = []  # every pin change on the board, in order

    class ClockedPin(MockPin):  # type: ignore[misc]
        """A mock pin whose history is stamped with the fake clock's time."""

        history: History

        def clear_states(self) -> None:
            super().clear_states()
            self.history = [(fake.now, bool(self._state))]
            changes.clear()

        def _change_state(self, value: bool) -> bool:
            changed: bool = super()._change_state(value)
            if changed:
                self.history.append((round(fake.now, 6), value))
                changes.append((self.info.name, value))
            return changed

    factory = MockFactory(pin_class=ClockedPin)
    factory.changes = changes
    yield factory
    factory.reset()


def history(factory: MockFactory, pin: int) -> History:
    return factory.pin(pin).history  # type: ignore[no-any-return]


@pytest.fixture
def opened(factory: MockFactory, fake: FakeTime) -> Iterator[Callable[[GpioPins], GpioIndicator]]:
    """Opens an indicator on the fake clock; whatever a test leaves open is closed."""
    indicators: list[GpioIndicator] = []

    def open_on(pins: GpioPins) -> GpioIndicator:
        indicator = GpioIndicator(pins, pin_factory=factory, clock=fake.clock, wait=fake.wait)
        indicators.append(indicator)
        indicator.open()
        for pin in factory.pins.values():
            pin.clear_states()
        return indicator

    yield open_on
    for indicator in indicators:
        indicator.close()


def played_then_closed(opened, fake: FakeTime, pattern: Pattern, seconds: float) -> None:
    indicator = opened(LED_PINS)
    indicator.show(pattern)
    fake.advance(seconds)
    indicator.close()


def test_waiting_blinks_amber_once_a_second_and_nothing_else(factory, fake, opened):
    played_then_closed(opened, fake, Pattern.WAITING, 1.2)
    # ...and close() leaves it dark.
    assert history(factory, 27)[:5] == [
        (0, False), (0, True), (0.5, False), (1.0, True), (1.2, False),
    ]  # fmt: skip
    for pin in (17, 22, 23):
        assert [state for _, state in history(factory, pin)] == [False]


def test_fault_blinks_red_fast_with_three_long_beeps(factory, fake, opened):
    indicator = opened(LED_PINS)
    indicator.show(Pattern.FAULT)
    fake.advance(1.9)
    assert history(factory, 22) == [
        (0, False), (0, True), (0.25, False), (0.5, True), (0.75, False), (1.0, True),
        (1.25, False), (1.5, True), (1.75, False),
    ]  # fmt: skip
    three_beeps = [
        (0, False), (0, True), (0.4, False), (0.6, True), (1.0, False), (1.2, True), (1.6, False),
    ]  # fmt: skip
    assert history(factory, 23) == three_beeps
    fake.advance(5)
    assert history(factory, 23) == three_beeps, "the buzzer must stop after three beeps"
    indicator.close()


def test_success_is_steady_green_with_two_short_beeps(factory, fake, opened):
    indicator = opened(LED_PINS)
    indicator.show(Pattern.FAULT)
    indicator.show(Pattern.SUCCESS)
    fake.advance(5)
    assert history(factory, 17) == [(0, False), (0, True)], "steady: on once, never blinks"
    assert factory.pin(22).state is False, "the fault light went out"
    # The fault's first beep is cut short by the switch; then two short beeps.
    assert history(factory, 23) == [
        (0, False), (0, True), (0, False), (0, True), (0.1, False), (0.2, True), (0.3, False),
    ]  # fmt: skip
    indicator.close()


def test_low_storage_alternates_amber_and_red_never_together(factory, fake, opened):
    played_then_closed(opened, fake, Pattern.LOW_STORAGE, 1.15)
    assert history(factory, 27)[:5] == [
        (0, False), (0, True), (0.5, False), (1.0, True), (1.15, False),
    ]  # fmt: skip
    assert history(factory, 22)[:3] == [(0, False), (0.5, True), (1.0, False)]
    assert_one_colour_at_a_time(factory)


def assert_one_colour_at_a_time(factory: MockFactory) -> None:
    """Replays every change on the board in order: never two lamps lit at once."""
    lamps = {f"GPIO{pin}" for pin in LAMPS.values()}
    lit: set[str] = set()
    for name, on in factory.changes:
        if name in lamps:
            (lit.add if on else lit.discard)(name)
            assert len(lit) <= 1, f"two colours at once: {sorted(lit)} in {factory.changes}"


@pytest.mark.parametrize("pattern", list(Pattern))
def test_every_pattern_plays_its_table_entry_on_leds(factory, fake, opened, pattern):
    """A full cycle (and the start of the next) on the three-LED board matches the table."""
    indicator = opened(LED_PINS)
    look = LOOKS[pattern]
    window = look.period_s + look.steps[0].seconds / 2 if not look.steady else 0.2
    indicator.show(pattern)
    fake.advance(window)
    at, index = 0.0, 0
    lit: list[tuple[float, Color | None]] = []
    while at < window:
        step = look.steps[index % len(look.steps)]
        if not lit or lit[-1][1] is not step.color:
            lit.append((round(at, 6), step.color))
        at += step.seconds or window
        index += 1
    for color, pin in LAMPS.items():
        switched_on = [t for t, on in history(factory, pin)[1:] if on]
        assert switched_on == [start for start, c in lit if c is color], (pattern, color)
    assert_one_colour_at_a_time(factory)
    indicator.close()


def test_rgb_led_shows_the_same_colours(factory, fake, opened):
    indicator = opened(RGB_PINS)
    indicator.show(Pattern.NOT_PROVISIONED)
    fake.advance(0.75)
    red, green, blue = (list(history(factory, p)) for p in (5, 6, 13))  # before close()
    indicator.close()
    # green (0,1,0) -> amber (1,1,0) -> red (1,0,0), 0.3 s each
    assert green == [(0, False), (0, True), (0.6, False)]
    assert red == [(0, False), (0.3, True)]
    assert blue == [(0, False)]


def test_button_press_is_debounced(factory, fake, opened):
    indicator = opened(LED_PINS)
    presses: list[float] = []
    indicator.when_pressed(lambda: presses.append(fake.now))
    button = factory.pin(24)
    for _ in range(4):  # contact bounce: four edges at one moment
        button.drive_low()
        button.drive_high()
    assert presses == [0]
    fake.advance(indicator.debounce_s / 2)
    button.drive_low()
    button.drive_high()
    assert presses == [0], "a bounce within the debounce time is not a press"
    fake.advance(indicator.debounce_s)
    button.drive_low()
    button.drive_high()
    assert presses == [0, fake.now]
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
