"""Roster import: the CSV variants schools send, and a clear report of bad rows."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.domain.roster import parse_date, parse_roster

TODAY = date(2026, 11, 28)


def roster(text: str, encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    return parse_roster(text.encode(encoding), today=TODAY)


def test_plain_comma_file_with_english_headers() -> None:
    r = roster(
        "name,class,birth_date,sex,nisn,nik\n"
        "Ahmad Fauzi,XII IPA 1,2008-03-01,L,0081234567,3514140103080001\n"
        "Siti Aminah,XII IPS 2,2008-07-09,P,0087654321,\n"
    )
    assert r.ok and not r.rejected
    a, s = r.students
    assert (a.line, a.name, a.class_name, a.birth_date, a.sex) == (
        2, "Ahmad Fauzi", "XII IPA 1", date(2008, 3, 1), "L",
    )
    assert a.nisn == "0081234567" and a.nik == "3514140103080001" and not a.notes
    assert s.nik is None and s.sex == "P"


def test_excel_indonesian_export_semicolon_bom_and_dd_mm_yyyy() -> None:
    text = (
        "\ufeffNo;Nama Siswa;Kelas;Tanggal Lahir;Jenis Kelamin;NISN;NIK\n"
        "1;Budi Santoso;XII-1;14/02/2008;Laki-laki;81234567;\n"
        "2;Dewi Lestari;XII-1;3/4/2008;Perempuan;0087654321;3514144304080002\n"
    )
    r = roster(text)
    assert r.ok and not r.rejected, r.report().en
    b, d = r.students
    assert b.birth_date == date(2008, 2, 14) and b.sex == "L"
    # Issue 17: 8 digits is a 2000s NISN whose two leading zeros Excel dropped.
    assert b.nisn == "0081234567" and "restored to 0081234567" in b.notes[0].en
    assert d.birth_date == date(2008, 4, 3) and d.sex == "P"  # day first, Indonesian order


def test_windows_1252_file_is_read() -> None:
    r = roster("nama;kelas\nJosé Ramos-Horta;XII\n", encoding="cp1252")
    assert r.students[0].name == "José Ramos-Horta"


def test_utf16_file_is_read() -> None:
    r = roster("nama\tkelas\nAni\tXII\n", encoding="utf-16")
    assert r.students[0].name == "Ani" and r.students[0].class_name == "XII"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008-02-14", date(2008, 2, 14)),
        ("14/02/2008", date(2008, 2, 14)),
        ("14-02-2008", date(2008, 2, 14)),
        ("14.02.2008", date(2008, 2, 14)),
        ("2/14/2008", date(2008, 2, 14)),  # Excel en-US: month first shows as 14 > 12
        ("14/02/08", date(2008, 2, 14)),
        ("39492", date(2008, 2, 14)),  # Excel serial number
        ("39492.0", date(2008, 2, 14)),
        ("2008-02-14 00:00:00", date(2008, 2, 14)),
        ("14 Februari 2008", date(2008, 2, 14)),
        ("14-Feb-2008", date(2008, 2, 14)),
        ("1 Agustus 2008", date(2008, 8, 1)),
        ("30/02/2008", None),
        ("kemarin", None),
        ("", None),
    ],
)
def test_date_formats(text: str, expected: date | None) -> None:
    assert parse_date(text, today=TODAY) == expected


def test_nisn_with_dropped_leading_zero_is_restored() -> None:
    r = roster("nama,nisn\nAni,87654321\nBudi,087654322\nCitra,987654323\n")
    # A number lost its leading zeros: two for 2000s births (8 digits), one for 2010s.
    assert [s.nisn for s in r.students] == ["0087654321", "0087654322", "0987654323"]


def test_bad_rows_are_rejected_with_line_and_reason() -> None:
    text = (
        "nama,kelas,tanggal lahir,jk,nisn,nik\n"
        "Ahmad,XII,01/03/2008,L,0081234567,\n"
        ",XII,01/03/2008,L,0081234568,\n"  # no name
        "\n"  # blank lines are skipped, line numbers stay those of the file
        "Budi, Jr.,XII,01/03/2008,L,0081234569,\n"  # comma inside the name
        "Ahmad Lagi,XII,02/03/2008,L,0081234567,\n"  # same NISN as line 2
        "Citra,XII,31/02/2008,X,0081234570,3514145O03080003\n"  # bad date, sex, NIK
        "Dodi,XII,01/01/2008,L,,3.51414E+15\n"  # NIK mangled by Excel
    )
    r = roster(text)
    assert [s.name for s in r.students] == ["Ahmad", "Citra", "Dodi"]
    assert [(x.line, x.reason.en.split(" ")[0]) for x in r.rejected] == [
        (3, "The"), (5, "7"), (6, "Same"),
    ]
    assert "line 2" in r.rejected[2].reason.en and "NISN" in r.rejected[2].reason.en
    assert "Budi" in r.rejected[1].content
    citra = r.students[1]
    assert citra.birth_date is None and citra.sex is None and citra.nik is None
    notes = " | ".join(n.en for n in citra.notes)
    assert "31/02/2008" in notes and "'X'" in notes and "letter O" in notes
    assert "Excel" in r.students[2].notes[0].en
    report = r.report()
    assert report.en.startswith("3 students read, 3 rows rejected, 2 with notes.")
    assert "Line 5: rejected" in report.en and "Baris 5: ditolak" in report.id
    assert "Line 7 (Citra)" in report.en


def test_nik_disagreeing_with_the_roster_is_noted_not_dropped() -> None:
    r = roster("nama,tanggal lahir,jk,nik\nAni,2008-03-01,L,3514144103080001\n")
    ani = r.students[0]
    assert ani.nik == "3514144103080001"
    assert "sex on the form" in ani.notes[0].en


def test_duplicate_nik_is_rejected() -> None:
    r = roster("nama,nik\nAni,3514144103080001\nAni Dua,3514144103080001\n")
    assert len(r.students) == 1 and "NIK" in r.rejected[0].reason.en


def test_file_without_a_name_column_is_refused_whole() -> None:
    r = roster("kelas,nisn\nXII,0081234567\n")
    assert not r.ok and r.file_error is not None and "nama" in r.file_error.id
    assert "first 10 lines" in r.file_error.en
    assert r.report() == r.file_error


def test_unclosed_quote_swallowing_the_file_is_a_clear_error() -> None:
    r = parse_roster(b'nama\n"' + b"a" * 200_000, today=TODAY)
    assert not r.ok and r.file_error is not None and "quote" in r.file_error.en


def test_empty_and_oversized_files() -> None:
    assert not roster("\n\n").ok
    assert not parse_roster(b"nama\n" + b"x\n" * 1_000_001, today=TODAY).ok


def test_future_birth_date_is_not_accepted() -> None:
    r = roster("nama,tanggal lahir\nAni,2030-01-01\n")
    assert r.students[0].birth_date is None and r.students[0].notes


def test_title_rows_above_the_headings_are_skipped() -> None:
    r = roster("DAFTAR PESERTA DIDIK;;\nSMAN 1 Bangil;;\n;;\nNama;Kelas;JK\nAni;XII-1;P\n")
    assert r.ok and [(s.line, s.name, s.sex) for s in r.students] == [(5, "Ani", "P")]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(alphabet=";,\t\"\n\r ab1/-.Oé", max_size=300).map(
    lambda t: ("nama;kelas;tanggal lahir;jk;nisn;nik\n" + t).encode()
))
def test_any_bytes_give_a_report_never_a_crash(data: bytes) -> None:
    result = parse_roster(data, today=TODAY)
    report = result.report()
    assert report.id and report.en
    assert all(s.name for s in result.students)


# --- issue 17: what real school files do ----------------------------------------------------


def test_nisn_missing_two_zeros_is_restored_when_the_birth_year_agrees() -> None:
    r = roster(
        "nama;tanggal lahir;nisn\n"
        "Ani;14-02-2009;91234501\n"  # born 2009: NISN 009...
        "Budi;14-02-2008;91234502\n"  # born 2008 but 009...: not restored, said so
    )
    ani, budi = r.students
    assert ani.nisn == "0091234501"
    assert "restored to 0091234501" in r.report().en and "dipulihkan" in r.report().id
    assert budi.nisn is None
    assert "does not match the birth year 2008" in budi.notes[0].en


def test_us_order_dates_are_read_month_first_when_the_column_proves_it() -> None:
    r = roster("nama;tgl lahir\nAni;3/4/2009\nBudi;2/14/2009\nCici;12/25/2009\n")
    assert [s.birth_date for s in r.students] == [
        date(2009, 3, 4), date(2009, 2, 14), date(2009, 12, 25)]
    assert "month/day/year" in r.report().en and "bulan/hari/tahun" in r.report().id


def test_a_date_column_that_stays_ambiguous_is_flagged() -> None:
    r = roster("nama;tgl lahir\nAni;3/4/2009\nBudi;5/6/2009\n")
    assert r.students[0].birth_date == date(2009, 4, 3)  # Indonesian order, but flagged
    assert "day/month order cannot be told" in r.report().en
    plain = roster("nama;tgl lahir\nAni;13/4/2009\nBudi;5/6/2009\n")
    assert "cannot be told" not in plain.report().en  # 13/4 proves day-first


def test_an_unclosed_quote_is_reported_with_its_line() -> None:
    r = roster('nama;kelas\n"Ani;XII\nBudi;XII\nCici;XII\n')
    assert not any("Budi" in s.name for s in r.students)
    assert [x.line for x in r.rejected] == [2]
    assert "unclosed quote" in r.rejected[0].reason.en
    assert "lines 2-4" in r.rejected[0].reason.en and "baris 2-4" in r.rejected[0].reason.id
    # Lines after a quoted multi-line row keep their own line numbers.
    later = roster('nama;kelas\n"Ani;XII\nBudi;XII";XII\nDewi;XII\n')
    assert [(s.line, s.name) for s in later.students] == [(4, "Dewi")]


@pytest.mark.parametrize("heading", ["TTL", "Tempat, Tanggal Lahir", "Tempat/Tgl Lahir"])
def test_combined_place_and_date_of_birth_is_parsed(heading: str) -> None:
    text = f'nama;{heading}\nAni;"Kab. Pasuruan, 14-02-2009"\nBudi;Bangil, 1 Agustus 2011\n'
    ani, budi = roster(text).students
    assert (ani.birth_place, ani.birth_date) == ("Kab. Pasuruan", date(2009, 2, 14))
    assert (budi.birth_place, budi.birth_date) == ("Bangil", date(2011, 8, 1))


def test_tempat_lahir_is_read() -> None:
    r = roster("nama;tempat lahir;tanggal lahir\nAni;Pasuruan;14-02-2009\n")
    assert r.students[0].birth_place == "Pasuruan"


def test_an_apostrophe_prefixed_nik_is_cleaned() -> None:
    r = roster("nama;tanggal lahir;nik\nAni;14-02-2009;'3514145402090001\n")
    assert r.students[0].nik == "3514145402090001" and not r.students[0].notes


def test_a_duplicate_inside_the_file_names_the_other_line() -> None:
    r = roster("nama;tanggal lahir\nAni Lestari;14-02-2009\nBudi;1-1-2009\n"
               "ani  lestari;14-02-2009\n")
    assert [x.line for x in r.rejected] == [4]
    assert r.rejected[0].reason.en == "Same name and birth date as line 2."
