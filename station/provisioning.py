"""First-boot provisioning: turn a freshly flashed card into one particular station.

The technician writes `ektp-provision.toml` onto the card's boot partition (FAT, readable
from any laptop). At boot, a oneshot unit runs `station provision --file ...`, which:

1. reads and validates the file; every problem is reported with the field it concerns,
   in Bahasa Indonesia and English, all at once (a technician in the field fixes the
   file once, not once per error);
2. applies it: the station's config, the NetworkManager keyfiles (access point and 4G),
   the operators and their PIN hashes, and the station's Ed25519 signing key (created
   once, kept on re-provisioning);
3. records the outcome on the data partition (`provisioning/state.json`, no secrets),
   which `/api/health` and the status lights read;
4. removes the secrets from the boot partition: the file is overwritten and deleted,
   and a summary without secrets (including the station's public key, which the office
   registers) is left for the technician.

A missing or invalid file leaves the station "not provisioned": it still starts, shows
the NOT_PROVISIONED light pattern and says why on `/api/health`. An invalid file stays on
the card next to `ektp-provision-errors.txt` so the technician can correct it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization

from peripherals.device import Text
from station import network_keyfiles
from station.sealing.keys import ensure_signing_key

PROVISIONING_FILE_NAME = "ektp-provision.toml"
ERRORS_FILE_NAME = "ektp-provision-errors.txt"
SUMMARY_FILE_NAME = "ektp-provisioned.txt"
DEFAULT_BOOT_DIR = Path("/boot/firmware")
DEFAULT_DATA_ROOT = Path("/var/lib/ektp")

ROLES = ("operator", "supervisor")
_STATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$")
_OPERATOR_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
_APN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$")
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
_MAX_FILE_BYTES = 64 * 1024


# ---------------------------------------------------------------- the file's content


@dataclass(frozen=True)
class Problem:
    field: str  # dotted path in the file, e.g. "access_point.passphrase"
    text: Text

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "id": self.text.id, "en": self.text.en}


class ProvisioningInvalid(Exception):
    """The provisioning file cannot be applied; `problems` says why, field by field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.text.en}" for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class OperatorSeed:
    id: str
    name: str
    role: str  # "operator" | "supervisor"
    pin_hash: str  # argon2 hash; the PIN itself never travels on the card

    def __repr__(self) -> str:  # keep hashes out of logs and tracebacks
        return f"OperatorSeed(id={self.id!r}, name={self.name!r}, role={self.role!r})"


@dataclass(frozen=True)
class Provisioning:
    station_id: str
    ap_ssid: str
    ap_passphrase: str = field(repr=False)
    ap_channel: int
    apn: str
    apn_username: str
    apn_password: str = field(repr=False)
    collector_url: str
    office_recipient: str
    collector_ack_key: str
    operators: tuple[OperatorSeed, ...]


