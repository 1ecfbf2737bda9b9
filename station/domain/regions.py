"""Kemendagri region codes (province / regency-city / district) shipped with the package.

The NIK's first six digits are where it was first issued and never change, so a NIK can
carry a code that has since been retired or split (Papua 2022). Both the current list and
the retired list are loaded; a retired code is recognised and marked as such.
Data: github.com/cahyadsn/wilayah (MIT, licence file beside the CSVs in `data/`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources

CURRENT_FILE = "kode_wilayah_kemendagri_2025.csv"
RETIRED_FILE = "kode_wilayah_retired.csv"


class Level(StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    DISTRICT = "district"


_LEVEL_BY_DIGITS = {2: Level.PROVINCE, 4: Level.REGENCY, 6: Level.DISTRICT}


@dataclass(frozen=True)
class Region:
    code: str  # dotted, as Kemendagri writes it: "35", "35.14", "35.14.01"
    name: str
    level: Level
    retired: bool = False
    last_seen_in: int | None = None  # for retired codes: the last list that had it
    # For a retired code whose region lives on under another code (Papua 2022: Kabupaten
    # Merauke 91.01 -> Papua Selatan 93.01): that code and its full name.
    current: tuple[str, str] | None = None

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "name": self.name}
        if self.retired:
            out["retired"] = True
            out["last_seen_in"] = self.last_seen_in
            if self.current is not None:
                out["current"] = {"code": self.current[0], "name": self.current[1]}
        return out


def _display_name(raw: str) -> str:
    """The retired list writes "KAB. MERAUKE"; show it like the current list does."""
    if not raw.isupper():
        return raw
    words = raw.replace("KAB. ", "KABUPATEN ").split()
    return " ".join(w.capitalize() for w in words)


class RegionIndex:
    """Lookups by code digits ("3514"); built once per process (see `load_regions`)."""

    def __init__(self, regions: list[Region]) -> None:
        self._by_digits: dict[str, Region] = {}
        for region in regions:
            # A code in both lists is current: the current list is loaded first and wins.
            self._by_digits.setdefault(region.digits, region)

    def __len__(self) -> int:
        return len(self._by_digits)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._by_digits.values())

    def get(self, digits: str) -> Region | None:
        return self._by_digits.get(digits.replace(".", ""))

    def path(self, digits: str) -> list[Region | None]:
        """Province, regency, district for the leading 2/4/6 digits given (fewer if shorter)."""
        digits = digits.replace(".", "")
        return [self.get(digits[:n]) for n in (2, 4, 6) if len(digits) >= n]

    def path_name(self, digits: str) -> str:
        """ "Jawa Timur / Kabupaten Pasuruan / Bangil"; unknown parts as "?"."""
        return " / ".join(r.name if r else "?" for r in self.path(digits))

    def search(self, text: str, *, level: Level | None = None, limit: int = 20) -> list[Region]:
        """Current regions whose name contains `text` (case-insensitive): names with a word
        starting with it first, then provinces before regencies before districts."""
        needle = text.strip().casefold()
        if not needle:
            return []
        hits = [
            r
            for r in self._by_digits.values()
            if not r.retired
            and (level is None or r.level is level)
            and needle in r.name.casefold()
        ]
        order = list(Level)

        def rank(r: Region) -> tuple[bool, int, int, str]:
            word_start = any(w.startswith(needle) for w in r.name.casefold().split())
            return (not word_start, order.index(r.level), len(r.name), r.code)

        hits.sort(key=rank)
        return hits[:limit]


def _read_rows(file_name: str) -> list[dict[str, str]]:
    raw = resources.files("station.domain").joinpath("data", file_name).read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw)))


def _region(code: str, name: str, *, retired: bool, last_seen: str = "") -> Region:
    level = _LEVEL_BY_DIGITS[len(code.replace(".", ""))]
    return Region(
        code=code,
        name=_display_name(name.strip()),
        level=level,
        retired=retired,
        last_seen_in=int(last_seen) if last_seen else None,
    )


def _with_successors(current: list[Region], retired: list[Region]) -> list[Region]:
    """Where a split moved a region to a new code, the retired code names the new one.

    The lists do not say which code replaced which; the region's name does: a retired
    regency's successor is the one current regency of the same name (none if the name is
    not unique), and a retired district's is the district of the same name in its
    regency's successor. A region merely abolished keeps no successor."""
    index = RegionIndex(current)
    regencies: dict[str, list[Region]] = {}
    for r in current:
        if r.level is Level.REGENCY:
            regencies.setdefault(r.name.casefold(), []).append(r)
    districts = {
        (r.digits[:4], r.name.casefold()): r for r in current if r.level is Level.DISTRICT
    }
    moved: dict[str, Region] = {}  # retired regency digits -> successor
    for r in retired:
        if r.level is Level.REGENCY and len(same := regencies.get(r.name.casefold(), [])) == 1:
            moved[r.digits] = same[0]
    out = []
    for r in retired:
        successor: Region | None = None
        if r.level is Level.REGENCY:
            successor = moved.get(r.digits)
        elif r.level is Level.DISTRICT and (regency := moved.get(r.digits[:4])):
            successor = districts.get((regency.digits, r.name.casefold()))
        if successor is not None:
            r = replace(r, current=(successor.code, index.path_name(successor.digits)))
        out.append(r)
    return out


@cache
def load_regions() -> RegionIndex:
    current = [_region(r["kode"], r["nama"], retired=False) for r in _read_rows(CURRENT_FILE)]
    retired = [
        _region(r["kode"], r["nama"], retired=True, last_seen=r["last_seen_in"])
        for r in _read_rows(RETIRED_FILE)
    ]
    return RegionIndex(current + _with_successors(current, retired))
