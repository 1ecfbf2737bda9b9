"""A size limit on every request body, per route, before anything else runs (login too).

Without one, eight 50 MB login bodies took the station from 284 to 1186 MB. The limit is
checked on the declared Content-Length first, then on the bytes as they arrive (a chunked
body declares none); the body is held in memory only up to the limit and then handed on.
Over the limit: 413 with the usual bilingual error."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from station.domain.roster import MAX_BYTES as ROSTER_MAX_BYTES
from station.messages import request_body_too_large
from web.errors import error_response

# Every JSON form of the tablet is far below this.
DEFAULT_LIMIT = 16 * 1024


@dataclass(frozen=True)
class BodyLimit:
    method: str
    path: re.Pattern[str]
    max_bytes: int


# Routes that take more than a form. The signature is base64 of a PNG up to 512 KiB; the
# school list is limited by its importer too (and answers 413 the same way).
LIMITS = (
    BodyLimit("POST", re.compile(r"/api/enrollment/signature"), 1024 * 1024),
    BodyLimit("POST", re.compile(r"/api/roster/visits/[^/]+/import"), ROSTER_MAX_BYTES + 64 * 1024),
)


def limit_for(method: str, path: str) -> int:
    for rule in LIMITS:
        if rule.method == method and rule.path.fullmatch(path):
            return rule.max_bytes
    return DEFAULT_LIMIT


class BodySizeLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(limit, scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message]), send)
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _refuse(limit, scope, receive, send)
                return
        request: Message = {"type": "http.request", "body": bytes(body), "more_body": False}
        await self.app(scope, _replay([request], then=receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response("body_too_large", request_body_too_large(limit), 413)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
