"""The station's own certificate authority, so tablets reach the API over TLS.

Operators type their PIN on a Wi-Fi whose WPA2 passphrase every tablet shares; anyone
holding it can decrypt the traffic. So the API is served over TLS with a certificate
issued by a CA made for this one station: the tablets trust that CA once (the setup page
serves it over plain HTTP, with its fingerprint to check), and then every PIN and token
travels encrypted.

The CA key stays in the station's TLS folder (0600) to renew the server certificate,
which lives a little over a year (the limit browsers apply) and is renewed at start when
it nears its end or its names change. A thief with the SD card could pose as this
station to tablets that trust its CA; remove that CA from the tablets (README)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from exchange.durable import write_atomic

CA_CERT, CA_KEY = "ca.crt", "ca.key"
SERVER_CERT, SERVER_KEY = "server.crt", "server.key"
CA_DAYS = 20 * 365
SERVER_DAYS = 397  # browsers refuse longer-lived server certificates
RENEW_DAYS = 60


@dataclass(frozen=True)
class StationTls:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / CA_CERT

    @property
    def cert(self) -> Path:
        return self.folder / SERVER_CERT

    @property
    def key(self) -> Path:
        return self.folder / SERVER_KEY

    def fingerprint(self) -> str:
        """SHA-256 of the CA certificate, as the tablet's install dialog shows it."""
        cert = x509.load_pem_x509_certificate(self.ca_cert.read_bytes())
        digest = cert.fingerprint(hashes.SHA256()).hex().upper()
        return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _names(names: Sequence[str]) -> list[x509.GeneralName]:
    general: list[x509.GeneralName] = []
    for name in names:
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name))
    return general


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    """A CA signs certificates only; the server certificate signs TLS handshakes only."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _make_ca(folder: Path, station_id: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Perekaman KTP-el"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Stasiun {station_id} CA"),
        ]
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))  # a station clock a little behind
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_atomic(folder / CA_KEY, _key_pem(key), 0o600)
    write_atomic(folder / CA_CERT, cert.public_bytes(serialization.Encoding.PEM), 0o600)
    return key, cert


def _issue(
    folder: Path, ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, names: Sequence[str]
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=SERVER_DAYS - 1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(_names(names)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    write_atomic(folder / SERVER_KEY, _key_pem(key), 0o600)
    write_atomic(folder / SERVER_CERT, cert.public_bytes(serialization.Encoding.PEM), 0o600)


def _server_current(folder: Path, ca: x509.Certificate, names: Sequence[str]) -> bool:
    try:
        cert = x509.load_pem_x509_certificate((folder / SERVER_CERT).read_bytes())
        serialization.load_pem_private_key((folder / SERVER_KEY).read_bytes(), None)
        cert.verify_directly_issued_by(ca)
        held = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound):
        return False
    fresh = cert.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_DAYS)
    return fresh and set(held) == set(_names(names))


def ensure_tls(folder: Path, station_id: str, names: Sequence[str]) -> StationTls:
    """The station's CA (made once) and a current server certificate for `names`."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        ca_key = serialization.load_pem_private_key((folder / CA_KEY).read_bytes(), None)
        ca = x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())
        if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
            raise ValueError("not an EC key")
    except (OSError, ValueError, TypeError):
        # No CA yet (or a damaged one): a new CA, which every tablet must trust again.
        ca_key, ca = _make_ca(folder, station_id)
    if not _server_current(folder, ca, names):
        _issue(folder, ca_key, ca, names)
    return StationTls(folder)
