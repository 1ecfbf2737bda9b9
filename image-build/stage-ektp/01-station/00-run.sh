#!/bin/bash -e
# pi-gen host-side step: copy the station's files into the image's root file system.
# Also used as-is by the CI smoke test on a Debian twin (ROOTFS_DIR set by the caller).
set -e # also when run as "bash 00-run.sh", which ignores the shebang's flag
: "${ROOTFS_DIR:?ROOTFS_DIR must name the root file system being built}"
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! compgen -G "files/wheels/ektp_station-*.whl" >/dev/null; then
	echo "no station wheel in $(pwd)/files/wheels: run image-build/build.sh, not pi-gen directly" >&2
	exit 1
fi
install -d -m 0755 "${ROOTFS_DIR}/opt/ektp-station/wheels"
install -m 0644 files/wheels/*.whl "${ROOTFS_DIR}/opt/ektp-station/wheels/"
if [ -f files/README.md ]; then
	install -m 0644 files/README.md "${ROOTFS_DIR}/opt/ektp-station/README.md"
fi

units="${ROOTFS_DIR}/etc/systemd/system"
install -m 0644 files/systemd/ektp-station.service "${units}/"
install -m 0644 files/systemd/ektp-provision.service "${units}/"
install -m 0644 files/systemd/ektp-grow-data.service "${units}/"
install -m 0644 files/systemd/ektp-save-clock.service "${units}/"
install -m 0644 files/systemd/ektp-save-clock.timer "${units}/"
install -m 0644 files/systemd/ektp-save-clock-at-shutdown.service "${units}/"
install -D -m 0644 files/systemd/networkmanager-after-data.conf \
	"${units}/NetworkManager.service.d/ektp-after-data.conf"
install -m 0644 files/systemd/fake-hwclock-load.service "${units}/"
install -D -m 0644 files/systemd/journald-ektp.conf \
	"${ROOTFS_DIR}/etc/systemd/journald.conf.d/ektp.conf"
install -D -m 0644 files/systemd/watchdog-ektp.conf \
	"${ROOTFS_DIR}/etc/systemd/system.conf.d/ektp-watchdog.conf"
install -D -m 0644 files/systemd/ektp-data-layout.conf \
	"${ROOTFS_DIR}/etc/tmpfiles.d/ektp-data-layout.conf"
install -D -m 0644 files/timesyncd-ektp.conf \
	"${ROOTFS_DIR}/etc/systemd/timesyncd.conf.d/ektp.conf"

install -D -m 0644 files/network/ektp-networkmanager.conf \
	"${ROOTFS_DIR}/etc/NetworkManager/conf.d/ektp.conf"
install -m 0755 files/nftables/nftables.conf "${ROOTFS_DIR}/etc/nftables.conf"
install -m 0644 files/fake-hwclock.default "${ROOTFS_DIR}/etc/default/fake-hwclock"
install -D -m 0755 files/sbin/ektp-grow-data "${ROOTFS_DIR}/usr/local/sbin/ektp-grow-data"
install -D -m 0755 files/sbin/ektp-mount-usb "${ROOTFS_DIR}/usr/local/sbin/ektp-mount-usb"
install -D -m 0755 files/sbin/ektp-save-clock "${ROOTFS_DIR}/usr/local/sbin/ektp-save-clock"
install -D -m 0644 files/udev/90-ektp-usb-media.rules \
	"${ROOTFS_DIR}/etc/udev/rules.d/90-ektp-usb-media.rules"
install -D -m 0644 files/ektp-provision.example.toml \
	"${ROOTFS_DIR}/boot/firmware/ektp-provision.example.toml"

# The fingerprint module owns the UART: no serial console on it, the full PL011 UART on
# GPIO14/15 (Bluetooth is not used), and the SoC watchdog on (systemd feeds it).
boot="${ROOTFS_DIR}/boot/firmware"
if [ -f "${boot}/cmdline.txt" ]; then
	sed -i -e 's/console=serial0,[0-9]* //' -e 's/console=ttyAMA0,[0-9]* //' "${boot}/cmdline.txt"
fi
if [ -f "${boot}/config.txt" ]; then
	for line in "enable_uart=1" "dtoverlay=disable-bt" "dtparam=watchdog=on"; do
		grep -qx "${line}" "${boot}/config.txt" || echo "${line}" >>"${boot}/config.txt"
	done
fi
