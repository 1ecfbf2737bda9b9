"""Operator accounts, PIN login with lockout, and bearer sessions.

Tokens are random and only their SHA-256 is stored, so a copied database cannot be
used to log in. Sessions survive a station restart (the tablet keeps working)."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from peripherals.device import Text
from station.access.pins import hash_pin, verify_pin
from station.config import AuthSettings
from station.errors import Invalid, Locked, NotAllowed, NotAuthenticated, StationError
from station.plain_text import has_control
from station.store import audit
from station.store.db import Store

Role = Literal["operator", "supervisor", "technician"]
ROLES: tuple[Role, ...] = ("operator", "supervisor", "technician")

_BAD_LOGIN = Text("Nama operator atau PIN salah.", "Wrong operator name or PIN.")


@dataclass(frozen=True)
class Operator:
    id: int
    name: str
    role: Role


class Access:
    def __init__(
        self, store: Store, settings: AuthSettings, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    def add_operator(self, name: str, role: Role, pin: str) -> Operator:
        name = name.strip()
        if not name:
            raise Invalid(
                "operator_name_missing",
                Text("Nama operator wajib diisi.", "The operator name is required."),
            )
        if has_control(name):
            raise Invalid(
                "operator_name_invalid",
                Text(
                    "Nama operator berisi karakter kontrol yang tidak diizinkan.",
                    "The operator name contains control characters, which are not allowed.",
                ),
            )
        if role not in ROLES:
            raise Invalid(
                "role_invalid",
                Text(f"Peran tidak dikenal: {role}.", f"Unknown role: {role}."),
            )
        self._check_pin_shape(pin)
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM operators WHERE name = ?", [name]).fetchone():
                raise StationError(
                    "operator_exists",
                    Text(f"Operator {name} sudah ada.", f"Operator {name} already exists."),
                )
            cursor = db.execute(
                "INSERT INTO operators (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)",
                [name, role, hash_pin(pin), audit.now_iso()],
            )
            operator = Operator(int(cursor.lastrowid or 0), name, role)
            audit.record(db, "operator_added", detail={"name": name, "role": role})
        return operator

    def has_operators(self) -> bool:
        with self.store.lock:
            return bool(self.store.db.execute("SELECT 1 FROM operators LIMIT 1").fetchone())

    def list_operators(self) -> list[Operator]:
        with self.store.lock:
            rows = list(
                self.store.db.query("SELECT id, name, role FROM operators WHERE active ORDER BY id")
            )
        return [Operator(row["id"], row["name"], row["role"]) for row in rows]

    def login(self, name: str, pin: str) -> tuple[str, Operator]:
        """Check the PIN; return a new bearer token. Locks the operator after too many misses."""
        now = self.clock()
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT id, name, role, pin_hash, failed_pins, locked_until FROM operators"
                " WHERE name = ? AND active",
                [name.strip()],
            ).fetchone()
        if row is None:
            raise NotAuthenticated("login_failed", _BAD_LOGIN)
        op_id, op_name, role, pin_hash, failed, locked_until = row
        if locked_until is not None and locked_until > now:
            wait = max(1, round((locked_until - now) / 60))
            raise Locked(
                "operator_locked",
                Text(
                    f"Terlalu banyak PIN salah. Coba lagi dalam {wait} menit.",
                    f"Too many wrong PINs. Try again in {wait} minute(s).",
                ),
            )
        if not verify_pin(pin_hash, pin):
            self._count_failure(op_id, failed, now)
            raise NotAuthenticated("login_failed", _BAD_LOGIN)
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as db:
            db.execute(
                "UPDATE operators SET failed_pins = 0, locked_until = NULL WHERE id = ?", [op_id]
            )
            db.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
            db.execute(
                "INSERT INTO sessions (token_hash, operator_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                [_digest(token), op_id, now, now + self.settings.session_hours * 3600],
            )
            audit.record(db, "login", operator_id=op_id)
        return token, Operator(op_id, op_name, role)

    def verify_supervisor(self, name: str, pin: str) -> Operator:
        """A supervisor's approval at the operator's tablet (no session is created)."""
        token, operator = self.login(name, pin)
        self.logout(token)
        if operator.role != "supervisor":
            raise NotAllowed(
                "not_supervisor",
                Text(f"{operator.name} bukan supervisor.", f"{operator.name} is not a supervisor."),
            )
        return operator

    def operator_for_token(self, token: str) -> Operator | None:
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT o.id, o.name, o.role FROM sessions s JOIN operators o"
                " ON o.id = s.operator_id WHERE s.token_hash = ? AND s.expires_at > ? AND o.active",
                [_digest(token), self.clock()],
            ).fetchone()
        return Operator(row[0], row[1], row[2]) if row else None

    def logout(self, token: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", [_digest(token)])

    def _count_failure(self, op_id: int, failed: int, now: float) -> None:
        failed += 1
        locked_until = None
        if failed >= self.settings.max_failed_pins:
            locked_until = now + self.settings.lockout_minutes * 60
            failed = 0
        with self.store.transaction() as db:
            db.execute(
                "UPDATE operators SET failed_pins = ?, locked_until = ? WHERE id = ?",
                [failed, locked_until, op_id],
            )
            audit.record(
                db,
                "operator_locked" if locked_until else "login_failed",
                operator_id=op_id,
            )

    def _check_pin_shape(self, pin: str) -> None:
        if not (pin.isdigit() and len(pin) == self.settings.pin_length):
            n = self.settings.pin_length
            raise Invalid(
                "pin_invalid",
                Text(f"PIN harus {n} angka.", f"The PIN must be {n} digits."),
            )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
