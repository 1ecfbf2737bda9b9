"""Import a school's student list (CSV) for a visit.

Schools export from Excel or Dapodik, so the reader tolerates what those produce: a `;`
separator (Indonesian Excel locale), a UTF-8 BOM or a Windows code page, Indonesian or
English headers, Excel date formats (dd/mm/yyyy, Excel serial numbers, "14 Februari 2007",
month/day/year from an English-locale Excel when the column proves it), a combined "Tempat,
Tanggal Lahir" (TTL) column, NISNs whose leading zeros Excel dropped and NIKs behind Excel's
text apostrophe. Every row that cannot be used is reported with its line number and the
reason; fields that cannot be read leave the row in the queue with a note, so one typo does
not hide a student.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from peripherals.device import Text
from station.domain.nik import Sex, parse_nik
from station.messages import (
    ROSTER_FILE_EMPTY,
    ROSTER_NAME_EMPTY,
    ROSTER_NOT_CSV,
    ROSTER_NOT_UNICODE,
    DuplicateKey,
    one_per_line,
    roster_birth_date_unreadable,
    roster_csv_broken,
    roster_day_month_unsure,
    roster_file_too_large,
    roster_line_rejected,
    roster_month_first,
    roster_more_cells_than_headings,
    roster_nik_invalid,
    roster_nik_mangled_by_excel,
    roster_nisn_not_10_digits,
    roster_nisn_restored,
    roster_nisn_short_and_wrong_year,
    roster_no_heading_row,
    roster_same_as_line,
    roster_sex_unknown,
    roster_student_note,
    roster_summary,
    roster_too_many_rows,
    roster_unclosed_quote,
)
from station.plain_text import without_control

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug
NISN_LENGTH = 10
HEADER_SEARCH_ROWS = 10

# header spelling (casefolded, spaces/underscores/dots removed) -> field
_HEADERS = {
    "name": ("nama", "name", "namasiswa", "namalengkap", "namapesertadidik", "nama lengkap"),
    "class_name": ("kelas", "class", "rombel", "rombonganbelajar", "classname"),
    "birth_date": (
        "tanggallahir",
        "tgllahir",
        "tgl_lahir",
        "birthdate",
        "dateofbirth",
        "dob",
        "lahir",
    ),
    "sex": ("jeniskelamin", "jk", "lp", "sex", "gender", "kelamin"),
    "nisn": ("nisn",),
    "nik": ("nik", "noktp", "nomorinduk kependudukan", "nomorindukkependudukan"),
    "birth_place": ("tempatlahir", "tmplahir", "tmptlahir", "birthplace", "placeofbirth"),
    # Dapodik and many school lists put both in one column: "Pasuruan, 14-02-2009".
    "place_and_date": (
        "ttl",
        "tempattanggallahir",
        "tempattgllahir",
        "tempatdantanggallahir",
        "tempattanggallahirttl",
        "placeanddateofbirth",
    ),
}
# Excel's text marker in front of a number typed as text ('3514...): not part of the value.
_TEXT_MARKERS = "'\u2019`"
DateOrder = Literal["dmy", "mdy"]
_SLASHED = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "pebruari", "feb", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
_SEX = {
    "l": "L",
    "lk": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "f": "P",
    "female": "P",
}


@dataclass
class Student:
    line: int  # line in the file, as a spreadsheet shows it (header = 1)
    name: str
    class_name: str | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    nisn: str | None = None
    nik: str | None = None
    birth_place: str | None = None
    notes: list[Text] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "name": self.name,
            "class_name": self.class_name,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "nisn": self.nisn,
            "nik": self.nik,
            "birth_place": self.birth_place,
            "notes": [t.as_json() for t in self.notes],
        }


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: Text
    content: str  # the raw row, so the operator can find it in the school's file

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "reason": self.reason.as_json(),
            "content": self.content,
        }


@dataclass
class RosterImport:
    students: list[Student] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    file_error: Text | None = None  # the whole file could not be read
    notes: list[Text] = field(default_factory=list)  # about the whole file (a date column)

    @property
    def ok(self) -> bool:
        return self.file_error is None

    def report(self) -> Text:
        """A short bilingual summary for the operator, with each problem line."""
        if self.file_error:
            return self.file_error
        noted = [s for s in self.students if s.notes]
        return one_per_line(
            [
                roster_summary(len(self.students), len(self.rejected), len(noted)),
                *self.notes,
                *(roster_line_rejected(r.line, r.reason) for r in self.rejected),
                *(roster_student_note(s.line, s.name, note) for s in noted for note in s.notes),
            ]
        )

    def as_json(self) -> dict[str, object]:
        report = self.report()
        return {
            "ok": self.ok,
            "students": [s.as_json() for s in self.students],
            "rejected": [r.as_json() for r in self.rejected],
            "report": report.as_json(),
        }


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text"), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_key(cell: str) -> str:
    return re.sub(r"[\s_.\-/(),]+", "", cell.strip().casefold())


_FIELD_BY_HEADER = {_header_key(h): f for f, hs in _HEADERS.items() for h in hs}


def parse_date(text: str, *, today: date, order: DateOrder | None = None) -> date | None:
    """Dates as schools' spreadsheets write them; None when it cannot be read for sure.
    `order` is the column's day/month order when the column proves it (see date_order);
    without it a date is read day-first unless its second number cannot be a month."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # Excel serial number (date cell saved as number)
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)  # "2007-02-14 00:00:00"
    try:
        if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _SLASHED.fullmatch(text):
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            if len(m[3]) == 2:
                year += 2000 if 2000 + year <= today.year else 1900
            # Indonesian order is day/month; Excel in an English locale writes month/day,
            # which shows when the second number cannot be a month.
            month_first = order == "mdy" or (order is None and b > 12 >= a)
            day, month = (b, a) if month_first else (a, b)
            return date(year, month, day)
        if m := re.fullmatch(r"(\d{1,2})[\s\-]+([A-Za-z]+)[\s\-,]+(\d{4})", text):
            named_month = _MONTHS.get(m[2].casefold())
            return date(int(m[3]), named_month, int(m[1])) if named_month else None
    except ValueError:
        return None
    return None


