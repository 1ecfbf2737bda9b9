"""Path and query parameters shared by the routes.

Row ids are bounded by what SQLite can store: a larger number in a URL would otherwise
reach the database and fail there (OverflowError, a 500) instead of being refused."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

SQLITE_INT_MAX = 2**63 - 1

RowId = Annotated[int, Path(ge=1, le=SQLITE_INT_MAX)]
OptionalRowId = Annotated[int | None, Query(ge=1, le=SQLITE_INT_MAX)]
