"""`station`: the command line of the recording station."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from collector import cli as collector_cli
from exchange.errors import BilingualError
from station.devices.cli import register as register_status_lights
from station.domain import cli as domain_cli
from station.fingerprints import cli as fingerprints_cli
from station.messages import (
    CA_FINGERPRINT,
    NEW_TABLET_TRUSTS_FIRST,
    PIN_AGAIN,
    PINS_DIFFER,
    SIMULATION_MODE_ONLY,
    STATION_AT,
)
from station.photo import cli as photo_cli
from station.provisioning import cli as provision_cli
from station.receipts.cli import register as register_receipts
from station.system import log_redaction
from station.upload import cli as upload_cli

log = logging.getLogger("station")


def _config(args: argparse.Namespace) -> Any:
    from station.config import load_config

    overrides: dict[str, Any] = {}
    if getattr(args, "data", None):
        overrides["data_dir"] = Path(args.data)
    server: dict[str, Any] = {}
    if getattr(args, "host", None):
        server["host"] = args.host
    if getattr(args, "port", None):
        server["port"] = args.port
    if getattr(args, "tls_port", None):
        server["tls_port"] = args.tls_port
    config = load_config(Path(args.config) if args.config else None, **overrides)
    if server:
        config.server = config.server.model_copy(update=server)
    return config


def cmd_run(args: argparse.Namespace) -> int:
    from station.runtime import DEMO_OPERATORS, Station
    from station.system.tls_ca import ensure_tls
    from web.serve import serve

    config = _config(args)
    station = Station(config, simulate=True if args.simulate else None)
    server = config.server
    # Made at the first start after provisioning (or of a simulation): the tablets trust
    # this CA once, through the setup page.
    tls = ensure_tls(server.tls_dir or config.data_dir / "tls", config.station.id, server.tls_names)
    if station.notes:
        print("!" * 72)
        for note in station.notes:
            print(note.two_lines)
        print("!" * 72)
    shown = "localhost" if server.host in ("0.0.0.0", "::") else server.host
    print(f"{STATION_AT.one_line}: https://{shown}:{server.tls_port}/")
    print(f"{NEW_TABLET_TRUSTS_FIRST.one_line}: http://{shown}:{server.port}/setup")
    print(f"{CA_FINGERPRINT.one_line}: {tls.fingerprint()}")
    print(f"Data: {config.data_dir.resolve()}")
    if station.simulation:
        print(f"PIN demo ({SIMULATION_MODE_ONLY.one_line}):")
        for demo in DEMO_OPERATORS:
            print(f"  {demo.name:<12} {demo.role:<11} PIN {demo.pin}")
    sys.stdout.flush()
    log_redaction.install()
    serve(station, config, tls)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from station.devices.registry import build_devices
    from station.fingerprints.imaging import wsq_problem
    from station.store.db import open_store
    from station.store.migrations import schema_version
    from station.system.storage import storage

    config = _config(args)
    failures = 0

    def check(name: str, ok: bool, why: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {why}")

    try:
        store = open_store(config.data_dir)
        check("store", True, f"{config.data_dir}, schema {schema_version(store.db)}")
        room = storage(config.data_dir, config.devices.indicator.low_storage_mb, store)
        if room is not None:
            basis = "measured on this station" if room.measured else "typical, no record yet"
            check(
                "storage",
                room.records_left >= 1,
                f"{room.free_mb:.0f} MB free of {room.total_mb:.0f} MB: room for about"
                f" {room.records_left} more students ({room.per_record_bytes / 1000:.0f} kB"
                f" each, {basis})",
            )
        try:
            _second_copy_line(config, store)
        finally:
            store.close()
    except BilingualError as error:
        check("store", False, error.text.en)
    devices = build_devices(config.devices, simulate=bool(args.simulate), data_dir=config.data_dir)
    for note in devices.notes:
        print(f"note {note.en}")
    devices.open_all()
    for kind, health in devices.health().items():
        check(kind, health.ok, f"{health.adapter}: {health.detail.en}")
    link = devices.fingerprint.describe_link()
    if link is not None:
        print(f"info fingerprint line: {link.en}")
    devices.close_all()
    if not config.sealing.recipients:
        check("sealing", bool(args.simulate), "no office recipient configured")
    else:
        check("sealing", True, f"{len(config.sealing.recipients)} office recipient(s)")
    provision_cli.doctor_checks(config, check)
    no_wsq = wsq_problem()
    check("fingerprint images", no_wsq is None, "WSQ" if no_wsq is None else no_wsq.en)
    _election_note(config)
    return 1 if failures else 0


def _second_copy_line(config: Any, store: Any) -> None:
    """A warning, not a failure: the station records as well without a stick, but a
    dying SD card would then take the records not yet uploaded with it."""
    from station.upload.media import MediaFinder
    from station.upload.second_copy import SecondCopy
    from station.upload.service import signing_key_path

    copy = SecondCopy(
        enabled=config.upload.second_copy,
        media=MediaFinder.from_settings(config.upload),
        data_dir=config.data_dir,
        station_id=config.station.id,
        store=store,
        key_file=signing_key_path(config),
    )
    status = copy.survey()
    if not status.enabled:
        print(f"note second copy: off; {status.missing} record(s) only on the SD card")
    elif status.up_to_date:
        print(f"ok   second copy: {status.stick}, {status.copied} record(s), up to date")
    elif status.error is not None:
        print(f"WARN second copy: {status.error.en}")
    elif status.stick is None:
        print(
            f"WARN second copy: no USB stick mounted below"
            f" {', '.join(map(str, config.upload.export_roots))}; {status.missing}"
            " record(s) only on the SD card"
        )
    else:
        print(
            f"WARN second copy: {status.stick} holds {status.copied}, {status.missing}"
            " still to copy (the running station writes them within seconds)"
        )


def _election_note(config: Any) -> None:
    """A warning, not a failure: the station records as well with a stale cutoff, but
    its first-time-voter figures mean nothing until the date is set."""
    from station.domain.election import cutoff

    domain = config.domain
    status = cutoff(domain.eligibility, domain.reports.today())
    if status.warning is not None:
        print(f"WARN election: {status.warning.en}")
    else:
        kind = "official" if status.official else "estimate"
        print(f"note election: cutoff {status.day.isoformat()} ({kind}: {status.source})")


def cmd_config_show(args: argparse.Namespace) -> int:
    from station.config import masked

    print(json.dumps(masked(_config(args)), indent=2, ensure_ascii=False))
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    from station.enrollment.diagram import render

    output = render(args.format)
    if args.output:
        Path(args.output).write_bytes(output)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(output.decode())
    return 0


def cmd_operator_add(args: argparse.Namespace) -> int:
    from station.access.operators import Access
    from station.store.db import open_store

    config = _config(args)
    pin = getpass.getpass("PIN: ")
    if getpass.getpass(f"PIN ({PIN_AGAIN.one_line}): ") != pin:
        print(PINS_DIFFER.two_lines, file=sys.stderr)
        return 2
    store = open_store(config.data_dir)
    try:
        operator = Access(store, config.auth).add_operator(args.name, args.role, pin)
    finally:
        store.close()
    print(f"operator {operator.name} ({operator.role}) added")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="station", description="e-KTP recording station")
    parser.add_argument("--verbose", "-v", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_, description=help_)
        p.add_argument("--config", help="TOML config file (default /etc/station/station.toml)")
        p.add_argument("--data", help="data directory (database and everything written)")
        p.set_defaults(handler=handler)
        return p

    run = command("run", cmd_run, "run the station (API and tablet page)")
    run.add_argument("--simulate", action="store_true", help="use every device's simulator")
    run.add_argument("--host")
    run.add_argument("--port", type=int, help="plain HTTP: redirects and the CA certificate")
    run.add_argument("--tls-port", type=int, help="HTTPS: the API and the tablet page")

    doctor = command("doctor", cmd_doctor, "check each configured device; non-zero on failure")
    doctor.add_argument("--simulate", action="store_true")

    config = sub.add_parser("config", help="configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    command("show", cmd_config_show, "print the effective config, secrets masked", config_sub)

    diagram = command("diagram", cmd_diagram, "draw the enrollment state machine")
    diagram.add_argument("--format", choices=["mermaid", "dot", "svg"], default="mermaid")
    diagram.add_argument("--output", "-o")

    operator = sub.add_parser("operator", help="operator accounts")
    operator_sub = operator.add_subparsers(dest="operator_command", required=True)
    add = command("add", cmd_operator_add, "add an operator (asks for the PIN)", operator_sub)
    add.add_argument("name")
    add.add_argument("--role", choices=["operator", "supervisor", "technician"], default="operator")
    provision_cli.register(sub)
    photo_cli.register(sub)
    domain_cli.register(sub)
    register_receipts(sub)
    register_status_lights(sub)
    upload_cli.register(sub)
    collector_cli.register(sub)
    fingerprints_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except BilingualError as error:
        print(error.text.two_lines, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
