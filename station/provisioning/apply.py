"""Apply a validated provisioning file to this station, and clean the boot partition.

Everything is written to the data partition (see `StationLayout`) with atomic replaces
(temporary file, fsync, rename), and the status record is written last: a power cut
part-way leaves the station "not provisioned" with the file still on the card, so the
next boot simply applies it again. Applying twice is harmless: the signing key is kept,
operators are updated in place, NetworkManager connections keep their UUIDs.
"""

from __future__ import annotations

import base64
import json
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from exchange.durable import fsync_dir, write_atomic
from exchange.keys import ensure_signing_key
from station import messages
from station.config import StationConfig
from station.provisioning import network_keyfiles
from station.provisioning.file import (
    ERRORS_FILE_NAME,
    SUMMARY_FILE_NAME,
    OperatorSeed,
    Problem,
    Provisioning,
    StationLayout,
    provisioning_status,
)
from station.store import audit
from station.store.db import open_store
from station.system.tls_ca import ensure_tls

OperatorSink = Callable[[Sequence[OperatorSeed]], None]


@dataclass(frozen=True)
class Owner:
    """The station's system user, who must own what it writes; None on a laptop/tests."""

    uid: int
    gid: int


@dataclass(frozen=True)
class AppliedProvisioning:
    station_id: str
    public_key: str  # base64 of the raw Ed25519 public key: what the office registers
    applied_at: str
    written: tuple[Path, ...]


# ---------------------------------------------------------------- the station's config


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string literal is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML rendering for {type(value).__name__}")


def _toml_table(header: str, table: Mapping[str, Any]) -> list[str]:
    """One table's keys, then its sub-tables under dotted headers."""
    lines = [f"[{header}]"] if header else []
    lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if not isinstance(v, Mapping)]
    for key, value in table.items():
        if isinstance(value, Mapping):
            lines += ["", *_toml_table(f"{header}.{key}" if header else key, value)]
    return lines


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def station_config_values(p: Provisioning, layout: StationLayout) -> dict[str, Any]:
    """The station's config: the `[config]` settings of the file plus what provisioning
    sets itself, limited to sections this station version knows (the config rejects
    unknown keys, and the upload section may not exist yet)."""
    wanted: dict[str, dict[str, Any]] = {
        "station": {"id": p.station_id},
        "provisioning": {"data_root": str(layout.root)},
        "sealing": {"recipients": [p.office_recipient]},
        "upload": {
            "collector_url": p.collector_url,
            "office_recipients": [p.office_recipient],
            "collector_ack_key": p.collector_ack_key,
        },
    }
    values: dict[str, Any] = {"data_dir": str(layout.state_dir)}
    for section, keys in wanted.items():
        field_info = StationConfig.model_fields.get(section)
        fields = getattr(field_info.annotation if field_info else None, "model_fields", None)
        if fields is None:
            continue
        kept = {key: val for key, val in keys.items() if key in fields and val not in ("", [])}
        if kept:
            values[section] = kept
    return _merge(p.settings, values)


def render_station_config(p: Provisioning, layout: StationLayout) -> str:
    values = station_config_values(p, layout)
    lines = [
        "# Written by `station provision`; re-provision rather than edit by hand.",
        *_toml_table("", values),
    ]
    text = "\n".join(lines) + "\n"
    StationConfig.model_validate(tomllib.loads(text))  # never write a config the station rejects
    return text


# ---------------------------------------------------------------- operators


def store_operators(data_dir: Path, seeds: Sequence[OperatorSeed]) -> None:
    """Create or update the operators in the station's database, in one transaction.

    Re-provisioning resets a listed operator's role and PIN and unlocks them; operators
    not listed are left alone (their enrollments reference them)."""
    store = open_store(data_dir)
    try:
        with store.transaction() as db:
            for seed in seeds:
                db.execute(
                    "INSERT INTO operators (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(name) DO UPDATE SET role = excluded.role,"
                    " pin_hash = excluded.pin_hash, active = 1, failed_pins = 0,"
                    " locked_until = NULL",
                    [seed.name, seed.role, seed.pin_hash, audit.now_iso()],
                )
                audit.record(
                    db, "operator_provisioned", detail={"name": seed.name, "role": seed.role}
                )
    finally:
        store.close()


# ---------------------------------------------------------------- applying


def _public_key_text(key_file: Path) -> str:
    key = ensure_signing_key(key_file)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _chown_tree(root: Path, owner: Owner) -> None:
    os.chown(root, owner.uid, owner.gid)
    for path in root.rglob("*"):
        os.chown(path, owner.uid, owner.gid, follow_symlinks=False)