def date_order(values: list[str]) -> tuple[DateOrder | None, bool]:
    """The day/month order of one column of dates, and whether it stays ambiguous.

    A column proves month-first when some date's second number is above 12 (2/14/2009)
    and none's first is, and day-first the other way round. A column where every
    day/month pair is 12 or less (3/4/2009) cannot be read for sure: read day-first, as
    Indonesian Excel writes, and flagged for the operator to check."""
    pairs = [(int(m[1]), int(m[2])) for v in values if (m := _SLASHED.fullmatch(v.strip()))]
    day_first = any(a > 12 for a, _ in pairs)
    month_first = any(b > 12 for _, b in pairs)
    if month_first and not day_first:
        return "mdy", False
    if day_first and not month_first:
        return "dmy", False
    undecided = any(a != b for a, b in pairs)
    return None, undecided or (day_first and month_first)


def _order_note(heading: str, order: DateOrder | None, ambiguous: bool) -> Text | None:
    if ambiguous:
        return roster_day_month_unsure(heading)
    if order == "mdy":
        return roster_month_first(heading)
    return None


def _split_place_and_date(value: str) -> tuple[str, str]:
    """ "Pasuruan, 14-02-2009" -> ("Pasuruan", "14-02-2009"). The date is after the last
    comma ("Kab. Pasuruan, Jawa Timur, 14 Februari 2009"); no comma: all date or all place."""
    place, comma, when = value.rpartition(",")
    if not comma:
        return ("", value) if re.search(r"\d", value) else (value, "")
    return place.strip(), when.strip()


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((";", ",", "\t", "|"), key=first.count)


