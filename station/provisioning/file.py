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
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from peripherals.device import Text
from station.access.operators import ROLES
from station.access.pins import pin_hash_problem
from station.config import StationConfig, loads_toml
from station.messages import (
    APN_INVALID,
    COLLECTOR_ACK_KEY_NOT_ED25519,
    COLLECTOR_URL_NOT_HTTPS,
    NO_OPERATORS,
    NO_SUPERVISOR,
    NOT_PROVISIONED_NO_FILE,
    NOT_PROVISIONED_REJECTED,
    OFFICE_RECIPIENT_NOT_AGE_KEY,
    PROVISIONING_FILE_NOT_UTF8,
    PROVISIONING_FILE_TOO_LARGE,
    PROVISIONING_RECORD_DAMAGED,
    SETTINGS_NOT_PLAIN,
    STATION_ID_MALFORMED,
    WIFI_CHANNEL_INVALID,
    WIFI_NAME_INVALID,
    WIFI_PASSPHRASE_INVALID,
    field_control_characters,
    field_not_text,
    field_required,
    not_a_section,
    operator_listed_twice,
    operator_login_name_malformed,
    operator_pin_hash_not_argon2,
    operator_pin_hash_unusable,
    operator_role_not_one_of,
    provisioning_file_missing,
    provisioning_file_not_toml,
    provisioning_file_unreadable,
    section_missing,
    setting_invalid,
    setting_owned_by_file,
    station_file_missing,
    station_provisioned,
)
from station.plain_text import has_control

PROVISIONING_FILE_NAME = "ektp-provision.toml"
ERRORS_FILE_NAME = "ektp-provision-errors.txt"
SUMMARY_FILE_NAME = "ektp-provisioned.txt"
DEFAULT_DATA_ROOT = Path("/var/lib/ektp")

_STATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")  # fits config station.id
_OPERATOR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$")
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
    name: str  # the login name typed on the tablet
    role: str  # one of ROLES
    pin_hash: str = field(repr=False)  # argon2; the PIN itself never travels on the card


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
    # `[config]`: any other station setting for this station's hardware, e.g.
    # [config.devices.printer] adapter = "serial". Validated against the station's config.
    settings: Mapping[str, Any] = field(default_factory=dict)


_ABSENT: Mapping[str, Any] = MappingProxyType({})


