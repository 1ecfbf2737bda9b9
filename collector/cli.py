"""`station collector serve|open|keygen`: the office side on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from collector.identity import generate_identity, load_identity, load_stations
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
    intake.add_argument("batch", type=Path, help="the batch file from `station export`")
    intake.add_argument("--data", type=Path, required=True)
    intake.add_argument("--identity", type=Path, required=True)
    intake.add_argument("--stations", type=Path, required=True)
    intake.add_argument("--ack-out", type=Path, help="write the acknowledgement here (media)")
    intake.set_defaults(handler=run_import)

    keygen = actions.add_parser("keygen", help="create a collector identity file")
    keygen.add_argument("--identity", type=Path, required=True)
    keygen.set_defaults(handler=run_keygen)


def _fail(exc: SealingError) -> int:
    print(f"{exc.text.id}\n{exc.text.en}")
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
    print(f"{len(folders)} rekaman dibuka.\n{len(folders)} records opened.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from collector.store import CollectorStore
    from exchange.ack import sign_ack
    from exchange.batch import verify_batch

    try:
        identity = load_identity(args.identity)
        verified = verify_batch(args.batch, load_stations(args.stations))
    except SealingError as exc:
        return _fail(exc)
    held, ack, already = CollectorStore(args.data).import_file(
        args.batch,
        verified.station_id,
        verified.batch_id,
        lambda: sign_ack(identity.ack_key, verified.manifest),
    )
    if args.ack_out:
        args.ack_out.write_text(ack + "\n", encoding="ascii")
    state = ("sudah ada", "already held") if already else ("diterima", "received")
    print(f"{verified.batch_id}: {state[0]} ({held})\n{verified.batch_id}: {state[1]}")
    if args.ack_out:
        print(
            f"Tanda terima: {args.ack_out} (bawa kembali ke stasiun: station ack)\n"
            f"Acknowledgement: {args.ack_out} (take it back to the station: station ack)"
        )
    return 0


def run_keygen(args: argparse.Namespace) -> int:
    try:
        identity = generate_identity(args.identity)
    except FileExistsError:
        print(
            f"{args.identity} sudah ada; tidak ditimpa.\n"
            f"{args.identity} already exists; not overwritten."
        )
        return 1
    # Only public halves are printed: they go into every station's provisioning.
    print(f"age_recipient = {identity.recipient}")
    print(f"ack_public_key = {identity.ack_public_key}")
    return 0
