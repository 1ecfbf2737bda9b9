"""The image's clock save (`ektp-save-clock`): the Pi has no clock battery, so the time
saved on the data partition is what the next boot starts from. A power cut can come at
any instant, including in the middle of a save."""

from __future__ import annotations

import calendar
import re
import subprocess
import time
from pathlib import Path

from tests.conftest import require_tool

FILES = Path(__file__).resolve().parents[1] / "image-build/stage-ektp/01-station/files"
SAVE = FILES / "sbin" / "ektp-save-clock"
FORMAT = "%Y-%m-%d %H:%M:%S"  # what `fake-hwclock load` reads back


def save(file: Path, marker: Path, *prefix: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, str(SAVE), str(file), str(marker)], capture_output=True, text=True, timeout=60
    )


def saved_seconds(file: Path) -> int:
    return calendar.timegm(time.strptime(file.read_text().strip(), FORMAT))


def test_the_time_is_saved_in_the_format_fake_hwclock_loads(tmp_path: Path) -> None:
    file = tmp_path / "clock" / "fake-hwclock.data"
    before = int(time.time())
    result = save(file, tmp_path / "no-marker")
    assert result.returncode == 0, result.stderr
    assert before - 1 <= saved_seconds(file) <= int(time.time()) + 1
    assert sorted(p.name for p in file.parent.iterdir()) == ["fake-hwclock.data"]

    file.write_text("not a time\n")  # e.g. written by something else: replaced
    assert save(file, tmp_path / "no-marker").returncode == 0
    assert abs(saved_seconds(file) - time.time()) < 5


def test_the_file_is_synced_renamed_and_its_directory_synced(tmp_path: Path) -> None:
    # Written in place, the file would be empty between truncate and write: a power cut
    # there makes the next boot start from the epoch (what the twin's power cut caught).
    strace = require_tool("strace")
    file = tmp_path / "fake-hwclock.data"
    file.write_text("2020-01-01 00:00:00\n")
    trace = tmp_path / "trace"
    result = save(
        file,
        tmp_path / "no-marker",
        strace, "-f", "-y", "-o", str(trace),
        "-e", "trace=openat,fsync,fdatasync,rename,renameat,renameat2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    steps: list[str] = []
    for line in trace.read_text().splitlines():
        if re.search(rf"f(data)?sync\(\d+<{re.escape(str(file))}\.new>\) = 0", line):
            steps.append("sync new")
        elif re.search(rf"rename\w*\(.*\.new\".*\"{re.escape(str(file))}\".*= 0", line):
            steps.append("rename")
        elif re.search(rf"f(data)?sync\(\d+<{re.escape(str(tmp_path))}>\) = 0", line):
            steps.append("sync dir")
        elif re.search(rf"openat\(.*\"{re.escape(str(file))}\", O_WRONLY", line):
            steps.append("written in place")
    assert steps == ["sync new", "rename", "sync dir"], trace.read_text()


def test_a_clock_behind_the_saved_time_does_not_overwrite_it(tmp_path: Path) -> None:
    # The restore at boot failed (the clock is behind what was saved) and no network set
    # the time: saving would move the next boot backwards.
    file = tmp_path / "fake-hwclock.data"
    ahead = time.strftime(FORMAT, time.gmtime(time.time() + 86400))
    file.write_text(ahead + "\n")
    kept = save(file, tmp_path / "no-marker")
    assert kept.returncode == 0
    assert file.read_text().strip() == ahead
    assert "keeping the saved time" in kept.stderr

    # Once timesyncd has set the clock from the network, the network is right.
    marker = tmp_path / "synchronized"
    marker.touch()
    assert save(file, marker).returncode == 0
    assert abs(saved_seconds(file) - time.time()) < 5
