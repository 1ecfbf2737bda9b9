"""`station provision`: apply the provisioning file, show the status, hash a PIN.

    station provision --file /boot/firmware/ektp-provision.toml [--data-root /var/lib/ektp]
    station provision --status [--data-root ...]
    station provision --hash-pin            (asks twice; prints the argon2 hash to paste)

Exit codes: 0 applied (or status: provisioned), 2 the file was rejected (or status: not
provisioned), 1 the station could not write what it needs (disk, permissions).
"""

from __future__ import annotations

import argparse
import getpass
import json
import pwd
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.messages import (
    PIN_AGAIN,
    PIN_DIGITS,
    PINS_DIFFER,
    PROVISIONING_FILE_LEFT_ON_CARD,
    PROVISIONING_REJECTED,
    pin_length,
    provisioning_cannot_write,
    station_provisioned_with_key,
    system_user_unknown,
)
from station.provisioning.file import (
    DEFAULT_DATA_ROOT,
    Problem,
    ProvisioningInvalid,
    StationLayout,
    load_provisioning,
    provisioning_status,
)

if TYPE_CHECKING:
    from station.config import StationConfig
    from station.provisioning.apply import Owner

# The apply side (config, store, keys) loads only when a provisioning command runs, so
# that `station --help` and the other sub-commands stay quick on the Pi.


def _owner(name: str | None) -> Owner | None:
    from station.provisioning.apply import Owner

    if name is None:
        return None
    entry = pwd.getpwnam(name)  # KeyError handled by the caller
    return Owner(entry.pw_uid, entry.pw_gid)


def cmd_provision(args: argparse.Namespace) -> int:
    layout = StationLayout(Path(args.data_root))
    if args.hash_pin:
        return _hash_pin()
    if args.status:
        status = provisioning_status(layout)
        print(json.dumps(status.as_json(), indent=2, ensure_ascii=False))
        return 0 if status.provisioned else 2
    return _apply(Path(args.file), layout, args.owner, keep_file=args.keep_file)


def _reject(path: Path, layout: StationLayout, problems: list[Problem]) -> int:
    from station.provisioning.apply import record_rejection, write_boot_errors

    print(PROVISIONING_REJECTED.two_lines, file=sys.stderr)
    for problem in problems:
        print(f"- [{problem.field}] {problem.text.id}", file=sys.stderr)
        print(f"  {' ' * len(problem.field)}  {problem.text.en}", file=sys.stderr)
    try:
        record_rejection(layout, problems)
        if path.parent.is_dir():
            write_boot_errors(path.parent, problems)
    except OSError as error:  # the reasons above are in the journal all the same
        print(provisioning_cannot_write(error).two_lines, file=sys.stderr)
    return 2


def _apply(path: Path, layout: StationLayout, owner_name: str | None, *, keep_file: bool) -> int:
    from station.provisioning.apply import (
        apply_provisioning,
        scrub_boot_file,
        write_boot_summary,
    )

    try:
        owner = _owner(owner_name)
    except KeyError:
        print(system_user_unknown(owner_name).two_lines, file=sys.stderr)
        return 1
    try:
        provisioning = load_provisioning(path)
    except ProvisioningInvalid as invalid:
        return _reject(path, layout, invalid.problems)
    try:
        applied = apply_provisioning(provisioning, layout, owner=owner)
    except OSError as error:
        print(provisioning_cannot_write(error).two_lines, file=sys.stderr)
        return 1
    print(station_provisioned_with_key(applied.station_id, applied.public_key).two_lines)
    try:
        write_boot_summary(path.parent, applied, provisioning)
        if not keep_file:
            scrub_boot_file(path)
    except OSError as error:
        # Provisioned, but the secrets are still on the card: say so, and fail the unit
        # so that it shows in `systemctl --failed` and `station doctor`.
        print(provisioning_cannot_write(error).two_lines, file=sys.stderr)
        print(PROVISIONING_FILE_LEFT_ON_CARD.two_lines, file=sys.stderr)
        return 1
    return 0


def _hash_pin() -> int:
    from station.access.pins import hash_pin
    from station.config import AuthSettings

    length = AuthSettings().pin_length
    pin = getpass.getpass(f"PIN ({length} {PIN_DIGITS.one_line}): ")
    if not (pin.isdigit() and len(pin) == length):
        print(pin_length(length).two_lines, file=sys.stderr)
        return 2
    if getpass.getpass(f"PIN ({PIN_AGAIN.one_line}): ") != pin:
        print(PINS_DIFFER.two_lines, file=sys.stderr)
        return 2
    print(hash_pin(pin))
    return 0


def doctor_checks(config: StationConfig, check: Callable[[str, bool, str], None]) -> None:
    """`station doctor`'s lines for an imaged station: provisioning (a check), and the clock
    (a note: not yet synchronised is worth knowing, not a failure; 4G may not be up yet)."""
    from station.provisioning.file import managed_status
    from station.system.clock_sync import clock_synchronised

    status = managed_status(config.provisioning.data_root)
    if status is not None:
        check("provisioning", status.provisioned, status.text.en)
    synced = clock_synchronised()
    print(f"note clock: {'synchronised' if synced else 'not synchronised yet (needs 4G once)'}")


def register(sub: Any) -> None:
    """Add `station provision` to the station's command line."""
    parser = sub.add_parser(
        "provision",
        help="apply a provisioning file / show provisioning status / hash a PIN",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--file", help="the provisioning file (ektp-provision.toml)")
    action.add_argument("--status", action="store_true", help="print the provisioning status")
    action.add_argument("--hash-pin", action="store_true", help="hash a PIN for the file")
    parser.add_argument(
        "--data-root",
        default=str(DEFAULT_DATA_ROOT),
        help=f"the data partition's mount point (default {DEFAULT_DATA_ROOT})",
    )
    parser.add_argument("--owner", help="system user that runs the station (ektp on the image)")
    parser.add_argument(
        "--keep-file", action="store_true", help="do not delete the file (trying it on a laptop)"
    )
    parser.set_defaults(handler=cmd_provision)
