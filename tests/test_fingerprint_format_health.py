"""Which finger image format the station writes is never a silent choice: with a working
WSQ codec `/api/health` and `station doctor` say WSQ; where the codec does not work (here:
a `wsq` module on the path that fails to import, as a wheel built for another machine
would) the station still records, in PNG, but health is "degraded", the tablet's notes
and the doctor name the problem in both languages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.station_process import running_station
from tests.test_config import ROOT, run_cli


def broken_wsq(tmp_path: Path) -> dict[str, str]:
    """Environment overrides under which `import wsq` fails the way a foreign-architecture
    wheel does."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "wsq.py").write_text(
        "raise ImportError('_wsq.cpython-313-x86_64-linux-gnu.so: cannot open shared object')\n"
    )
    return {"PYTHONPATH": f"{shadow}{os.pathsep}{ROOT}"}


def health_of_running_station(tmp_path: Path, env: dict[str, str]) -> dict[str, Any]:
    with running_station(tmp_path / "data", env, own_ca=True) as station:
        return station.health()


def test_a_station_with_wsq_says_so(tmp_path: Path) -> None:
    body = health_of_running_station(tmp_path, {})
    assert body["fingerprint_image_format"] == "wsq"
    assert not [note for note in body["notes"] if "WSQ" in note["en"]]
    doctor = run_cli("doctor", "--simulate", "--data", str(tmp_path / "doctor"))
    assert "ok   fingerprint images: WSQ" in doctor.stdout


def test_a_station_without_wsq_is_degraded_and_says_why(tmp_path: Path) -> None:
    env = broken_wsq(tmp_path)
    body = health_of_running_station(tmp_path, env)
    assert body["fingerprint_image_format"] == "png"
    assert body["status"] == "degraded"
    [note] = [note for note in body["notes"] if "WSQ" in note["en"]]
    assert "cannot open shared object" in note["en"] and "bukan WSQ" in note["id"]

    doctor = run_cli(
        "doctor", "--simulate", "--data", str(tmp_path / "doctor"), env={**os.environ, **env}
    )
    assert doctor.returncode == 1
    assert "FAIL fingerprint images: Finger images are stored as PNG, not WSQ" in doctor.stdout
