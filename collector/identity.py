"""The collector's keys and its register of stations.

Identity file (JSON, mode 0600): the office's age X25519 identity, which opens
sealed records, and the Ed25519 key that signs acknowledgements. Stations file
(TOML): `[stations]` mapping each station id to its Ed25519 public key (base64), and
`[revoked]` mapping a station id to a note (date, reason). A station's signing key sits
on its SD card: once a card or station is stolen, whoever holds it can sign batches as
that station, so the office revokes it and the collector refuses every batch it sends
from then on (batches received before stay valid).
"""

from __future__ import annotations

import base64
import json
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyrage
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from collector.messages import (
    identity_file_unreadable,
    station_not_registered,
    station_register_unreadable,
    station_revoked,
)
from exchange.durable import create_exclusive
from exchange.errors import SealingError
from exchange.keys import load_public_key, public_key_text
from peripherals.device import Text


@dataclass(frozen=True)
class CollectorIdentity:
    age_identity: pyrage.x25519.Identity
    ack_key: Ed25519PrivateKey

    @property
    def recipient(self) -> str:
        return str(self.age_identity.to_public())

    @property
    def ack_public_key(self) -> str:
        return public_key_text(self.ack_key)


def generate_identity(path: Path) -> CollectorIdentity:
    """Create a new identity file; refuses to overwrite an existing one."""
    identity = CollectorIdentity(pyrage.x25519.Identity.generate(), Ed25519PrivateKey.generate())
    raw = identity.ack_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    document = {
        "age_identity": str(identity.age_identity),
        "ack_signing_key": base64.b64encode(raw).decode("ascii"),
        "age_recipient": identity.recipient,
        "ack_public_key": identity.ack_public_key,
    }
    if not create_exclusive(Path(path), json.dumps(document, indent=2).encode(), 0o600):
        raise FileExistsError(str(path))
    return identity


def load_identity(path: Path) -> CollectorIdentity:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        age_identity = pyrage.x25519.Identity.from_str(document["age_identity"])
        ack_key = Ed25519PrivateKey.from_private_bytes(
            base64.b64decode(document["ack_signing_key"], validate=True)
        )
    except (OSError, ValueError, KeyError, TypeError, pyrage.IdentityError) as exc:
        raise SealingError("identity_unreadable", identity_file_unreadable(path)) from exc
    return CollectorIdentity(age_identity, ack_key)


class StationRegister(Mapping[str, Ed25519PublicKey]):
    """The stations whose batches the office accepts (a mapping of id -> public key),
    and the revoked ones, which are never in the mapping however the file lists them."""

    def __init__(
        self, keys: Mapping[str, Ed25519PublicKey], revoked: Mapping[str, str] | None = None
    ) -> None:
        self.revoked = dict(revoked or {})
        self._keys = {sid: key for sid, key in keys.items() if sid not in self.revoked}

    def __getitem__(self, station_id: str) -> Ed25519PublicKey:
        return self._keys[station_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def refusal(self, station_id: str) -> Text | None:
        """Why a batch from `station_id` is refused, or None when it is accepted."""
        if station_id in self.revoked:
            return station_revoked(station_id, self.revoked[station_id])
        if station_id not in self._keys:
            return station_not_registered(station_id)
        return None


def load_stations(path: Path) -> StationRegister:
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        table = document["stations"]
        revoked = document.get("revoked", {})
        return StationRegister(
            {str(station): load_public_key(str(key)) for station, key in table.items()},
            {str(station): str(note) for station, note in revoked.items()},
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, AttributeError) as exc:
        raise SealingError("stations_unreadable", station_register_unreadable(path)) from exc


def stations_toml(stations: dict[str, str]) -> str:
    """Render a stations file; used by provisioning and tests."""
    lines = ["[stations]"] + [f'"{sid}" = "{key}"' for sid, key in sorted(stations.items())]
    return "\n".join(lines) + "\n"
