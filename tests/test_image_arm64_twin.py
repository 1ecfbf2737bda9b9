"""The image on its real architecture: the arm64 twin (tests/arm64_twin.py) built from this
checkout by `build.sh --stage-only` and booted as a virtual machine.

One twin boots with a good provisioning file on its boot partition, then, in order:
first-boot provisioning, the station's unit active as `ektp`, `/api/health` through the
image's firewall saying WSQ, no failed unit, the data partition grown; one whole
enrollment over HTTP in simulation with WSQ finger images; a frozen station restarted by
systemd's watchdog; and a hard power-off followed by a second boot that keeps the record.

Needs root, qemu-system-arm, qemu-user-static, debootstrap, dosfstools and mtools
(tests/setup-system.sh); the first run downloads Debian's arm64 packages and PyPI wheels.
Times are in image-build/README.md ("The arm64 twin")."""

from __future__ import annotations

import os
import re
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from station.provisioning.file import PROVISIONING_FILE_NAME, SUMMARY_FILE_NAME
from tests import arm64_twin
from tests.arm64_twin import Twin, TwinDisk
from tests.conftest import enroll_until, post, require_tool
from tests.support.enrolling import CLOSING, signature_png
from tests.support.provisioning_file import SUPERVISOR_PIN
from tests.support.provisioning_file import provisioning_text as twin_provisioning_text

WATCHDOG_S = 5

pytestmark = [
    pytest.mark.timeout(3600),
    pytest.mark.skipif(not arm64_twin.wanted(), reason="EKTP_ARM64_TWIN=0 leaves the twin out"),
]


def provisioning_text() -> str:
    return twin_provisioning_text("TWIN-01")


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> TwinDisk:
    if os.geteuid() != 0:
        pytest.skip("building the twin needs root (debootstrap, chroot, mounts)")
    for tool in arm64_twin.TWIN_TOOLS:
        require_tool(tool)
    background = arm64_twin.background_staging()  # started at collection (tests/conftest.py)
    if background is not None:
        return background.result(timeout=3000)
    return arm64_twin.twin_disk(tmp_path_factory.mktemp("arm64-twin"))


@pytest.fixture(scope="module")
def twin(staged: TwinDisk, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twin]:
    card = staged.copy(tmp_path_factory.mktemp("card"), provisioning=provisioning_text())
    with Twin(card) as booted:
        booted.boot()
        booted.wait_healthy()
        arm64_twin.log(
            f"first boot to a ready station: {time.monotonic() - booted.booted_at:.0f} s"
        )
        yield booted


def unit_property(twin: Twin, unit: str, name: str) -> str:
    return twin.run("systemctl", "show", unit, "-p", name, "--value").stdout.strip()


def journal(twin: Twin) -> str:
    return twin.run(
        "journalctl", "--no-pager", "-n", "60", "-u", "ektp-provision", "-u", "ektp-station"
    ).stdout


def test_the_wheelhouse_is_for_the_pi(staged: TwinDisk) -> None:
    wheels = sorted(p.name for p in (staged.disk.parent / "build/stage-ektp").rglob("*.whl"))
    wsq = [name for name in wheels if name.startswith("wsq-")]
    assert len(wsq) == 1 and "cp313" in wsq[0] and "aarch64" in wsq[0], wheels
    # Nothing the OS provides on the Pi, and nothing for another architecture.
    assert not [name for name in wheels if name.startswith(("lgpio", "picamera2"))]
    native = [n for n in wheels if not n.endswith("-none-any.whl")]
    assert native and all("aarch64" in name for name in native), native
    station = next((staged.disk.parent / "build/stage-ektp").rglob("ektp_station-*.whl"))
    with zipfile.ZipFile(station) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith("METADATA")))
    lines = metadata.decode().splitlines()
    requires = [line for line in lines if line.startswith("Requires-Dist:")]
    assert requires and not [line for line in requires if "lgpio" in line], requires


def test_the_station_comes_up_provisioned_on_arm64(twin: Twin) -> None:
    assert twin.run("uname", "-m").stdout.strip() == "aarch64"
    assert unit_property(twin, "ektp-provision.service", "Result") == "success"
    boot_files = twin.run("ls", "/boot/firmware").stdout.split()
    assert PROVISIONING_FILE_NAME not in boot_files and SUMMARY_FILE_NAME in boot_files
    assert twin.run("systemctl", "is-active", "ektp-station").stdout.strip() == "active"
    assert unit_property(twin, "ektp-station.service", "User") == "ektp"

    body = twin.health()  # through QEMU's port forward and the image's firewall
    assert body["provisioned"] is True and body["station_id"] == "TWIN-01"
    assert body["fingerprint_image_format"] == "wsq"
    assert body["status"] == "ok", body

    # The OS's numpy, not a wheel: picamera2's compiled parts are built against it.
    numpy_path = twin.run(
        "/opt/ektp-station/venv/bin/python", "-c", "import numpy; print(numpy.__file__)"
    ).stdout
    assert numpy_path.startswith("/usr/lib/python3/dist-packages/"), numpy_path
    python = twin.run("/opt/ektp-station/venv/bin/python", "--version").stdout
    assert python.startswith("Python 3.13"), python

    failed = twin.run("systemctl", "--failed", "--no-legend", "--plain").stdout.strip()
    assert failed == "", failed
    ruleset = twin.run("nft", "list", "ruleset").stdout
    assert "table inet ektp" in ruleset and "policy drop" in ruleset
    # The data partition took the free space after it (ektp-grow-data, first boot).
    size = twin.run("lsblk", "-bno", "SIZE", "/dev/vda3").stdout.strip()
    assert int(size) > arm64_twin.DATA_MIB * 1024 * 1024, size
    doctor = twin.run("station", "doctor")
    assert "WSQ" in doctor.stdout, doctor.stdout + doctor.stderr


