"""The command line: run (real uvicorn), doctor and diagram."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.station_process import start_station, stop_station
from tests.test_config import ROOT, run_cli


def test_run_serves_the_api_and_prints_url_and_demo_pins(tmp_path: Path) -> None:
    log = tmp_path / "station.log"
    with log.open("wb") as output:
        # Its own CA in the data directory, as on a first start after provisioning.
        station = start_station(tmp_path / "data", output=output, own_ca=True)
    base, ca = station.url, station.verify
    try:
        assert station.health()["simulation"] is True
        page = httpx.get(f"{base}/", timeout=5, verify=ca)
        assert page.status_code == 200 and "Stasiun Perekaman KTP-el" in page.text
        login = httpx.post(
            f"{base}/api/auth/login",
            json={"operator": "operator1", "pin": "123456"},
            timeout=10,
            verify=ca,
        )
        assert login.status_code == 200
        redirect = httpx.get(f"{station.plain_url}/", timeout=5)
        assert redirect.status_code == 308 and redirect.headers["location"] == f"{base}/"
    finally:
        stop_station(station)
    output = log.read_text()
    assert f"{base}/" in output and f"{station.plain_url}/setup" in output
    assert "SIMULATION MODE" in output and "MODE SIMULASI" in output
    assert "operator1" in output and "123456" in output
    assert (tmp_path / "data" / "station.db").exists()


def test_doctor_prints_one_line_per_check(tmp_path: Path) -> None:
    result = run_cli("doctor", "--simulate", "--data", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line[:4] in ("ok  ", "FAIL")]
    names = [line[5:].split(":")[0] for line in lines]
    assert names == [
        "store",
        "storage",
        "camera",
        "fingerprint",
        "indicator",
        "printer",
        "sealing",
        "fingerprint images",
    ]
    storage = next(line for line in lines if line.startswith("ok   storage:"))
    assert "more students" in storage and "kB each" in storage


def test_doctor_fails_without_an_office_key(tmp_path: Path) -> None:
    result = run_cli("doctor", "--data", str(tmp_path))
    assert result.returncode == 1
    assert "FAIL sealing: no office recipient configured" in result.stdout


def test_diagram_is_drawn_from_the_machine() -> None:
    result = run_cli("diagram")
    assert result.returncode == 0
    for line in ("idle --> identity : Start", "review --> committed : Commit", "fault --> idle"):
        assert line in result.stdout
    readme = (ROOT / "README.md").read_text()
    assert result.stdout.strip() in readme, "README shows the current diagram"


def test_doctor_warns_about_a_past_election_date(tmp_path: Path) -> None:
    # Issue 17: a stale cutoff made every first-time-voter figure 0 without a word.
    config = tmp_path / "station.toml"
    config.write_text("[domain.eligibility]\ncutoff_date = 2024-02-14\n")
    result = run_cli("doctor", "--simulate", "--data", str(tmp_path), "--config", str(config))
    assert "WARN election: The election date 14-02-2024 has passed" in result.stdout
    fresh = run_cli("doctor", "--simulate", "--data", str(tmp_path))
    assert "WARN election" not in fresh.stdout and "note election: cutoff 2029-" in fresh.stdout
