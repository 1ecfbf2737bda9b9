"""The status indicator on the Pi's own GPIO pins, through gpiozero.

Either three LEDs (green, amber, red) or one common-cathode RGB LED, an active buzzer and a
push button to ground. Pins are BCM numbers from the station config. Tests pass gpiozero's
MockFactory as `pin_factory`; on the Pi gpiozero picks lgpio.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peripherals import messages
from peripherals.device import DeviceError, DeviceHealth
from peripherals.indicator.looks import LOOKS, Color
from peripherals.indicator.player import BeepPlayer, Clock, LookPlayer, Wait, real_wait
from peripherals.indicator.port import Pattern
from peripherals.recording import Recording

# Without PWM an RGB LED mixes amber as red + green (it reads as yellow-amber).
_RGB = {Color.GREEN: (0, 1, 0), Color.AMBER: (1, 1, 0), Color.RED: (1, 0, 0)}


@dataclass(frozen=True)
class GpioPins:
    """BCM pin numbers. Give green/amber/red, or rgb; buzzer and button are optional."""

    green: int | None = None
    amber: int | None = None
    red: int | None = None
    rgb: tuple[int, int, int] | None = None
    buzzer: int | None = None
    button: int | None = None

    def check(self) -> None:
        leds = (self.green, self.amber, self.red)
        if self.rgb is None and None in leds:
            raise DeviceError(
                "indicator_pins",
                messages.INDICATOR_PINS_INCOMPLETE,
            )
        used = [p for p in (*leds, *(self.rgb or ()), self.buzzer, self.button) if p is not None]
        if len(used) != len(set(used)):
            raise DeviceError(
                "indicator_pins",
                messages.indicator_pin_used_twice(used),
            )


class GpioIndicator:
    kind = "indicator"

    def __init__(
        self,
        pins: GpioPins,
        *,
        debounce_s: float = 0.05,
        pin_factory: Any = None,
        clock: Clock = time.monotonic,
        wait: Wait = real_wait,
    ) -> None:
        """`clock` and `wait` time the blinks, the beeps and the debounce: a test passes a
        fake clock with gpiozero's mock pins and checks each rhythm without sleeping."""
        pins.check()
        self.pins = pins
        self.debounce_s = debounce_s
        self.recording = Recording()
        self.pattern = Pattern.OFF
        self._pin_factory = pin_factory
        self._callbacks: list[Callable[[], None]] = []
        self._devices: list[Any] = []
        self._lamps: dict[Color, Any] = {}
        self._rgb: Any = None
        self._buzzer: Any = None
        self._clock = clock
        self._player = LookPlayer(self._set_color, clock, wait)
        self._beeps = BeepPlayer(self._sound, clock, wait)
        self._last_press = -float("inf")
        self._lock = threading.Lock()
        self._error: DeviceError | None = None

    @property
    def adapter(self) -> str:
        return "gpio:rgb" if self.pins.rgb else "gpio:leds"

    def open(self) -> None:
        # Imported here so a station without GPIO (a laptop demo) never needs gpiozero's pins.
        from gpiozero import LED, RGBLED, Button, Buzzer, GPIOZeroError

        factory = {"pin_factory": self._pin_factory}
        try:
            if self.pins.rgb:
                red, green, blue = self.pins.rgb
                self._rgb = RGBLED(red, green, blue, pwm=False, **factory)
                self._devices.append(self._rgb)
            else:
                for color, pin in (
                    (Color.GREEN, self.pins.green),
                    (Color.AMBER, self.pins.amber),
                    (Color.RED, self.pins.red),
                ):
                    self._lamps[color] = LED(pin, **factory)
                    self._devices.append(self._lamps[color])
            if self.pins.buzzer is not None:
                self._buzzer = Buzzer(self.pins.buzzer, **factory)
                self._devices.append(self._buzzer)
            if self.pins.button is not None:
                # Software debounce below: it behaves the same on every pin factory
                # (gpiozero's mock pins ignore bounce_time).
                button = Button(self.pins.button, pull_up=True, **factory)
                button.when_pressed = self._on_press
                self._devices.append(button)
        except (GPIOZeroError, OSError, RuntimeError) as exc:
            self.close()
            self._error = DeviceError(
                "indicator_gpio",
                messages.indicator_gpio_cannot_open(exc),
                unplugged=True,
            )
            raise self._error from exc
        self._error = None
        self.show(Pattern.OFF)

    def close(self) -> None:
        self._player.stop()
        self._beeps.stop()
        if self._devices:  # leave the case dark and silent, not frozen mid-blink
            self._set_color(None)
            if self._buzzer is not None:
                self._buzzer.off()
        for device in self._devices:
            device.close()
        self._devices.clear()
        self._lamps.clear()
        self._rgb = self._buzzer = None

    def health(self) -> DeviceHealth:
        if self._error is not None:
            return DeviceHealth(self.kind, self.adapter, False, self._error.text)
        if not self._devices:
            return DeviceHealth(
                self.kind,
                self.adapter,
                False,
                messages.INDICATOR_NOT_OPENED,
            )
        return DeviceHealth(self.kind, self.adapter, True, messages.DEVICE_READY)

    def show(self, pattern: Pattern) -> None:
        look = LOOKS[pattern]
        with self._lock:
            self.pattern = pattern
            self.recording.add("pattern", pattern.value)
            self._player.play(look)
            if self._buzzer is not None:
                self._beeps.stop()
                self._buzzer.off()
                if look.beeps is not None:
                    self._beeps.play(look.beeps)

    def when_pressed(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def _on_press(self) -> None:
        now = self._clock()
        if now - self._last_press < self.debounce_s:
            return
        self._last_press = now
        self.recording.add("button")
        for callback in self._callbacks:
            callback()

    def _sound(self, on: bool) -> None:
        buzzer = self._buzzer
        if buzzer is not None:  # None once closed
            buzzer.value = on

    def _set_color(self, color: Color | None) -> None:
        if self._rgb is not None:
            self._rgb.color = _RGB[color] if color else (0, 0, 0)
            return
        # Switch the old lamp off before the new one on: never two colours at once.
        for lamp_color, lamp in self._lamps.items():
            if lamp_color is not color:
                lamp.off()
        if color is not None and color in self._lamps:
            self._lamps[color].on()