def parse_roster(data: bytes, *, today: date) -> RosterImport:
    out = RosterImport()
    if len(data) > MAX_BYTES:
        out.file_error = roster_file_too_large(MAX_BYTES, len(data))
        return out
    try:
        text = decode(data)
    except UnicodeDecodeError:  # UTF-16 cut short (an odd byte count), or not UTF-16 at all
        out.file_error = ROSTER_NOT_UNICODE
        return out
    # A spreadsheet or other binary file renamed .csv is full of NULs; a stray one inside
    # a name is a control character like any other, dropped with them further on.
    if text.count("\x00") > max(8, len(text) // 100):
        out.file_error = ROSTER_NOT_CSV
        return out
    try:
        spans = _rows_with_lines(text)
    except csv.Error as error:
        out.file_error = roster_csv_broken(str(error))
        return out
    last_line = {start: end for start, end, _ in spans}
    numbered = [(start, row) for start, _, row in spans if any(c.strip() for c in row)]
    if not numbered:
        out.file_error = ROSTER_FILE_EMPTY
        return out
    # Exports often start with a title ("DAFTAR PESERTA DIDIK KELAS XII") above the headings.
    found = next(
        (
            (at, row)
            for at, (_, row) in enumerate(numbered[:HEADER_SEARCH_ROWS])
            if "name" in {_FIELD_BY_HEADER.get(_header_key(c)) for c in row}
        ),
        None,
    )
    if found is None:
        out.file_error = roster_no_heading_row(HEADER_SEARCH_ROWS)
        return out
    header_at, header = found
    numbered = numbered[header_at:]
    columns = {i: _FIELD_BY_HEADER.get(_header_key(c)) for i, c in enumerate(header)}
    orders = _column_orders(header, columns, numbered[1:], out)
    if len(numbered) - 1 > MAX_ROWS:
        out.file_error = roster_too_many_rows(len(numbered) - 1, MAX_ROWS)
        return out
    seen: dict[tuple[DuplicateKey, str], int] = {}
    for line, row in numbered[1:]:
        cells = {
            f: without_control(row[i]).strip() for i, f in columns.items() if f and i < len(row)
        }
        raw = ";".join(row)
        if last_line[line] > line and any("\n" in c or "\r" in c for c in row):
            out.rejected.append(RejectedRow(line, _unclosed_quote(line, last_line[line]), raw))
            continue
        # More cells than headings shifts every later field (a separator inside a name);
        # guessing which cells belong together would put a date in the sex column.
        if len(row) > len(header):
            out.rejected.append(
                RejectedRow(line, roster_more_cells_than_headings(len(row), len(header)), raw)
            )
            continue
        if not cells.get("name"):
            out.rejected.append(RejectedRow(line, ROSTER_NAME_EMPTY, raw))
            continue
        student = _read_student(line, cells, today, orders)
        duplicate = _duplicate_of(student, seen)
        if duplicate:
            out.rejected.append(RejectedRow(line, roster_same_as_line(*duplicate), raw))
            continue
        out.students.append(student)
    return out


def _rows_with_lines(text: str) -> list[tuple[int, int, list[str]]]:
    """Each CSV row with the first and last line of the file it spans (a quoted cell may
    span lines, so rows and lines are not the same count)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    spans, start = [], 1
    for row in reader:
        spans.append((start, reader.line_num, row))
        start = reader.line_num + 1
    return spans


def _unclosed_quote(first: int, last: int) -> Text:
    # A student's name or class never holds a line break: a quote opened on `first` and
    # never closed swallowed every line up to `last` into one cell.
    return roster_unclosed_quote(first, last)


def _column_orders(
    header: list[str],
    columns: dict[int, str | None],
    rows: list[tuple[int, list[str]]],
    out: RosterImport,
) -> dict[str, DateOrder | None]:
    """Day/month order per date column (birth date, TTL), decided on the whole column."""
    orders: dict[str, DateOrder | None] = {}
    for i, name in columns.items():
        if name not in ("birth_date", "place_and_date"):
            continue
        values = [row[i] for _, row in rows if i < len(row)]
        if name == "place_and_date":
            values = [_split_place_and_date(v)[1] for v in values]
        order, ambiguous = date_order(values)
        orders[name] = order
        if note := _order_note(header[i].strip(), order, ambiguous):
            out.notes.append(note)
    return orders


def _duplicate_of(
    student: Student, seen: dict[tuple[DuplicateKey, str], int]
) -> tuple[DuplicateKey, int] | None:
    person = (
        f"{' '.join(student.name.casefold().split())}:{student.birth_date.isoformat()}"
        if student.birth_date
        else None
    )
    keys: list[tuple[DuplicateKey, str | None]] = [
        ("nik", student.nik),
        ("nisn", student.nisn),
        ("person", person),
    ]
    for kind, value in keys:
        if value and (kind, value) in seen:
            return kind, seen[(kind, value)]
    for kind, value in keys:
        if value:
            seen[(kind, value)] = student.line
    return None


def _read_student(
    line: int, cells: dict[str, str], today: date, orders: dict[str, DateOrder | None]
) -> Student:
    student = Student(line=line, name=" ".join(cells["name"].split()))
    student.class_name = cells.get("class_name") or None
    student.birth_place = " ".join(cells.get("birth_place", "").split()) or None
    raw_date, order = cells.get("birth_date"), orders.get("birth_date")
    if combined := cells.get("place_and_date"):
        place, when = _split_place_and_date(combined)
        student.birth_place = student.birth_place or " ".join(place.split()) or None
        if not raw_date:
            raw_date, order = when, orders.get("place_and_date")
    if student.birth_place:
        student.birth_place = student.birth_place[:80]  # the identity form's limit
    if raw_date:
        student.birth_date = parse_date(raw_date, today=today, order=order)
        if student.birth_date is None or student.birth_date > today:
            student.birth_date = None
            student.notes.append(roster_birth_date_unreadable(raw_date))
    if raw_sex := cells.get("sex"):
        sex = _SEX.get(raw_sex.casefold())
        if sex is None:
            student.notes.append(roster_sex_unknown(raw_sex))
        student.sex = "L" if sex == "L" else "P" if sex == "P" else None
    if raw_nisn := cells.get("nisn"):
        _read_nisn(student, raw_nisn)
    if raw_nik := cells.get("nik"):
        _read_nik(student, raw_nik.lstrip(_TEXT_MARKERS).strip(), today)
    return student


def _read_nisn(student: Student, raw_nisn: str) -> None:
    """A NISN starts with the last three digits of the birth year, so Excel, storing it
    as a number, drops one zero for 2010-2019 births and two for 2000-2009 (the whole
    current class XII): 91234501 is 0091234501. Restored and said so, when the birth year
    (where known) agrees."""
    raw = raw_nisn.lstrip(_TEXT_MARKERS).strip()
    nisn = re.sub(r"\D", "", raw)
    if nisn == raw and NISN_LENGTH - 2 <= len(nisn) < NISN_LENGTH:
        restored = nisn.zfill(NISN_LENGTH)
        year = student.birth_date.year if student.birth_date else None
        if year is not None and restored[:3] != f"{year % 1000:03d}":
            missing = NISN_LENGTH - len(nisn)
            student.notes.append(roster_nisn_short_and_wrong_year(raw_nisn, missing, year))
            return
        student.notes.append(roster_nisn_restored(raw_nisn, restored))
        nisn = restored
    if len(nisn) == NISN_LENGTH:
        student.nisn = nisn
    else:
        student.notes.append(roster_nisn_not_10_digits(raw_nisn))


def _read_nik(student: Student, raw_nik: str, today: date) -> None:
    if re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", raw_nik.replace(",", ".")):
        student.notes.append(roster_nik_mangled_by_excel(raw_nik))
        return
    parsed = parse_nik(
        raw_nik, today=today, form_birth_date=student.birth_date, form_sex=student.sex
    )
    if not parsed.valid:
        student.notes.append(roster_nik_invalid(raw_nik, parsed.errors[0].text))
        return
    student.nik = parsed.nik
    for warning in parsed.warnings:
        student.notes.append(warning.text)
