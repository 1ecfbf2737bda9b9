"""Shared pieces for the sealing/upload/collector tests: provisioned keys, a real
collector served by uvicorn on loopback, and enrollments with real image bytes."""

from __future__ import annotations

import io
import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from PIL import Image

from collector.app import create_collector_app
from collector.identity import (
    CollectorIdentity,
    generate_identity,
    load_stations,
    stations_toml,
)
from exchange.keys import ensure_signing_key, public_key_text
from exchange.seal import parse_recipients, seal_record
from station.config import StationConfig, load_config
from station.store.audit import now_iso
from station.store.db import Store, open_store
from station.upload.outbox import Batch
from station.upload.service import DayEnd
from tests.support.ports import free_port
from tests.support.waiting import wait_for

STATION_ID = "STN-3201-07"


class WithoutHeaders:
    """An ASGI wrapper that drops response headers: the reference collector then answers
    like a plain tus 1.0 server (no acknowledgement), without touching its code."""

    def __init__(self, app: Any, names: tuple[str, ...]) -> None:
        self.app = app
        self.names = {name.lower().encode() for name in names}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def filtered(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k.lower() not in self.names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, filtered)


class CollectorServer:
    """The reference collector on a real socket, in a background thread."""

    def __init__(
        self,
        data_dir: Path,
        identity_path: Path,
        stations_path: Path,
        without_headers: tuple[str, ...] = (),
    ) -> None:
        from collector.identity import load_identity

        self.app = create_collector_app(
            data_dir, load_identity(identity_path), load_stations(stations_path)
        )
        self.port = free_port()
        config = uvicorn.Config(
            WithoutHeaders(self.app, without_headers) if without_headers else self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/files"

    @property
    def journal(self) -> list[dict[str, Any]]:
        return list(self.app.state.journal)

    def __enter__(self) -> CollectorServer:
        self.thread.start()
        wait_for(lambda: self.server.started, what="the collector starting")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Provisioned:
    """A station and an office that know each other's public keys."""

    root: Path
    station_data: Path
    collector_data: Path
    identity_path: Path
    stations_path: Path
    identity: CollectorIdentity

    @property
    def key_path(self) -> Path:
        return self.station_data / "keys" / "station_ed25519.pem"

    def config(
        self, collector_url: str = "http://127.0.0.1:9/files", **upload: Any
    ) -> StationConfig:
        values: dict[str, Any] = {
            "collector_url": collector_url,
            "collector_ack_key": self.identity.ack_public_key,
            "connect_timeout_s": 2.0,
            "read_timeout_s": 2.0,
            "write_timeout_s": 2.0,
            "backoff_base_s": 0.05,
            "backoff_max_s": 0.5,
            **upload,
        }
        return load_config(
            data_dir=self.station_data,
            station={"id": STATION_ID},
            sealing={"recipients": [self.identity.recipient]},
            upload=values,
        )

    def store(self) -> Store:
        return open_store(self.station_data)

    def day(
        self, store: Store, collector_url: str = "http://127.0.0.1:9/files", **upload: Any
    ) -> DayEnd:
        return DayEnd.from_config(self.config(collector_url, **upload), store)

    def office_keys(self) -> list[str]:
        """The `station collector` options that name the office's identity and the
        stations it knows: what `collector open` takes."""
        return ["--identity", str(self.identity_path), "--stations", str(self.stations_path)]

    def office(self) -> list[str]:
        """The office's keys and its data directory: what `collector import` and
        `collector serve` take."""
        return ["--data", str(self.collector_data), *self.office_keys()]

    def collector(self, without_headers: tuple[str, ...] = ()) -> CollectorServer:
        return CollectorServer(
            self.collector_data, self.identity_path, self.stations_path, without_headers
        )


def provision(root: Path) -> Provisioned:
    station_data = root / "station"
    identity_path = root / "office" / "collector-identity.json"
    identity = generate_identity(identity_path)
    key = ensure_signing_key(station_data / "keys" / "station_ed25519.pem")
    stations_path = root / "office" / "stations.toml"
    stations_path.write_text(stations_toml({STATION_ID: public_key_text(key)}), encoding="utf-8")
    return Provisioned(
        root, station_data, root / "office" / "data", identity_path, stations_path, identity
    )


def noise_image(fmt: str, size: tuple[int, int], seed: int, mode: str = "RGB") -> bytes:
    """Incompressible-ish real image bytes, so batch sizes look like the field's."""
    rng = random.Random(seed)
    image = Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * len(mode)))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def fake_nik(index: int) -> str:
    # 16 digits: region 320107, birth date 150907 (+40 for women), serial.
    return f"320107{150907 + (40 if index % 2 else 0):06d}{index + 1:04d}"


def enrollment(
    index: int, photo_px: tuple[int, int] = (120, 160)
) -> tuple[dict[str, Any], dict[str, bytes]]:
    record = {
        "nik": fake_nik(index),
        "name": f"Siswa Nomor {index}",
        "birth_place": "Bogor",
        "birth_date": "2009-09-15",
        "address": "Jl. Raya Cibinong No. 1",
    }
    attachments = {
        "photo.jpg": noise_image("JPEG", photo_px, index),
        "finger_2.png": noise_image("PNG", (64, 80), 1000 + index, "L"),
        "finger_7.png": noise_image("PNG", (64, 80), 2000 + index, "L"),
        "signature.png": noise_image("PNG", (100, 40), 3000 + index, "L"),
    }
    return record, attachments


def seal_day(
    p: Provisioned, store: Store, count: int, photo_px: tuple[int, int] = (120, 160)
) -> list[str]:
    """Committed enrollments with real sealed records, written as the controller's
    commit writes them (for transport tests that need many records fast; the HTTP
    flow itself is covered by the enrollment and no-plaintext tests). Returns the
    receipt numbers."""
    recipients = parse_recipients([p.identity.recipient])
    now = now_iso()
    receipts = []
    with store.transaction() as db:
        operator = db.execute(
            "INSERT INTO operators (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)",
            [f"op-{now}", "operator", "x", now],
        ).lastrowid
        visit = db.execute(
            "INSERT INTO visits (school, date, created_at) VALUES (?, ?, ?)",
            ["SMA Negeri 1 Cibinong", now[:10], now],
        ).lastrowid
        for index in range(count):
            record, attachments = enrollment(index, photo_px)
            enrollment_id = db.execute(
                "INSERT INTO enrollments (visit_id, operator_id, status, step, created_at,"
                " updated_at, committed_at) VALUES (?, ?, 'committed', 'committed', ?, ?, ?)",
                [visit, operator, now, now, now],
            ).lastrowid
            receipt = f"{STATION_ID}-20261128-{enrollment_id:05d}"
            db.execute(
                "UPDATE enrollments SET receipt_number = ? WHERE id = ?", [receipt, enrollment_id]
            )
            sealed = seal_record(record, attachments, recipients)
            db.execute(
                "INSERT INTO sealed_records (enrollment_id, ciphertext, sha256, sealed_at)"
                " VALUES (?, ?, ?, ?)",
                [enrollment_id, sealed.ciphertext, sealed.sha256, now],
            )
            receipts.append(receipt)
    return receipts


def closed_batch(p: Provisioned, count: int = 1) -> Batch:
    """`count` sealed records closed into a batch on the provisioned station."""
    store = p.store()
    try:
        seal_day(p, store, count)
        batch = p.day(store).close_day()
    finally:
        store.close()
    assert batch is not None
    return batch
