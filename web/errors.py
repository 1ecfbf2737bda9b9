"""Every error leaves the API as JSON with a machine code and a message in Bahasa
Indonesia and English; nothing leaks a stack trace to the tablet."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from peripherals.device import Text
from station.errors import StationError

log = logging.getLogger(__name__)


def error_response(code: str, text: Text, status: int, **extra: object) -> JSONResponse:
    body: dict[str, object] = {"code": code, "message": {"id": text.id, "en": text.en}, **extra}
    return JSONResponse({"error": body}, status_code=status)


# Starlette's own refusals carry an English detail only; the tablet shows both languages.
_HTTP_TEXTS = {
    400: Text(
        "Permintaan tidak dapat dibaca (isi rusak).",
        "The request could not be read (malformed body).",
    ),
    404: Text("Alamat tidak ditemukan.", "Not found."),
    405: Text("Metode tidak diizinkan.", "Method not allowed."),
}


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
