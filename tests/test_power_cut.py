"""The power-cut campaign, short: bench/power_cut.py cuts the power of the station's data
directory (ext4 shutdown without a log flush, then SIGKILL) a few times at random moments
and checks, after each "boot", that nothing answered was lost, nothing is corrupt or
half-written, and the station comes back READY by itself. The full run (>= 100 cuts) is
reported in the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.failing_disk import require_root_and_loop

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(900)
def test_a_few_power_cuts_lose_and_break_nothing() -> None:
    require_root_and_loop()
    done = subprocess.run(
        [sys.executable, "bench/power_cut.py", "3", "--seed", "1813"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=840,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    figures = dict(pair.split("=") for pair in last.split())
    assert figures["cuts"] == "3", last
    for name in ("lost", "corrupt", "broken_files", "not_ready"):
        assert figures[name] == "0", done.stdout[-3000:]


@pytest.mark.parametrize("content", ["", "2026-12-07 16:", "2026-12-07 16:01:13\n"])
def test_a_saved_clock_cut_mid_write_is_reported_broken(tmp_path: Path, content: str) -> None:
    # The next boot's clock on the data partition: the whole-machine campaign reads it too.
    sys.path.insert(0, str(ROOT))
    from bench.power_cut import _broken

    clock = tmp_path / "fake-hwclock.data"
    clock.write_text(content)
    problem = _broken(clock, tmp_path / "stations.toml")
    assert (problem is None) == content.endswith(":13\n"), problem
    if problem:
        assert problem.startswith("half-written")