class _Reader:
    """Pulls typed values out of the parsed TOML, collecting every problem on the way."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[Problem] = []

    def problem(self, where: str, text: Text) -> None:
        self.problems.append(Problem(where, text))

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name)
        if value is None:
            self.problem(name, section_missing(name))
            return _ABSENT
        if not isinstance(value, Mapping):
            self.problem(name, not_a_section(f"[{name}]"))
            return _ABSENT
        return value

    def text(
        self,
        table: Mapping[str, Any],
        section: str,
        key: str,
        *,
        required: bool = True,
        strip: bool = True,
    ) -> str:
        where = f"{section}.{key}"
        if table is _ABSENT:
            return ""  # the missing section is the one problem worth reporting
        value = table.get(key)
        if value is None or value == "":
            if required:
                self.problem(where, field_required(where))
            return ""
        if not isinstance(value, str):
            self.problem(where, field_not_text(where))
            return ""
        if has_control(value):
            self.problem(where, field_control_characters(where))
            return ""
        return value.strip() if strip else value


def _check_station(r: _Reader) -> str:
    station_id = r.text(r.table("station"), "station", "id")
    if station_id and not _STATION_ID.match(station_id):
        r.problem("station.id", STATION_ID_MALFORMED)
    return station_id


def _check_access_point(r: _Reader) -> tuple[str, str, int]:
    ap = r.table("access_point")
    ssid = r.text(ap, "access_point", "ssid")
    if ssid and (
        len(ssid.encode()) > 32 or not _PRINTABLE_ASCII.match(ssid) or any(c in ssid for c in ";\\")
    ):
        r.problem("access_point.ssid", WIFI_NAME_INVALID)
    passphrase = r.text(ap, "access_point", "passphrase", strip=False)
    if passphrase and (not 8 <= len(passphrase) <= 63 or not _PRINTABLE_ASCII.match(passphrase)):
        r.problem("access_point.passphrase", WIFI_PASSPHRASE_INVALID)
    channel = ap.get("channel", 6)
    if isinstance(channel, bool) or not isinstance(channel, int) or not 1 <= channel <= 13:
        r.problem("access_point.channel", WIFI_CHANNEL_INVALID)
        channel = 6
    return ssid, passphrase, channel


def _check_mobile(r: _Reader) -> tuple[str, str, str]:
    mobile = r.table("mobile")
    apn = r.text(mobile, "mobile", "apn")
    if apn and not _APN.match(apn):
        r.problem("mobile.apn", APN_INVALID)
    username = r.text(mobile, "mobile", "username", required=False)
    password = r.text(mobile, "mobile", "password", required=False)
    return apn, username, password


def _check_upload(r: _Reader) -> tuple[str, str, str]:
    upload = r.table("upload")
    url = r.text(upload, "upload", "collector_url")
    if url:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            r.problem("upload.collector_url", COLLECTOR_URL_NOT_HTTPS)
    recipient = r.text(upload, "upload", "office_recipient")
    if recipient and not _is_age_recipient(recipient):
        r.problem("upload.office_recipient", OFFICE_RECIPIENT_NOT_AGE_KEY)
    ack_key = r.text(upload, "upload", "collector_ack_key", required=False)
    if ack_key and not _is_ed25519_public_key(ack_key):
        r.problem("upload.collector_ack_key", COLLECTOR_ACK_KEY_NOT_ED25519)
    return url, recipient, ack_key


def _check_operators(r: _Reader) -> tuple[OperatorSeed, ...]:
    raw = r.data.get("operators")
    if not isinstance(raw, list) or not raw:
        r.problem("operators", NO_OPERATORS)
        return ()
    seeds: list[OperatorSeed] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        section = f"operators[{index}]"
        if not isinstance(entry, Mapping):
            r.problem(section, not_a_section(section))
            continue
        name = r.text(entry, section, "name")
        role = r.text(entry, section, "role", required=False) or "operator"
        pin_hash = r.text(entry, section, "pin_hash")
        if name and not _OPERATOR_NAME.match(name):
            r.problem(f"{section}.name", operator_login_name_malformed(section))
        if name in seen:
            r.problem(f"{section}.name", operator_listed_twice(name))
        seen.add(name)
        if role not in ROLES:
            r.problem(f"{section}.role", operator_role_not_one_of(section, ROLES))
        if pin_hash and not _is_argon2_hash(pin_hash):
            r.problem(f"{section}.pin_hash", operator_pin_hash_not_argon2(section))
        elif pin_hash and (problem := pin_hash_problem(pin_hash)):
            # Taken as it is, the operator could never log in (or each login would
            # exhaust the station's memory).
            r.problem(f"{section}.pin_hash", operator_pin_hash_unusable(section, problem))
        seeds.append(OperatorSeed(name, role, pin_hash))
    if seeds and not any(seed.role == "supervisor" for seed in seeds):
        r.problem("operators", NO_SUPERVISOR)
    return tuple(seeds)


# Config keys the provisioning file sets through its own sections; [config] may set any
# other key, including the rest of these sections (e.g. [config.upload] ack_url).
OWNED_SETTINGS = (
    "data_dir",
    "station.id",
    "provisioning",
    "sealing.recipients",
    "upload.collector_url",
    "upload.collector_ack_key",
)
_TOML_SCALARS = (str, int, float, bool)


def _dates_as_text(value: object) -> object:
    """TOML dates, datetimes and times as the ISO text the station's config reads them
    from: the shipped example writes `cutoff_date = 2029-02-14` unquoted, and the config
    the station writes back holds text (a quoted date is read the same)."""
    if isinstance(value, Mapping):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat()
    return value


def _plain(value: object) -> bool:
    """Whether a value can be written back as TOML by the station (no arrays of tables):
    strings, numbers, booleans, lists of those, and tables of all these."""
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(isinstance(item, _TOML_SCALARS) for item in value)
    return isinstance(value, _TOML_SCALARS)


def _has_dotted(table: Mapping[str, Any], dotted: str) -> bool:
    head, _, rest = dotted.partition(".")
    if head not in table:
        return False
    return not rest or (isinstance(table[head], Mapping) and _has_dotted(table[head], rest))


def _check_settings(r: _Reader) -> Mapping[str, Any]:
    raw = _dates_as_text(r.data.get("config", {}))
    if not isinstance(raw, Mapping) or not _plain(raw):
        r.problem("config", SETTINGS_NOT_PLAIN)
        return {}
    for key in OWNED_SETTINGS:
        if _has_dotted(raw, key):
            r.problem(f"config.{key}", setting_owned_by_file(key))
    try:
        StationConfig.model_validate(dict(raw))
    except ValidationError as error:
        for item in error.errors():
            where = "config." + ".".join(str(part) for part in item["loc"])
            r.problem(where, setting_invalid(where, item["msg"]))
    return raw


def parse_provisioning(text: str) -> Provisioning:
    """Validate the file's text; raise ProvisioningInvalid listing every problem."""
    try:
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise _file_problem(provisioning_file_not_toml(exc)) from None
    r = _Reader(data)
    station_id = _check_station(r)
    ssid, passphrase, channel = _check_access_point(r)
    apn, apn_user, apn_password = _check_mobile(r)
    url, recipient, ack_key = _check_upload(r)
    operators = _check_operators(r)
    settings = _check_settings(r)
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
        settings=settings,
    )


