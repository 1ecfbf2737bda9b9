"""Every fixed word and message the station says to a person, written once (Bahasa
Indonesia and English): the names of the enrollment steps, the fingers and the roles, and
the messages the core and the web shell send, grouped by the part that sends them. The
tablet takes its step and finger names from here too (GET /api/names), so the screen says
what the server says. Messages that carry values (a path, a count, a date) are still
written where the values are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from peripherals.device import Text
from station.fingerprints.fingers import finger_name

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

# domain.roster_queue
QUEUE_ALREADY_QUEUED = Text(
    "Siswa sudah ada di antrean kunjungan ini.", "Already in this visit's queue."
)
ROSTER_STUDENT_UNKNOWN = Text(
    "Siswa tidak ditemukan di daftar kunjungan.", "No such student on the roster."
)

# enrollment.controller
SIGNATURE_UNREADABLE = Text(
    "Tanda tangan tidak terbaca. Hapus dan tanda tangani lagi.",
    "The signature could not be read. Clear it and sign again.",
)
SIGNATURE_EMPTY = Text("Tanda tangan masih kosong.", "The signature is empty.")
BIRTH_DATE_IN_FUTURE = Text("Tanggal lahir di masa depan.", "The birth date is in the future.")

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

# fingerprints.workflow
INDEX_FINGERS_ON_CHIP = Text(
    "Telunjuk disimpan di chip KTP-el; kantor pusat akan melihat pengecualian ini.",
    "Index fingers are stored on the KTP-el chip; the central office will see this exception.",
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

# photo.preview
CAMERA_BROKEN_PICTURES = Text(
    "Kamera mengirim gambar rusak; mulai ulang stasiun bila berlanjut.",
    "The camera sends broken pictures; restart the station if it goes on.",
)

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


# web.routes.roster
def roster_file_too_large(limit: int) -> Text:
    return Text(
        f"Berkas terlalu besar; batas {limit} bita.",
        f"The file is too large; the limit is {limit} bytes.",
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
        "steps": {step: {"id": t.id, "en": t.en} for step, t in STEP_NAMES.items()},
        "fingers": {str(p): {"id": t.id, "en": t.en} for p, t in FINGER_NAMES.items()},
    }
