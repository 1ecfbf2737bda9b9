"""`nik` sub-command through a real process: one JSON object, exit 0 valid / 1 invalid."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "station", "nik", *args, "--today", "2026-11-28"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout + proc.stderr
    return proc.returncode, json.loads(lines[0])


def test_valid_nik_exits_0_with_codes_and_names() -> None:
    code, out = run("3514 1454 0207 0123", "--dob", "2007-02-14", "--sex", "P")
    assert code == 0 and out["valid"] is True
    assert out["sex"] == "P" and out["birth_date"] == "2007-02-14"
    assert out["province"] == {"code": "35", "name": "Jawa Timur"}
    assert out["regency"] == {"code": "35.14", "name": "Kabupaten Pasuruan"}
    assert out["district"] == {"code": "35.14.14", "name": "Bangil"}
    assert out["errors"] == [] and out["warnings"] == []


def test_mismatch_is_a_warning_and_still_valid() -> None:
    code, out = run("3514145402070123", "--sex", "L")
    assert code == 0
    assert [w["code"] for w in out["warnings"]] == ["sex_mismatch"]


def test_invalid_nik_exits_1() -> None:
    code, out = run("3514143202070123")
    assert code == 1 and out["valid"] is False
    assert out["errors"][0]["code"] == "day"


def test_bad_date_argument_is_a_usage_error_not_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "station", "nik", "3514141402070123", "--dob", "14/02"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr
    assert "Traceback" not in proc.stderr
