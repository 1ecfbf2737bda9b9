#!/bin/bash
# Build the e-KTP station's SD card image: Raspberry Pi OS Lite (64-bit, trixie) made by
# the official pi-gen at a pinned release tag, plus our stage (image-build/stage-ektp).
#
#   image-build/build.sh [--native | --stage-only] [--data-mib N] [--work DIR]
#
# --stage-only does every step but pi-gen itself (CI runs it): the aarch64 wheelhouse and
# the staged tree in WORK/stage-ektp, ready for pi-gen or for the arm64 twin.
# Needs: root, git, python3 with pip (or PYTHON=...), debootstrap + qemu-user-static +
# binfmt-support (the wsq wheel is compiled in an arm64 root), sfdisk + mkfs.ext4, xz,
# and either Docker (default; pi-gen's build-docker.sh) or, with --native, a Debian
# trixie host with pi-gen's dependencies. Takes 30-60 minutes.
# Result: deploy/ektp-station-<date>.img.xz (+ .sha256) in the work directory.
set -euo pipefail

PIGEN_REPO="https://github.com/RPi-Distro/pi-gen.git"
# Raspberry Pi OS Lite 64-bit of 2026-06-18 (Debian 13 trixie, Python 3.13). The tag is
# checked against its commit: a tag can be moved, a commit id cannot.
PIGEN_TAG="2026-06-18-raspios-trixie-arm64"
PIGEN_COMMIT="ca8aeed0ae300c2a89f55ce9617d5f96a27e99e5"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "${here}")"
mode=docker
data_mib=1024
work="${repo}/image-build/work"

while [ $# -gt 0 ]; do
	case "$1" in
	--native) mode=native ;;
	--docker) mode=docker ;;
	--stage-only) mode="stage-only" ;;
	--data-mib) data_mib="$2"; shift ;;
	--work) work="$2"; shift ;;
	-h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

need() {
	command -v "$1" >/dev/null || { echo "missing tool: $1 ($2)" >&2; exit 1; }
}
need git "apt install git"
need python3 "apt install python3-pip"
need sfdisk "apt install fdisk"
need mkfs.ext4 "apt install e2fsprogs"
need xz "apt install xz-utils"
need debootstrap "apt install debootstrap"
need qemu-aarch64-static "apt install qemu-user-static binfmt-support"
if [ "${mode}" = docker ]; then
	need docker "install Docker, or use --native on a Debian trixie host"
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "must run as root (the wsq wheel is built in an arm64 root; pi-gen mounts and chroots)" >&2
	exit 1
fi

mkdir -p "${work}"
pigen="${work}/pi-gen"
stage="${work}/stage-ektp"

if [ "${mode}" != stage-only ]; then
	echo "== 1/5 pi-gen ${PIGEN_TAG}"
	if [ ! -d "${pigen}/.git" ]; then
		git clone --depth 1 --branch "${PIGEN_TAG}" "${PIGEN_REPO}" "${pigen}"
	fi
	if [ "$(git -C "${pigen}" rev-parse HEAD)" != "${PIGEN_COMMIT}" ]; then
		echo "${pigen} is not at ${PIGEN_TAG} (${PIGEN_COMMIT}); delete it and run again" >&2
		exit 1
	fi
fi

echo "== 2/5 the station's wheels (aarch64, CPython 3.13) and the staged tree"
rm -rf "${stage}"
cp -a "${here}/stage-ektp" "${stage}"
"${here}/aarch64-wheelhouse.sh" "${stage}/01-station/files/wheels"
cp "${here}/README.md" "${stage}/01-station/files/README.md"
if [ "${mode}" = stage-only ]; then
	echo "staged tree: ${stage}"
	exit 0
fi
rm -rf "${pigen}/stage-ektp"
cp -a "${stage}" "${pigen}/stage-ektp"

echo "== 3/5 pi-gen config"
# Only our stage exports an image; stage2 (plain Lite) is built but not exported.
touch "${pigen}/stage2/SKIP_IMAGES"
tech_pass_file="${work}/technician-password.txt"
if [ ! -s "${tech_pass_file}" ]; then
	(umask 077 && python3 -c "import secrets; print(secrets.token_urlsafe(12))" >"${tech_pass_file}")
fi
# Plain KEY=value lines: build-docker.sh also hands this file to `docker run --env-file`,
# which takes quotes literally (pi-gen's build.sh then sources it properly).
cat >"${pigen}/config" <<CONFIG
IMG_NAME=ektp-station
RELEASE=trixie
DEPLOY_COMPRESSION=none
STAGE_LIST="stage0 stage1 stage2 stage-ektp"
TARGET_HOSTNAME=ektp-station
LOCALE_DEFAULT=en_US.UTF-8
KEYBOARD_KEYMAP=us
TIMEZONE_DEFAULT=Asia/Jakarta
# Without a country, Raspberry Pi OS keeps Wi-Fi blocked (rfkill) and the tablets'
# access point never comes up.
WPA_COUNTRY=ID
FIRST_USER_NAME=teknisi
FIRST_USER_PASS=$(cat "${tech_pass_file}")
DISABLE_FIRST_BOOT_USER_RENAME=1
ENABLE_SSH=0
CONFIG

echo "== 4/5 pi-gen build (${mode})"
if [ "${mode}" = docker ]; then
	(cd "${pigen}" && CONTINUE=1 PRESERVE_CONTAINER=0 ./build-docker.sh)
else
	(cd "${pigen}" && ./build.sh)
fi

echo "== 5/5 data partition, compression"
image="$(find "${pigen}/deploy" -maxdepth 1 -name '*-ektp-station.img' -newer "${pigen}/config" | sort | tail -n 1)"
if [ -z "${image}" ]; then
	echo "pi-gen produced no *-ektp-station.img in ${pigen}/deploy" >&2
	exit 1
fi
"${here}/add-data-partition.sh" "${image}" "${data_mib}"
mkdir -p "${work}/deploy"
out="${work}/deploy/$(basename "${image}").xz"
xz --threads=0 --force --stdout "${image}" >"${out}"
(cd "${work}/deploy" && sha256sum "$(basename "${out}")" >"$(basename "${out}").sha256")
echo "image: ${out}"
echo "technician login: teknisi / password in ${tech_pass_file}"
