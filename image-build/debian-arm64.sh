#!/bin/bash
# A Debian arm64 root file system for building and testing the station on an x86-64 host
# (qemu-user-static runs its programs), cached as a tarball keyed by what built it.
#
#   image-build/debian-arm64.sh [--setup SCRIPT] [PACKAGE...]
#
# prints the path of the cached tarball. The base is `debootstrap --variant=minbase` of the
# image's Debian release with python3; extra packages are installed on a copy of the base
# with apt (--no-install-recommends, as pi-gen installs a stage's packages), so several
# roots share one slow debootstrap. SCRIPT, if given, runs in the root (bash, as pi-gen's
# on_chroot) before the packages are installed, e.g. to configure initramfs-tools.
# Environment: EKTP_CACHE (default /var/cache/ektp-station), EKTP_DEBIAN_MIRROR,
# EKTP_DEBIAN_RELEASE (default trixie). Needs root, debootstrap, qemu-user-static and
# binfmt_misc (mounted here when missing).
set -euo pipefail

cache="${EKTP_CACHE:-/var/cache/ektp-station}"
mirror="${EKTP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
release="${EKTP_DEBIAN_RELEASE:-trixie}"
base_packages="python3,python3-venv,ca-certificates"

log() { echo "[debian-arm64] $*" >&2; }

enable_arm64_emulation() {
	if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
	fi
	if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
		update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
	fi
	if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
		echo "arm64 programs cannot run here: install qemu-user-static and binfmt-support" >&2
		exit 1
	fi
}

# Store a tree under its final name only once complete: a parallel or interrupted run
# never sees half a cache entry.
store() {
	local tree="$1" target="$2" partial
	partial="${target}.$$.partial"
	tar --numeric-owner --xattrs -C "${tree}" -cpf "${partial}" .
	mv -f "${partial}" "${target}"
}

key() { printf '%s' "$*" | sha256sum | cut -c1-16; }

base_tar() {
	local tar work
	tar="${cache}/debian-${release}-arm64-base-$(key "${release} ${mirror} minbase ${base_packages}").tar"
	if [ ! -s "${tar}" ]; then
		work="$(mktemp -d "${cache}/debootstrap.XXXXXX")"
		log "debootstrap ${release} arm64 (a few minutes under emulation)"
		debootstrap --arch=arm64 --variant=minbase --include="${base_packages}" \
			"${release}" "${work}/root" "${mirror}" >"${work}/log" 2>&1 ||
			{ tail -n 30 "${work}/log" >&2; exit 1; }
		store "${work}/root" "${tar}"
		rm -rf "${work}"
	fi
	echo "${tar}"
}

# Run a command inside an unpacked root with /proc, /sys and /dev mounted (as pi-gen's
# on_chroot does), unmounting them whatever happens.
in_root() {
	local root="$1"; shift
	mount -t proc proc "${root}/proc"
	mount --rbind /sys "${root}/sys"
	mount --rbind /dev "${root}/dev"
	local status=0
	# The host's resolver for apt, only while it runs: the root keeps its own file.
	if [ -e "${root}/etc/resolv.conf" ] || [ -L "${root}/etc/resolv.conf" ]; then
		mv "${root}/etc/resolv.conf" "${root}/etc/resolv.conf.ektp-build"
	fi
	cp /etc/resolv.conf "${root}/etc/resolv.conf"
	chroot "${root}" "$@" || status=$?
	rm -f "${root}/etc/resolv.conf"
	if [ -e "${root}/etc/resolv.conf.ektp-build" ] || [ -L "${root}/etc/resolv.conf.ektp-build" ]; then
		mv "${root}/etc/resolv.conf.ektp-build" "${root}/etc/resolv.conf"
	fi
	umount -R -l "${root}/dev" "${root}/sys" "${root}/proc"
	return "${status}"
}

# Download the packages with the host's own apt (native speed; under emulation apt's
# downloads crawl) into the root's archive cache, resolved against the root's dpkg status.
# Sources are marked trusted only for this prefetch: the root's apt then installs them and
# checks every file against its own signed indexes.
prefetch() {
	local root="$1" apt_dir="$2"; shift 2
	mkdir -p "${apt_dir}/lists/partial" "${apt_dir}/archives/partial"
	echo "deb [trusted=yes arch=arm64] ${mirror} ${release} main" >"${apt_dir}/sources.list"
	local options=(-o APT::Architecture=arm64 -o "APT::Architectures::=arm64"
		-o "Dir::State=${apt_dir}" -o "Dir::State::status=${root}/var/lib/dpkg/status"
		-o "Dir::Cache=${apt_dir}" -o "Dir::Etc::SourceList=${apt_dir}/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts=/dev/null -o Acquire::Languages=none
		-o APT::Install-Recommends=false -q)
	apt-get "${options[@]}" update >/dev/null
	apt-get "${options[@]}" install -y --download-only "$@" >/dev/null
	cp -n "${apt_dir}"/archives/*.deb "${root}/var/cache/apt/archives/" 2>/dev/null || true
}

main() {
	mkdir -p "${cache}"
	enable_arm64_emulation
	local base
	base="$(base_tar)"
	if [ $# -eq 0 ]; then
		echo "${base}"
		return
	fi
	local packages tar work setup_text=""
	packages="$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')"
	if [ -n "${setup}" ]; then
		setup_text="$(cat "${setup}")"
	fi
	tar="${cache}/debian-${release}-arm64-$(key "$(basename "${base}") ${packages} ${setup_text}").tar"
	if [ ! -s "${tar}" ]; then
		work="$(mktemp -d "${cache}/root.XXXXXX")"
		mkdir "${work}/root"
		tar --numeric-owner --xattrs -C "${work}/root" -xpf "${base}"
		if [ -n "${setup}" ]; then
			in_root "${work}/root" bash -e -s <"${setup}"
		fi
		log "installing ${packages}"
		if command -v apt-get >/dev/null; then
			# shellcheck disable=SC2086 # one word per package
			prefetch "${work}/root" "${work}/apt" ${packages}
		fi
		# shellcheck disable=SC2086 # one word per package
		in_root "${work}/root" env DEBIAN_FRONTEND=noninteractive sh -c \
			"apt-get -o Acquire::Languages=none update -q && apt-get install -y -q --no-install-recommends ${packages} && apt-get clean" \
			>"${work}/log" 2>&1 || { tail -n 30 "${work}/log" >&2; rm -rf "${work}"; exit 1; }
		store "${work}/root" "${tar}"
		rm -rf "${work}"
	fi
	echo "${tar}"
}

setup=""
if [ "${1:-}" = --setup ]; then
	setup="$(realpath "${2:?--setup needs a script}")"
	shift 2
fi
main "$@"
