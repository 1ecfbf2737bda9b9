"""`station upload` and `station export --to DIR`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn

from exchange.errors import BilingualError
from station import messages
from station.store.db import open_store
from station.upload.progress import UploadProgress
from station.upload.service import DayEnd


def register(subparsers: argparse._SubParsersAction) -> None:
    upload = subparsers.add_parser(
        "upload", help="close the day into a signed batch and upload it to the office"
    )
    _common(upload)
    upload.add_argument("--collector", help="tus endpoint URL (overrides upload.collector_url)")
    upload.add_argument("--no-progress", action="store_true", help="plain lines, no progress bar")
    upload.set_defaults(handler=run_upload)
    export = subparsers.add_parser("export", help="write pending batches to removable media")
    _common(export)
    export.add_argument(
        "--to", required=True, type=Path, help="mount point of a USB stick under export_roots"
    )
    export.set_defaults(handler=run_export)
    ack = subparsers.add_parser("ack", help="accept the office's acknowledgement file (media)")
    _common(ack)
    ack.add_argument("file", type=Path, help="acknowledgement file from the office")
    ack.set_defaults(handler=run_ack)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML config file (default /etc/station/station.toml)")
    parser.add_argument("--data", help="data directory")


def _run(args: argparse.Namespace, work: Any) -> int:
    from station.cli import _config

    config = _config(args)
    if getattr(args, "collector", None):
        config.upload = config.upload.model_copy(update={"collector_url": args.collector})
    store = open_store(config.data_dir)
    try:
        return int(work(DayEnd.from_config(config, store)))
    finally:
        store.close()


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


# Exit codes of `station upload`, for scripts (documented in the README):
EXIT_DELIVERED = 0  # every batch acknowledged by the office, or nothing to send
EXIT_FAILED = 1  # refused or misconfigured: a person must act before trying again
EXIT_NOT_ACKNOWLEDGED = 3  # every byte sent, but no valid acknowledgement: data kept
EXIT_TEMPFAIL = 75  # link trouble (EX_TEMPFAIL): run again later, it resumes


def run_upload(args: argparse.Namespace) -> int:
    console = Console()

    def work(day: DayEnd) -> int:
        modem = day.modem()
        if modem is not None:
            text = modem.describe()
            console.print(text.two_lines)
        try:
            if args.no_progress:
                results = day.upload(_plain)
            else:
                retries = f"{messages.UPLOAD_RETRIES.id}/{messages.UPLOAD_RETRIES.en}"
                columns = (
                    TextColumn("{task.description}"),
                    BarColumn(),
                    DownloadColumn(),
                    TextColumn("{task.fields[rate]}  ETA {task.fields[eta]}"),
                    TextColumn(f"{retries} {{task.fields[retries]}}  {{task.fields[state]}}"),
                )
                with Progress(*columns, console=console) as progress:
                    results = day.upload(_Bar(progress))
        except BilingualError as error:
            console.print(error.text.two_lines, markup=False)
            return EXIT_TEMPFAIL if getattr(error, "resumable", False) else EXIT_FAILED
        if not results:
            console.print(messages.NOTHING_TO_UPLOAD.two_lines)
        code = EXIT_DELIVERED
        for result in results:
            if result.ack is not None:
                text = messages.batch_acknowledged(result.batch_id)
                console.print(text.two_lines, markup=False)
            elif result.no_ack is not None:
                code = EXIT_NOT_ACKNOWLEDGED
                text = result.no_ack.text
                console.print(text.two_lines, markup=False, soft_wrap=True)
        return code

    return _run(args, work)


def run_export(args: argparse.Namespace) -> int:
    def work(day: DayEnd) -> int:
        try:
            result = day.export(day.media().find(str(args.to)))
        except OSError as error:
            print(messages.media_write_failed(error).two_lines)
            return 1
        for name in result.files:
            print(args.to / name)
        print(messages.exported(result.records, len(result.files), result.bytes_written).two_lines)
        return 0

    return _run(args, work)


def run_ack(args: argparse.Namespace) -> int:
    def work(day: DayEnd) -> int:
        tokens = [line for line in args.file.read_text(encoding="ascii").split() if line]
        accepted = day.accept_acks(tokens)
        for ack in accepted:
            print(f"{ack.batch_id}: {messages.records_delivered(ack.record_count).one_line}")
        if not accepted:
            print(messages.NO_PENDING_BATCH_MATCHES_ACK.two_lines)
            return 1
        return 0

    return _run(args, work)
