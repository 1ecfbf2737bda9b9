"""Settings of the upload capability (config section `[upload]`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from station.settings_section import Section


class UploadSettings(Section):
    # tus endpoint of the office collector (any tus 1.0 server with `creation`).
    collector_url: str = "http://127.0.0.1:8470/files"
    # The collector's acknowledgement public key (Ed25519, base64). Without it the
    # station uploads but never deletes anything, since no ack can be verified.
    collector_ack_key: str = ""
    # For tus servers that cannot send the `Batch-Ack` header (tusd on object storage
    # behind a load balancer, say): where to GET the signed acknowledgement once the
    # upload is complete. `{station_id}` and `{batch_id}` are filled in. Empty: acks
    # come in `Batch-Ack` headers only (the reference collector sends both).
    ack_url: str = ""
    # The station's Ed25519 signing key; relative paths are under data_dir.
    signing_key_file: Path = Path("keys/station_ed25519.pem")
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
    # Where the tablet may export batches: a removable filesystem must be mounted below
    # one of these (see station/upload/media.py).
    export_roots: list[Path] = [Path("/media"), Path("/mnt")]
    # The kernel's mount table and sysfs, read to tell a mounted USB stick from a folder
    # (tests point them at a loop-mounted filesystem and a sysfs tree of their own).
    media_mountinfo: Path = Path("/proc/self/mountinfo")
    media_sysfs: Path = Path("/sys")
    # Hours to keep the sealed copy after a verified acknowledgement (0 = delete now).
    retention_after_ack_hours: float = Field(default=0.0, ge=0)
