"""How much room the data directory has left: shown on the dashboard and the lights."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Storage:
    free_mb: float
    total_mb: float
    low: bool

    def as_json(self) -> dict[str, object]:
        return {"free_mb": round(self.free_mb), "total_mb": round(self.total_mb), "low": self.low}


def storage(data_dir: Path, low_below_mb: int) -> Storage | None:
    """None when the directory cannot be read (the caller keeps its last answer)."""
    try:
        usage = shutil.disk_usage(data_dir)
    except OSError:
        return None
    free_mb = usage.free / 1_000_000
    return Storage(free_mb, usage.total / 1_000_000, free_mb < low_below_mb)
