"""The collector's HTTP side: tus 1.0 core + creation + termination, in FastAPI.

Why our own endpoints rather than a tus router package: the collector must answer a
creation for a batch it already holds (or holds partially) with that same upload,
fence off a stale PATCH whose link went silent, keep the bytes of a PATCH cut
mid-body, and verify + acknowledge on the last byte. Those are the whole point of
this service, and they sit in the request handlers themselves.

Station-specific additions, all optional for a client: `Upload-Metadata` carries
`batch_id` and `station_id`; HEAD and the final PATCH carry `Batch-Ack` (the signed
acknowledgement) once the batch is verified.
"""

from __future__ import annotations

import base64
import binascii
from collections import deque
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from collector.identity import CollectorIdentity, StationRegister
from collector.messages import (
    BATCH_ALREADY_RECEIVED,
    BATCH_NOT_THE_UPLOAD_METADATA,
    CHUNK_PAST_UPLOAD_LENGTH,
    CREATION_INVALID,
    CREATION_NEEDS_IDS_AND_SANE_SIZE,
    NO_ACK_YET,
    UPLOAD_NOT_FOUND,
    UPLOAD_OFFSET_INVALID,
    batch_exists_with_other_size,
)
from collector.store import CollectorStore, Upload, upload_id_for
from exchange.ack import sign_ack
from exchange.batch import SAFE_ID, verify_batch
from exchange.errors import SealingError
from exchange.tus import TUS_VERSION
from peripherals.device import Text

MAX_SIZE = 2 * 1024**3
_TUS = {"Tus-Resumable": TUS_VERSION}


def _error(status: int, code: str, text: Text, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": text.as_json()}},
        status_code=status,
        headers={**_TUS, **headers},
    )