class _Reader:
    """Pulls typed values out of the parsed TOML, collecting every problem on the way."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[Problem] = []

    def problem(self, where: str, id_text: str, en_text: str) -> None:
        self.problems.append(Problem(where, Text(id_text, en_text)))

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name)
        if value is None:
            self.problem(name, f"Bagian [{name}] tidak ada.", f"The [{name}] section is missing.")
            return {}
        if not isinstance(value, Mapping):
            self.problem(name, f"[{name}] harus berupa bagian.", f"[{name}] must be a section.")
            return {}
        return value

    def text(
        self, table: Mapping[str, Any], section: str, key: str, *, required: bool = True
    ) -> str:
        where = f"{section}.{key}"
        value = table.get(key)
        if value is None or value == "":
            if required:
                self.problem(where, f"{where} wajib diisi.", f"{where} is required.")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"{where} harus berupa teks.", f"{where} must be text.")
            return ""
        return value.strip()


def _check_station(r: _Reader) -> str:
    station_id = r.text(r.table("station"), "station", "id")
    if station_id and not _STATION_ID.match(station_id):
        r.problem(
            "station.id",
            "station.id: 3-40 huruf/angka, boleh titik, garis bawah dan tanda hubung.",
            "station.id: 3-40 letters/digits; dots, underscores and hyphens allowed.",
        )
    return station_id


def _check_access_point(r: _Reader) -> tuple[str, str, int]:
    ap = r.table("access_point")
    ssid = r.text(ap, "access_point", "ssid")
    if ssid and (
        len(ssid.encode()) > 32 or not _PRINTABLE_ASCII.match(ssid) or any(c in ssid for c in ";\\")
    ):
        r.problem(
            "access_point.ssid",
            "Nama Wi-Fi (SSID) maksimal 32 karakter ASCII, tanpa ';' dan '\\'.",
            "The Wi-Fi name (SSID) is at most 32 ASCII characters, without ';' and '\\'.",
        )
    passphrase = ap.get("passphrase")
    if not isinstance(passphrase, str) or not passphrase:
        r.problem(
            "access_point.passphrase",
            "Kata sandi Wi-Fi wajib diisi.",
            "The Wi-Fi passphrase is required.",
        )
        passphrase = ""
    elif not (8 <= len(passphrase) <= 63) or not _PRINTABLE_ASCII.match(passphrase):
        r.problem(
            "access_point.passphrase",
            "Kata sandi Wi-Fi (WPA2) harus 8-63 karakter ASCII yang dapat dicetak.",
            "The Wi-Fi (WPA2) passphrase must be 8-63 printable ASCII characters.",
        )
    channel = ap.get("channel", 6)
    if isinstance(channel, bool) or not isinstance(channel, int) or not 1 <= channel <= 13:
        r.problem(
            "access_point.channel",
            "Kanal Wi-Fi harus angka 1-13.",
            "The Wi-Fi channel must be a number from 1 to 13.",
        )
        channel = 6
    return ssid, passphrase, channel


def _check_mobile(r: _Reader) -> tuple[str, str, str]:
    mobile = r.table("mobile")
    apn = r.text(mobile, "mobile", "apn")
    if apn and not _APN.match(apn):
        r.problem(
            "mobile.apn",
            "APN hanya huruf, angka, titik dan tanda hubung (contoh: internet).",
            "The APN is letters, digits, dots and hyphens only (e.g. internet).",
        )
    username = r.text(mobile, "mobile", "username", required=False)
    password = r.text(mobile, "mobile", "password", required=False)
    return apn, username, password


def _check_upload(r: _Reader) -> tuple[str, str, str]:
    upload = r.table("upload")
    url = r.text(upload, "upload", "collector_url")
    if url:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            r.problem(
                "upload.collector_url",
                "Alamat kolektor harus URL https:// lengkap.",
                "The collector address must be a full https:// URL.",
            )
    recipient = r.text(upload, "upload", "office_recipient")
    if recipient and not _is_age_recipient(recipient):
        r.problem(
            "upload.office_recipient",
            "Kunci penerima kantor harus kunci publik age (diawali age1...).",
            "The office recipient must be an age public key (starting with age1...).",
        )
    ack_key = r.text(upload, "upload", "collector_ack_key", required=False)
    if ack_key and not _is_ed25519_public_key(ack_key):
        r.problem(
            "upload.collector_ack_key",
            "Kunci tanda terima kolektor harus kunci publik Ed25519 (base64, 32 bita).",
            "The collector acknowledgement key must be an Ed25519 public key (base64, 32 bytes).",
        )
    return url, recipient, ack_key


def _check_operators(r: _Reader) -> tuple[OperatorSeed, ...]:
    raw = r.data.get("operators")
    if not isinstance(raw, list) or not raw:
        r.problem(
            "operators",
            "Minimal satu petugas ([[operators]]) wajib ada.",
            "At least one operator ([[operators]]) is required.",
        )
        return ()
    seeds: list[OperatorSeed] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        section = f"operators[{index}]"
        if not isinstance(entry, Mapping):
            r.problem(section, f"{section} harus berupa bagian.", f"{section} must be a section.")
            continue
        op_id = r.text(entry, section, "id")
        name = r.text(entry, section, "name")
        role = r.text(entry, section, "role", required=False) or "operator"
        pin_hash = r.text(entry, section, "pin_hash")
        if op_id and not _OPERATOR_ID.match(op_id):
            r.problem(
                f"{section}.id",
                f"{section}.id: 2-32 huruf kecil/angka, boleh titik, garis bawah, tanda hubung.",
                f"{section}.id: 2-32 lowercase letters/digits; dots, underscores, hyphens.",
            )
        if op_id in seen:
            r.problem(
                f"{section}.id",
                f"Petugas '{op_id}' disebut dua kali.",
                f"Operator '{op_id}' appears twice.",
            )
        seen.add(op_id)
        if role not in ROLES:
            r.problem(
                f"{section}.role",
                f"{section}.role harus 'operator' atau 'supervisor'.",
                f"{section}.role must be 'operator' or 'supervisor'.",
            )
        if pin_hash and not _is_argon2_hash(pin_hash):
            r.problem(
                f"{section}.pin_hash",
                f"{section}.pin_hash bukan hash argon2 (buat dengan 'station provision "
                "--hash-pin'); jangan tulis PIN apa adanya.",
                f"{section}.pin_hash is not an argon2 hash (make one with 'station provision "
                "--hash-pin'); never write the PIN itself.",
            )
        seeds.append(OperatorSeed(op_id, name, role, pin_hash))
    if seeds and not any(seed.role == "supervisor" for seed in seeds):
        r.problem(
            "operators",
            "Minimal satu petugas harus berperan 'supervisor' (menyetujui pengecualian).",
            "At least one operator must have the 'supervisor' role (approves exceptions).",
        )
    return tuple(seeds)


def parse_provisioning(text: str) -> Provisioning:
    """Validate the file's text; raise ProvisioningInvalid listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProvisioningInvalid(
            [
                Problem(
                    "file",
                    Text(
                        f"Berkas bukan TOML yang sah: {exc}. Periksa tanda kutip dan tanda '='.",
                        f"The file is not valid TOML: {exc}. Check quotes and '=' signs.",
                    ),
                )
            ]
        ) from None
    r = _Reader(data)
    station_id = _check_station(r)
    ssid, passphrase, channel = _check_access_point(r)
    apn, apn_user, apn_password = _check_mobile(r)
    url, recipient, ack_key = _check_upload(r)
    operators = _check_operators(r)
    if r.problems:
        raise ProvisioningInvalid(r.problems)
    return Provisioning(
        station_id=station_id,
        ap_ssid=ssid,
        ap_passphrase=passphrase,
        ap_channel=channel,
        apn=apn,
        apn_username=apn_user,
        apn_password=apn_password,
        collector_url=url,
        office_recipient=recipient,
        collector_ack_key=ack_key,
        operators=operators,
    )


