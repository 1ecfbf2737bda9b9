"""`station simulate printer`: the ESC/POS printer simulator on a pty, for demos, training
and diagnostics. The first line printed is the pty path (point devices.printer.serial_port
at it); control lines on stdin switch paper out / cover open / offline."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from peripherals.printer.pty_simulator import COMMANDS, PtyPrinterSimulator
from station.messages import SIMULATED_RECEIPT
from station.technician.cli import print_commands, simulate_group, simulator_console


def register(sub: Any) -> None:
    printer = simulate_group(sub).add_parser(
        "printer",
        help="a serial ESC/POS receipt printer on a pty; receipts become PNGs",
        description=__doc__,
    )
    printer.add_argument(
        "--out", default="station-data/printer-out", help="folder for the receipt PNGs"
    )
    printer.add_argument(
        "--width", type=int, choices=[58, 80], default=58, help="paper width in mm"
    )
    printer.add_argument(
        "--baud", type=int, default=9600, help="serial speed to imitate (0 = unthrottled)"
    )
    printer.set_defaults(handler=cmd_simulate_printer)


def cmd_simulate_printer(args: argparse.Namespace) -> int:
    out = Path(args.out)
    simulator = PtyPrinterSimulator(
        out,
        args.width,
        baudrate=args.baud,
        on_receipt=lambda path: print(f"{SIMULATED_RECEIPT.one_line}: {path}", flush=True),
    )
    path = simulator.start()
    print(path, flush=True)
    print(f"PNG: {out.resolve()}  ({args.width} mm, {args.baud or 'unthrottled'} baud)")
    print_commands(", ".join(COMMANDS))
    return simulator_console(simulator.engine.apply, simulator.stop)
