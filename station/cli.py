"""The `station` command line (sub-commands registered by each capability)."""

from __future__ import annotations

import argparse
import sys

from station.collector import cli as collector_cli
from station.upload import cli as upload_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="station")
    subparsers = parser.add_subparsers(dest="command", required=True)
    upload_cli.register(subparsers)
    collector_cli.register(subparsers)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    return int(args.func(args))
