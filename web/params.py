"""Path and query parameters shared by the routes.

Row ids are bounded: a number beyond SQLite's 64-bit integers in a URL would otherwise
reach the database and fail there (OverflowError, a 500) instead of being refused. The
bound is the largest integer a tablet's JavaScript holds exactly, far above any row id.

A day is "today" or a date; the route itself explains a bad one (in both languages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ROW_ID = 2**53 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
OptionalRowId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
Day = Annotated[
    str,
    Path(max_length=10, description="YYYY-MM-DD or 'today'", examples=["today", "2026-12-07"]),
]
