"""PIN hashing with argon2id. A PIN is never stored, logged or returned."""

from __future__ import annotations

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from peripherals.device import Text
from station.messages import (
    PIN_HASH_MALFORMED,
    PIN_HASH_TOO_SHORT,
    pin_hash_not_argon2id,
    pin_hash_too_costly,
    pin_hash_too_weak,
)

# Interactive logins on a Raspberry Pi: ~0.1 s per verify, memory-hard enough for a
# stolen SD card to make 6-digit PINs costly to brute-force offline.
_HASHER = PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1)


def hash_pin(pin: str) -> str:
    return _HASHER.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    try:
        return _HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


# What a hash written elsewhere (a provisioning file) must be: argon2id at least as costly
# as the station's own, but not so costly that one login exhausts the Pi's memory.
_MAX_MEMORY_KIB = 256 * 1024
_MAX_TIME_COST = 10


def pin_hash_problem(pin_hash: str) -> Text | None:
    """Why the station cannot take this argon2 hash, or None when it can."""
    try:
        params = extract_parameters(pin_hash)
    except InvalidHashError:
        return PIN_HASH_MALFORMED
    if params.type is not Type.ID:
        kind = "argon2" + params.type.name.lower()
        return pin_hash_not_argon2id(kind)
    if params.salt_len < 16 or params.hash_len < 16:
        return PIN_HASH_TOO_SHORT
    cost = f"t={params.time_cost}, m={params.memory_cost} KiB"
    if params.time_cost < _HASHER.time_cost or params.memory_cost < _HASHER.memory_cost:
        least = f"t={_HASHER.time_cost}, m={_HASHER.memory_cost} KiB"
        return pin_hash_too_weak(cost, least)
    if params.time_cost > _MAX_TIME_COST or params.memory_cost > _MAX_MEMORY_KIB:
        most = f"t={_MAX_TIME_COST}, m={_MAX_MEMORY_KIB} KiB"
        return pin_hash_too_costly(cost, most)
    try:  # only now, with a bounded cost: a salt or digest that does not decode fails here
        _HASHER.verify(pin_hash, "")
    except InvalidHashError:
        return PIN_HASH_MALFORMED
    except VerificationError:
        pass
    return None
