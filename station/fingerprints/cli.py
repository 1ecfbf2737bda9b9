"""`station simulate fingerprint`: the simulated module on a pty, for any client.

Prints the device path on the first line, then serves until killed (SIGINT/SIGTERM).
Point pyfingerprint, the Adafruit library, or the station itself
(`STATION__DEVICES__FINGERPRINT__ADAPTER=serial STATION__DEVICES__FINGERPRINT__PORT=...`)
at that path."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from peripherals.fingerprint.models import MODELS
from peripherals.fingerprint.simulator import FingerprintSimulator


def _finger(value: str) -> tuple[str, int]:
    person, _, number = value.rpartition(":")
    if not person or not number.isdigit() or not 1 <= int(number) <= 10:
        raise argparse.ArgumentTypeError("use PERSON:FINGER with FINGER 1-10, e.g. demo:2")
    return person, int(number)


def cmd_simulate_fingerprint(args: argparse.Namespace) -> int:
    simulator = FingerprintSimulator(
        args.model,
        baud=args.baud,
        pace=args.pace,
        link=args.link,
        strict_baud=args.strict_baud,
        max_baud=args.max_baud,
        garbles_above=args.garbles_above,
    )
    if args.finger is not None:
        simulator.present(*args.finger)
    stop = threading.Event()

    def finish(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    with simulator:
        print(simulator.path, flush=True)
        finger = f"{args.finger[0]}:{args.finger[1]}" if args.finger else "none"
        print(
            f"model {args.model}, {args.baud} baud, pace {args.pace}, finger on the glass: "
            f"{finger}",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    return 0


def _simulate_parsers(subparsers: Any) -> Any:
    """The `simulate` command's own sub-commands, shared with other devices' simulators."""
    existing = subparsers.choices.get("simulate")
    if existing is None:
        existing = subparsers.add_parser(
            "simulate", help="serve a device simulator", description="serve a device simulator"
        )
        existing.add_subparsers(dest="simulate_command", required=True)
    for action in existing._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the simulate command has no sub-commands")


def register(subparsers: Any) -> None:
    parser = _simulate_parsers(subparsers).add_parser(
        "fingerprint",
        help="a ZhianTec/Grow fingerprint module on a pty (prints its path first)",
        description="Serve a simulated UART fingerprint module on a pseudo-terminal. The "
        "first line printed is the device path; runs until killed.",
    )
    parser.add_argument("--baud", type=int, default=57600, help="module speed (default 57600)")
    parser.add_argument("--model", choices=sorted(MODELS), default="zfm70")
    parser.add_argument(
        "--pace", type=float, default=1.0, help="timing scale: 1 = real module, 0 = instant"
    )
    parser.add_argument("--link", help="serve under this path (a symlink to the pty)")
    parser.add_argument(
        "--strict-baud",
        action="store_true",
        help="ignore bytes sent at another line speed than the module's, like a real UART",
    )
    parser.add_argument(
        "--max-baud", type=int, help="refuse SetSysPara to faster speeds than this"
    )
    parser.add_argument(
        "--garbles-above",
        type=int,
        help="a poor cable: above this line speed every bulk transfer arrives corrupted",
    )
    parser.add_argument(
        "--finger",
        type=_finger,
        default=("demo", 1),
        help="PERSON:FINGER on the glass (default demo:1)",
    )
    parser.add_argument(
        "--empty", dest="finger", action="store_const", const=None, help="no finger on the glass"
    )
    parser.set_defaults(handler=cmd_simulate_fingerprint)
