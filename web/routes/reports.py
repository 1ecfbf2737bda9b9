"""The team's figures per visit and per day: JSON, CSV, the receipt-printer summary and
the enrollments-per-hour chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from station.domain.election import Cutoff, cutoff
from station.domain.enrollment_facts import facts_for_day, facts_for_visit
from station.domain.reports import (
    Report,
    build_report,
    day_summary_text,
    per_hour_svg,
    report_csv,
)
from station.errors import Invalid
from station.messages import day_invalid
from station.receipts.direct_print import chars_per_line, print_day_summary
from station.runtime import Station
from web import schemas
from web.auth import OperatorDep, StationDep
from web.openapi import error_responses
from web.params import Day, RowId
from web.routes.roster import require_visit

router = APIRouter(prefix="/api/reports", tags=["reports"], responses=error_responses(404, 503))


def _visit_report(station: Station, visit_id: int) -> Report:
    visit = require_visit(station, visit_id)
    settings = station.config.domain.reports
    title = f"{visit['school']} {visit['date']}"
    return build_report(title, facts_for_visit(station.store, visit_id), settings, _cutoff(station))


def _day_report(station: Station, day: str) -> Report:
    settings = station.config.domain.reports
    zone = settings.zone
    try:
        when = dt.datetime.now(zone).date() if day == "today" else dt.date.fromisoformat(day)
    except ValueError:
        raise Invalid("day_invalid", day_invalid(day)) from None
    return build_report(
        f"Hari {when.isoformat()}",
        facts_for_day(station.store, when, zone),
        settings,
        _cutoff(station),
    )


def _cutoff(station: Station) -> Cutoff:
    domain = station.config.domain
    return cutoff(domain.eligibility, domain.reports.today())


def _csv(report: Report, name: str) -> Response:
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get(
    "/visits/{visit_id}", summary="Figures for one school visit", response_model=schemas.Report
)
def visit_report(visit_id: RowId, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    return _visit_report(station, visit_id).as_json()


@router.get(
    "/visits/{visit_id}/export.csv",
    summary="Figures for one visit as CSV",
    response_class=Response,
    responses=schemas.binary("text/csv", "The figures, one row each"),
)
def visit_csv(visit_id: RowId, station: StationDep, op: OperatorDep) -> Response:
    return _csv(_visit_report(station, visit_id), f"laporan-kunjungan-{visit_id}")


@router.get(
    "/days/{day}",
    summary="Figures for one day (YYYY-MM-DD or 'today')",
    response_model=schemas.Report,
)
def day_report(day: Day, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    return _day_report(station, day).as_json()


@router.get(
    "/days/{day}/export.csv",
    summary="Figures for one day as CSV",
    response_class=Response,
    responses=schemas.binary("text/csv", "The figures, one row each"),
)
def day_csv(day: Day, station: StationDep, op: OperatorDep) -> Response:
    return _csv(_day_report(station, day), f"laporan-hari-{day}")


@router.get(
    "/days/{day}/summary.txt",
    response_class=Response,
    responses=schemas.binary("text/plain", "The summary, as printed"),
    summary="The day summary as the receipt printer prints it",
)
def day_summary(
    day: Day,
    station: StationDep,
    op: OperatorDep,
    width: int | None = Query(None, ge=24, le=64, description="characters per line"),
) -> Response:
    chars = width or chars_per_line(station.devices.printer.paper_width_mm)
    return PlainTextResponse(day_summary_text(_day_report(station, day), width=chars))


@router.post(
    "/days/{day}/print",
    summary="Print the day summary on the receipt printer",
    response_model=schemas.Printed,
)
async def print_day(day: Day, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    report = _day_report(station, day)
    return await print_day_summary(station.devices.printer, station.store, report, day, op.id)


@router.get(
    "/days/{day}/per-hour.svg",
    summary="Enrollments per hour as an SVG chart",
    response_class=Response,
    responses=schemas.binary("image/svg+xml", "The chart"),
)
def day_chart(day: Day, station: StationDep, op: OperatorDep) -> Response:
    return Response(per_hour_svg(_day_report(station, day)), media_type="image/svg+xml")
