"""Upload a 20 MB sealed batch through a simulated 4G link (8 Mbit/s, 50 ms
latency) to the reference collector, once clean and once with a TCP reset about
every 2 MB. Prints on its last line:

    goodput_ratio=... resent_ratio_with_cuts=... seconds=... seconds_with_cuts=...

goodput_ratio = payload bits / (link rate x time), clean run (target >= 0.9), time
running from the connectivity check to the collector's signed acknowledgement;
resent_ratio_with_cuts = bytes that entered the link / payload bytes (target <= 1.15).
"50 ms latency" is read as the round trip a `ping` over the 4G link shows: the
simulator delays each direction by 25 ms. (With 50 ms each way, RTT 100 ms, the
same code measures goodput_ratio ~0.90: 1 MiB chunks pay one RTT each.)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exchange.seal import parse_recipients, seal_record  # noqa: E402
from station.store.audit import now_iso  # noqa: E402
from station.store.db import Store  # noqa: E402
from station.upload.service import DayEnd  # noqa: E402
from tests.linksim import FaultPlan, LinkSimulator  # noqa: E402
from tests.upload_support import Provisioned, provision, seal_day  # noqa: E402

RATE_BPS = 8e6
RTT_S = 0.050
BATCH_BYTES = 20 * 1000 * 1000
RECORDS = 80


def _sealed_day(p: Provisioned, store: Store) -> DayEnd:
    # Product timeouts and backoff, not the tests' short ones.
    day = p.day(store, read_timeout_s=30, write_timeout_s=30, backoff_base_s=1.0)
    seal_day(p, store, 1)  # one real enrollment (JPEG, PNGs) for the operator/visit rows
    recipients = parse_recipients([p.identity.recipient])
    per_record = BATCH_BYTES // RECORDS
    with store.transaction() as db:
        for i in range(RECORDS):
            # Random bytes stand in for the photo: sealed, it is equally incompressible.
            attachments = {"photo.jpg": os.urandom(per_record)}
            sealed = seal_record({"nik": f"3201071509{i:06d}"}, attachments, recipients)
            enrollment_id = db.execute(
                "INSERT INTO enrollments (visit_id, operator_id, status, step, created_at,"
                " updated_at, receipt_number) SELECT visit_id, operator_id, 'committed',"
                " 'committed', created_at, updated_at, ? FROM enrollments LIMIT 1",
                [f"BENCH-{i:05d}"],
            ).lastrowid
            db.execute(
                "INSERT INTO sealed_records (enrollment_id, ciphertext, sha256, sealed_at)"
                " VALUES (?, ?, ?, ?)",
                [enrollment_id, sealed.ciphertext, sealed.sha256, now_iso()],
            )
    return day


def run(root: Path, faults: FaultPlan | None) -> tuple[int, int, float]:
    p = provision(root)
    store = p.store()
    day = _sealed_day(p, store)
    batch = day.close_day()
    assert batch is not None
    with (
        p.collector() as server,
        LinkSimulator(server.port, rate_bps=RATE_BPS, latency_s=RTT_S / 2, faults=faults) as link,
    ):
        day.settings = day.settings.model_copy(update={"collector_url": link.url("/files")})
        marks: dict[str, float] = {}
        started = time.monotonic()
        (result,) = day.upload(lambda e: marks.setdefault(e.state, time.monotonic()))
        # Link time: up to the collector's signed ack arriving; the station's own
        # secure deletion of the sealed copy afterwards is local disk work.
        seconds = marks["verifying"] - started
        sent = link.upstream_bytes
    store.close()
    if result.ack is None:
        raise SystemExit("no acknowledgement")
    held = list((p.collector_data / "batches").glob("*/*.tar"))
    assert len(held) == 1 and held[0].stat().st_size == batch.size
    print(
        f"run: payload={batch.size} sent={sent} seconds={seconds:.2f} retries={result.retries}"
        f" cuts={len(faults.applied) if faults else 0}",
        flush=True,
    )
    return batch.size, sent, seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        payload, _, seconds = run(Path(tmp) / "clean", None)
        cuts = FaultPlan(every_bytes=(1_800_000, 2_200_000), kinds=("cut",), limit=50, seed=11)
        payload_c, sent_c, seconds_c = run(Path(tmp) / "cuts", cuts)
    goodput = payload * 8 / (RATE_BPS * seconds)
    print(
        f"goodput_ratio={goodput:.3f} resent_ratio_with_cuts={sent_c / payload_c:.3f}"
        f" seconds={seconds:.1f} seconds_with_cuts={seconds_c:.1f}"
    )


if __name__ == "__main__":
    main()
