"""The command line: run (real uvicorn), doctor and diagram."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.ports import free_port
from tests.test_config import ROOT, run_cli


def test_run_serves_the_api_and_prints_url_and_demo_pins(tmp_path: Path) -> None:
    port, tls_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "station",
            "run",
            "--simulate",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--tls-port",
            str(tls_port),
            "--data",
            str(tmp_path),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Its own CA in the data directory, as on a first start after provisioning.
        env={**{k: v for k, v in os.environ.items() if k != "STATION__SERVER__TLS_DIR"},
             "STATION__DEVICES__SIMULATION__DELAY_SCALE": "0"},
    )
    base = f"https://127.0.0.1:{tls_port}"
    ca = ssl.create_default_context()
    try:
        deadline = time.monotonic() + 90  # a deadline on a loaded machine, not a timing claim
        health = None
        while time.monotonic() < deadline:
            try:
                ca = ssl.create_default_context(cafile=tmp_path / "tls" / "ca.crt")
                health = httpx.get(f"{base}/api/health", timeout=1, verify=ca).json()
                if health["ready"]:
                    break
            except (httpx.HTTPError, FileNotFoundError):
                time.sleep(0.2)
        assert health and health["ready"] and health["simulation"] is True
        page = httpx.get(f"{base}/", timeout=5, verify=ca)
        assert page.status_code == 200 and "Stasiun Perekaman KTP-el" in page.text
        login = httpx.post(
            f"{base}/api/auth/login",
            json={"operator": "operator1", "pin": "123456"},
            timeout=10,
            verify=ca,
        )
        assert login.status_code == 200
        redirect = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert redirect.status_code == 308 and redirect.headers["location"] == f"{base}/"
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert f"{base}/" in output and f"http://127.0.0.1:{port}/setup" in output
    assert "SIMULATION MODE" in output and "MODE SIMULASI" in output
    assert "operator1" in output and "123456" in output
    assert (tmp_path / "station.db").exists()


def test_doctor_prints_one_line_per_check(tmp_path: Path) -> None:
    result = run_cli("doctor", "--simulate", "--data", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line[:4] in ("ok  ", "FAIL")]
    names = [line[5:].split(":")[0] for line in lines]
    assert names == ["store", "camera", "fingerprint", "indicator", "printer", "sealing"]


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
