"""Import a school's student list (CSV) for a visit.

Schools export from Excel or Dapodik, so the reader tolerates what those produce: a `;`
separator (Indonesian Excel locale), a UTF-8 BOM or a Windows code page, Indonesian or
English headers, Excel date formats (dd/mm/yyyy, Excel serial numbers, "14 Februari 2007")
and NISNs whose leading zero Excel dropped. Every row that cannot be used is reported with
its line number and the reason; fields that cannot be read leave the row in the queue with
a note, so one typo does not hide a student.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from peripherals.device import Text
from station.domain.nik import Sex, parse_nik
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
        "tanggallahir", "tgllahir", "tgl_lahir", "birthdate", "dateofbirth", "dob", "lahir",
    ),
    "sex": ("jeniskelamin", "jk", "lp", "sex", "gender", "kelamin"),
    "nisn": ("nisn",),
    "nik": ("nik", "noktp", "nomorinduk kependudukan", "nomorindukkependudukan"),
}
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
    "l": "L", "lk": "L", "laki-laki": "L", "laki laki": "L", "lakilaki": "L", "pria": "L",
    "m": "L", "male": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P", "f": "P", "female": "P",
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
            "notes": [{"id": t.id, "en": t.en} for t in self.notes],
        }


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: Text
    content: str  # the raw row, so the operator can find it in the school's file

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "reason": {"id": self.reason.id, "en": self.reason.en},
            "content": self.content,
        }


@dataclass
class RosterImport:
    students: list[Student] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    file_error: Text | None = None  # the whole file could not be read

    @property
    def ok(self) -> bool:
        return self.file_error is None

    def report(self) -> Text:
        """A short bilingual summary for the operator, with each problem line."""
        if self.file_error:
            return self.file_error
        noted = [s for s in self.students if s.notes]
        head_id = f"{len(self.students)} siswa dibaca, {len(self.rejected)} baris ditolak"
        head_en = f"{len(self.students)} students read, {len(self.rejected)} rows rejected"
        lines_id, lines_en = [head_id + f", {len(noted)} dengan catatan."], [
            head_en + f", {len(noted)} with notes."
        ]
        for r in self.rejected:
            lines_id.append(f"Baris {r.line}: ditolak - {r.reason.id}")
            lines_en.append(f"Line {r.line}: rejected - {r.reason.en}")
        for s in noted:
            for note in s.notes:
                lines_id.append(f"Baris {s.line} ({s.name}): {note.id}")
                lines_en.append(f"Line {s.line} ({s.name}): {note.en}")
        return Text("\n".join(lines_id), "\n".join(lines_en))

    def as_json(self) -> dict[str, object]:
        report = self.report()
        return {
            "ok": self.ok,
            "students": [s.as_json() for s in self.students],
            "rejected": [r.as_json() for r in self.rejected],
            "report": {"id": report.id, "en": report.en},
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
    return re.sub(r"[\s_.\-/()]+", "", cell.strip().casefold())


_FIELD_BY_HEADER = {_header_key(h): f for f, hs in _HEADERS.items() for h in hs}


def parse_date(text: str, *, today: date) -> date | None:
    """Dates as schools' spreadsheets write them; None when it cannot be read for sure."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # Excel serial number (date cell saved as number)
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)  # "2007-02-14 00:00:00"
    try:
        if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})", text):
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            if len(m[3]) == 2:
                year += 2000 if 2000 + year <= today.year else 1900
            # Indonesian order is day/month; Excel in an English locale writes month/day,
            # which shows when the second number cannot be a month.
            day, month = (b, a) if b > 12 >= a else (a, b)
            return date(year, month, day)
        if m := re.fullmatch(r"(\d{1,2})[\s\-]+([A-Za-z]+)[\s\-,]+(\d{4})", text):
            named_month = _MONTHS.get(m[2].casefold())
            return date(int(m[3]), named_month, int(m[1])) if named_month else None
    except ValueError:
        return None
    return None


def _note(student: Student, id_: str, en: str) -> None:
    student.notes.append(Text(id_, en))


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((";", ",", "\t", "|"), key=first.count)


