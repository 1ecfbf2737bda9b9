"""Where the keys that open personal data on the SD card live: in RAM, not on the card.

The draft key (a pending enrollment's typed identity, with the full NIK) and the roster
key (a school list's NIKs) open data kept on the card. Kept beside that data, they would
hand it to whoever removes the card. So they live in RAM-backed storage (systemd's
`RuntimeDirectory=`, a tmpfs under /run): a restart of the station process keeps them
(the open draft and the roster survive a crash or an update), a power cut loses them,
after which the typed data of the open enrollment is entered again and the school list
imported again. Copies of those records left on the card are then ciphertext under a
key that no longer exists anywhere.

One folder per data directory (two stations on one test machine never share a key)."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from station.errors import Failure
from station.messages import key_folder_not_ours

APP = "ektp-station"
# Where keys were kept before they moved to RAM: moved off the card at the next start.
LEGACY_DIR = "keys"


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def runtime_root() -> Path:
    """The RAM-backed folder of this process: systemd's RuntimeDirectory (the unit's
    `$RUNTIME_DIRECTORY`), /run/ektp-station, the login session's runtime folder, or
    /dev/shm; the system's temp folder only as a last resort (a developer's laptop)."""
    given = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
    if given and _writable_dir(Path(given)):
        return Path(given)
    if _writable_dir(Path("/run") / APP):
        return Path("/run") / APP
    session = os.environ.get("XDG_RUNTIME_DIR")
    if session and _writable_dir(Path(session)):
        return Path(session) / APP
    uid = os.geteuid()
    if _writable_dir(Path("/dev/shm")):
        return Path("/dev/shm") / f"{APP}-{uid}"
    return Path(tempfile.gettempdir()) / f"{APP}-{uid}"


def _private_dir(path: Path) -> Path:
    """Create `path` 0700, or accept it only if it is ours and private: in a shared
    folder such as /dev/shm another user could have prepared it to read our keys."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise Failure("key_dir_unsafe", key_folder_not_ours(path))
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(path, 0o700)
    return path


def key_dir(data_dir: Path) -> Path:
    tag = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    root = runtime_root()
    _private_dir(root)
    return _private_dir(root / tag)


def volatile_key(data_dir: Path, name: str) -> Path:
    """The path of key `name` for this data directory, in RAM. A key a previous version
    kept on the card is moved here and its file on the card removed."""
    target = key_dir(data_dir) / name
    legacy = Path(data_dir) / LEGACY_DIR / name
    if legacy.exists() and not target.exists():
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(legacy.read_bytes())
    legacy.unlink(missing_ok=True)
    return target
