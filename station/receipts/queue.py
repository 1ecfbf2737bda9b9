"""The durable receipt queue and its printing worker.

Never lost: the original receipt is queued in the commit's own transaction. Never printed
twice: a job is marked 'printing' (committed to disk) before its bytes go out and 'printed'
after; a job still 'printing' when the station starts was interrupted by a crash or power
cut at the worst moment, so it becomes 'uncertain' and the operator decides (an explicit
reprint, marked CETAK ULANG). A printer that is out of paper, open or offline keeps the jobs
waiting; the operator hears about it through events and health, and printing resumes by
itself when the printer is ready again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from exchange.durable import create_exclusive
from peripherals.device import DeviceError
from peripherals.messages import PRINTER_STATES
from peripherals.printer.escpos_adapter import PRINT_INTERRUPTED
from peripherals.printer.port import PrinterState, ReceiptPrinter
from peripherals.printer.render import render
from station.enrollment.draft import Draft
from station.errors import Conflict, NotFound
from station.events import EventBus, EventType
from station.messages import NO_RECEIPT, RECEIPT_JOB_UNKNOWN, RECEIPT_NOT_UNCERTAIN
from station.receipts.content import (
    FINGER_NAMES,
    FingerException,
    ReceiptData,
    from_json,
    to_json,
    verification_code,
)
from station.receipts.escpos_bytes import compose
from station.receipts.settings import ReceiptSettings
from station.store import audit
from station.store.db import Store

log = logging.getLogger(__name__)

KEY_FILE = "receipt.key"
IDLE_POLL_S = 10.0  # how often an idle station asks the printer, to warn before the next commit
_WAITING = (PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.OFFLINE)


def station_key(settings: ReceiptSettings, data_dir: Path) -> bytes:
    configured = settings.verification_key.get_secret_value()
    if configured:
        return configured.encode()
    path = data_dir / KEY_FILE
    if not path.exists():
        create_exclusive(path, secrets.token_bytes(32), 0o600)
    return path.read_bytes()


class ReceiptQueue:
    def __init__(
        self,
        *,
        settings: ReceiptSettings,
        station_id: str,
        data_dir: Path,
        store: Store,
        printer: ReceiptPrinter,
        bus: EventBus,
    ) -> None:
        self.settings = settings
        self.station_id = station_id
        self.store = store
        self.printer = printer
        self.bus = bus
        self.key = station_key(settings, data_dir)
        self.printer_state = PrinterState.UNKNOWN
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # -- queueing ----------------------------------------------------------------------

    def queue_original(
        self, db: sqlite_utils.Database, draft: Draft, summary: dict[str, Any]
    ) -> None:
        """Commit hook: runs inside the commit's transaction, so the receipt exists exactly
        when the enrollment does."""
        visit = db.execute(
            "SELECT school, date, team FROM visits WHERE id = ?", [draft.visit_id]
        ).fetchone()
        school, visit_date, team = visit if visit else ("", "", "")
        number = summary["receipt_number"]
        captured = {int(c.position): c.detail for c in draft.captured("finger")}
        # An approved exception is kept as a finger "capture" without an image.
        fingers = {p: d for p, d in captured.items() if not d.get("exception")}
        exceptions = {p: d["exception"] for p, d in captured.items() if d.get("exception")}
        data = ReceiptData(
            receipt_no=number,
            verification_code=verification_code(self.key, number),
            issuer=self.settings.issuing_office,
            place=school,
            visit=" ".join(p for p in (f"Kunjungan {visit_date}", team) if p),
            recorded_at=self._now(),
            station_id=self.station_id,
            name=summary["name"],
            nik_masked=summary["nik_masked"],
            photo=bool(draft.captured("photo")),
            fingers_recorded=len(fingers),
            finger_exceptions=tuple(
                FingerException(position, _exception_reason(exceptions.get(position)))
                for position in FINGER_NAMES
                if position not in fingers
            ),
            signature=bool(draft.captured("signature")),
            card_from=date.fromisoformat(summary["card_from"])
            if summary.get("card_from")
            else None,
        )
        self._insert(db, draft.id, data, "original", draft.operator_id)
        self._poke()

    def queue_reprint(
        self, enrollment_id: int, operator_id: int, *, copy: bool = False
    ) -> dict[str, Any]:
        """An explicit reprint from the enrollment list: the same content, marked CETAK ULANG;
        or, for a receipt that may not have printed, marked SALINAN (`copy`)."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT content FROM receipt_jobs WHERE enrollment_id = ? AND kind = 'original'",
                [enrollment_id],
            ).fetchone()
            if row is None:
                raise NotFound("receipt_unknown", NO_RECEIPT)
            original = from_json(json.loads(row[0]))
            data = replace(original, reprinted_at=self._now(), copy=copy)
            job_id = self._insert(db, enrollment_id, data, "reprint", operator_id)
            audit.record(
                db,
                "receipt_copy" if copy else "receipt_reprint",
                operator_id=operator_id,
                enrollment_id=enrollment_id,
                detail={"receipt_number": data.receipt_no, "job_id": job_id},
            )
        self._wake.set()
        return self.job(job_id)

    def _insert(
        self,
        db: sqlite_utils.Database,
        enrollment_id: int,
        data: ReceiptData,
        kind: str,
        operator_id: int | None,
    ) -> int:
        width = self.printer.paper_width_mm
        escpos = compose(data, width, native_qr=self.settings.native_qr)
        cursor = db.execute(
            "INSERT INTO receipt_jobs (enrollment_id, receipt_number, kind, content, escpos,"
            " paper_width_mm, status, requested_by, queued_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
            [
                enrollment_id,
                data.receipt_no,
                kind,
                json.dumps(to_json(data)),
                escpos,
                width,
                operator_id,
                audit.now_iso(),
            ],
        )
        job_id = int(cursor.lastrowid or 0)
        self.bus.publish(
            EventType.RECEIPT,
            {
                "job_id": job_id,
                "enrollment_id": enrollment_id,
                "receipt_number": data.receipt_no,
                "kind": kind,
                "status": "queued",
            },
        )
        return job_id

    def _now(self) -> datetime:
        return datetime.now(timezone(timedelta(hours=self.settings.utc_offset_hours)))

    # -- reading -----------------------------------------------------------------------

    _COLUMNS = (
        "id, enrollment_id, receipt_number, kind, status, attempts, last_error,"
        " requested_by, queued_at, printed_at"
    )

    def job(self, job_id: int) -> dict[str, Any]:
        with self.store.lock:
            rows = list(
                self.store.db.query(
                    f"SELECT {self._COLUMNS} FROM receipt_jobs WHERE id = ?", [job_id]
                )
            )
        if not rows:
            raise NotFound("receipt_unknown", RECEIPT_JOB_UNKNOWN)
        return rows[0]

    def jobs(self, enrollment_id: int | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE enrollment_id = ?", [enrollment_id]) if enrollment_id else ("", [])
        with self.store.lock:
            return list(
                self.store.db.query(
                    f"SELECT {self._COLUMNS} FROM receipt_jobs {where} ORDER BY id", params
                )
            )

    def uncertain(self) -> list[dict[str, Any]]:
        """Receipts that may not have come out (a cut or a power failure mid-print) and
        that nobody has dealt with yet: no later job for the same enrollment. The
        tablet offers each for a copy (SALINAN) or a 'did print' confirmation."""
        with self.store.lock:
            rows = self.store.db.execute(
                "SELECT j.id, j.enrollment_id, j.receipt_number, j.content, j.last_error"
                " FROM receipt_jobs j WHERE j.status = 'uncertain' AND NOT EXISTS"
                " (SELECT 1 FROM receipt_jobs later WHERE later.enrollment_id = j.enrollment_id"
                " AND later.id > j.id) ORDER BY j.id"
            ).fetchall()
        offered = []
        for job_id, enrollment_id, number, content, reason in rows:
            data = from_json(json.loads(content))
            offered.append(
                {
                    "job_id": job_id,
                    "enrollment_id": enrollment_id,
                    "receipt_number": number,
                    "name": data.name,
                    "nik_masked": data.nik_masked,
                    "reason": reason,
                }
            )
        return offered

    def resolve_uncertain(self, job_id: int, operator_id: int, *, printed: bool) -> dict[str, Any]:
        """The operator looked: it did print (the job is marked printed), or it did not
        (a copy marked SALINAN is queued)."""
        job = self.job(job_id)
        if job_id not in {offer["job_id"] for offer in self.uncertain()}:
            raise Conflict("receipt_not_uncertain", RECEIPT_NOT_UNCERTAIN)
        if not printed:
            return self.queue_reprint(int(job["enrollment_id"]), operator_id, copy=True)
        with self.store.transaction() as db:
            db.execute(
                "UPDATE receipt_jobs SET status = 'printed', printed_at = ?,"
                " last_error = 'confirmed_by_operator' WHERE id = ?",
                [audit.now_iso(), job_id],
            )
            audit.record(
                db,
                "receipt_confirmed_printed",
                operator_id=operator_id,
                enrollment_id=job["enrollment_id"],
                detail={"job_id": job_id},
            )
        self.bus.publish(EventType.RECEIPT, {**self.job(job_id), "status": "printed"})
        return self.job(job_id)

    def preview_png(self, enrollment_id: int) -> bytes:
        """The enrollment's latest receipt as the printer would print it."""
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT escpos, paper_width_mm FROM receipt_jobs WHERE enrollment_id = ?"
                " ORDER BY id DESC LIMIT 1",
                [enrollment_id],
            ).fetchone()
        if row is None:
            raise NotFound("receipt_unknown", NO_RECEIPT)
        return render(bytes(row[0]), int(row[1])).pages[0].png()

    def status(self) -> dict[str, Any]:
        with self.store.lock:
            counts = dict(
                self.store.db.execute(
                    "SELECT status, count(*) FROM receipt_jobs GROUP BY status"
                ).fetchall()
            )
        text = PRINTER_STATES[self.printer_state]
        return {
            "state": self.printer_state.value,
            "message": text.as_json(),
            "paper_width_mm": self.printer.paper_width_mm,
            "queued": counts.get("queued", 0),
            "uncertain": counts.get("uncertain", 0),
            "printed": counts.get("printed", 0),
        }

    # -- the worker --------------------------------------------------------------------

    def _poke(self) -> None:
        """Wake the print worker; safe from the commit's worker thread (asyncio.Event is
        not thread-safe, so it is set on the loop)."""
        loop = self._loop
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is None or running is loop:
            self._wake.set()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._recover()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="receipt-queue")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            # Let a receipt that is on its way to the printer finish and be marked.
            await asyncio.wait({self._task}, timeout=30)
            self._task.cancel()
            self._task = None

    def _recover(self) -> None:
        with self.store.lock:
            interrupted = [
                row[0]
                for row in self.store.db.execute(
                    "SELECT id FROM receipt_jobs WHERE status = 'printing'"
                ).fetchall()
            ]
        for job_id in interrupted:
            log.warning("receipt job %s was interrupted while printing; not reprinted", job_id)
            self._mark_uncertain(job_id, "interrupted_while_printing")

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._step()
            except Exception:  # a bug or an odd driver error must not stop all printing
                log.exception("receipt worker")
                await self._sleep(self.settings.retry_s)

    async def _step(self) -> None:
        job = self._next_job()
        state = await asyncio.to_thread(self.printer.state)
        self._note_state(state)
        if job is None or state in _WAITING:
            await self._sleep(IDLE_POLL_S if job is None else self.settings.retry_s)
            return
        await self._print(job)

    async def _sleep(self, seconds: float) -> None:
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({waiter}, timeout=seconds)
        finally:
            waiter.cancel()
        self._wake.clear()

    def _next_job(self) -> tuple[int, bytes, str] | None:
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT id, escpos, receipt_number FROM receipt_jobs WHERE status = 'queued'"
                " ORDER BY id LIMIT 1"
            ).fetchone()
        return (int(row[0]), bytes(row[1]), str(row[2])) if row else None

    async def _print(self, job: tuple[int, bytes, str]) -> None:
        job_id, escpos, number = job
        started = threading.Event()

        def mark_printing() -> None:
            # Committed after the printer's status answers and just before the first
            # byte: a power cut during the status queries leaves the job 'queued' (it
            # prints after the restart), only one after this point leaves it uncertain.
            with self.store.transaction() as db:
                db.execute(
                    "UPDATE receipt_jobs SET status = 'printing',"
                    " attempts = attempts + 1 WHERE id = ?",
                    [job_id],
                )
            started.set()

        try:
            await asyncio.to_thread(self.printer.write, escpos, mark_printing)
        except DeviceError as error:
            if error.code == PRINT_INTERRUPTED or started.is_set():
                self._mark_uncertain(job_id, error.code)
                return
            await self._refused(job_id, number, error)
            return
        except Exception:
            if started.is_set():
                # Unknown whether any of it reached the paper: the operator decides, as
                # after a power cut mid-print.
                self._mark_uncertain(job_id, "write_failed")
            raise
        with self.store.transaction() as db:
            db.execute(
                "UPDATE receipt_jobs SET status = 'printed', printed_at = ?,"
                " last_error = NULL WHERE id = ?",
                [audit.now_iso(), job_id],
            )
        self.bus.publish(
            EventType.RECEIPT, {"job_id": job_id, "receipt_number": number, "status": "printed"}
        )

    async def _refused(self, job_id: int, number: str, error: DeviceError) -> None:
        # The adapters refuse before sending when the printer is not ready, so nothing
        # reached the paper: the job waits for the printer again.
        with self.store.transaction() as db:
            db.execute(
                "UPDATE receipt_jobs SET status = 'queued', last_error = ? WHERE id = ?",
                [error.code, job_id],
            )
        self._note_state(await asyncio.to_thread(self.printer.state))
        self.bus.publish(
            EventType.RECEIPT,
            {"job_id": job_id, "receipt_number": number, "status": "queued", "error": error.code},
        )
        await self._sleep(self.settings.retry_s)

    def _mark_uncertain(self, job_id: int, reason: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE receipt_jobs SET status = 'uncertain', last_error = ? WHERE id = ?",
                [reason, job_id],
            )
            audit.record(db, "receipt_uncertain", detail={"job_id": job_id, "reason": reason})
        self.bus.publish(EventType.RECEIPT, {**self.job(job_id), "status": "uncertain"})

    def _note_state(self, state: PrinterState) -> None:
        if state is self.printer_state:
            return
        self.printer_state = state
        log.info("printer: %s", state.value)
        self.bus.publish(EventType.PRINTER, self.status())


def _exception_reason(exception: dict[str, Any] | None) -> str:
    """What the receipt says about a finger not recorded: the approved exception's kind
    (e.g. "jari diamputasi"), or plainly "tidak direkam"."""
    if not exception:
        return "tidak direkam"
    kind_name = exception.get("kind_name") or {}
    return str(kind_name.get("id") or "tidak direkam")
