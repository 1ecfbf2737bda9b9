"""`station collector serve|open|keygen`: the office side on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from collector.identity import generate_identity, load_identity, load_stations
from collector.messages import (
    ack_written_to,
    batch_already_held,
    batch_received,
    identity_file_exists,
    no_batch_in,
    records_opened,
)
from exchange.durable import write_atomic
from exchange.errors import SealingError


def register(subparsers: argparse._SubParsersAction) -> None:
    collector = subparsers.add_parser("collector", help="the office's reference collector")
    actions = collector.add_subparsers(dest="collector_command", required=True)

    serve = actions.add_parser("serve", help="receive batches over tus 1.0")
    serve.add_argument("--data", type=Path, required=True, help="where batches are kept")
    serve.add_argument("--identity", type=Path, required=True, help="collector identity file")
    serve.add_argument("--stations", type=Path, required=True, help="registered stations (TOML)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.set_defaults(handler=run_serve)

    opener = actions.add_parser("open", help="decrypt a batch into per-person folders")
    opener.add_argument("batch", help="batch file, or batch id held under --data")
    opener.add_argument("--identity", type=Path, required=True)
    opener.add_argument("--out", type=Path, required=True)
    opener.add_argument("--stations", type=Path, required=True, help="to verify the signature")
    opener.add_argument("--data", type=Path, help="collector data directory (for a batch id)")
    opener.set_defaults(handler=run_open)

    intake = actions.add_parser("import", help="take in a batch brought on removable media")
    intake.add_argument(
        "batch",
        type=Path,
        help="the batch file from `station export`, or a second-copy USB stick (its folder)",
    )
    intake.add_argument("--data", type=Path, required=True)
    intake.add_argument("--identity", type=Path, required=True)
    intake.add_argument("--stations", type=Path, required=True)
    intake.add_argument("--ack-out", type=Path, help="write the acknowledgement here (media)")
    intake.set_defaults(handler=run_import)

    keygen = actions.add_parser("keygen", help="create a collector identity file")
    keygen.add_argument("--identity", type=Path, required=True)
    keygen.set_defaults(handler=run_keygen)


def _fail(exc: SealingError) -> int:
    print(exc.text.two_lines)
    return 1


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from collector.app import create_collector_app

    try:
        app = create_collector_app(
            args.data, load_identity(args.identity), load_stations(args.stations)
        )
    except SealingError as exc:
        return _fail(exc)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def run_open(args: argparse.Namespace) -> int:
    from collector.opener import find_batch, open_batch

    try:
        folders = open_batch(
            find_batch(args.batch, args.data),
            load_identity(args.identity),
            args.out,
            load_stations(args.stations),
        )
    except SealingError as exc:
        return _fail(exc)
    for folder in folders:
        print(folder)
    print(records_opened(len(folders)).two_lines)
    return 0


def _batch_files(path: Path) -> list[Path]:
    """One batch file, or every batch on a second-copy stick (`ektp-copy/<station>/`)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.tar") if p.is_file() and not p.is_symlink())
    return [path]


def run_import(args: argparse.Namespace) -> int:
    from collector.store import CollectorStore
    from exchange.ack import sign_ack
    from exchange.batch import verify_batch

    try:
        identity = load_identity(args.identity)
        stations = load_stations(args.stations)
    except SealingError as exc:
        return _fail(exc)
    store = CollectorStore(args.data)
    files = _batch_files(args.batch)
    acks, failed = [], 0
    for batch in files:
        try:
            verified = verify_batch(batch, stations)
        except SealingError as exc:
            failed += 1
            print(f"{batch.name}: {exc.text.id}\n{batch.name}: {exc.text.en}")
            continue
        held, ack, already = store.import_file(
            batch,
            verified.station_id,
            verified.batch_id,
            lambda verified=verified: sign_ack(identity.ack_key, verified.manifest),  # type: ignore[misc]
        )
        acks.append(ack)
        said = batch_already_held if already else batch_received
        print(said(verified.batch_id, held).two_lines)
    if not files:
        print(no_batch_in(args.batch).two_lines)
    if args.ack_out and acks:
        write_atomic(args.ack_out, ("\n".join(acks) + "\n").encode("ascii"), 0o644)
        print(ack_written_to(args.ack_out).two_lines)
    return 1 if failed or not files else 0


def run_keygen(args: argparse.Namespace) -> int:
    try:
        identity = generate_identity(args.identity)
    except FileExistsError:
        print(identity_file_exists(args.identity).two_lines)
        return 1
    # Only public halves are printed: they go into every station's provisioning.
    print(f"age_recipient = {identity.recipient}")
    print(f"ack_public_key = {identity.ack_public_key}")
    return 0
