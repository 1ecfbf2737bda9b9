"""The station's configuration: a TOML file plus environment overrides.

Environment variables use the prefix `STATION__` and `__` between levels, e.g.
`STATION__SERVER__PORT=9000` or `STATION__DEVICES__PRINTER__PAPER_WIDTH_MM=80`.
Invalid values stop the station at start with a message that names the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from peripherals.device import Text
from station.devices.settings import DevicesSettings
from station.domain.settings import DomainSettings
from station.errors import Failure
from station.fingerprints.settings import FingerprintCaptureSettings
from station.messages import (
    NOT_AN_AGE_PUBLIC_KEY,
    config_file_not_found,
    config_file_not_toml,
    config_invalid,
)
from station.photo.settings import PhotoSettings
from station.plain_text import PlainText
from station.provisioning.settings import ProvisioningSettings
from station.receipts.settings import ReceiptSettings
from station.settings_section import Section
from station.upload.settings import UploadSettings

DEFAULT_CONFIG_FILE = Path("/etc/station/station.toml")


class StationIdentity(Section):
    id: str = Field("SIM-0001", min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: PlainText = "Stasiun Perekaman KTP-el"


class ServerSettings(Section):
    host: str = "0.0.0.0"
    # Plain HTTP: only redirects to HTTPS and serves the station's CA certificate
    # (/setup, /ca.crt) for a tablet that does not trust it yet.
    port: int = Field(8080, ge=1, le=65535)
    # The API and the tablet page, over TLS with the station's own CA (station/system/tls_ca.py).
    tls_port: int = Field(8443, ge=1, le=65535)
    # Where the CA and the server certificate live; empty: `tls` in the data directory.
    tls_dir: Path | None = None
    # Names and addresses the tablets use for the station (its access point's address).
    tls_names: list[str] = Field(
        default=["10.48.0.1", "ektp-station.local", "localhost", "127.0.0.1"], min_length=1
    )

    @model_validator(mode="after")
    def _two_ports(self) -> ServerSettings:
        if self.port == self.tls_port:
            raise ValueError("server.port (HTTP) and server.tls_port (HTTPS) must differ")
        return self


class AuthSettings(Section):
    max_failed_pins: int = Field(5, ge=1, le=20)
    lockout_minutes: float = Field(5, gt=0, le=24 * 60)
    session_hours: float = Field(12, gt=0, le=72)
    pin_length: int = Field(6, ge=4, le=12)
    # Wrong PINs one client (address) may try at once, then one more per refill interval.
    client_guess_burst: int = Field(8, ge=1, le=100)
    client_guess_refill_s: float = Field(30, gt=0, le=3600)
    # The same for all clients together except the tablets that logged in recently; the
    # burst is capped at half of operators x max_failed_pins (never every operator locked).
    station_guess_burst: int = Field(15, ge=1, le=1000)
    station_guess_refill_s: float = Field(60, gt=0, le=3600)


class EnrollmentSettings(Section):
    # ISO/IEC 19794 finger positions: 1-5 right thumb..little, 6-10 left thumb..little.
    finger_order: list[int] = [2, 3, 4, 5, 1, 7, 8, 9, 10, 6]

    @field_validator("finger_order")
    @classmethod
    def _fingers_are_positions(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value) or not set(value) <= set(range(1, 11)):
            raise ValueError("finger positions must be distinct numbers 1-10")
        if not {2, 7} <= set(value):
            raise ValueError(
                "both index fingers (2 and 7) are stored on the chip and must be listed"
            )
        return value


class SealingSettings(Section):
    # age X25519 recipients of the central office ("age1..."); blank lines and "#" comments
    # are allowed. A bad key stops the station at start: found only at the first commit,
    # it would leave a whole enrollment unsealable.
    recipients: list[str] = []

    @field_validator("recipients")
    @classmethod
    def _recipients_are_age_keys(cls, value: list[str]) -> list[str]:
        from pyrage import RecipientError, x25519

        for entry in (line.strip() for line in value):
            if not entry or entry.startswith("#"):
                continue
            try:
                x25519.Recipient.from_str(entry)
            except RecipientError:
                shown = entry if len(entry) <= 24 else entry[:20] + "…"
                raise ValueError(f"'{shown}' {NOT_AN_AGE_PUBLIC_KEY.one_line}") from None
        return value


class StationConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STATION__", env_nested_delimiter="__", extra="forbid"
    )

    station: StationIdentity = StationIdentity()
    server: ServerSettings = ServerSettings()
    data_dir: Path = Path("station-data")
    simulate: Literal["auto", "on", "off"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    auth: AuthSettings = AuthSettings()
    enrollment: EnrollmentSettings = EnrollmentSettings()
    devices: DevicesSettings = DevicesSettings()
    sealing: SealingSettings = SealingSettings()
    provisioning: ProvisioningSettings = ProvisioningSettings()
    photo: PhotoSettings = PhotoSettings()
    domain: DomainSettings = DomainSettings()
    receipts: ReceiptSettings = ReceiptSettings()
    upload: UploadSettings = UploadSettings()
    fingerprints: FingerprintCaptureSettings = FingerprintCaptureSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if _toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=_toml_path))
        return tuple(sources)


_toml_path: Path | None = None


def load_config(path: Path | None = None, **overrides: Any) -> StationConfig:
    """Read the TOML file (if any), the environment, then `overrides` (highest).

    Raises StationError("config_invalid") naming every bad key, never a traceback."""
    global _toml_path
    if path is None and DEFAULT_CONFIG_FILE.exists():
        path = DEFAULT_CONFIG_FILE
    if path is not None:
        _check_toml(path)
    _toml_path = path
    try:
        return StationConfig(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        raise Failure("config_invalid", _describe(error, path)) from None
    finally:
        _toml_path = None


def loads_toml(text: str) -> dict[str, Any]:
    """tomllib.loads, with nesting too deep for its recursive parser (a hostile file of
    30,000 brackets) reported as a TOML error instead of a RecursionError."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or tables nested too deeply") from None


def _check_toml(path: Path) -> None:
    try:
        loads_toml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Failure("config_missing", config_file_not_found(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise Failure("config_unreadable", config_file_not_toml(path, error)) from None


def _describe(error: ValidationError, path: Path | None) -> Text:
    problems = [
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in error.errors()
    ]
    return config_invalid(path, problems)


def masked(model: BaseModel) -> dict[str, Any]:
    """The effective config as plain data, every secret (SecretStr) shown as '********'."""
    data: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            data[name] = "********" if value.get_secret_value() else ""
        elif isinstance(value, BaseModel):
            data[name] = masked(value)
        else:
            data[name] = TypeAdapter(Any).dump_python(value, mode="json")
    return data
