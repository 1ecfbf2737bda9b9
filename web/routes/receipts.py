"""Receipts: the printer's state and queue, previews, explicit reprints."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.auth import OperatorDep, StationDep
from web.openapi import error_responses
from web.params import OptionalRowId, RowId
from web.schemas import PrinterStatus, ReceiptJob, UncertainReceipt

router = APIRouter(
    prefix="/api/receipts", tags=["receipts"], responses=error_responses(404, 409, 503)
)


@router.get(
    "/printer",
    summary="Printer state (ready, paper_out, cover_open, offline) and queue",
    response_model=PrinterStatus,
)
def printer_status(station: StationDep, operator: OperatorDep) -> dict[str, Any]:
    return station.receipts.status()


@router.get(
    "",
    summary="Receipt print jobs, oldest first; optionally of one enrollment",
    response_model=list[ReceiptJob],
)
def list_jobs(
    station: StationDep, operator: OperatorDep, enrollment_id: OptionalRowId = None
) -> list[dict[str, Any]]:
    return station.receipts.jobs(enrollment_id)


@router.get(
    "/enrollments/{enrollment_id}/preview.png",
    summary="The enrollment's latest receipt as a PNG, exactly as the printer prints it",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
async def preview(enrollment_id: RowId, station: StationDep, operator: OperatorDep) -> Response:
    png = await asyncio.to_thread(station.receipts.preview_png, enrollment_id)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post(
    "/enrollments/{enrollment_id}/reprint",
    status_code=201,
    summary="Print the receipt again, marked CETAK ULANG (recorded in the audit trail)",
    response_model=ReceiptJob,
)
def reprint(enrollment_id: RowId, station: StationDep, operator: OperatorDep) -> dict[str, Any]:
    return station.receipts.queue_reprint(enrollment_id, operator.id)


@router.get(
    "/uncertain",
    summary="Receipts that may not have printed (cut mid-print)",
    response_model=list[UncertainReceipt],
)
def uncertain(station: StationDep, operator: OperatorDep) -> list[dict[str, Any]]:
    return station.receipts.uncertain()


@router.post(
    "/jobs/{job_id}/copy",
    status_code=201,
    summary="A receipt that may not have printed did not: print a copy marked SALINAN",
    response_model=ReceiptJob,
)
def print_copy(job_id: RowId, station: StationDep, operator: OperatorDep) -> dict[str, Any]:
    return station.receipts.resolve_uncertain(job_id, operator.id, printed=False)


@router.post(
    "/jobs/{job_id}/printed",
    summary="A receipt that may not have printed did: mark it printed (audited)",
    response_model=ReceiptJob,
)
def confirm_printed(job_id: RowId, station: StationDep, operator: OperatorDep) -> dict[str, Any]:
    return station.receipts.resolve_uncertain(job_id, operator.id, printed=True)