def test_one_student_is_recorded_with_wsq_fingerprints(twin: Twin) -> None:
    with httpx.Client(base_url=twin.base_url, timeout=120, verify=twin.ca_file) as client:
        login = client.post("/api/auth/login", json={"operator": "siti", "pin": SUPERVISOR_PIN})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
        visit = client.post(
            "/api/visits", headers=auth, json={"school": "SMAN 1 Twin", "date": today}
        )
        assert visit.status_code == 201, visit.text
        state = enroll_until(client, auth, "signature")  # type: ignore[arg-type]
        fingers = state["enrollment"]["captures"]["fingers"]
        assert len(fingers) == 10
        assert {detail["image_format"] for detail in fingers.values()} == {"wsq"}
        post(client, auth, "/api/enrollment/signature", {"png_base64": signature_png()})  # type: ignore[arg-type]
        done = post(client, auth, "/api/enrollment/commit", CLOSING)  # type: ignore[arg-type]
    assert done["step"] == "committed" and done["last_committed"]["enrollment_id"]
    counted = twin.run(
        "sqlite3", "/var/lib/ektp/station/station.db",
        "SELECT count(*) FROM enrollments WHERE status = 'committed'",
    )  # fmt: skip
    assert counted.stdout.strip() == "1", counted.stdout + counted.stderr


def test_a_frozen_station_is_restarted_by_the_watchdog(twin: Twin) -> None:
    # A shorter WatchdogSec than the image's 30 s, so that CI waits seconds, not a minute.
    twin.sh(
        "mkdir -p /run/systemd/system/ektp-station.service.d && printf '[Service]\\n"
        f"WatchdogSec={WATCHDOG_S}\\nTimeoutAbortSec=3\\n' "
        ">/run/systemd/system/ektp-station.service.d/zz-twin.conf && systemctl daemon-reload "
        "&& systemctl restart ektp-station"
    )
    twin.wait_healthy()
    frozen = unit_property(twin, "ektp-station.service", "MainPID")
    before = int(unit_property(twin, "ektp-station.service", "NRestarts"))
    twin.run("systemctl", "kill", "--kill-whom=main", "--signal=SIGSTOP", "ektp-station")
    deadline = time.monotonic() + 300
    while int(unit_property(twin, "ektp-station.service", "NRestarts")) == before:
        assert time.monotonic() < deadline, journal(twin)
        time.sleep(2)
    twin.wait_healthy()
    assert unit_property(twin, "ektp-station.service", "MainPID") != frozen
    assert "Watchdog timeout" in journal(twin)


def test_a_hard_power_off_then_a_second_boot(twin: Twin) -> None:
    saved = twin.run("systemctl", "start", "ektp-save-clock.service")
    assert saved.returncode == 0, saved.stderr
    twin.kill()
    twin.boot()
    body = twin.wait_healthy()
    arm64_twin.log(f"second boot to a ready station: {time.monotonic() - twin.booted_at:.0f} s")
    assert body["provisioned"] is True and body["station_id"] == "TWIN-01"
    # Provisioning does not run again (its file is gone); nothing failed after the cut.
    assert unit_property(twin, "ektp-provision.service", "ActiveState") == "inactive"
    assert twin.run("systemctl", "--failed", "--no-legend", "--plain").stdout.strip() == ""
    counted = twin.run(
        "sqlite3", "/var/lib/ektp/station/station.db",
        "SELECT count(*) FROM enrollments WHERE status = 'committed'",
    )  # fmt: skip
    assert counted.stdout.strip() == "1", counted.stdout + counted.stderr
    # The saved time was read back from the data partition (no clock battery on a Pi):
    # trixie's own fake-hwclock-load runs before any mount, ours after the data partition.
    assert unit_property(twin, "fake-hwclock-load.service", "Result") == "success"
    restored = twin.run("journalctl", "-b", "-u", "fake-hwclock-load", "--no-pager", "-o", "cat")
    assert "Unable to read saved clock" not in restored.stdout, restored.stdout


def readme_pi_install() -> str:
    """The README's pip install on Raspberry Pi OS: its second command (the first, apt,
    needs Raspberry Pi's archive for picamera2 and lgpio)."""
    text = (arm64_twin.IMAGE_BUILD / "README.md").read_text()
    section = text.split("### Installing with pip on Raspberry Pi OS", 1)[1]
    on_the_pi = re.findall(r"```sh\n(.*?)```", section, re.S)[1]
    command = on_the_pi.strip().splitlines()[-1]
    assert command.startswith("python3 -m venv --system-site-packages"), command
    return command


def test_the_readmes_pip_install_on_raspberry_pi_os_works(twin: Twin) -> None:
    # The twin carries the build's wheelhouse in /root/wheels, as copied to a Pi.
    result = twin.sh(f"cd /root && export HOME=/root && {readme_pi_install()}", timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ok   fingerprint images: WSQ" in result.stdout, result.stdout
