"""Static checks of the SD image's ingredients: every script passes shellcheck, every unit
passes `systemd-analyze verify` without a single warning, every NetworkManager keyfile the
station writes is accepted by `nmcli --offline`, the firewall parses, and the data
partition really lands in an image. The tools are installed by .ci/run."""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.provisioning import network_keyfiles
from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]
IMAGE_BUILD = ROOT / "image-build"
STAGE = IMAGE_BUILD / "stage-ektp"
FILES = STAGE / "01-station" / "files"
UNITS = sorted((FILES / "systemd").glob("*.service")) + sorted((FILES / "systemd").glob("*.timer"))
# Drop-ins for units of other packages: (file in files/systemd, unit it extends).
DROP_INS = {
    "networkmanager-after-data.conf": "NetworkManager.service",
}


def shell_scripts() -> list[Path]:
    """Every shell script of the image, and CI's own entry point."""
    found = [ROOT / ".ci" / "run"]
    for path in sorted(IMAGE_BUILD.rglob("*")):
        if not path.is_file() or "work" in path.relative_to(IMAGE_BUILD).parts:
            continue
        first = path.read_bytes()[:64].split(b"\n", 1)[0]
        if path.suffix == ".sh" or re.match(rb"#!.*\b(ba)?sh\b", first):
            found.append(path)
    return found


def test_the_scripts_are_found() -> None:
    names = {path.name for path in shell_scripts()}
    assert {"build.sh", "add-data-partition.sh", "00-run.sh", "01-run-chroot.sh"} <= names
    assert {"prerun.sh", "ektp-grow-data", "run"} <= names


