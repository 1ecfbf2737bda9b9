"""`station upload` and `station export --to DIR`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn

from station.sealing.errors import SealingError
from station.sealing.keys import ensure_signing_key
from station.upload.errors import UploadError
from station.upload.outbox import Outbox, open_outbox_db
from station.upload.progress import UploadProgress
from station.upload.service import DayEnd
from station.upload.settings import UploadSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    upload = subparsers.add_parser("upload", help="close the day and upload sealed batches")
    _common(upload)
    upload.add_argument("--collector", help="tus endpoint URL of the office collector")
    upload.add_argument("--ack-key", help="collector acknowledgement public key (base64)")
    upload.add_argument("--no-progress", action="store_true", help="plain lines, no progress bar")
    upload.set_defaults(func=run_upload)
    export = subparsers.add_parser("export", help="write pending batches to removable media")
    _common(export)
    export.add_argument("--to", required=True, type=Path, help="folder on the removable media")
    export.set_defaults(func=run_export)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=Path("station-data"), help="data directory")
    parser.add_argument("--station-id", required=True, help="this station's registered id")


def _day_end(args: argparse.Namespace) -> DayEnd:
    settings = UploadSettings()
    if getattr(args, "collector", None):
        settings = settings.model_copy(update={"collector_url": args.collector})
    if getattr(args, "ack_key", None):
        settings = settings.model_copy(update={"collector_ack_key": args.ack_key})
    conn = open_outbox_db(args.data / "station.db")
    return DayEnd(
        Outbox(conn, args.data / "outbox"),
        settings,
        args.station_id,
        ensure_signing_key(args.data / "keys" / "station_ed25519.pem"),
    )


def _say_error(console: Console, exc: UploadError | SealingError) -> None:
    console.print(f"[red]{exc.text.id}[/red]\n[red]{exc.text.en}[/red]")


class _Bar:
    """Rich progress bar fed by UploadProgress snapshots."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, p: UploadProgress) -> None:
        fields: dict[str, Any] = {
            "rate": f"{p.rate_bps * 8 / 1e6:.2f} Mbit/s",
            "eta": f"{p.eta_s:.0f} s" if p.eta_s is not None else "-",
            "retries": p.retries,
            "state": p.state,
        }
        if p.batch_id not in self.tasks:
            self.tasks[p.batch_id] = self.progress.add_task(
                p.batch_id, total=p.bytes_total, **fields
            )
        self.progress.update(self.tasks[p.batch_id], completed=p.bytes_done, **fields)


def _plain(p: UploadProgress) -> None:
    eta = f"{p.eta_s:.0f}s" if p.eta_s is not None else "-"
    print(
        f"{p.batch_id} {p.state} {p.bytes_done}/{p.bytes_total} bytes"
        f" {p.rate_bps * 8 / 1e6:.2f} Mbit/s eta={eta} retries={p.retries}",
        flush=True,
    )


def run_upload(args: argparse.Namespace) -> int:
    console = Console()
    try:
        day = _day_end(args)
        modem = day.modem()
        if modem is not None:
            text = modem.describe()
            console.print(f"{text.id}\n{text.en}")
        if args.no_progress:
            results = day.upload(_plain)
        else:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TextColumn("{task.fields[rate]}  ETA {task.fields[eta]}"),
                TextColumn("ulang/retries {task.fields[retries]}  {task.fields[state]}"),
            )
            with Progress(*columns, console=console) as progress:
                results = day.upload(_Bar(progress))
    except (UploadError, SealingError) as exc:
        _say_error(console, exc)
        return 75 if getattr(exc, "resumable", False) else 1  # 75 = EX_TEMPFAIL
    if not results:
        console.print("Tidak ada batch untuk diunggah.\nNothing to upload.")
    for result in results:
        if result.ack is not None:
            console.print(
                f"{result.batch_id}: diterima kantor pusat; data tersegel dilepas sesuai retensi."
                f"\n{result.batch_id}: acknowledged by the office; sealed data released"
                " per retention."
            )
        else:
            console.print(
                f"{result.batch_id}: terkirim tanpa tanda terima sah; data tetap disimpan."
                f"\n{result.batch_id}: sent but no valid acknowledgement; sealed data kept."
            )
    return 0


def run_export(args: argparse.Namespace) -> int:
    console = Console()
    try:
        written = _day_end(args).export(args.to)
    except (UploadError, SealingError, OSError) as exc:
        if isinstance(exc, OSError):
            console.print(f"Gagal menulis ke media: {exc}\nCould not write to the media: {exc}")
        else:
            _say_error(console, exc)
        return 1
    for path in written:
        console.print(f"{path}")
    console.print(f"{len(written)} batch diekspor.\n{len(written)} batch(es) exported.")
    return 0


def standalone(argv: list[str] | None = None) -> int:
    """Entry for running this module before it is wired into `station`'s CLI."""
    parser = argparse.ArgumentParser(prog="station")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(standalone())
