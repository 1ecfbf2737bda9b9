"""`station simulate frontpanel`: the RP2040 front panel's simulator on a pty. The first line
printed is the pty path (point devices.indicator.frontpanel_port at it); every change of the
ring and buzzer is printed; type `press` (or `tekan`) to press the button."""

from __future__ import annotations

import argparse
from typing import Any

from peripherals.indicator.frontpanel.simulator import FrontPanelSimulator
from station.messages import FRONT_PANEL_COLOURS
from station.technician.cli import print_commands, simulate_group, simulator_console


def _colour(letter: str) -> str:
    name = FRONT_PANEL_COLOURS.get(letter)
    return f"{name.id}/{name.en}" if name else letter


def register(sub: Any) -> None:
    panel = simulate_group(sub).add_parser(
        "frontpanel",
        help="the RP2040 front panel (LED ring, buzzer, button) on a pty",
        description=__doc__,
    )
    panel.add_argument("--leds", type=int, default=12, help="LEDs on the ring")
    panel.add_argument("--quiet", action="store_true", help="do not print every frame")
    panel.set_defaults(handler=cmd_simulate_frontpanel)


def cmd_simulate_frontpanel(args: argparse.Namespace) -> int:
    simulator = FrontPanelSimulator(args.leds)
    path = simulator.start()
    print(path, flush=True)
    print_commands("press (tekan)")
    if not args.quiet:
        simulator.on_frame = lambda frame: print(
            f"{simulator.showing}: {_colour(frame[0])}" + (" + bip" if frame[1] else ""),
            flush=True,
        )

    def answer(line: str) -> str:
        if line.strip().lower() not in ("press", "tekan"):
            return "? press / tekan"
        simulator.press()
        return "button=pressed"

    return simulator_console(answer, simulator.stop)
