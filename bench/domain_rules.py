"""How fast the domain rules run: region lists loaded cold, NIK checks per second (the
tablet checks as the operator types), a 100-student roster import, a day report.

Run: python bench/domain_rules.py  (last line: name=value pairs)"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from station.domain.nik import parse_nik  # noqa: E402
from station.domain.regions import Level, load_regions  # noqa: E402
from station.domain.reports import EnrollmentFacts, IkdAnswer, build_report  # noqa: E402
from station.domain.roster import parse_roster  # noqa: E402

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


def main() -> None:
    rng = random.Random(6)
    cold = cold_region_load_ms()
    load_regions()
    rate = niks_per_second(sample_niks(20_000, rng))
    roster = roster_import_ms(rng)
    report = day_report_ms(rng)
    print(f"region lists: {len(load_regions())} codes")
    print(
        f"region_load_cold_ms={cold:.1f} nik_checks_per_s={rate:.0f} "
        f"roster_100_import_ms={roster:.2f} day_report_300_ms={report:.2f}"
    )


if __name__ == "__main__":
    main()
