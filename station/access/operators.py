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

from station.access.pins import hash_pin, verify_pin
from station.access.throttle import BucketRule, GuessThrottle
from station.config import AuthSettings
from station.errors import Invalid, Locked, NotAuthenticated, NotFound, StationError
from station.messages import (
    OPERATOR_NAME_CONTROL_CHARACTERS,
    OPERATOR_NAME_REQUIRED,
    OPERATOR_UNKNOWN,
    WRONG_NAME_OR_PIN,
    operator_exists,
    operator_locked,
    pin_length,
    role_unknown,
)
from station.plain_text import has_control
from station.store import audit
from station.store.db import Store

Role = Literal["operator", "supervisor", "technician"]
ROLES: tuple[Role, ...] = ("operator", "supervisor", "technician")

# The client of an in-process call (the CLI): it has a bucket of its own like any address.
LOCAL = "local"

_BAD_LOGIN = WRONG_NAME_OR_PIN


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
        self.throttle = GuessThrottle(
            BucketRule(settings.client_guess_burst, settings.client_guess_refill_s),
            self._station_guess_rule,
            trust_s=settings.session_hours * 3600,
            clock=lambda: self.clock(),
        )

    def add_operator(self, name: str, role: Role, pin: str) -> Operator:
        name = name.strip()
        if not name:
            raise Invalid("operator_name_missing", OPERATOR_NAME_REQUIRED)
        if has_control(name):
            raise Invalid("operator_name_invalid", OPERATOR_NAME_CONTROL_CHARACTERS)
        if role not in ROLES:
            raise Invalid("role_invalid", role_unknown(role))
        self._check_pin_shape(pin)
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM operators WHERE name = ?", [name]).fetchone():
                raise StationError("operator_exists", operator_exists(name))
            cursor = db.execute(
                "INSERT INTO operators (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)",
                [name, role, hash_pin(pin), audit.now_iso()],
            )
            operator = Operator(int(cursor.lastrowid or 0), name, role)
            audit.record(db, "operator_added", detail={"name": name, "role": role})
        return operator

    def _station_guess_rule(self) -> BucketRule:
        with self.store.lock:
            (active,) = self.store.db.execute(
                "SELECT COUNT(*) FROM operators WHERE active"
            ).fetchone()
        half_of_all = active * self.settings.max_failed_pins // 2
        burst = max(1, min(self.settings.station_guess_burst, half_of_all))
        return BucketRule(burst, self.settings.station_guess_refill_s)

    def has_operators(self) -> bool:
        with self.store.lock:
            return bool(self.store.db.execute("SELECT 1 FROM operators LIMIT 1").fetchone())

    def list_operators(self) -> list[Operator]:
        with self.store.lock:
            rows = list(
                self.store.db.query("SELECT id, name, role FROM operators WHERE active ORDER BY id")
            )
        return [Operator(row["id"], row["name"], row["role"]) for row in rows]

    def login(self, name: str, pin: str, client: str = LOCAL) -> tuple[str, Operator]:
        """Check the PIN; return a new bearer token. Locks the operator after too many misses.

        The miss is counted (in one transaction) before the slow hash check and taken back
        when the PIN was right, so parallel guesses cannot all slip past the lockout."""
        operator, pin_hash = self._check_pin(name, pin, client)
        now = self.clock()
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
            db.execute(
                "INSERT INTO sessions (token_hash, operator_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                [_digest(token), operator.id, now, now + self.settings.session_hours * 3600],
            )
            audit.record(db, "login", operator_id=operator.id)
        return token, operator

    def verify_supervisor(self, name: str, pin: str, client: str = LOCAL) -> Operator:
        """A supervisor's approval at the operator's tablet (no session is created).

        A name that is not a supervisor's is refused like a wrong PIN, without checking the
        PIN: the answer must not tell whether some operator's PIN was right."""
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT role FROM operators WHERE name = ? AND active", [name.strip()]
            ).fetchone()
        if row is None or row[0] != "supervisor":
            self.throttle.take(client)
            raise NotAuthenticated("login_failed", _BAD_LOGIN)
        operator, _ = self._check_pin(name, pin, client)
        return operator

    def unlock(self, operator_id: int, by: Operator) -> Operator:
        """A supervisor lifts an operator's lockout (and forgets the misses so far)."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT id, name, role FROM operators WHERE id = ? AND active", [operator_id]
            ).fetchone()
            if row is None:
                raise NotFound("operator_unknown", OPERATOR_UNKNOWN)
            db.execute(
                "UPDATE operators SET failed_pins = 0, locked_until = NULL WHERE id = ?",
                [operator_id],
            )
            audit.record(db, "operator_unlocked", operator_id=by.id, detail={"name": row[1]})
        return Operator(row[0], row[1], row[2])

    def lockouts(self) -> list[dict[str, object]]:
        """Operators locked now, with when their lock ends (epoch seconds)."""
        with self.store.lock:
            rows = self.store.db.execute(
                "SELECT id, name, role, locked_until FROM operators"
                " WHERE active AND locked_until > ? ORDER BY id",
                [self.clock()],
            ).fetchall()
        return [{"id": r[0], "name": r[1], "role": r[2], "locked_until": r[3]} for r in rows]

    def _check_pin(self, name: str, pin: str, client: str) -> tuple[Operator, str]:
        self.throttle.take(client)
        try:
            row = self._count_attempt(name.strip(), self.clock())
        except Locked:  # no PIN was checked, so no guess was used
            self.throttle.give_back(client, trust=False)
            raise
        if row is None:
            raise NotAuthenticated("login_failed", _BAD_LOGIN)
        operator, pin_hash = row
        if not verify_pin(pin_hash, pin):
            with self.store.transaction() as db:
                audit.record(db, "login_failed", operator_id=operator.id)
            raise NotAuthenticated("login_failed", _BAD_LOGIN)
        self.throttle.give_back(client)
        with self.store.transaction() as db:
            db.execute(
                "UPDATE operators SET failed_pins = 0, locked_until = NULL WHERE id = ?",
                [operator.id],
            )
        return operator, pin_hash

    def _count_attempt(self, name: str, now: float) -> tuple[Operator, str] | None:
        """Count this attempt as a miss now (one transaction); a right PIN takes it back.

        Raises 423 when the operator is locked; None for an unknown name."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT id, name, role, pin_hash, failed_pins, locked_until FROM operators"
                " WHERE name = ? AND active",
                [name],
            ).fetchone()
            if row is None:
                return None
            op_id, op_name, role, pin_hash, failed, locked_until = row
            if locked_until is not None and locked_until > now:
                raise _locked(locked_until - now)
            failed += 1
            locked_until = None
            if failed >= self.settings.max_failed_pins:
                locked_until = now + self.settings.lockout_minutes * 60
                failed = 0
                audit.record(db, "operator_locked", operator_id=op_id)
            db.execute(
                "UPDATE operators SET failed_pins = ?, locked_until = ? WHERE id = ?",
                [failed, locked_until, op_id],
            )
        return Operator(op_id, op_name, role), pin_hash

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

    def _check_pin_shape(self, pin: str) -> None:
        if not (pin.isdigit() and len(pin) == self.settings.pin_length):
            raise Invalid("pin_invalid", pin_length(self.settings.pin_length))


def _locked(remaining_s: float) -> StationError:
    wait = max(1, round(remaining_s / 60))
    return Locked("operator_locked", operator_locked(wait))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
