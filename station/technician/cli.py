"""The shared `station simulate <device>` command group: each device area adds its simulator
(`printer`, `frontpanel`, ...) with `simulate_group(sub).add_parser(...)` and runs it with
`simulator_console(...)`."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from peripherals.messages import SIMULATOR_COMMANDS


def simulate_group(sub: Any) -> Any:
    """The group's sub-parsers, created by the first area that needs them."""
    parser = sub.choices.get("simulate")
    if parser is None:
        parser = sub.add_parser("simulate", help="run a device simulator on a pty")
        parser.set_defaults(simulate_sub=parser.add_subparsers(dest="device", required=True))
    return parser.get_default("simulate_sub")


def print_commands(commands: str) -> None:
    # Capitalised here, where it starts the console's line.
    print(f"{SIMULATOR_COMMANDS.one_line.capitalize()}: {commands}", flush=True)


def simulator_console(answer: Callable[[str], str], stop: Callable[[], None]) -> int:
    """Each non-blank line typed on stdin is passed to `answer` and its reply printed. When
    stdin closes (run as a service) the simulator keeps running; Ctrl-C ends it, and `stop`
    always runs, so the pty goes with the command."""
    try:
        for line in sys.stdin:
            if line.strip():
                print(answer(line), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0
