"""Every NIK rule of the reference (shared/reference/ektp-rules.md), one test each, plus the
known bugs of public NIK parsers as regressions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.domain.nik import parse_nik, resolve_year
from station.domain.regions import Level, load_regions

TODAY = date(2026, 11, 28)
# 35.14.14 = Jawa Timur / Kabupaten Pasuruan / Bangil
MALE_2007 = "3514141402070123"  # born 14-02-2007, man
FEMALE_2007 = "3514145402070123"  # born 14-02-2007, woman (14 + 40)


def nik(raw: str, **kw: object):  # type: ignore[no-untyped-def]
    return parse_nik(raw, today=TODAY, **kw)  # type: ignore[arg-type]


def codes(result) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    return [f.code for f in result.errors], [f.code for f in result.warnings]


def test_valid_nik_decodes_every_part() -> None:
    r = nik(MALE_2007)
    assert r.valid and codes(r) == ([], [])
    assert r.nik == MALE_2007
    assert r.sex == "L"
    assert r.birth_date == date(2007, 2, 14)
    assert r.serial == "0123"
    assert r.region_name == "Jawa Timur / Kabupaten Pasuruan / Bangil"
    assert (r.province.code, r.regency.code, r.district.code) == ("35", "35.14", "35.14.14")


@pytest.mark.parametrize(
    "typed",
    ["3514 1414 0207 0123", "3514-1414-0207-0123", "35.14.14.140207.0123", " 3514141402070123 "],
)
def test_separators_are_stripped(typed: str) -> None:
    r = nik(typed)
    assert r.valid and r.nik == MALE_2007


@pytest.mark.parametrize("typed", ["351414140207012", "35141414020701234", "3514"])
def test_length_must_be_16_digits(typed: str) -> None:
    r = nik(typed)
    assert codes(r)[0] == ["length"]
    assert str(len(typed)) in r.errors[0].text.en
    assert not r.valid and r.nik is None


def test_empty_is_an_error() -> None:
    assert codes(nik(" - "))[0] == ["empty"]


def test_letter_o_for_zero_is_named() -> None:
    r = nik("35141414O2O7O123")
    assert codes(r)[0] == ["letter_o"]
    assert "0" in r.errors[0].text.id and "O" in r.errors[0].text.en


def test_other_letters_are_an_error() -> None:
    r = nik("3514141402070l23")  # lower-case L for one
    assert codes(r)[0] == ["letters"]
    assert "l" in r.errors[0].text.en


def test_other_characters_are_an_error() -> None:
    assert codes(nik("3514/1414/0207/0123"))[0] == ["characters"]
    # Unicode digits are digits to str.isdigit() but not to the registry.
    assert codes(nik("٣٥١٤١٤١٤٠٢٠٧٠١٢٣"))[0] == ["characters"]


def test_women_add_40_to_the_day() -> None:
    r = nik(FEMALE_2007)
    assert r.valid and r.sex == "P" and r.birth_date == date(2007, 2, 14)


@pytest.mark.parametrize(
    ("day", "sex", "born"),
    [("01", "L", 1), ("31", "L", 31), ("41", "P", 1), ("71", "P", 31)],
)
def test_day_range_limits(day: str, sex: str, born: int) -> None:
    r = nik(f"351414{day}0107 0001")
    assert r.valid and r.sex == sex and r.birth_date == date(2007, 1, born)


@pytest.mark.parametrize("day", ["00", "32", "35", "40", "72", "99"])
def test_impossible_day_values_are_errors(day: str) -> None:
    r = nik(f"351414{day}01070001")
    assert codes(r)[0] == ["day"] and r.sex is None


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_month_must_be_01_to_12(month: str) -> None:
    assert codes(nik(f"35141414{month}070001"))[0] == ["month"]


def test_29_february_only_in_leap_years() -> None:
    assert nik("3514142902080001").birth_date == date(2008, 2, 29)
    assert codes(nik("3514142902070001"))[0] == ["date"]
    assert codes(nik("3514146902070001"))[0] == ["date"]  # woman, 29 Feb 2007


def test_day_70_for_a_woman_is_the_30th_which_february_lacks() -> None:
    assert codes(nik("3514147002080001"))[0] == ["date"]
    assert nik("3514147004080001").birth_date == date(2008, 4, 30)


def test_31st_of_a_30_day_month_is_an_error() -> None:
    assert codes(nik("3514143106070001"))[0] == ["date"]


def test_unknown_province_is_an_error() -> None:
    r = nik("0014141402070123")
    assert codes(r) == (["province"], [])
    assert r.birth_date == date(2007, 2, 14)  # the rest is still decoded for the operator


def test_unknown_regency_is_only_a_warning() -> None:
    r = nik("3560011402070123")
    assert r.valid and codes(r) == ([], ["regency_unknown"])
    assert r.province.name == "Jawa Timur" and r.regency is None
    assert r.as_json()["regency"] == {"code": "35.60", "name": None}


def test_unknown_district_is_only_a_warning() -> None:
    r = nik("3514991402070123")
    assert r.valid and codes(r) == ([], ["district_unknown"])
    assert r.regency.name == "Kabupaten Pasuruan" and r.district is None


def test_code_outside_the_visiting_regency_is_normal() -> None:
    r = nik("3171011402070123")  # DKI Jakarta, recorded in Pasuruan
    assert r.valid and codes(r) == ([], [])


def test_retired_papua_codes_are_recognised() -> None:
    # 91.01 Merauke moved to Papua Selatan (93.01) in 2022; old NIKs keep 91.01.
    r = nik("9101011402070123")
    # Valid, with a warning that tells the operator and names the current code (issue 17).
    assert r.valid and codes(r) == ([], ["region_retired"])
    assert "Its current code: 93.01.01 (Papua Selatan / Kabupaten Merauke / Merauke)" in (
        r.warnings[0].text.en)
    assert r.region_name == "Papua / Kabupaten Merauke / Merauke"
    assert r.regency.retired and r.regency.last_seen_in == 2022
    assert r.as_json()["regency"] == {
        "code": "91.01", "name": "Kabupaten Merauke", "retired": True, "last_seen_in": 2022,
        "current": {"code": "93.01", "name": "Papua Selatan / Kabupaten Merauke"},
    }


def test_a_retired_code_without_a_known_successor_says_only_that_it_is_retired() -> None:
    # 91.21.01 Kobagma: no district of that name in Mamberamo Tengah's new code.
    r = nik("9121011402070123")
    assert codes(r) == ([], ["region_retired"])
    assert "retired" in r.warnings[0].text.en and "current code" not in r.warnings[0].text.en


def test_serial_0000_is_a_warning() -> None:
    r = nik("3514141402070000")
    assert r.valid and codes(r) == ([], ["serial_zero"])


def test_every_error_is_bilingual() -> None:
    for raw in ["", "123", "35141414O2070123", "3514143202070123", "0014141402070123"]:
        for f in nik(raw).errors:
            assert f.text.id and f.text.en and f.text.id != f.text.en


# --- cross-check with the form -------------------------------------------------------


def test_matching_form_gives_no_warning() -> None:
    r = nik(FEMALE_2007, form_birth_date=date(2007, 2, 14), form_sex="P")
    assert codes(r) == ([], [])


def test_sex_mismatch_is_flagged_not_fixed() -> None:
    r = nik(FEMALE_2007, form_sex="L")
    assert r.valid and codes(r) == ([], ["sex_mismatch"])
    assert r.sex == "P"  # the NIK's value stays; the operator resolves it


def test_birth_date_mismatch_is_flagged_not_fixed() -> None:
    r = nik(MALE_2007, form_birth_date=date(2007, 2, 15))
    assert codes(r) == ([], ["birth_date_mismatch"])
    assert r.birth_date == date(2007, 2, 14)
    assert "15-02-2007" in r.warnings[0].text.en and "14-02-2007" in r.warnings[0].text.en


def test_form_date_differing_only_in_century_is_not_a_mismatch() -> None:
    # The NIK has no century; an elderly applicant's form date decides it.
    r = nik("3514141402270123", form_birth_date=date(1927, 2, 14))
    assert codes(r) == ([], [])


# --- known bugs of public NIK parsers --------------------------------------------------


def test_regression_sex_comes_from_the_day_not_the_input_length() -> None:
    # A parser that looked at len(raw) would call these two different sexes (or both
    # the same) depending on how many separators the operator typed.
    for typed in [FEMALE_2007, "3514 1454 0207 0123", "35-14-14-54-02-07-0123"]:
        assert nik(typed).sex == "P"
    for typed in [MALE_2007, "3514 1414 0207 0123"]:
        assert nik(typed).sex == "L"


def test_regression_century_is_not_hard_coded() -> None:
    assert nik("3514141402070123").birth_date.year == 2007  # 19YY would say 1907
    assert nik("3514141402990123").birth_date.year == 1999
    # 20YY in the future -> 19YY: 28-11-26 is today (2026), 29-11-26 is tomorrow.
    assert nik("3514142811260123").birth_date == date(2026, 11, 28)
    assert nik("3514142911260123").birth_date == date(1926, 11, 29)


def test_regression_day_and_year_are_not_swapped() -> None:
    # DDMMYY = 03 05 08 -> 3 May 2008, not 8 May 2003.
    r = nik("3514140305080123")
    assert r.birth_date == date(2008, 5, 3)


@pytest.mark.parametrize(
    ("yy", "day", "month", "expected"),
    [(7, 14, 2, 2007), (26, 28, 11, 2026), (26, 29, 11, 1926), (0, 29, 2, 2000), (99, 1, 1, 1999)],
)
def test_resolve_year(yy: int, day: int, month: int, expected: int) -> None:
    assert resolve_year(yy, day, month, TODAY) == expected


def test_29_february_of_a_future_leap_year_falls_back_a_century() -> None:
    # 29-02-28 is in the future on TODAY -> 1928, a leap year: valid.
    assert nik("3514142902280123").birth_date == date(1928, 2, 29)


# --- property: whatever is encoded by the layout decodes back -------------------------

_DISTRICTS = sorted(r.digits for r in load_regions() if r.level is Level.DISTRICT)


@settings(deadline=None)  # shared CI machines: no timing in tests
@given(
    born=st.dates(min_value=date(1927, 1, 1), max_value=TODAY),
    female=st.booleans(),
    district=st.sampled_from(_DISTRICTS),
    serial=st.integers(min_value=1, max_value=9999),
    separator=st.sampled_from(["", " ", "-", "."]),
)
def test_layout_round_trip(
    born: date, female: bool, district: str, serial: int, separator: str
) -> None:
    day = born.day + (40 if female else 0)
    digits = f"{district}{day:02d}{born:%m%y}{serial:04d}"
    typed = separator.join(digits[i : i + 4] for i in range(0, 16, 4))
    r = nik(typed, form_birth_date=born, form_sex="P" if female else "L")
    retired = ["region_retired"] if r.district is not None and r.district.retired else []
    assert r.valid and codes(r) == ([], retired)
    assert r.nik == digits and r.sex == ("P" if female else "L")
    assert r.birth_date == born  # within the last 100 years the century is unambiguous
    assert r.district is not None and r.district.digits == district


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_findings_never_a_crash(raw: str) -> None:
    r = nik(raw)
    assert r.valid == (not r.errors)
    assert all(f.text.id and f.text.en for f in (*r.errors, *r.warnings))
    assert r.valid or r.birth_date is None or r.errors[0].code == "province"
