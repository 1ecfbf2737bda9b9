"""The team's figures per visit and per day: JSON, CSV, the receipt-printer summary and
the enrollments-per-hour chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from peripherals.device import Text
from station.domain.enrollment_facts import facts_for_day, facts_for_visit
from station.domain.reports import (
    Report,
    build_report,
    day_summary_text,
    per_hour_svg,
    report_csv,
)
from station.errors import StationError
from station.receipts.direct_print import print_now
from station.receipts.escpos_bytes import text_page
from station.runtime import Station
from station.store import audit
from web.auth import OperatorDep, StationDep
from web.errors import content
from web.params import Day, RowId
from web.routes.roster import require_visit

router = APIRouter(prefix="/api/reports", tags=["reports"])

# A CSV download, documented as such in the OpenAPI.
_CSV_ROUTE: dict[str, Any] = {"response_class": Response, "responses": content("text/csv")}

# Characters per line of the thermal printer's standard font.
_CHARS_PER_LINE = {58: 32, 80: 48}


def _visit_report(station: Station, visit_id: int) -> Report:
    visit = require_visit(station, visit_id)
    settings = station.config.domain.reports
    title = f"{visit['school']} {visit['date']}"
    return build_report(title, facts_for_visit(station.store, visit_id), settings)


def _day_report(station: Station, day: str) -> Report:
    settings = station.config.domain.reports
    zone = settings.zone
    try:
        when = dt.datetime.now(zone).date() if day == "today" else dt.date.fromisoformat(day)
    except ValueError:
        raise StationError(
            "day_invalid",
            Text(
                f"Tanggal '{day}' harus YYYY-MM-DD atau 'today'.",
                f"The day '{day}' must be YYYY-MM-DD or 'today'.",
            ),
            status=422,
        ) from None
    return build_report(f"Hari {when.isoformat()}", facts_for_day(station.store, when, zone),
                        settings)


def _csv(report: Report, name: str) -> Response:
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/visits/{visit_id}", summary="Figures for one school visit")
def visit_report(visit_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    return _visit_report(station, visit_id).as_json()


@router.get("/visits/{visit_id}/export.csv", summary="Figures for one visit as CSV", **_CSV_ROUTE)
def visit_csv(visit_id: RowId, station: StationDep, op: OperatorDep) -> Response:
    return _csv(_visit_report(station, visit_id), f"laporan-kunjungan-{visit_id}")


@router.get("/days/{day}", summary="Figures for one day (YYYY-MM-DD or 'today')")
def day_report(day: Day, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    return _day_report(station, day).as_json()


@router.get("/days/{day}/export.csv", summary="Figures for one day as CSV", **_CSV_ROUTE)
def day_csv(day: Day, station: StationDep, op: OperatorDep) -> Response:
    return _csv(_day_report(station, day), f"laporan-hari-{day}")


@router.get(
    "/days/{day}/summary.txt",
    response_class=Response,
    responses=content("text/plain"),
    summary="The day summary as the receipt printer prints it",
)
def day_summary(
    day: Day,
    station: StationDep,
    op: OperatorDep,
    width: int | None = Query(None, ge=24, le=64, description="characters per line"),
) -> Response:
    chars = width or _CHARS_PER_LINE.get(station.devices.printer.paper_width_mm, 32)
    return PlainTextResponse(day_summary_text(_day_report(station, day), width=chars))


@router.post("/days/{day}/print", summary="Print the day summary on the receipt printer")
async def print_day_summary(day: Day, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    printer = station.devices.printer
    chars = _CHARS_PER_LINE.get(printer.paper_width_mm, 32)
    text = day_summary_text(_day_report(station, day), width=chars)
    data = text_page(text, printer.paper_width_mm)
    await print_now(printer, data)
    with station.store.transaction() as db:
        audit.record(db, "day_summary_printed", operator_id=op.id, detail={"day": day})
    return {"printed": True, "bytes": len(data), "lines": len(text.splitlines())}


@router.get(
    "/days/{day}/per-hour.svg",
    summary="Enrollments per hour as an SVG chart",
    response_class=Response,
    responses=content("image/svg+xml"),
)
def day_chart(day: Day, station: StationDep, op: OperatorDep) -> Response:
    return Response(per_hour_svg(_day_report(station, day)), media_type="image/svg+xml")