def load_provisioning(path: Path) -> Provisioning:
    """Read and validate the file at `path` (bad bytes and a missing file are problems too)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _file_problem(provisioning_file_missing(path, PROVISIONING_FILE_NAME)) from None
    except OSError as exc:
        raise _file_problem(provisioning_file_unreadable(path, exc.strerror)) from None
    if len(raw) > _MAX_FILE_BYTES:
        raise _file_problem(PROVISIONING_FILE_TOO_LARGE)
    try:
        text = raw.decode("utf-8-sig")  # Windows editors like to add a BOM
    except UnicodeDecodeError:
        raise _file_problem(PROVISIONING_FILE_NOT_UTF8) from None
    return parse_provisioning(text)


def _file_problem(text: Text) -> ProvisioningInvalid:
    """The whole file is unusable: one problem, not one per field."""
    return ProvisioningInvalid([Problem("file", text)])


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
        return self.state_dir / "keys" / "station_ed25519.pem"  # as station upload expects

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
            "message": self.text.as_json(),
            "problems": [p.as_json() for p in self.problems],
            "applied_at": self.applied_at,
            "public_key": self.public_key,
        }


_NEVER_PROVISIONED = NOT_PROVISIONED_NO_FILE
_PROVISIONING_REJECTED = NOT_PROVISIONED_REJECTED


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
            PROVISIONING_RECORD_DAMAGED,
        )
    if not isinstance(record, dict):
        record = {}
    station_id = record.get("station_id")
    if record.get("provisioned") is True and isinstance(station_id, str):
        missing = [p for p in (layout.config_file, layout.signing_key_file) if not p.exists()]
        if missing:
            return ProvisioningStatus(False, station_id, station_file_missing(missing[0]))
        return ProvisioningStatus(
            True,
            station_id,
            station_provisioned(station_id),
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


def managed_status(data_root: Path | None) -> ProvisioningStatus | None:
    """Provisioning status of an imaged station; None where nothing is provisioned by
    file (`[provisioning] data_root` unset: a laptop, development, the simulator)."""
    return None if data_root is None else provisioning_status(StationLayout(data_root))