def _parse_metadata(header: str) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        metadata[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
    return metadata


def _upload_headers(upload: Upload) -> dict[str, str]:
    headers = {
        **_TUS,
        "Upload-Offset": str(upload.offset),
        "Upload-Length": str(upload.length),
        "Cache-Control": "no-store",
    }
    if upload.ack:
        headers["Batch-Ack"] = upload.ack
    return headers


def create_collector_app(
    data_dir: Path,
    identity: CollectorIdentity,
    stations: StationRegister,
) -> FastAPI:
    store = CollectorStore(data_dir)
    app = FastAPI(title="e-KTP reference collector", docs_url=None, redoc_url=None)
    # What happened, in order, for operators' logs and for tests that must prove a
    # resume started at the server's offset rather than at zero.
    journal: deque[dict[str, Any]] = deque(maxlen=10_000)
    app.state.store = store
    app.state.journal = journal

    @app.middleware("http")
    async def require_tus_version(request: Request, call_next: Any) -> Response:
        if (
            request.url.path.startswith("/files")
            and request.method != "OPTIONS"
            and request.headers.get("Tus-Resumable") != TUS_VERSION
        ):
            return Response(status_code=412, headers={"Tus-Version": TUS_VERSION})
        response: Response = await call_next(request)
        return response

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "batches": len(store.held_batches())}

    @app.options("/files")
    def options() -> Response:
        return Response(
            status_code=204,
            headers={
                **_TUS,
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": "creation,termination",
                "Tus-Max-Size": str(MAX_SIZE),
            },
        )

    @app.post("/files")
    def create(request: Request) -> Response:
        try:
            length = int(request.headers["Upload-Length"])
            metadata = _parse_metadata(request.headers.get("Upload-Metadata", ""))
        except (KeyError, ValueError, binascii.Error, UnicodeDecodeError):
            return _error(400, "bad_creation", CREATION_INVALID)
        station_id = metadata.get("station_id", "")
        batch_id = metadata.get("batch_id", "")
        if (
            not (SAFE_ID.match(station_id) and SAFE_ID.match(batch_id))
            or not 0 < length <= MAX_SIZE
        ):
            return _error(400, "bad_creation", CREATION_NEEDS_IDS_AND_SANE_SIZE)
        refusal = stations.refusal(station_id)
        if refusal is not None:
            journal.append({"event": "refused", "station_id": station_id, "batch_id": batch_id})
            code = "station_revoked" if station_id in stations.revoked else "unknown_station"
            return _error(403, code, refusal)
        upload = store.create(station_id, batch_id, length, metadata)
        if _unverified(upload) and upload.length == length:
            _complete(upload)
            upload = store.create(station_id, batch_id, length, metadata)
        if upload.length != length:
            return _error(400, "batch_length_conflict", batch_exists_with_other_size(batch_id))
        journal.append(
            {
                "event": "created",
                "upload_id": upload.upload_id,
                "batch_id": batch_id,
                "offset": upload.offset,
                "received": upload.received,
            }
        )
        headers = {**_upload_headers(upload), "Location": f"/files/{upload.upload_id}"}
        if upload.received:
            headers["Batch-Status"] = "already-received"
        return Response(status_code=201, headers=headers)

    def _not_found() -> JSONResponse:
        return _error(404, "upload_not_found", UPLOAD_NOT_FOUND)

    @app.head("/files/{upload_id}")
    def head(upload_id: str) -> Response:
        upload = store.get(upload_id)
        if upload is not None and _unverified(upload):
            # Stopped between the last byte and the ack: verify now, so the station's
            # next HEAD after a lost reply gets its acknowledgement.
            _complete(upload)
            upload = store.get(upload_id)
        if upload is None:
            return Response(status_code=404, headers=_TUS)
        return Response(status_code=200, headers=_upload_headers(upload))

    @app.patch("/files/{upload_id}")
    async def patch(upload_id: str, request: Request) -> Response:
        upload = store.get(upload_id)
        if upload is None:
            return _not_found()
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            return Response(status_code=415, headers=_TUS)
        try:
            offset = int(request.headers["Upload-Offset"])
        except (KeyError, ValueError):
            return _error(400, "bad_offset", UPLOAD_OFFSET_INVALID)
        if upload.received or offset != upload.offset:
            return Response(status_code=409, headers=_upload_headers(upload))
        declared = request.headers.get("Content-Length", "")
        if declared.isdigit() and offset + int(declared) > upload.length:
            return _error(413, "exceeds_upload_length", CHUNK_PAST_UPLOAD_LENGTH)
        upload.generation += 1
        generation = upload.generation
        journal.append({"event": "patch", "upload_id": upload_id, "offset": offset})
        try:
            async for chunk in request.stream():
                if chunk and not store.write(upload, generation, chunk):
                    break
        except ClientDisconnect:
            # Keep every byte that arrived: the station resumes from here.
            store.sync(upload)
            journal.append({"event": "cut", "upload_id": upload_id, "offset": upload.offset})
            return Response(status_code=400, headers=_upload_headers(upload))
        store.sync(upload)
        if generation != upload.generation:
            return Response(status_code=409, headers=_upload_headers(upload))
        if upload.offset == upload.length and not upload.received:
            return _complete(upload)
        return Response(status_code=204, headers=_upload_headers(upload))

    def _unverified(upload: Upload) -> bool:
        return not upload.received and upload.offset == upload.length

    def _complete(upload: Upload) -> Response:
        try:
            verified = verify_batch(store.data_path(upload.upload_id), stations)
            if (verified.batch_id, verified.station_id) != (upload.batch_id, upload.station_id):
                raise SealingError("batch_id_mismatch", BATCH_NOT_THE_UPLOAD_METADATA)
        except SealingError as exc:
            store.reject(upload, f"{exc.code}: {exc.text.en}")
            journal.append({"event": "rejected", "batch_id": upload.batch_id, "code": exc.code})
            return _error(422, exc.code, exc.text)
        ack = sign_ack(identity.ack_key, verified.manifest)
        store.accept(upload, ack)
        journal.append({"event": "received", "batch_id": upload.batch_id})
        return Response(status_code=204, headers=_upload_headers(upload))

    # A collector stopped (killed, power cut) after a last byte but before verifying
    # it: finish that work now rather than leave the batch unacknowledged forever.
    for upload in store.complete_unverified():
        _complete(upload)

    @app.get("/acks/{station_id}/{batch_id}")
    def acknowledgement(station_id: str, batch_id: str) -> Response:
        """The signed ack for a held batch: for stations behind tus servers that do
        not pass the `Batch-Ack` header through."""
        if SAFE_ID.match(station_id) and SAFE_ID.match(batch_id):
            upload = store.get(upload_id_for(station_id, batch_id))
            if upload is not None and _unverified(upload):
                _complete(upload)
                upload = store.get(upload_id_for(station_id, batch_id))
            if upload is not None and upload.ack:
                return Response(upload.ack, media_type="text/plain")
        return _error(404, "ack_not_found", NO_ACK_YET)

    @app.delete("/files/{upload_id}")
    def terminate(upload_id: str) -> Response:
        upload = store.get(upload_id)
        if upload is None:
            return Response(status_code=404, headers=_TUS)
        if upload.received:
            return _error(403, "already_received", BATCH_ALREADY_RECEIVED)
        store.terminate(upload)
        journal.append({"event": "terminated", "upload_id": upload_id})
        return Response(status_code=204, headers=_TUS)

    return app
