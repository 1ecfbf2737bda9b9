"""The shared `station simulate <device>` command group: each device area adds its simulator
(`printer`, `frontpanel`, ...) with `simulate_group(sub).add_parser(...)`."""

from __future__ import annotations

from typing import Any


def simulate_group(sub: Any) -> Any:
    """The group's sub-parsers, created by the first area that needs them."""
    parser = sub.choices.get("simulate")
    if parser is None:
        parser = sub.add_parser("simulate", help="run a device simulator on a pty")
        parser.set_defaults(simulate_sub=parser.add_subparsers(dest="device", required=True))
    return parser.get_default("simulate_sub")
