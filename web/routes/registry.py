"""Civil-registry look-ups for the tablet: the NIK and eligibility as the operator types,
region names for a NIK prefix, the privacy notice, and the end-of-flow answers
(KK checked, IKD activation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from station.domain.consent import privacy_notice
from station.domain.eligibility import MaritalStatus, assess
from station.domain.nik import Sex, normalize, parse_nik
from station.domain.queue import Closing
from station.domain.regions import Level, load_regions
from station.enrollment.closing import record_closing
from web.auth import OperatorDep, StationDep
from web.openapi import error_responses
from web.schemas import ClosingAnswer, Message, NikCheck, RegionMatch, RegionPath

router = APIRouter(
    prefix="/api/registry", tags=["registry"], responses=error_responses(403, 404, 409)
)


class NikQuestion(BaseModel):
    """What the operator typed so far. A body, never a URL: URLs reach the access log."""

    nik: str = Field(max_length=40)
    dob: dt.date | None = None
    sex: Sex | None = None
    marital_status: MaritalStatus = MaritalStatus.BELUM_KAWIN


class RegionPrefix(BaseModel):
    prefix: str = Field(max_length=40, description="the first digits of a NIK (or all 16)")


@router.post(
    "/nik",
    summary="Check a NIK (and, with the form's data, eligibility)",
    response_model=NikCheck,
)
def check_nik(body: NikQuestion, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    today = station.controller.registry.today()
    result = parse_nik(body.nik, today=today, form_birth_date=body.dob, form_sex=body.sex)
    born = body.dob or result.birth_date
    eligibility = None
    if born is not None:
        eligibility = assess(
            born,
            today=today,
            marital_status=body.marital_status,
            settings=station.config.domain.eligibility,
        ).as_json()
    return {**result.as_json(), "eligibility": eligibility}


@router.post(
    "/region-path",
    summary="Region names for the first digits of a NIK",
    response_model=RegionPath,
)
def region_path(body: RegionPrefix, op: OperatorDep) -> dict[str, Any]:
    """As the operator types: "35" -> Jawa Timur, "3514" -> ... / Kabupaten Pasuruan,
    "351414" (or the whole NIK) -> ... / Bangil. Unknown parts are null."""
    digits = normalize(body.prefix)[:6]
    regions = load_regions()
    levels = [
        {"level": level.value, "code": digits[:n], "region": r.as_json() if r else None}
        for level, n, r in zip(Level, (2, 4, 6), regions.path(digits), strict=False)
    ]
    known = all(entry["region"] for entry in levels)
    return {
        "prefix": digits,
        "levels": levels,
        "name": regions.path_name(digits) if levels and known else None,
    }


@router.get("/regions", summary="Search current regions by name", response_model=list[RegionMatch])
def search_regions(
    op: OperatorDep,
    q: str = Query(min_length=2, max_length=60),
    level: Level | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> list[dict[str, Any]]:
    regions = load_regions()
    return [
        {**r.as_json(), "level": r.level.value, "path_name": regions.path_name(r.digits)}
        for r in regions.search(q, level=level, limit=limit)
    ]


@router.get(
    "/privacy-notice",
    summary="The notice shown before consent (id and en)",
    response_model=Message,
)
def notice(station: StationDep, op: OperatorDep) -> dict[str, str]:
    text = privacy_notice(station.config.domain.consent)
    return text.as_json()


@router.post(
    "/closing",
    summary="KK checked and IKD activation, at review or after commit",
    response_model=ClosingAnswer,
)
def closing(body: Closing, station: StationDep, op: OperatorDep) -> dict[str, Any]:
    return record_closing(station.controller, body, op.id)
