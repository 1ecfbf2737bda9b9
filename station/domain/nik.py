"""NIK (Nomor Induk Kependudukan) parsing and validation.

Layout (16 digits, no check digit): PP RR DD | DDMMYY | SSSS
  province, regency/city, district where the NIK was first issued; birth date with 40 added
  to the day for women; a serial.

Errors make the NIK unusable (the identity step refuses it); warnings are shown to the
operator and recorded with the enrollment. Mismatches with what the operator typed on the
form are warnings too: flagged for the operator to resolve, never corrected here, because a
NIK is never reissued and the form may be the side that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from station.domain.findings import Finding
from station.domain.regions import Region, RegionIndex, load_regions
from station.messages import (
    NIK_EMPTY,
    NIK_LETTER_O,
    NIK_SERIAL_ZERO,
    nik_birth_date_differs,
    nik_birth_date_not_in_calendar,
    nik_birth_day_impossible,
    nik_birth_month_impossible,
    nik_has_letters,
    nik_has_other_characters,
    nik_province_unknown,
    nik_region_not_listed,
    nik_region_retired,
    nik_sex_differs,
    nik_wrong_length,
)

Sex = Literal["L", "P"]  # laki-laki / perempuan, as on the KTP

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
SEPARATORS = re.compile(r"[\s.\-]+")
# Codes of the warnings that compare the NIK with the form (the web layer asks the
# operator to acknowledge these explicitly).
MISMATCH_CODES = frozenset({"birth_date_mismatch", "sex_mismatch"})


def mask_nik(nik: str) -> str:
    """3514********0001: enough for a person to recognise their own card, no more."""
    return nik[:4] + "*" * 8 + nik[12:]


@dataclass
class NikResult:
    raw: str
    nik: str | None = None  # the 16 digits once separators are stripped and the length is right
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    sex: Sex | None = None
    birth_date: date | None = None
    province: Region | None = None
    regency: Region | None = None
    district: Region | None = None
    serial: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def region_name(self) -> str:
        parts = [r.name for r in (self.province, self.regency, self.district) if r]
        return " / ".join(parts)

    def has(self, code: str) -> bool:
        return any(f.code == code for f in (*self.errors, *self.warnings))

    def as_json(self) -> dict[str, object]:
        digits = self.nik or ""

        def region(found: Region | None, n: int) -> dict[str, object] | None:
            if found is not None:
                return found.as_json()
            if len(digits) == NIK_LENGTH:
                code = ".".join(digits[i : i + 2] for i in range(0, n, 2))
                return {"code": code, "name": None}
            return None

        return {
            "nik": self.nik,
            "valid": self.valid,
            "errors": [f.as_json() for f in self.errors],
            "warnings": [f.as_json() for f in self.warnings],
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "province": region(self.province, 2),
            "regency": region(self.regency, 4),
            "district": region(self.district, 6),
            "region_name": self.region_name or None,
            "serial": self.serial,
        }


def normalize(raw: str) -> str:
    """Drop the separators people type or copy (spaces, '-', '.')."""
    return SEPARATORS.sub("", raw)


def _length_error(digits: str) -> Finding:
    return Finding("length", nik_wrong_length(len(digits)))


def resolve_year(yy: int, day: int, month: int, today: date) -> int:
    """Two-digit year -> four digits: 20YY unless that birth date lies in the future, then
    19YY. (Public parsers that hard-code 19YY make every school student a pensioner.)"""
    year = 2000 + yy
    try:
        future = date(year, month, day) > today
    except ValueError:  # 29 Feb in a non-leap 20YY: compare by month/day instead
        future = (year, month, day) > (today.year, today.month, today.day)
    return year - 100 if future else year


def parse_nik(
    raw: str,
    *,
    today: date | None = None,
    regions: RegionIndex | None = None,
    form_birth_date: date | None = None,
    form_sex: Sex | None = None,
) -> NikResult:
    """Validate one NIK; optionally cross-check it with the birth date and sex on the form."""
    today = today or date.today()
    regions = regions or load_regions()
    result = NikResult(raw=raw)
    digits = normalize(raw)
    if not _check_characters(digits, result):
        return result
    if len(digits) != NIK_LENGTH:
        result.errors.append(_length_error(digits))
        return result
    result.nik = digits
    result.serial = digits[12:]
    _check_birth_date(digits, result, today)
    _check_region(digits, result, regions)
    if result.serial == "0000":
        result.warnings.append(Finding("serial_zero", NIK_SERIAL_ZERO))
    _cross_check(result, form_birth_date, form_sex)
    return result


def _check_characters(digits: str, result: NikResult) -> bool:
    if not digits:
        result.errors.append(Finding("empty", NIK_EMPTY))
        return False
    if digits.isascii() and digits.isdigit():
        return True
    if any(c in "oO" for c in digits) and all(c.isdigit() or c in "oO" for c in digits):
        result.errors.append(Finding("letter_o", NIK_LETTER_O))
    elif any(c.isalpha() for c in digits):
        letters = "".join(sorted({c for c in digits if c.isalpha()}))
        result.errors.append(Finding("letters", nik_has_letters(letters)))
    else:
        others = "".join(sorted({c for c in digits if not (c.isascii() and c.isdigit())}))
        result.errors.append(Finding("characters", nik_has_other_characters(others)))
    return False


def _check_birth_date(digits: str, result: NikResult, today: date) -> None:
    # Digits 7-12 are DDMMYY. Read them by position, never by the length of the input
    # (which separators change) and never swapping day and year.
    coded_day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if 1 <= coded_day <= 31:
        sex: Sex = "L"
        day = coded_day
    elif FEMALE_DAY_OFFSET + 1 <= coded_day <= FEMALE_DAY_OFFSET + 31:
        sex = "P"
        day = coded_day - FEMALE_DAY_OFFSET
    else:
        result.errors.append(Finding("day", nik_birth_day_impossible(coded_day)))
        return
    result.sex = sex
    if not 1 <= month <= 12:
        result.errors.append(Finding("month", nik_birth_month_impossible(month)))
        return
    year = resolve_year(yy, day, month, today)
    try:
        result.birth_date = date(year, month, day)
    except ValueError:
        result.errors.append(Finding("date", nik_birth_date_not_in_calendar(day, month, year)))


def _check_region(digits: str, result: NikResult, regions: RegionIndex) -> None:
    result.province = regions.get(digits[:2])
    if result.province is None:
        result.errors.append(Finding("province", nik_province_unknown(digits[:2])))
        return
    # Unknown regency or district: recorded where the NIK was first issued, possibly from
    # a list older than ours, so a warning and never a rejection.
    result.regency = regions.get(digits[:4])
    if result.regency is None:
        result.warnings.append(_unknown_region("regency", digits[:4]))
        return
    result.district = regions.get(digits[:6])
    if result.district is None:
        result.warnings.append(_unknown_region("district", digits[:6]))
    retired = next((r for r in (result.district, result.regency) if r and r.retired), None)
    if retired is not None:
        result.warnings.append(_retired_region(retired))


def _retired_region(region: Region) -> Finding:
    """A NIK keeps the code it was first issued under for life (a split does not reissue
    it): valid, but the operator should know why the code is not in today's list."""
    return Finding(
        "region_retired",
        nik_region_retired(
            region.level.value, region.code, region.name, region.last_seen_in, region.current
        ),
    )


def _unknown_region(level: str, digits: str) -> Finding:
    code = ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    return Finding(f"{level}_unknown", nik_region_not_listed(level, code))


def _cross_check(result: NikResult, form_birth_date: date | None, form_sex: Sex | None) -> None:
    if form_sex is not None and result.sex is not None and form_sex != result.sex:
        result.warnings.append(Finding("sex_mismatch", nik_sex_differs(form_sex, result.sex)))
    nik_date = result.birth_date
    # The NIK holds only two year digits: the century is inferred, so a form date that
    # differs only in the century is not a mismatch.
    if (
        form_birth_date is not None
        and nik_date is not None
        and (form_birth_date.day, form_birth_date.month, form_birth_date.year % 100)
        != (nik_date.day, nik_date.month, nik_date.year % 100)
    ):
        result.warnings.append(
            Finding("birth_date_mismatch", nik_birth_date_differs(form_birth_date, nik_date))
        )