def load_provisioning(path: Path) -> Provisioning:
    """Read and validate the file at `path` (bad bytes and a missing file are problems too)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProvisioningInvalid([_missing_file_problem(path)]) from None
    except OSError as exc:
        raise ProvisioningInvalid(
            [
                Problem(
                    "file",
                    Text(
                        f"Berkas {path} tidak dapat dibaca ({exc.strerror}).",
                        f"Cannot read {path} ({exc.strerror}).",
                    ),
                )
            ]
        ) from None
    if len(raw) > _MAX_FILE_BYTES:
        raise ProvisioningInvalid(
            [
                Problem(
                    "file",
                    Text("Berkas terlalu besar (maks 64 KiB).", "File too large (64 KiB max)."),
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")  # Windows editors like to add a BOM
    except UnicodeDecodeError:
        raise ProvisioningInvalid(
            [
                Problem(
                    "file",
                    Text(
                        "Berkas harus disimpan sebagai teks UTF-8.",
                        "The file must be saved as UTF-8 text.",
                    ),
                )
            ]
        ) from None
    return parse_provisioning(text)


def _missing_file_problem(path: Path) -> Problem:
    return Problem(
        "file",
        Text(
            f"Berkas provisioning {path} tidak ada. Salin {PROVISIONING_FILE_NAME} ke "
            "partisi boot kartu SD lalu nyalakan ulang.",
            f"The provisioning file {path} does not exist. Copy {PROVISIONING_FILE_NAME} to "
            "the SD card's boot partition and restart.",
        ),
    )


def _is_age_recipient(value: str) -> bool:
    from pyrage import x25519

    try:
        x25519.Recipient.from_str(value)
    except Exception:  # pyrage raises its own RecipientError (not an Exception subclass we name)
        return False
    return True


def _is_ed25519_public_key(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == 32
    except ValueError:
        return False


def _is_argon2_hash(value: str) -> bool:
    from argon2 import extract_parameters
    from argon2.exceptions import InvalidHashError

    if not value.startswith("$argon2"):
        return False
    try:
        extract_parameters(value)
    except InvalidHashError:
        return False
    return True


# ---------------------------------------------------------------- where things go


@dataclass(frozen=True)
class StationLayout:
    """Paths on the writable data partition (mounted at /var/lib/ektp on the Pi)."""

    root: Path = DEFAULT_DATA_ROOT

    @property
    def config_file(self) -> Path:  # written by root, readable by the station
        return self.root / "config" / "station.toml"

    @property
    def network_dir(self) -> Path:  # NetworkManager's keyfile path (see the image)
        return self.root / "network"

    @property
    def state_dir(self) -> Path:  # the station's own writable directory
        return self.root / "station"

    @property
    def signing_key_file(self) -> Path:
        return self.state_dir / "keys" / "station-signing.key"

    @property
    def status_file(self) -> Path:
        return self.root / "provisioning" / "state.json"


# ---------------------------------------------------------------- status


@dataclass(frozen=True)
class ProvisioningStatus:
    provisioned: bool
    station_id: str | None
    text: Text
    problems: tuple[Problem, ...] = ()
    applied_at: str | None = None
    public_key: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "provisioned": self.provisioned,
            "station_id": self.station_id,
            "message": {"id": self.text.id, "en": self.text.en},
            "problems": [p.as_json() for p in self.problems],
            "applied_at": self.applied_at,
            "public_key": self.public_key,
        }


_NEVER_PROVISIONED = Text(
    "Stasiun belum diprovisikan: belum ada berkas provisioning yang diterapkan.",
    "The station is not provisioned: no provisioning file has been applied.",
)
_PROVISIONING_REJECTED = Text(
    "Stasiun belum diprovisikan: berkas provisioning ditolak (lihat daftar masalah).",
    "The station is not provisioned: the provisioning file was rejected (see problems).",
)


def provisioning_status(layout: StationLayout) -> ProvisioningStatus:
    """What `/api/health` and the status lights report. Never raises."""
    try:
        record = json.loads(layout.status_file.read_text("utf-8"))
    except FileNotFoundError:
        return ProvisioningStatus(False, None, _NEVER_PROVISIONED)
    except (OSError, ValueError):
        return ProvisioningStatus(
            False,
            None,
            Text(
                "Catatan provisioning rusak; provisikan ulang stasiun.",
                "The provisioning record is damaged; provision the station again.",
            ),
        )
    if not isinstance(record, dict):
        record = {}
    station_id = record.get("station_id")
    if record.get("provisioned") is True and isinstance(station_id, str):
        missing = [p for p in (layout.config_file, layout.signing_key_file) if not p.exists()]
        if missing:
            return ProvisioningStatus(
                False,
                station_id,
                Text(
                    f"Stasiun belum siap: {missing[0]} hilang; provisikan ulang.",
                    f"The station is not ready: {missing[0]} is missing; provision it again.",
                ),
            )
        return ProvisioningStatus(
            True,
            station_id,
            Text(
                f"Stasiun {station_id} sudah diprovisikan.", f"Station {station_id} is provisioned."
            ),
            applied_at=record.get("applied_at"),
            public_key=record.get("public_key"),
        )
    problems = tuple(
        Problem(str(p.get("field", "file")), Text(str(p.get("id", "")), str(p.get("en", ""))))
        for p in record.get("problems", [])
        if isinstance(p, dict)
    )
    return ProvisioningStatus(
        False, None, _PROVISIONING_REJECTED if problems else _NEVER_PROVISIONED, problems
    )


# ---------------------------------------------------------------- applying


OperatorSink = Callable[[Sequence[OperatorSeed]], None]


@dataclass(frozen=True)
class Owner:
    """Who the station's files belong to (the station's system user); None in tests."""

    uid: int
    gid: int


def _write_atomic(path: Path, data: bytes, mode: int, owner: Owner | None = None) -> None:
    """Replace `path` so that a power cut leaves either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # O_CREAT's mode is filtered by the umask; this is not
        if owner is not None:
            os.fchown(fd, owner.uid, owner.gid)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid TOML basic string


