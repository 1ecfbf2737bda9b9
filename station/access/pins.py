"""PIN hashing with argon2id. A PIN is never stored, logged or returned."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
