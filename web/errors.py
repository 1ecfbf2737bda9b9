"""Every error leaves the API as JSON with a machine code and a message in Bahasa
Indonesia and English; nothing leaks a stack trace to the tablet."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from peripherals.device import Text
from station.errors import StationError

log = logging.getLogger(__name__)


class ErrorMessage(BaseModel):
    id: str
    en: str


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")  # e.g. `fields` of an invalid form

    code: str
    message: ErrorMessage


class ErrorBody(BaseModel):
    error: ErrorDetail


def content(media_type: str, schema: dict[str, str] | None = None) -> dict[int | str, Any]:
    """The OpenAPI entry of a route whose success is not JSON (CSV, SVG, images)."""
    return {200: {"content": {media_type: {"schema": schema or {"type": "string"}}}}}


def documented(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the error answers a route can give (all of the same shape)."""
    return {status: {"model": ErrorBody, "description": _MEANING[status]} for status in statuses}


_MEANING = {
    400: "Malformed request body",
    401: "Not logged in (no, unknown, expired or logged-out token)",
    403: "Not allowed for this role, or not the operator holding the enrollment",
    404: "No such thing (visit, student, enrollment, test ...)",
    409: "Out of order for the current state",
    413: "Request body over this route's limit",
    422: "Invalid input",
    423: "Operator locked after too many wrong PINs",
    429: "Too many wrong PINs from this device or at the station",
    503: "A device is unavailable",
    507: "The removable media could not be written",
}
# What any route may answer: the body limit and parsing come before the route itself.
COMMON = documented(400, 401, 403, 404, 409, 413, 422, 503)


def error_response(
    code: str, text: Text, status: int, headers: Mapping[str, str] | None = None, **extra: object
) -> JSONResponse:
    body: dict[str, object] = {"code": code, "message": {"id": text.id, "en": text.en}, **extra}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


# Starlette's own refusals carry an English detail only; the tablet shows both languages.
_HTTP_TEXTS = {
    400: Text(
        "Permintaan tidak dapat dibaca (isi rusak).",
        "The request could not be read (malformed body).",
    ),
    404: Text("Alamat tidak ditemukan.", "Not found."),
    405: Text("Metode tidak diizinkan.", "Method not allowed."),
}


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods |= {method.upper() for method in operations}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(StationError)
    async def _station_error(request: Request, error: StationError) -> JSONResponse:
        return error_response(error.code, error.text, error.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = []
        for problem in error.errors():
            loc = [str(p) for p in problem.get("loc", ()) if p not in ("body", "query", "path")]
            fields.append({"field": ".".join(loc), "problem": problem.get("msg", "")})
        names = ", ".join(f["field"] or "body" for f in fields)
        return error_response(
            "invalid_input",
            Text(f"Isian tidak valid: {names}.", f"Invalid input: {names}."),
            422,
            fields=fields,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        text = _HTTP_TEXTS.get(error.status_code) or Text(
            f"Permintaan ditolak (HTTP {error.status_code}).",
            f"The request was refused (HTTP {error.status_code}).",
        )
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette names the methods of the first route on the path only; a path
            # served by several routes (GET and POST /api/visits) takes all of theirs.
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return error_response(f"http_{error.status_code}", text, error.status_code, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(
            "internal_error",
            Text(
                "Terjadi kesalahan di stasiun. Data yang sudah tersimpan aman; ulangi langkah ini.",
                "The station hit an error. Saved data is safe; retry this step.",
            ),
            500,
        )
