"""A good provisioning file for the image's twins: one supervisor, a fresh office key."""

from __future__ import annotations

from pyrage import x25519

from station.access.pins import hash_pin

SUPERVISOR = "siti"
SUPERVISOR_PIN = "246813"


def provisioning_text(station_id: str) -> str:
    office = x25519.Identity.generate().to_public()
    return f"""
[station]
id = "{station_id}"
[access_point]
ssid = "EKTP-TWIN"
passphrase = "twin-test-passphrase"
[mobile]
apn = "internet"
[upload]
collector_url = "https://collector.example/files"
office_recipient = "{office}"
[[operators]]
name = "{SUPERVISOR}"
role = "supervisor"
pin_hash = "{hash_pin(SUPERVISOR_PIN)}"
"""