def parse_roster(data: bytes, *, today: date) -> RosterImport:
    out = RosterImport()
    if len(data) > MAX_BYTES:
        out.file_error = Text(
            f"Berkas terlalu besar ({len(data)} bita); batas {MAX_BYTES} bita.",
            f"The file is too large ({len(data)} bytes); the limit is {MAX_BYTES} bytes.",
        )
        return out
    text = decode(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text)))
    except csv.Error as error:  # e.g. an unclosed quote swallowing the rest of the file
        out.file_error = Text(
            f"Berkas CSV rusak: {error}. Periksa tanda kutip (\") yang tidak ditutup.",
            f"The CSV file is broken: {error}. Look for an unclosed quote (\").",
        )
        return out
    numbered = [(i, row) for i, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        out.file_error = Text("Berkas kosong.", "The file is empty.")
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
        out.file_error = Text(
            "Tidak ada baris judul kolom dengan 'nama' (juga: kelas, tanggal lahir, jenis "
            f"kelamin, NISN, NIK) di {HEADER_SEARCH_ROWS} baris pertama.",
            "No heading row with 'nama'/'name' (also: class, birth date, sex, NISN, NIK) in "
            f"the first {HEADER_SEARCH_ROWS} lines.",
        )
        return out
    header_at, header = found
    numbered = numbered[header_at:]
    columns = {i: _FIELD_BY_HEADER.get(_header_key(c)) for i, c in enumerate(header)}
    if len(numbered) - 1 > MAX_ROWS:
        out.file_error = Text(
            f"Terlalu banyak baris ({len(numbered) - 1}); batas {MAX_ROWS}.",
            f"Too many rows ({len(numbered) - 1}); the limit is {MAX_ROWS}.",
        )
        return out
    seen: dict[tuple[str, str], int] = {}
    for line, row in numbered[1:]:
        cells = {
            f: without_control(row[i]).strip() for i, f in columns.items() if f and i < len(row)
        }
        raw = ";".join(row)
        # More cells than headings shifts every later field (a separator inside a name);
        # guessing which cells belong together would put a date in the sex column.
        if len(row) > len(header):
            out.rejected.append(
                RejectedRow(
                    line,
                    Text(
                        f"{len(row)} kolom, judul hanya {len(header)}: mungkin ada pemisah "
                        "(koma/titik koma) di dalam nama.",
                        f"{len(row)} columns but {len(header)} headings: probably a "
                        "separator (comma/semicolon) inside a name.",
                    ),
                    raw,
                )
            )
            continue
        if not cells.get("name"):
            out.rejected.append(
                RejectedRow(line, Text("Nama kosong.", "The name is empty."), raw)
            )
            continue
        student = _read_student(line, cells, today)
        duplicate = _duplicate_of(student, seen)
        if duplicate:
            out.rejected.append(
                RejectedRow(
                    line,
                    Text(
                        f"{duplicate[0]} sama dengan baris {duplicate[1]}.",
                        f"Same {duplicate[0]} as line {duplicate[1]}.",
                    ),
                    raw,
                )
            )
            continue
        out.students.append(student)
    return out


def _duplicate_of(student: Student, seen: dict[tuple[str, str], int]) -> tuple[str, int] | None:
    keys = [("NIK", student.nik), ("NISN", student.nisn)]
    for kind, value in keys:
        if value and (kind, value) in seen:
            return kind, seen[(kind, value)]
    for kind, value in keys:
        if value:
            seen[(kind, value)] = student.line
    return None


def _read_student(line: int, cells: dict[str, str], today: date) -> Student:
    student = Student(line=line, name=" ".join(cells["name"].split()))
    student.class_name = cells.get("class_name") or None
    if raw_date := cells.get("birth_date"):
        student.birth_date = parse_date(raw_date, today=today)
        if student.birth_date is None or student.birth_date > today:
            student.birth_date = None
            _note(
                student,
                f"tanggal lahir '{raw_date}' tidak terbaca; isi di langkah identitas.",
                f"birth date '{raw_date}' cannot be read; enter it on the identity step.",
            )
    if raw_sex := cells.get("sex"):
        sex = _SEX.get(raw_sex.casefold())
        if sex is None:
            _note(
                student,
                f"jenis kelamin '{raw_sex}' tidak dikenal (L/P).",
                f"sex '{raw_sex}' is not recognised (L/P).",
            )
        student.sex = "L" if sex == "L" else "P" if sex == "P" else None
    if raw_nisn := cells.get("nisn"):
        nisn = re.sub(r"\D", "", raw_nisn)
        if len(nisn) == NISN_LENGTH - 1 and nisn == raw_nisn:
            nisn = "0" + nisn  # Excel stored the NISN as a number and dropped the leading 0
        if len(nisn) == NISN_LENGTH:
            student.nisn = nisn
        else:
            _note(
                student,
                f"NISN '{raw_nisn}' bukan 10 angka; diabaikan.",
                f"NISN '{raw_nisn}' is not 10 digits; ignored.",
            )
    if raw_nik := cells.get("nik"):
        _read_nik(student, raw_nik, today)
    return student


def _read_nik(student: Student, raw_nik: str, today: date) -> None:
    if re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", raw_nik.replace(",", ".")):
        _note(
            student,
            f"NIK '{raw_nik}' dirusak Excel (format angka); isi di langkah identitas dan "
            "format kolom NIK sebagai Teks.",
            f"NIK '{raw_nik}' was mangled by Excel (number format); enter it on the identity "
            "step and format the NIK column as Text.",
        )
        return
    parsed = parse_nik(raw_nik, today=today, form_birth_date=student.birth_date,
                       form_sex=student.sex)
    if not parsed.valid:
        reasons = parsed.errors[0].text
        _note(
            student,
            f"NIK '{raw_nik}' tidak sah ({reasons.id}); isi di langkah identitas.",
            f"NIK '{raw_nik}' is invalid ({reasons.en}); enter it on the identity step.",
        )
        return
    student.nik = parsed.nik
    for warning in parsed.warnings:
        student.notes.append(warning.text)
