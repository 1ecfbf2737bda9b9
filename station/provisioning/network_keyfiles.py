"""NetworkManager keyfiles for the station's two links.

- `ektp-ap`: the WPA2 access point the tablets join. `ipv4.method=shared` makes
  NetworkManager run its own dnsmasq (package dnsmasq-base) for DHCP and DNS on a fixed
  subnet, which the nftables firewall trusts for the API and nothing else.
- `ektp-gsm`: the 4G modem through ModemManager, used only for the day's upload.

The files are written by provisioning into the directory NetworkManager is told to read
(`[keyfile] path=` in the image's NetworkManager.conf.d), on the writable data partition,
so the root file system can stay read-only. NetworkManager ignores keyfiles that are not
owned by root with mode 0600, so the writer must keep both.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

AP_CONNECTION = "ektp-ap"
GSM_CONNECTION = "ektp-gsm"
AP_INTERFACE = "wlan0"
# A fixed, rarely used private subnet: the firewall and the tablets' bookmark rely on it.
AP_ADDRESS = "10.48.0.1"
AP_PREFIX = 24
AP_SUBNET = "10.48.0.0/24"

# Deterministic UUIDs: re-provisioning replaces the same connection instead of adding
# a second one with the same name.
_UUID_NAMESPACE = uuid.UUID("6c1f3c2e-4b1d-5e0a-9f57-2d3b8e1a7c40")


@dataclass(frozen=True)
class Keyfile:
    name: str  # file name without the .nmconnection suffix
    text: str

    @property
    def file_name(self) -> str:
        return f"{self.name}.nmconnection"


def escape_value(value: str) -> str:
    """Escape a string for a GKeyFile value (the format NetworkManager keyfiles use)."""
    out = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    if out.startswith(" "):
        out = "\\s" + out[1:]
    return out


def _render(sections: dict[str, dict[str, str]]) -> str:
    blocks = []
    for section, values in sections.items():
        lines = [f"[{section}]"] + [f"{key}={escape_value(val)}" for key, val in values.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def connection_uuid(station_id: str, connection: str) -> str:
    return str(uuid.uuid5(_UUID_NAMESPACE, f"{station_id}/{connection}"))


def access_point(station_id: str, ssid: str, passphrase: str, channel: int) -> Keyfile:
    return Keyfile(
        AP_CONNECTION,
        _render(
            {
                "connection": {
                    "id": AP_CONNECTION,
                    "uuid": connection_uuid(station_id, AP_CONNECTION),
                    "type": "wifi",
                    "interface-name": AP_INTERFACE,
                    "autoconnect": "true",
                    "autoconnect-priority": "100",
                },
                "wifi": {
                    "mode": "ap",
                    "ssid": ssid,
                    "band": "bg",
                    "channel": str(channel),
                    # The tablets' Wi-Fi must not drop off while the operator waits.
                    "powersave": "2",
                },
                "wifi-security": {
                    "key-mgmt": "wpa-psk",
                    "proto": "rsn",
                    "pairwise": "ccmp",
                    "group": "ccmp",
                    "psk": passphrase,
                    # Protected management frames off, as NetworkManager's own hotspot does:
                    # the Pi's brcmfmac driver cannot offer them in access-point mode.
                    "pmf": "1",
                },
                "ipv4": {"method": "shared", "address1": f"{AP_ADDRESS}/{AP_PREFIX}"},
                "ipv6": {"method": "disabled"},
            }
        ),
    )


def mobile(station_id: str, apn: str, username: str = "", password: str = "") -> Keyfile:
    gsm = {"apn": apn}
    if username:
        gsm["username"] = username
    if password:
        gsm["password"] = password
    return Keyfile(
        GSM_CONNECTION,
        _render(
            {
                "connection": {
                    "id": GSM_CONNECTION,
                    "uuid": connection_uuid(station_id, GSM_CONNECTION),
                    "type": "gsm",
                    "autoconnect": "true",
                    # Keep retrying: the school may have no signal until the van leaves.
                    "autoconnect-retries": "0",
                },
                "gsm": gsm,
                "ipv4": {"method": "auto", "route-metric": "700"},
                "ipv6": {"method": "auto", "addr-gen-mode": "stable-privacy"},
            }
        ),
    )
