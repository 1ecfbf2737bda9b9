"""The collector's signed acknowledgement of a batch.

Compact form, safe in an HTTP header: `<base64url(payload JSON)>.<base64url(sig)>`,
the Ed25519 signature covering the payload bytes exactly. The station deletes its
sealed copy only after `verify_ack` accepts an acknowledgement for the very batch id
and ciphertext hash it sent.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from exchange.errors import SealingError
from exchange.keys import verify_signature
from exchange.messages import ACK_NOT_VALID_DATA_KEPT


@dataclass(frozen=True)
class Acknowledgement:
    batch_id: str
    station_id: str
    ciphertext_sha256: str
    record_count: int
    received_at: str
    token: str  # the compact signed form, kept as proof


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_ack(key: Ed25519PrivateKey, manifest: dict[str, Any]) -> str:
    payload = {
        "type": "ektp-batch-ack/1",
        "batch_id": manifest["batch_id"],
        "station_id": manifest["station_id"],
        "ciphertext_sha256": manifest["ciphertext_sha256"],
        "record_count": manifest["record_count"],
        "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return f"{_b64(body)}.{_b64(key.sign(body))}"


def _forged() -> SealingError:
    return SealingError("ack_invalid", ACK_NOT_VALID_DATA_KEPT)


def claimed_batch_id(token: str) -> str | None:
    """The batch an acknowledgement says it is for, read WITHOUT trusting it: only to
    find which batch to verify it against."""
    try:
        payload = json.loads(_unb64(token.strip().split(".")[0]))
        return str(payload["batch_id"])
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error):
        return None


def verify_ack(
    token: str, collector_key: Ed25519PublicKey, batch_id: str, ciphertext_sha256: str
) -> Acknowledgement:
    try:
        body_part, sig_part = token.strip().split(".")
        body, signature = _unb64(body_part), _unb64(sig_part)
    except (ValueError, binascii.Error) as exc:
        raise _forged() from exc
    if not verify_signature(collector_key, signature, body):
        raise _forged()
    try:
        payload = json.loads(body)
        ack = Acknowledgement(
            batch_id=str(payload["batch_id"]),
            station_id=str(payload["station_id"]),
            ciphertext_sha256=str(payload["ciphertext_sha256"]),
            record_count=int(payload["record_count"]),
            received_at=str(payload["received_at"]),
            token=token.strip(),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise _forged() from exc
    # A genuine ack for another batch must not release this one.
    if ack.batch_id != batch_id or ack.ciphertext_sha256 != ciphertext_sha256:
        raise _forged()
    return ack