def render_station_config(p: Provisioning, layout: StationLayout) -> str:
    """The provisioned part of the station's config (TOML)."""
    lines = [
        "# Written by `station provision`; re-provision instead of editing by hand.",
        "[station]",
        f"id = {_toml_string(p.station_id)}",
        f"data_dir = {_toml_string(str(layout.state_dir))}",
        "",
        "[upload]",
        f"collector_url = {_toml_string(p.collector_url)}",
        f"office_recipients = [{_toml_string(p.office_recipient)}]",
    ]
    if p.collector_ack_key:
        lines.append(f"collector_ack_key = {_toml_string(p.collector_ack_key)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class AppliedProvisioning:
    station_id: str
    public_key: str
    applied_at: str
    written: tuple[Path, ...]


def apply_provisioning(
    p: Provisioning,
    layout: StationLayout,
    store_operators: OperatorSink,
    *,
    owner: Owner | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> AppliedProvisioning:
    """Write everything the station needs; the status record is written last, so a power
    cut part-way leaves the station "not provisioned" and the next boot starts over."""
    written: list[Path] = []
    layout.status_file.unlink(missing_ok=True)

    # Root owns the config, the station's group may read it: the station cannot rewrite
    # its own identity or collector.
    config_owner = Owner(0, owner.gid) if owner is not None else None
    _write_atomic(
        layout.config_file, render_station_config(p, layout).encode(), 0o640, config_owner
    )
    written.append(layout.config_file)

    for keyfile in (
        network_keyfiles.access_point(p.station_id, p.ap_ssid, p.ap_passphrase, p.ap_channel),
        network_keyfiles.mobile(p.station_id, p.apn, p.apn_username, p.apn_password),
    ):
        target = layout.network_dir / keyfile.file_name
        _write_atomic(target, keyfile.text.encode(), 0o600)  # NM rejects anything looser
        written.append(target)

    layout.state_dir.mkdir(parents=True, exist_ok=True)
    if owner is not None:
        os.chown(layout.state_dir, owner.uid, owner.gid)
    key = ensure_signing_key(layout.signing_key_file)
    if owner is not None:
        os.chown(layout.signing_key_file.parent, owner.uid, owner.gid)
        os.chown(layout.signing_key_file, owner.uid, owner.gid)
    written.append(layout.signing_key_file)
    public_key = base64.b64encode(
        key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ).decode("ascii")

    store_operators(p.operators)

    applied_at = now().isoformat(timespec="seconds")
    record = {
        "provisioned": True,
        "station_id": p.station_id,
        "applied_at": applied_at,
        "public_key": public_key,
        "ssid": p.ap_ssid,
        "apn": p.apn,
        "collector_url": p.collector_url,
        "operators": [op.id for op in p.operators],
    }
    _write_atomic(layout.status_file, json.dumps(record, indent=2).encode(), 0o644)
    written.append(layout.status_file)
    return AppliedProvisioning(p.station_id, public_key, applied_at, tuple(written))


def record_rejection(layout: StationLayout, problems: Iterable[Problem]) -> None:
    """Remember why provisioning failed, for /api/health (an earlier success is kept)."""
    if provisioning_status(layout).provisioned:
        return
    record = {"provisioned": False, "problems": [p.as_json() for p in problems]}
    _write_atomic(layout.status_file, json.dumps(record, indent=2).encode(), 0o644)


# ---------------------------------------------------------------- the boot partition


def scrub_boot_file(path: Path) -> None:
    """Overwrite the provisioning file with zeros, then delete it. On flash the zeros may
    land elsewhere (wear levelling): best effort, but it beats leaving the text in place."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def write_boot_summary(boot_dir: Path, applied: AppliedProvisioning, p: Provisioning) -> Path:
    """A note without secrets for the technician (and the office: the public key)."""
    operators = ", ".join(f"{op.id} ({op.role})" for op in p.operators)
    text = "\n".join(
        [
            f"Stasiun / Station: {applied.station_id}",
            f"Diprovisikan / Provisioned at (UTC): {applied.applied_at}",
            f"Wi-Fi (SSID): {p.ap_ssid}",
            f"APN: {p.apn}",
            f"Kolektor / Collector: {p.collector_url}",
            f"Petugas / Operators: {operators}",
            "",
            "Kunci publik stasiun (daftarkan di kantor) /",
            "Station public key (register it at the office):",
            applied.public_key,
            "",
            "Kata sandi Wi-Fi dan hash PIN telah dihapus dari kartu ini.",
            "The Wi-Fi passphrase and PIN hashes have been removed from this card.",
            "",
        ]
    )
    target = boot_dir / SUMMARY_FILE_NAME
    _write_atomic(target, text.encode(), 0o644)
    (boot_dir / ERRORS_FILE_NAME).unlink(missing_ok=True)
    return target


def write_boot_errors(boot_dir: Path, problems: Sequence[Problem]) -> Path:
    lines = [
        "Provisioning GAGAL / FAILED. Perbaiki lalu nyalakan ulang / Fix and restart.",
        "",
    ]
    for problem in problems:
        lines += [f"- [{problem.field}]", f"  ID: {problem.text.id}", f"  EN: {problem.text.en}"]
    target = boot_dir / ERRORS_FILE_NAME
    _write_atomic(target, ("\n".join(lines) + "\n").encode(), 0o644)
    return target
