"""Keys, sealed records, signed batches and acknowledgements, on real files."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import stat
import tarfile
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exchange.ack import sign_ack, verify_ack
from exchange.batch import SealedRecord, verify_batch, write_batch
from exchange.errors import SealingError
from exchange.keys import ensure_signing_key
from exchange.seal import open_record, parse_recipients, seal_record
from tests.upload_support import STATION_ID, enrollment


def test_signing_key_is_created_private_and_reloaded(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "keys" / "station.pem"
    key = ensure_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = ensure_signing_key(path)
    assert again.sign(b"x") == key.sign(b"x")  # Ed25519 is deterministic: same key
    secret = path.read_text()
    assert secret.splitlines()[1] not in caplog.text


def test_permissive_key_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "station.pem"
    ensure_signing_key(path)
    os.chmod(path, 0o644)
    ensure_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "station.pem"
    path.write_text("not a key")
    with pytest.raises(SealingError) as caught:
        ensure_signing_key(path)
    assert caught.value.code == "signing_key_unreadable"
    assert "not a key" not in str(caught.value)


def test_recipients_are_checked() -> None:
    with pytest.raises(SealingError) as caught:
        parse_recipients(["# office", ""])
    assert caught.value.code == "no_recipient"
    with pytest.raises(SealingError) as caught:
        parse_recipients(["age1notavalidrecipient"])
    assert caught.value.code == "recipient_invalid"


def _office() -> tuple[pyrage.x25519.Identity, list[pyrage.x25519.Recipient]]:
    identity = pyrage.x25519.Identity.generate()
    return identity, parse_recipients([str(identity.to_public())])


def test_sealed_record_opens_only_with_the_office_identity() -> None:
    identity, recipients = _office()
    record, attachments = enrollment(3)
    sealed = seal_record(record, attachments, recipients)
    assert record["nik"].encode() not in sealed.ciphertext
    assert attachments["photo.jpg"][:64] not in sealed.ciphertext
    opened = open_record(sealed.ciphertext, identity)
    assert json.loads(opened.pop("record.json")) == record
    assert opened == attachments
    stranger, _ = _office()
    with pytest.raises(SealingError) as caught:
        open_record(sealed.ciphertext, stranger)
    assert caught.value.code == "decrypt_failed"


def test_attachment_names_cannot_escape_a_folder(tmp_path: Path) -> None:
    _, recipients = _office()
    with pytest.raises(SealingError):
        seal_record({}, {"../evil.jpg": b"x"}, recipients)
    sealed = seal_record({}, {}, recipients)
    with pytest.raises(SealingError):
        write_batch(
            tmp_path / "b.tar",
            STATION_ID,
            "B1",
            [SealedRecord("../R1", "V1", sealed.ciphertext)],
            Ed25519PrivateKey.generate(),
        )


def _batch(tmp_path: Path, key: Ed25519PrivateKey, count: int = 3) -> tuple[Path, dict]:
    _, recipients = _office()
    records = [
        SealedRecord(f"R{i}", f"V{i % 2}", seal_record(*enrollment(i), recipients).ciphertext)
        for i in range(count)
    ]
    path = tmp_path / "B1.tar"
    return path, write_batch(path, STATION_ID, "B1", records, key)


def test_batch_manifest_describes_and_verifies(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path, manifest = _batch(tmp_path, key)
    assert manifest["record_count"] == 3
    assert manifest["record_counts"] == {"V0": 2, "V1": 1}
    assert manifest["visit_ids"] == ["V0", "V1"]
    verified = verify_batch(path, {STATION_ID: key.public_key()})
    whole = hashlib.sha256(b"".join(verified.records.values())).hexdigest()
    assert verified.manifest["ciphertext_sha256"] == whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["B1.tar"]  # no temp file left


def _rewrite_member(path: Path, name: str, mutate) -> None:
    with tarfile.open(path) as archive:
        members = [(info, archive.extractfile(info).read()) for info in archive]
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as archive:
        for info, data in members:
            if info.name == name:
                data = mutate(data)
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_tampered_ciphertext_is_rejected(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path, _ = _batch(tmp_path, key)
    _rewrite_member(path, "records/R1.age", lambda d: d[:-1] + bytes([d[-1] ^ 1]))
    with pytest.raises(SealingError) as caught:
        verify_batch(path, {STATION_ID: key.public_key()})
    assert caught.value.code == "hash_mismatch"


def test_wrong_signature_and_unknown_station_are_rejected(tmp_path: Path) -> None:
    key, impostor = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    path, _ = _batch(tmp_path, impostor)
    with pytest.raises(SealingError) as caught:
        verify_batch(path, {STATION_ID: key.public_key()})
    assert caught.value.code == "bad_signature"
    with pytest.raises(SealingError) as caught:
        verify_batch(path, {"OTHER-STATION": key.public_key()})
    assert caught.value.code == "unknown_station"


def test_edited_manifest_breaks_the_signature(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path, _ = _batch(tmp_path, key)
    _rewrite_member(
        path, "manifest.json", lambda d: d.replace(b'"record_count":3', b'"record_count":2')
    )
    with pytest.raises(SealingError) as caught:
        verify_batch(path, {STATION_ID: key.public_key()})
    assert caught.value.code == "bad_signature"


def test_ack_verifies_and_forgeries_do_not(tmp_path: Path) -> None:
    collector = Ed25519PrivateKey.generate()
    manifest = {
        "batch_id": "B1",
        "station_id": STATION_ID,
        "ciphertext_sha256": "ab" * 32,
        "record_count": 3,
    }
    token = sign_ack(collector, manifest)
    ack = verify_ack(token, collector.public_key(), "B1", "ab" * 32)
    assert (ack.batch_id, ack.record_count) == ("B1", 3)
    forged = sign_ack(Ed25519PrivateKey.generate(), manifest)
    for bad, batch_id in [(forged, "B1"), (token, "B2"), ("garbage", "B1"), (token[:-4], "B1")]:
        with pytest.raises(SealingError) as caught:
            verify_ack(bad, collector.public_key(), batch_id, "ab" * 32)
        assert caught.value.code == "ack_invalid"
