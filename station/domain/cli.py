"""`station nik NIK [--dob YYYY-MM-DD] [--sex L|P]`: check a NIK from the shell.

Prints one JSON object; exit status 0 when the NIK is valid, 1 when it is not, 2 for
bad arguments (argparse's convention)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from station.domain.nik import parse_nik
from station.messages import DATE_MUST_BE_ISO


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{DATE_MUST_BE_ISO.one_line}: {text!r}") from None


def register(subparsers: Any) -> None:
    """Add the `nik` sub-command to the station's argparse sub-parsers."""
    parser = subparsers.add_parser(
        "nik",
        help="validate a NIK (optionally against a birth date and sex)",
        description="Validate a NIK and print the result as one JSON object.",
    )
    parser.add_argument("nik", help="16 digits; spaces, '-' and '.' are ignored")
    parser.add_argument("--dob", type=_iso_date, help="birth date on the form, YYYY-MM-DD")
    parser.add_argument("--sex", choices=("L", "P"), help="sex on the form: L or P")
    parser.add_argument("--today", type=_iso_date, help=argparse.SUPPRESS)  # reproducible runs
    parser.set_defaults(handler=run_nik)


def run_nik(args: argparse.Namespace) -> int:
    result = parse_nik(args.nik, today=args.today, form_birth_date=args.dob, form_sex=args.sex)
    json.dump(result.as_json(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0 if result.valid else 1
