#!/bin/bash -e
# pi-gen chroot step (runs inside the image's root file system, offline): the station's
# system user, its virtualenv from the wheels copied by 00-run.sh, and the units.
# Also used as-is by the CI smoke test on a Debian twin.
set -e # pi-gen pipes this file into bash: the shebang is never read

station_user=ektp
venv=/opt/ektp-station/venv
wheels=/opt/ektp-station/wheels

# Raspberry Pi OS has all three groups; a Debian twin lacks "gpio".
for group in dialout gpio video; do
	getent group "${group}" >/dev/null || groupadd --system "${group}"
done
if ! getent passwd "${station_user}" >/dev/null; then
	useradd --system --user-group --no-create-home --home-dir /var/lib/ektp/station \
		--shell /usr/sbin/nologin --comment "e-KTP station" "${station_user}"
fi
usermod --append --groups dialout,gpio,video "${station_user}"

# System site packages: picamera2 and lgpio come from Raspberry Pi OS (apt), not PyPI.
if [ ! -x "${venv}/bin/python" ]; then
	python3 -m venv --system-site-packages "${venv}"
fi
"${venv}/bin/pip" install --no-index --find-links "${wheels}" --no-cache-dir \
	--disable-pip-version-check ektp-station
# The root may be read-only at run time: compile now rather than never.
"${venv}/bin/python" -m compileall -q "${venv}" >/dev/null || true
rm -rf "${wheels}"
ln -sfn "${venv}/bin/station" /usr/local/bin/station
# The station's config is written by provisioning on the data partition; the link makes
# it the default for `station run` and for a technician's `sudo station doctor`.
install -d -m 0755 /etc/station
ln -sfn /var/lib/ektp/config/station.toml /etc/station/station.toml

install -d -m 0755 /var/lib/ektp /boot/firmware
if ! grep -q "LABEL=ektp-data" /etc/fstab; then
	# nofail: a card whose data partition is missing or broken still boots to a login
	# prompt and a journal for the technician; the station itself refuses to start
	# (RequiresMountsFor), and so do the tablets' Wi-Fi and 4G, whose keyfiles live there.
	echo "LABEL=ektp-data /var/lib/ektp ext4 defaults,noatime,commit=5,nofail,x-systemd.device-timeout=20s 0 2" >>/etc/fstab
fi

systemctl enable ektp-provision.service ektp-station.service ektp-grow-data.service \
	ektp-save-clock.timer nftables.service NetworkManager.service ModemManager.service \
	systemd-timesyncd.service
# Trixie's fake-hwclock restores the time before any mount: replaced by ours, which waits
# for the data partition, where the time is saved.
systemctl enable fake-hwclock-load.service
# ektp-save-clock (durable: temporary name, fsync, rename) saves the time to the data
# partition every 15 minutes (its timer) and at shutdown. The package's own saves write
# the file in place, so a power cut mid-save would empty it; its hourly cron job even
# ignores /etc/default/fake-hwclock and would write the root.
systemctl enable ektp-save-clock-at-shutdown.service
systemctl mask fake-hwclock-save.service fake-hwclock-save.timer
rm -f /etc/cron.hourly/fake-hwclock
# Bluetooth would hold the PL011 UART the fingerprint module needs (dtoverlay=disable-bt).
if [ -f /lib/systemd/system/hciuart.service ]; then
	systemctl disable hciuart.service
fi
