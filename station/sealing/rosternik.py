"""The full NIKs of a school roster, encrypted at rest until the student is enrolled.

A roster is imported before the visit and may hold a hundred NIKs for days, including
students who never enrol; the station promises (UU PDP) that no full NIK is stored in
plaintext. Each NIK is sealed with AES-256-GCM under its own station-local key file
(separate from the draft key, which is replaced at every new enrollment), bound to the
visit and the roster row. When no roster NIK is left, the key is replaced, so copies
that might linger anywhere become undecryptable.

Re-import dedupe decrypts the visit's NIKs in memory rather than comparing keyed hashes:
a roster holds at most a few hundred rows, so decrypting them is instant; and a keyed
hash of a 16-digit NIK (region + birth date + 4-digit serial, a small space) is as
brute-forceable by whoever holds the station's secret as the ciphertext is readable, so
it would add a second secret and a second column to purge for no protection gained."""

from __future__ import annotations

from pathlib import Path

from station.sealing.localkey import LocalCipher, UnreadableSeal
from station.sealing.volatile_keys import volatile_key

KEY_NAME = "roster.key"


class RosterNikCipher(LocalCipher):
    @classmethod
    def in_data_dir(cls, data_dir: Path) -> RosterNikCipher:
        """The roster key of this data directory, kept in RAM (see volatile_keys)."""
        return cls(volatile_key(data_dir, KEY_NAME))

    def seal(self, nik: str, visit_id: int, student_id: int) -> str:
        return self.encrypt(nik.encode("ascii"), _bound(visit_id, student_id))

    def open(self, sealed: str | None, visit_id: int, student_id: int) -> str | None:
        """The NIK, or None when there is none or it cannot be opened any more (the key
        file was replaced): the operator then types it from the KK, as without a roster."""
        if not sealed:
            return None
        try:
            return self.decrypt(sealed, _bound(visit_id, student_id)).decode("ascii")
        except (UnreadableSeal, UnicodeDecodeError):
            return None


def _bound(visit_id: int, student_id: int) -> bytes:
    return f"roster:{visit_id}:{student_id}".encode()
