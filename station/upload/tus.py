"""A tus 1.0 client (core + creation + termination) over httpx.

Every request has explicit connect/read/write timeouts so a link that silently stops
forwarding turns into an exception in bounded time instead of a hung station.
Status codes are mapped to what the uploader must do: retry, re-read the offset,
recreate, or stop and tell a person.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from exchange.tus import TUS_VERSION
from peripherals.device import Text
from station.messages import not_a_tus_server, office_refused_upload
from station.upload.errors import OffsetConflict, TransientError, UploadError, UploadGone

_RETRYABLE_4XX = {408, 423, 429}


@dataclass(frozen=True)
class UploadStatus:
    offset: int
    length: int | None
    ack: str | None  # `Batch-Ack` from the reference collector; None elsewhere


def encode_metadata(metadata: Mapping[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode('utf-8')).decode('ascii')}"
        for key, value in metadata.items()
    )


def _server_message(response: httpx.Response) -> Text:
    """The office's reason, each language in its own text (a person reads one of them)."""
    try:
        message = response.json()["error"]["message"]
        return Text(str(message["id"]).rstrip(". "), str(message["en"]).rstrip(". "))
    except (ValueError, KeyError, TypeError):
        raw = response.text[:200] or response.reason_phrase
        return Text(raw, raw)


class TusClient:
    def __init__(
        self,
        endpoint: str,
        *,
        connect_timeout_s: float,
        read_timeout_s: float,
        write_timeout_s: float,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint
        timeout = httpx.Timeout(
            connect=connect_timeout_s,
            read=read_timeout_s,
            write=write_timeout_s,
            pool=connect_timeout_s,
        )
        self._http = httpx.Client(
            timeout=timeout, transport=transport, headers={"Tus-Resumable": TUS_VERSION}
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TusClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        try:
            response = self._http.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError as exc:  # cut, reset, timeout, DNS, refused
            raise TransientError(f"{method} {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code in _RETRYABLE_4XX:
            raise TransientError(f"{method} HTTP {response.status_code}")
        return response

    def _fatal(self, method: str, response: httpx.Response) -> UploadError:
        detail = _server_message(response)
        code = "batch_rejected" if response.status_code == 422 else "server_refused"
        return UploadError(
            code, office_refused_upload(response.status_code, detail), resumable=False
        )

    def discover(self) -> list[str]:
        """OPTIONS: the server's tus versions; raises if it does not speak tus 1.0."""
        response = self._send("OPTIONS", self.endpoint)
        versions = [v.strip() for v in response.headers.get("Tus-Version", "").split(",")]
        if response.status_code >= 400 or TUS_VERSION not in versions:
            raise UploadError("not_tus", not_a_tus_server(self.endpoint), resumable=False)
        return versions

    def create(self, length: int, metadata: Mapping[str, str]) -> str:
        response = self._send(
            "POST",
            self.endpoint,
            headers={"Upload-Length": str(length), "Upload-Metadata": encode_metadata(metadata)},
        )
        if response.status_code != 201 or "Location" not in response.headers:
            raise self._fatal("POST", response)
        return str(httpx.URL(self.endpoint).join(response.headers["Location"]))

    def status(self, url: str) -> UploadStatus:
        response = self._send("HEAD", url, headers={"Cache-Control": "no-store"})
        if response.status_code in (404, 410):
            raise UploadGone(url)
        if response.status_code >= 400 or "Upload-Offset" not in response.headers:
            raise self._fatal("HEAD", response)
        length = response.headers.get("Upload-Length")
        return UploadStatus(
            offset=int(response.headers["Upload-Offset"]),
            length=int(length) if length is not None else None,
            ack=response.headers.get("Batch-Ack"),
        )

    def patch(self, url: str, offset: int, data: bytes) -> UploadStatus:
        response = self._send(
            "PATCH",
            url,
            content=data,
            headers={
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        if response.status_code == 409:
            raise OffsetConflict(url)
        if response.status_code in (404, 410):
            raise UploadGone(url)
        if response.status_code != 204 or "Upload-Offset" not in response.headers:
            raise self._fatal("PATCH", response)
        return UploadStatus(
            offset=int(response.headers["Upload-Offset"]),
            length=None,
            ack=response.headers.get("Batch-Ack"),
        )

    def fetch_ack(self, url: str) -> str | None:
        """GET a signed acknowledgement from an ack service; None while it has none."""
        response = self._send("GET", url)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._fatal("GET", response)
        return response.text.strip() or None

    def terminate(self, url: str) -> None:
        response = self._send("DELETE", url)
        if response.status_code not in (204, 404, 410):
            raise self._fatal("DELETE", response)
