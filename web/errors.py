"""Every error leaves the API as JSON with a machine code and a message in Bahasa
Indonesia and English; nothing leaks a stack trace to the tablet."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from exchange.errors import BilingualError, ErrorKind
from peripherals.device import Text

log = logging.getLogger(__name__)


def error_response(code: str, text: Text, status: int, **extra: object) -> JSONResponse:
    body: dict[str, object] = {"code": code, "message": {"id": text.id, "en": text.en}, **extra}
    return JSONResponse({"error": body}, status_code=status)


# The one place where what went wrong becomes an HTTP status.
STATUS: dict[ErrorKind, int] = {
    ErrorKind.CONFLICT: 409,
    ErrorKind.NOT_AUTHENTICATED: 401,
    ErrorKind.NOT_ALLOWED: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.INVALID: 422,
    ErrorKind.LOCKED: 423,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.DEVICE_FAULT: 503,
    ErrorKind.UPSTREAM_REFUSED: 502,
    ErrorKind.NO_SPACE: 507,
    ErrorKind.FAILED: 500,
}


def status_of(error: BilingualError) -> int:
    return STATUS[error.kind]


def install(app: FastAPI) -> None:
    @app.exception_handler(BilingualError)
    async def _station_error(request: Request, error: BilingualError) -> JSONResponse:
        return error_response(error.code, error.text, status_of(error))

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
        if error.status_code == 404:
            text = Text("Alamat tidak ditemukan.", "Not found.")
        elif error.status_code == 405:
            text = Text("Metode tidak diizinkan.", "Method not allowed.")
        else:
            text = Text(str(error.detail), str(error.detail))
        return error_response(f"http_{error.status_code}", text, error.status_code)

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
