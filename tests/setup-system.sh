#!/usr/bin/env bash
# System packages the test suite needs, installed when missing (run as root / with sudo).
# Called by the README's test command, so a fresh Debian machine and CI run the same suite.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
    python3-venv
    # tablet UI tests: Playwright drives Debian's Chromium
    chromium fonts-dejavu-core
    # image-build checks (tests/test_image_*): shellcheck, systemd-analyze verify with the
    # units our drop-ins extend, nmcli --offline, nft --check, sfdisk/mkfs.ext4/blkid for the
    # data partition, debootstrap + systemd-nspawn + nsenter for the root-filesystem smoke
    # test, ip netns for the firewall test
    shellcheck systemd network-manager fake-hwclock nftables fdisk e2fsprogs util-linux
    debootstrap systemd-container tar iproute2
    # the arm64 twin (tests/test_image_arm64_twin.py) and build.sh --stage-only: an arm64
    # Debian root run by qemu-user-static, booted by qemu-system-aarch64 from a disk with a
    # FAT boot partition (mkfs.vfat, mtools)
    qemu-system-arm qemu-user-static binfmt-support dosfstools mtools
    # the clock save's fsync order (tests/test_image_build_checks.py): strace
    strace
    # tablet UI over TLS: certutil puts the station's CA in the test browser's trust store
    libnss3-tools
)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -q
    apt-get install -y -q "${missing[@]}"
fi

# MicroPython 1.29 stubs for type-checking the front panel firmware (tests/test_frontpanel.py).
# Kept out of the project's venv: they shadow CPython's own stubs (time, sys, ...).
stubs=/var/cache/ektp-station/micropython-stubs-1.29
if [ ! -f "$stubs/machine.pyi" ]; then
    mkdir -p "$(dirname "$stubs")"
    python3 -m venv "$stubs.venv"
    "$stubs.venv/bin/pip" install -q --target "$stubs" "micropython-rp2-rpi-pico-stubs==1.29.*"
fi
