"""Settings of the upload capability (config section `[upload]`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UploadSettings(BaseModel):
    # tus endpoint of the office collector (any tus 1.0 server with `creation`).
    collector_url: str = "http://127.0.0.1:8470/files"
    # The collector's acknowledgement public key (Ed25519, base64). Without it the
    # station uploads but never deletes anything, since no ack can be verified.
    collector_ack_key: str = ""
    # age X25519 recipients of the central office (`age1...`).
    office_recipients: list[str] = Field(default_factory=list)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    # A 4G link that stops forwarding must fail a request in bounded time.
    read_timeout_s: float = Field(default=30.0, gt=0)
    write_timeout_s: float = Field(default=30.0, gt=0)
    chunk_min_bytes: int = Field(default=256 * 1024, ge=16 * 1024)
    chunk_max_bytes: int = Field(default=1024 * 1024, ge=16 * 1024)
    # Chunk size aims for this many seconds per PATCH at the measured rate.
    chunk_target_s: float = Field(default=2.0, gt=0)
    backoff_base_s: float = Field(default=1.0, ge=0)
    backoff_max_s: float = Field(default=60.0, ge=0)
    # Consecutive failures without progress before `station upload` gives up (the
    # batch stays queued; the next run resumes from the server's offset).
    max_consecutive_failures: int = Field(default=12, ge=1)
    # Hours to keep the sealed copy after a verified acknowledgement (0 = delete now).
    retention_after_ack_hours: float = Field(default=0.0, ge=0)