@pytest.mark.parametrize("script", shell_scripts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shellcheck(script: Path) -> None:
    shellcheck = require_tool("shellcheck")
    result = subprocess.run(
        [shellcheck, "--shell=bash", "--severity=style", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_unit_and_drop_in_is_installed_by_the_stage() -> None:
    installer = (STAGE / "01-station" / "00-run.sh").read_text()
    for path in [*UNITS, *(FILES / "systemd" / name for name in DROP_INS)]:
        assert f"files/systemd/{path.name}" in installer, f"{path.name} is never installed"


def _programs(unit_text: str) -> list[str]:
    """The absolute paths a unit executes (Exec*= lines, prefixes like '-' or '+' removed)."""
    found = []
    for line in unit_text.splitlines():
        key, _, value = line.partition("=")
        if key.strip().startswith("Exec") and value.strip():
            program = value.strip().lstrip("-@:+!|").split()[0]
            if program.startswith("/"):
                found.append(program)
    return found


def _stand_in(path: Path) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)


def _verified_names() -> list[str]:
    return [unit.name for unit in UNITS] + list(DROP_INS.values())


def _fake_root(tmp_path: Path) -> Path:
    """A root with the host's systemd units, our units and stand-ins for the programs the
    units start, so that `verify` checks ExecStart paths as on the image."""
    root = tmp_path / "root"
    (root / "usr/lib/systemd").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "lib").symlink_to("usr/lib")
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    for unit in UNITS:
        shutil.copy(unit, units / unit.name)
    for name, target in DROP_INS.items():
        (units / f"{target}.d").mkdir()
        shutil.copy(FILES / "systemd" / name, units / f"{target}.d" / name)
    for unit in [*units.rglob("*.service"), *(root / "usr/lib/systemd/system").glob("*.service")]:
        if unit.name in _verified_names() or unit.parent.name.endswith(".d"):
            for program in _programs(unit.read_text()):
                _stand_in(root / program.lstrip("/"))
    return root


def test_systemd_analyze_verify_prints_nothing(tmp_path: Path) -> None:
    analyze = require_tool("systemd-analyze")
    root = _fake_root(tmp_path)
    names = [unit.name for unit in UNITS]
    names += [
        unit for unit in DROP_INS.values() if (root / "usr/lib/systemd/system" / unit).exists()
    ]
    result = subprocess.run(
        [analyze, "verify", f"--root={root}", *names],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and output == "", output


def test_verify_would_catch_a_typo(tmp_path: Path) -> None:
    """Guards the check above: a misspelt directive must make it fail."""
    analyze = require_tool("systemd-analyze")
    root = _fake_root(tmp_path)
    unit = root / "etc/systemd/system/ektp-station.service"
    unit.write_text(unit.read_text().replace("PrivateTmp=yes", "PrivateTemp=yes"))
    result = subprocess.run(
        [analyze, "verify", f"--root={root}", "ektp-station.service"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "PrivateTemp" in result.stdout + result.stderr


def _nmcli_offline(keyfile_text: str) -> configparser.ConfigParser:
    """Feed a keyfile to nmcli without a daemon; it rejects invalid settings."""
    nmcli = require_tool("nmcli")
    result = subprocess.run(
        [nmcli, "--offline", "connection", "modify", "connection.autoconnect", "yes"],
        input=keyfile_text,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read_string(result.stdout)
    return parsed


def test_nmcli_accepts_the_access_point_keyfile() -> None:
    keyfile = network_keyfiles.access_point("ST-01", "EKTP ST-01", "p@ss; word #1 \\ ok", 11)
    parsed = _nmcli_offline(keyfile.text)
    assert parsed["wifi"]["ssid"] == "EKTP ST-01"
    assert parsed["wifi"]["mode"] == "ap"
    # What nmcli read back is exactly the passphrase we meant (escaping round-trips).
    assert parsed["wifi-security"]["psk"] == "p@ss; word #1 \\\\ ok"
    assert parsed["wifi-security"]["pmf"] == "1"  # disabled: brcmfmac cannot do PMF as an AP
    assert parsed["ipv4"]["method"] == "shared"
    assert parsed["ipv4"]["address1"] == f"{network_keyfiles.AP_ADDRESS}/24"


def test_nmcli_accepts_the_mobile_keyfile() -> None:
    keyfile = network_keyfiles.mobile("ST-01", "internet", "wap", "wap123")
    parsed = _nmcli_offline(keyfile.text)
    assert parsed["connection"]["type"] == "gsm"
    assert parsed["gsm"]["apn"] == "internet"
    assert parsed["gsm"]["username"] == "wap"


def test_nmcli_offline_rejects_a_broken_keyfile() -> None:
    """Guards the check above: nmcli really validates."""
    nmcli = require_tool("nmcli")
    text = network_keyfiles.access_point("ST-01", "X", "12345678", 6).text
    result = subprocess.run(
        [nmcli, "--offline", "connection", "modify", "connection.autoconnect", "yes"],
        input=text.replace("key-mgmt=wpa-psk", "key-mgmt=wpa-bogus"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0


def test_the_firewall_parses() -> None:
    nft = require_tool("nft")
    result = subprocess.run(
        [nft, "--check", "--file", str(FILES / "nftables" / "nftables.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_the_firewall_opens_the_api_port_only_to_the_access_point() -> None:
    from station.config import ServerSettings

    rules = (FILES / "nftables" / "nftables.conf").read_text()
    assert f"define API_PORT = {ServerSettings().port}" in rules
    assert f"define AP_NET = {network_keyfiles.AP_SUBNET}" in rules
    api_lines = [line for line in rules.splitlines() if "$API_PORT" in line and "accept" in line]
    assert api_lines and all("iifname $AP_IF ip saddr $AP_NET" in line for line in api_lines)


def pigen_like_image(image: Path, size_mib: int, root_sectors: int) -> Path:
    """An image file with the two partitions pi-gen makes: FAT boot (16 MiB), then root."""
    with image.open("wb") as handle:
        handle.truncate(size_mib * 1024 * 1024)
    table = (
        f"label: dos\nstart=8192, size=32768, type=c\nstart=40960, size={root_sectors}, type=83\n"
    )
    subprocess.run(["sfdisk", "--quiet", str(image)], input=table, text=True, check=True)
    return image


def test_data_partition_is_appended_to_an_image(tmp_path: Path) -> None:
    for tool in ("sfdisk", "mkfs.ext4", "blkid"):
        require_tool(tool)
    image = pigen_like_image(tmp_path / "pi.img", size_mib=80, root_sectors=73728)
    script = IMAGE_BUILD / "add-data-partition.sh"
    subprocess.run([str(script), str(image), "16"], check=True, capture_output=True, timeout=60)

    table = json.loads(
        subprocess.run(
            ["sfdisk", "--json", str(image)], capture_output=True, text=True, check=True
        ).stdout
    )["partitiontable"]["partitions"]
    assert len(table) == 3
    data = table[2]
    assert data["start"] >= table[1]["start"] + table[1]["size"]
    assert data["size"] == 16 * 2048
    probe = subprocess.run(
        ["blkid", "--probe", f"--offset={data['start'] * 512}", "--output=export", str(image)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "LABEL=ektp-data" in probe and "TYPE=ext4" in probe

    # Running it twice would make a fourth partition: refused.
    again = subprocess.run([str(script), str(image), "16"], capture_output=True, text=True)
    assert again.returncode != 0 and "expected the 2 partitions" in again.stderr


def _has_capability(bit: int) -> bool:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            return bool(int(line.split()[1], 16) >> bit & 1)
    return False


@pytest.fixture
def mounted_card(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A card image (boot, root, small data partition) on a loop device, the data
    partition mounted, and the "card" 64 MiB larger than the image: a fresh SD card."""
    if os.geteuid() != 0:
        pytest.skip("loop devices need root")
    for tool in ("losetup", "partx", "sfdisk", "resize2fs", "mount"):
        require_tool(tool)
    image = pigen_like_image(tmp_path / "card.img", size_mib=48, root_sectors=16384)
    subprocess.run([str(IMAGE_BUILD / "add-data-partition.sh"), str(image), "16"], check=True,
                   capture_output=True)  # fmt: skip
    with image.open("r+b") as handle:
        handle.truncate(image.stat().st_size + 64 * 1024 * 1024)
    attach = subprocess.run(
        ["losetup", "--find", "--show", "--partscan", str(image)], capture_output=True, text=True
    )
    if attach.returncode != 0:
        pytest.skip(f"no loop device here: {attach.stderr.strip()}")
    disk = attach.stdout.strip()
    mountpoint = tmp_path / "data"
    mountpoint.mkdir()
    try:
        subprocess.run(["partx", "--add", disk], capture_output=True)  # where udev is absent
        subprocess.run(["mount", f"{disk}p3", str(mountpoint)], check=True, timeout=30)
        try:
            yield mountpoint, disk
        finally:
            subprocess.run(["umount", str(mountpoint)], check=True, timeout=30)
    finally:
        subprocess.run(["partx", "--delete", disk], capture_output=True)
        subprocess.run(["losetup", "--detach", disk], check=True)


def test_the_data_partition_grows_to_the_end_of_the_card(mounted_card: tuple[Path, str]) -> None:
    mountpoint, disk = mounted_card
    grow = str(FILES / "sbin" / "ektp-grow-data")
    name = Path(disk).name
    disk_sectors = int(Path(f"/sys/class/block/{name}/size").read_text())
    before = shutil.disk_usage(mountpoint).total

    first = subprocess.run([grow, str(mountpoint)], capture_output=True, text=True, timeout=60)
    part = Path(f"/sys/class/block/{name}p3")
    end = int((part / "start").read_text()) + int((part / "size").read_text())
    assert disk_sectors - end < 4096, first.stdout + first.stderr  # within the last 2 MiB
    if _has_capability(24):  # CAP_SYS_RESOURCE: online ext4 resize
        assert first.returncode == 0, first.stderr
        assert shutil.disk_usage(mountpoint).total > before + 48 * 1024 * 1024
    else:  # e.g. a sandbox without it: the partition grew, the file system cannot
        assert "Permission denied" in first.stderr

    again = subprocess.run([grow, str(mountpoint)], capture_output=True, text=True, timeout=60)
    assert "already fills" in again.stdout


def test_the_wiring_table_matches_the_default_configuration() -> None:
    from station.devices.settings import DevicesSettings

    defaults = DevicesSettings()
    table = (IMAGE_BUILD / "HARDWARE.md").read_text().split("## Wiring", 1)[1]
    checked = 0
    for row in table.splitlines():
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if len(cells) < 5 or "devices." not in cells[4]:
            continue
        kind = re.search(r"devices\.(\w+)\.", cells[4])
        assert kind is not None
        section = getattr(defaults, kind.group(1))
        for key, literal in re.findall(r"`(?:devices\.\w+\.)?(\w+) = ([^`]+)`", cells[4]):
            value = ast.literal_eval(literal)
            assert getattr(section, key) == value, f"{cells[0]}: {key} = {literal}"
            if key.endswith("_pin"):
                assert cells[2] == f"GPIO{value}", f"{cells[0]}: GPIO column"
            checked += 1
    assert checked >= 9


def _mount_usb(tmp_path: Path, fstype: str, name: str = "sda1") -> tuple[int, str, list[str]]:
    """Run the image's USB mount helper as udev would, with `systemd-mount` and `id`
    replaced by recorders: what would it mount, where, with which options?"""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "systemd-mount.args"
    (bin_dir / "systemd-mount").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {calls}\n')
    (bin_dir / "id").write_text('#!/bin/sh\n[ "$1" = -u ] && echo 998 || echo 997\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    helper = FILES / "sbin" / "ektp-mount-usb"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run([str(helper), f"/dev/{name}", name, fstype], capture_output=True,
                          text=True, env=env, timeout=30)
    args = calls.read_text().splitlines() if calls.exists() else []
    return done.returncode, done.stderr, args


def test_a_usb_stick_is_mounted_for_the_station_and_nothing_more(tmp_path: Path) -> None:
    code, _, args = _mount_usb(tmp_path, "vfat")
    assert code == 0
    assert args[-2:] == ["/dev/sda1", "/media/ektp-sda1"]  # below an export root
    options = next(a for a in args if a.startswith("--options=")).split("=", 1)[1].split(",")
    assert {"nosuid", "nodev", "noexec", "uid=998", "gid=997", "umask=0077"} <= set(options)
    assert "--no-block" in args  # udev must not wait for the mount


def test_a_stick_the_station_cannot_write_or_a_strange_name_is_not_mounted(
    tmp_path: Path,
) -> None:
    code, stderr, args = _mount_usb(tmp_path, "ext4")
    assert code == 0 and args == [] and "FAT or exFAT" in stderr
    code, _, args = _mount_usb(tmp_path, "vfat", name="../etc")
    assert code == 2 and args == []


def test_udev_calls_the_installed_mount_helper() -> None:
    rule = (FILES / "udev" / "90-ektp-usb-media.rules").read_text()
    stage = (FILES.parent / "00-run.sh").read_text()
    assert 'RUN+="/usr/local/sbin/ektp-mount-usb $devnode %k $env{ID_FS_TYPE}"' in rule
    assert 'ENV{ID_BUS}=="usb"' in rule
    assert "/usr/local/sbin/ektp-mount-usb" in stage
    assert "/etc/udev/rules.d/90-ektp-usb-media.rules" in stage
