"""The status indicator from config: Pi GPIO (gpiozero) or the USB front panel."""

from __future__ import annotations

from pathlib import Path

from peripherals.indicator.frontpanel.host import FrontPanelIndicator
from peripherals.indicator.gpio import GpioIndicator, GpioPins
from peripherals.indicator.port import StatusIndicator
from station.devices.settings import IndicatorSettings

_PI_MODEL = Path("/proc/device-tree/model")


def build_indicator(settings: IndicatorSettings, simulate: bool) -> StatusIndicator | None:
    """The real indicator, or None when the simulator should stand in. `auto` prefers a
    plugged-in front panel, then the Pi's own GPIO."""
    adapter = settings.adapter
    if simulate or adapter == "simulated":
        return None
    if adapter == "auto":
        if Path(settings.frontpanel_port).exists():
            adapter = "frontpanel"
        elif _PI_MODEL.exists() and "Raspberry Pi" in _PI_MODEL.read_text(errors="replace"):
            adapter = "gpio"
        else:
            return None
    if adapter == "frontpanel":
        return FrontPanelIndicator(settings.frontpanel_port)
    if settings.rgb_pins is not None:
        pins = GpioPins(rgb=settings.rgb_pins, buzzer=settings.buzzer_pin,
                        button=settings.button_pin)
    else:
        pins = GpioPins(green=settings.green_pin, amber=settings.amber_pin,
                        red=settings.red_pin, buzzer=settings.buzzer_pin,
                        button=settings.button_pin)
    return GpioIndicator(pins, debounce_s=settings.debounce_ms / 1000)