def apply_provisioning(
    p: Provisioning,
    layout: StationLayout,
    *,
    owner: Owner | None = None,
    store: OperatorSink | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> AppliedProvisioning:
    """Write config, network keyfiles, signing key and operators; record success last."""
    layout.status_file.unlink(missing_ok=True)
    written: list[Path] = []

    # Root owns the config and the station's group may read it: the station cannot
    # rewrite its own identity or where it uploads.
    config_owner = Owner(0, owner.gid) if owner is not None else None
    config_text = render_station_config(p, layout)
    write_atomic(layout.config_file, config_text.encode(), 0o640, config_owner)
    written.append(layout.config_file)

    for keyfile in (
        network_keyfiles.access_point(p.station_id, p.ap_ssid, p.ap_passphrase, p.ap_channel),
        network_keyfiles.mobile(p.station_id, p.apn, p.apn_username, p.apn_password),
    ):
        target = layout.network_dir / keyfile.file_name
        write_atomic(target, keyfile.text.encode(), 0o600)  # NetworkManager rejects looser
        written.append(target)

    layout.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    public_key = _public_key_text(layout.signing_key_file)
    written.append(layout.signing_key_file)
    if store is None:
        store_operators(layout.state_dir, p.operators)
    else:
        store(p.operators)
    # The station's own CA, made here so its fingerprint can go on the case's label
    # before any tablet trusts it (station/system/tls_ca.py; `station run` keeps it current).
    server = StationConfig.model_validate(tomllib.loads(config_text)).server
    tls = ensure_tls(server.tls_dir or layout.state_dir / "tls", p.station_id, server.tls_names)
    if owner is not None:
        _chown_tree(layout.state_dir, owner)  # the database and key were created by root

    applied_at = now().isoformat(timespec="seconds")
    record = {
        "provisioned": True,
        "station_id": p.station_id,
        "applied_at": applied_at,
        "public_key": public_key,
        "ssid": p.ap_ssid,
        "apn": p.apn,
        "collector_url": p.collector_url,
        "operators": [seed.name for seed in p.operators],
        "ca_fingerprint": tls.fingerprint(),
    }
    write_atomic(layout.status_file, json.dumps(record, indent=2).encode(), 0o644)
    written.append(layout.status_file)
    return AppliedProvisioning(p.station_id, public_key, applied_at, tuple(written))


def record_rejection(layout: StationLayout, problems: Iterable[Problem]) -> None:
    """Remember why provisioning failed, for /api/health. An earlier success is kept: a
    bad file for re-provisioning must not take a working station out of service."""
    if provisioning_status(layout).provisioned:
        return
    record = {"provisioned": False, "problems": [p.as_json() for p in problems]}
    write_atomic(layout.status_file, json.dumps(record, indent=2).encode(), 0o644)


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
    fsync_dir(path.parent)


def write_boot_summary(boot_dir: Path, applied: AppliedProvisioning, p: Provisioning) -> Path:
    """A note without secrets for the technician, and the public key for the office."""
    operators = ", ".join(f"{seed.name} ({seed.role})" for seed in p.operators)
    key, removed = messages.BOOT_NOTE_PUBLIC_KEY, messages.BOOT_NOTE_SECRETS_REMOVED
    text = "\n".join(
        [
            f"{messages.BOOT_NOTE_STATION.one_line}: {applied.station_id}",
            f"{messages.BOOT_NOTE_PROVISIONED_AT.one_line}: {applied.applied_at}",
            f"Wi-Fi (SSID): {p.ap_ssid}",
            f"APN: {p.apn}",
            f"{messages.BOOT_NOTE_COLLECTOR.one_line}: {p.collector_url}",
            f"{messages.BOOT_NOTE_OPERATORS.one_line}: {operators}",
            "",
            f"{key.id} /",
            f"{key.en}:",
            applied.public_key,
            "",
            removed.id,
            removed.en,
            "",
        ]
    )
    target = boot_dir / SUMMARY_FILE_NAME
    write_atomic(target, text.encode(), 0o644)
    (boot_dir / ERRORS_FILE_NAME).unlink(missing_ok=True)
    return target


def write_boot_errors(boot_dir: Path, problems: Sequence[Problem]) -> Path:
    failed, fix = messages.BOOT_NOTE_FAILED, messages.BOOT_NOTE_FIX_AND_RESTART
    lines = [f"Provisioning {failed.one_line}. {fix.one_line}.", ""]
    for problem in problems:
        lines += [f"- [{problem.field}]", f"  ID: {problem.text.id}", f"  EN: {problem.text.en}"]
    target = boot_dir / ERRORS_FILE_NAME
    write_atomic(target, ("\n".join(lines) + "\n").encode(), 0o644)
    return target
