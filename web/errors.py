"""Every error leaves the API as JSON with a machine code and a message in Bahasa
Indonesia and English; nothing leaks a stack trace to the tablet."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from exchange.errors import BilingualError, ErrorKind
from peripherals.device import Text
from station.messages import (
    HTTP_METHOD_NOT_ALLOWED,
    HTTP_NOT_FOUND,
    INTERNAL_ERROR,
    REQUEST_MALFORMED,
    invalid_input,
    request_refused,
)
from station.store.fault import classify

log = logging.getLogger(__name__)


def error_response(
    code: str, text: Text, status: int, headers: Mapping[str, str] | None = None, **extra: object
) -> JSONResponse:
    body: dict[str, object] = {"code": code, "message": text.as_json(), **extra}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


# Starlette's own refusals carry an English detail only; the tablet shows both languages.
_HTTP_TEXTS = {
    400: REQUEST_MALFORMED,
    404: HTTP_NOT_FOUND,
    405: HTTP_METHOD_NOT_ALLOWED,
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


# The one place where what went wrong becomes an HTTP status.
STATUS: dict[ErrorKind, int] = {
    ErrorKind.CONFLICT: 409,
    ErrorKind.NOT_AUTHENTICATED: 401,
    ErrorKind.NOT_ALLOWED: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.INVALID: 422,
    ErrorKind.LOCKED: 423,
    ErrorKind.THROTTLED: 429,
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
            invalid_input(names),
            422,
            fields=fields,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        text = _HTTP_TEXTS.get(error.status_code) or request_refused(error.status_code)
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette names the methods of the first route on the path only; a path
            # served by several routes (GET and POST /api/visits) takes all of theirs.
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return error_response(f"http_{error.status_code}", text, error.status_code, headers)

    async def _storage(request: Request, error: Exception) -> JSONResponse:
        kind = classify(error)
        station = getattr(request.app.state, "station", None)
        if kind is None or station is None:
            return await _unexpected(request, error)
        # A read outside any transaction met the failing card: the same fault, the
        # same message as a failed write, not an "internal error".
        log.error("storage error on %s %s: %s", request.method, request.url.path, error)
        fault_error = station.store.guard.trip(kind).error()
        return error_response(fault_error.code, fault_error.text, status_of(fault_error))

    app.add_exception_handler(sqlite3.Error, _storage)
    app.add_exception_handler(OSError, _storage)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(
            "internal_error",
            INTERNAL_ERROR,
            500,
        )
