"""How fast the domain rules run: region lists loaded cold, NIK checks per second (the
tablet checks as the operator types), a 100-student roster import, a day report computed
in memory and served over HTTP from a database holding 300 committed enrollments.

Run: python bench/domain_rules.py  (last line: name=value pairs)"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from station.config import load_config  # noqa: E402
from station.domain.nik import parse_nik  # noqa: E402
from station.domain.regions import Level, load_regions  # noqa: E402
from station.domain.reports import EnrollmentFacts, IkdAnswer, build_report  # noqa: E402
from station.domain.roster import parse_roster  # noqa: E402
from station.runtime import Station  # noqa: E402
from web.app import create_app  # noqa: E402

TODAY = date(2026, 11, 28)


def cold_region_load_ms() -> float:
    """In a fresh interpreter, as at station start."""
    code = (
        "import time; t=time.perf_counter(); "
        "from station.domain.regions import load_regions; load_regions(); "
        "print((time.perf_counter()-t)*1000)"
    )
    runs = [
        float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, text=True))
        for _ in range(3)
    ]
    return min(runs)


def sample_niks(n: int, rng: random.Random) -> list[str]:
    districts = [r.digits for r in load_regions() if r.level is Level.DISTRICT]
    out = []
    for _ in range(n):
        born = date(2007, 1, 1) + timedelta(days=rng.randrange(730))
        day = born.day + rng.choice((0, 40))
        out.append(f"{rng.choice(districts)}{day:02d}{born:%m%y}{rng.randrange(1, 9999):04d}")
    return out


def niks_per_second(niks: list[str]) -> float:
    start = time.perf_counter()
    for raw in niks:
        parse_nik(raw, today=TODAY)
    return len(niks) / (time.perf_counter() - start)


def roster_import_ms(rng: random.Random) -> float:
    lines = ["No;Nama;Kelas;Tanggal Lahir;JK;NISN;NIK"]
    for i, raw in enumerate(sample_niks(100, rng), start=1):
        day = int(raw[6:8]) % 40
        lines.append(
            f"{i};Siswa {i};XII-{i % 4 + 1};{day:02d}/{raw[8:10]}/20{raw[10:12]};"
            f"{'P' if int(raw[6:8]) > 40 else 'L'};00{rng.randrange(10**8):08d};{raw}"
        )
    data = ("\ufeff" + "\r\n".join(lines)).encode()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        result = parse_roster(data, today=TODAY)
        best = min(best, time.perf_counter() - start)
    assert len(result.students) + len(result.rejected) == 100
    return best * 1000


def day_report_ms(rng: random.Random) -> float:
    start_at = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    facts = [
        EnrollmentFacts(
            committed_at=start_at + timedelta(minutes=5 * i),
            sex=rng.choice("LP"),
            class_name=f"XII-{i % 4}",
            first_time_voter=rng.random() < 0.7,
            finger_exceptions=int(rng.random() < 0.05),
            duplicate_warned=False,
            receipt_printed=True,
            ikd=rng.choice(list(IkdAnswer)),
            kk_checked=True,
        )
        for i in range(300)  # three stations' worth of a long day
    ]
    start = time.perf_counter()
    build_report("bench", facts)
    return (time.perf_counter() - start) * 1000


def seed_day(station: Station, n: int) -> None:
    """n committed enrollments with ten finger captures each, as a long day leaves them."""
    from station.store import audit

    db = station.store.db
    with station.store.transaction():
        visit = db.execute("SELECT id FROM visits").fetchone()[0]
        for i in range(n):
            now = audit.now_iso()
            eid = db.execute(
                "INSERT INTO enrollments (visit_id, operator_id, status, step, created_at,"
                " updated_at, committed_at) VALUES (?, 1, 'committed', 'committed', ?, ?, ?)",
                [visit, now, now, now],
            ).lastrowid
            db.execute(
                "INSERT INTO enrollment_facts (enrollment_id, sex, class_name, verdict,"
                " first_time_voter, ikd, kk_checked, updated_at)"
                " VALUES (?, ?, ?, 'first_time_voter', 1, 'declined', 1, ?)",
                [eid, "LP"[i % 2], f"XII-{i % 4}", now],
            )
            for finger in range(1, 11):
                db.execute(
                    "INSERT INTO enrollment_captures (enrollment_id, kind, position, captured_at,"
                    " detail) VALUES (?, 'finger', ?, ?, '{}')",
                    [eid, str(finger), now],
                )


def http_day_report_ms(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(data_dir=Path(tmp))
        config.devices.simulation.delay_scale = 0
        station = Station(config, simulate=True)
        with TestClient(create_app(station)) as client:
            seed_day(station, n)
            token = client.post(
                "/api/auth/login", json={"operator": "operator1", "pin": "123456"}
            ).json()["token"]
            headers = {"Authorization": "Bearer " + token}
            times = []
            for _ in range(20):
                start = time.perf_counter()
                report = client.get("/api/reports/days/today", headers=headers).json()
                times.append(time.perf_counter() - start)
            assert report["recorded"] == n, report
    return statistics.median(times) * 1000


def main() -> None:
    rng = random.Random(6)
    cold = cold_region_load_ms()
    load_regions()
    rate = niks_per_second(sample_niks(20_000, rng))
    roster = roster_import_ms(rng)
    report = day_report_ms(rng)
    served = http_day_report_ms(300)
    print(f"region lists: {len(load_regions())} codes")
    print(
        f"region_load_cold_ms={cold:.1f} nik_checks_per_s={rate:.0f} "
        f"roster_100_import_ms={roster:.2f} day_report_300_ms={report:.2f} "
        f"http_day_report_300_p50_ms={served:.1f}"
    )


if __name__ == "__main__":
    main()
