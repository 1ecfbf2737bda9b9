#!/bin/bash
# Append the station's data partition (ext4, label "ektp-data") to a pi-gen image.
#
# pi-gen makes two partitions (boot, root). The station keeps everything it writes on a
# third one so that the root can be mounted read-only (overlayfs). Because the data
# partition is last, Raspberry Pi OS's first-boot resize leaves the root as built, and
# ektp-grow-data.service grows the data partition to the end of the card instead.
#
# Works on the image file directly (no loop devices, no root): sfdisk edits the table,
# mkfs.ext4 -E offset= formats the new partition in place.
# Usage: add-data-partition.sh IMAGE [SIZE_MIB]
set -euo pipefail

image="${1:?usage: add-data-partition.sh IMAGE [SIZE_MIB]}"
size_mib="${2:-512}"
label="ektp-data"

partitions="$(sfdisk --dump "${image}" | grep -c '^[^ ]* : start=' || true)"
if [ "${partitions}" -ne 2 ]; then
	echo "${image}: expected the 2 partitions pi-gen makes (boot, root), found ${partitions}" >&2
	exit 1
fi

truncate --size="+$((size_mib + 4))M" "${image}"
# Start on a 4 MiB boundary (SD card erase blocks), fill to the end of the file.
echo "start=, size=${size_mib}MiB, type=83" | sfdisk --append --quiet "${image}"

start_sectors="$(sfdisk --dump "${image}" | awk -F'[=,]' '/ : start=/ {s=$2} END {gsub(/ /, "", s); print s}')"
offset=$((start_sectors * 512))
# A journal: power can be cut at any instant.
mkfs.ext4 -q -F -L "${label}" -E "offset=${offset}" "${image}" "${size_mib}M"
echo "${image}: added ${label} (${size_mib} MiB at byte ${offset})"
