"""Every word the devices say to a person, written once (Bahasa Indonesia and English):
their health, their faults and what to do about them, grouped by the module that sends
them. This is the device layer's one catalogue, kept apart from station/messages.py
because `peripherals` imports nothing from the layers above it (web -> station ->
peripherals); the station may use these words, never the other way round."""

from __future__ import annotations

from collections.abc import Iterable

from peripherals.device import Text
from peripherals.printer.port import PrinterState

# Said by every device, or by several.
DEVICE_READY = Text("siap", "ready")
CAMERA_NOT_OPENED = Text("Kamera belum dibuka.", "The camera has not been opened.")
# Read before the commands a simulator's console takes (the printer's pty simulator and
# every `station simulate` console).
SIMULATOR_COMMANDS = Text("perintah", "commands")
# What a printer's state means to the operator: the real printer's status, the simulated
# one's, and the station's receipt queue say the same.
PRINTER_STATES: dict[PrinterState, Text] = {
    PrinterState.READY: Text("Printer siap.", "The printer is ready."),
    PrinterState.PAPER_OUT: Text(
        "Kertas printer habis. Pasang gulungan kertas baru.",
        "The printer is out of paper. Load a new roll.",
    ),
    PrinterState.COVER_OPEN: Text(
        "Tutup printer terbuka. Tutup dengan rapat.", "The printer cover is open. Close it firmly."
    ),
    PrinterState.OFFLINE: Text(
        "Printer tidak terhubung. Periksa kabel dan daya printer.",
        "The printer is offline. Check its cable and power.",
    ),
    PrinterState.UNKNOWN: Text(
        "Status printer tidak bisa dibaca lewat sambungan ini.",
        "The printer status cannot be read over this connection.",
    ),
}

# camera.picamera2_adapter
PICAMERA2_MISSING = Text(
    "Pustaka picamera2 tidak terpasang: jalankan 'sudo apt install python3-picamera2' "
    "atau pilih adapter kamera lain.",
    "The picamera2 library is not installed: run 'sudo apt install python3-picamera2' "
    "or choose another camera adapter.",
)
PI_CAMERA_NOT_FOUND = Text(
    "Kamera Raspberry Pi tidak ditemukan: periksa kabel pita kamera.",
    "No Raspberry Pi camera found: check the camera ribbon cable.",
)
CAMERA_STOPPED_RESPONDING = Text("Kamera berhenti merespons.", "The camera stopped responding.")

# camera.simulated
CAMERA_NOT_CONNECTED = Text("Kamera tidak terhubung.", "The camera is not connected.")
CAMERA_SIMULATOR_FILES_MISSING = Text(
    "Berkas gambar simulator kamera hilang.",
    "The camera simulator's image files are missing.",
)


# camera.webcam
def webcam_not_found(source: str | int) -> Text:
    return Text(
        f"Webcam {source} tidak ditemukan: periksa kabel USB.",
        f"Webcam {source} not found: check the USB cable.",
    )


def webcam_stopped_sending(source: str | int) -> Text:
    return Text(
        f"Webcam {source} berhenti mengirim gambar: cabut dan pasang lagi kabel USB.",
        f"Webcam {source} stopped sending pictures: unplug and replug the USB cable.",
    )


# fingerprint.confirmation
# Keyed by each confirmation code's slug (`Confirmation.slug`), not by the enum: the enum's
# module uses this catalogue, so importing it here would be a cycle. "ok" says nothing.
FINGERPRINT_MODULE_CONFIRMATIONS: dict[str, Text] = {
    "packet_error": Text(
        "Modul sidik jari menerima data rusak.", "The fingerprint module received a corrupt packet."
    ),
    "no_finger": Text("Tidak ada jari di pemindai.", "No finger on the scanner."),
    "capture_failed": Text(
        "Jari bergeser atau diangkat saat dipindai; letakkan lagi dan tahan diam.",
        "The finger moved or was lifted during the scan; place it again and hold still.",
    ),
    "image_messy": Text(
        "Gambar sidik jari terlalu kabur; bersihkan jari dan kaca pemindai.",
        "The fingerprint image is too messy; clean the finger and the scanner glass.",
    ),
    "too_few_features": Text(
        "Terlalu sedikit ciri sidik jari; tekan jari lebih rata dan lebih luas.",
        "Too few fingerprint features; press the finger flatter and wider.",
    ),
    "no_match": Text("Sidik jari tidak cocok.", "The fingerprints do not match."),
    "not_found": Text(
        "Sidik jari tidak ditemukan di pustaka modul.",
        "The fingerprint is not in the module's library.",
    ),
    "cannot_combine": Text(
        "Dua pindaian tidak dapat digabung; ulangi dengan jari yang sama.",
        "The two scans cannot be combined; repeat with the same finger.",
    ),
    "bad_slot": Text(
        "Nomor tempat templat di luar jangkauan modul.",
        "The template slot is outside the module's library.",
    ),
    "read_template_error": Text(
        "Modul gagal membaca templat.", "The module could not read the template."
    ),
    "upload_template_error": Text(
        "Modul gagal mengirim templat.", "The module could not send the template."
    ),
    "receive_data_error": Text(
        "Modul gagal menerima paket data berikutnya.",
        "The module could not receive the following data packets.",
    ),
    "upload_image_error": Text(
        "Modul gagal mengirim gambar sidik jari.", "The module could not send the image."
    ),
    "delete_failed": Text("Modul gagal menghapus templat.", "Deleting templates failed."),
    "clear_failed": Text(
        "Modul gagal mengosongkan pustaka.", "Clearing the module's library failed."
    ),
    "wrong_password": Text(
        "Kata sandi modul sidik jari salah; periksa konfigurasi.",
        "Wrong fingerprint module password; check the configuration.",
    ),
    "no_valid_image": Text(
        "Belum ada gambar sidik jari yang sah; pindai ulang.",
        "There is no valid fingerprint image yet; scan again.",
    ),
    "flash_error": Text(
        "Memori flash modul sidik jari gagal ditulis.",
        "Writing the fingerprint module's flash memory failed.",
    ),
    "invalid_register": Text(
        "Parameter modul tidak dikenal.", "The module does not know that parameter."
    ),
    "address_error": Text(
        "Alamat modul sidik jari salah; periksa konfigurasi.",
        "Wrong fingerprint module address; check the configuration.",
    ),
    "password_required": Text(
        "Modul meminta verifikasi kata sandi terlebih dahulu.",
        "The module requires the password to be verified first.",
    ),
}


def fingerprint_module_answered_code(confirmation: int) -> Text:
    return Text(
        f"Modul sidik jari menjawab dengan kode {confirmation:#04x}.",
        f"The fingerprint module answered with code {confirmation:#04x}.",
    )


# fingerprint.driver
FINGERPRINT_SCANNER = Text("pemindai sidik jari", "fingerprint scanner")
FINGERPRINT_SCANNER_NOT_CONNECTED = Text(
    "Pemindai sidik jari tidak terhubung; periksa kabelnya.",
    "The fingerprint scanner is not connected; check its cable.",
)
FINGERPRINT_SCANNER_NO_ANSWER = Text(
    "Pemindai sidik jari tidak menjawab; periksa kabel dan daya.",
    "The fingerprint scanner does not answer; check its cable and power.",
)
FINGER_WAIT_STOPPED = Text("Menunggu jari dihentikan.", "Stopped waiting for a finger.")
FINGERPRINT_LINE_GARBLED = Text(
    "Komunikasi dengan pemindai sidik jari terganggu; coba lagi.",
    "Communication with the fingerprint scanner was garbled; try again.",
)


def fingerprint_image_size_wrong(received: int, width: int, height: int) -> Text:
    return Text(
        f"Ukuran gambar dari modul ({received} byte) tidak sesuai {width}x"
        f"{height}; periksa model pemindai di konfigurasi.",
        f"The module sent {received} image bytes, not {width}x{height}; "
        "check the scanner model in the configuration.",
    )


# fingerprint.line_speed
# Why the module's line runs at the speed it does (station doctor, the technician page).
def line_speed_factory(baud: int) -> Text:
    return Text(
        f"{baud} baud: kecepatan pabrik (tidak diminta lebih cepat)",
        f"{baud} baud: the factory speed (no higher speed configured)",
    )


def line_speed_raised(baud: int) -> Text:
    return Text(
        f"{baud} baud: dinaikkan saat mulai (SetSysPara)",
        f"{baud} baud: raised at start (SetSysPara)",
    )


def line_speed_refused(baud: int, tried: int | None, when: str) -> Text:
    return Text(
        f"{baud} baud: modul menolak {tried} baud ({when})",
        f"{baud} baud: the module refused {tried} baud ({when})",
    )


def line_speed_remembered(baud: int, since: str) -> Text:
    return Text(
        f"{baud} baud: kecepatan yang disimpan modul sejak {since}",
        f"{baud} baud: the speed the module has kept since {since}",
    )


def line_speed_stepped_down(baud: int, tried: int | None, when: str) -> Text:
    return Text(
        f"{baud} baud: turun dari {tried} baud setelah transfer rusak ({when});"
        " hapus file memori baud untuk mencoba lagi",
        f"{baud} baud: stepped down from {tried} baud after transfer errors ({when});"
        " delete the baud memory file to try again",
    )


# fingerprint.models
def fingerprint_model_unknown(name: str, known: Iterable[str]) -> Text:
    choices = ", ".join(sorted(known))
    return Text(
        f"Model modul sidik jari '{name}' tidak dikenal (pilih: {choices}).",
        f"Unknown fingerprint module model '{name}' (choose one of: {choices}).",
    )


# indicator.frontpanel.host
FRONT_PANEL = Text("panel depan", "front panel")
FRONT_PANEL_SILENT = Text("Panel depan tidak menjawab.", "The front panel does not answer.")
FRONT_PANEL_NOT_OPENED = Text("Panel depan belum dibuka.", "Front panel not opened.")


def front_panel_not_connected(problem: Exception) -> Text:
    return Text(f"Panel depan tidak terhubung: {problem}", f"Front panel not connected: {problem}")


def front_panel_disconnected(problem: Exception) -> Text:
    return Text(f"Panel depan terputus: {problem}", f"Front panel disconnected: {problem}")


# indicator.gpio
INDICATOR_PINS_INCOMPLETE = Text(
    "Pin lampu indikator belum lengkap: isi green, amber dan red, atau rgb.",
    "Indicator pins incomplete: set green, amber and red, or rgb.",
)
INDICATOR_NOT_OPENED = Text("Indikator belum dibuka.", "Indicator not opened.")


def indicator_pin_used_twice(used: list[int]) -> Text:
    return Text(
        f"Pin GPIO indikator dipakai dua kali: {used}.",
        f"An indicator GPIO pin is used twice: {used}.",
    )


def indicator_gpio_cannot_open(problem: Exception) -> Text:
    return Text(
        f"GPIO indikator tidak bisa dibuka: {problem}",
        f"Cannot open the indicator GPIO: {problem}",
    )


# indicator.looks: what a person should understand from each lamp pattern (the README's
# table; the table's other columns describe the lamp itself, in Bahasa Indonesia only).
LAMP_STATION_OFF = Text("stasiun mati", "station off")
LAMP_READY = Text("siap untuk siswa berikutnya", "ready for the next student")
LAMP_APPLICANTS_TURN = Text(
    "perekaman berjalan, giliran pemohon", "enrollment in progress, applicant's turn"
)
LAMP_HOLD_STILL = Text("sedang merekam, jangan bergerak", "capturing, hold still")
LAMP_TAKE_THE_RECEIPT = Text("data tersimpan, ambil tanda bukti", "recorded, take the receipt")
LAMP_CALL_THE_OPERATOR = Text(
    "gangguan perangkat, panggil petugas", "device fault, call the operator"
)
LAMP_UPLOADING = Text("mengunggah ke kantor", "uploading to the office")
LAMP_STORAGE_ALMOST_FULL = Text("penyimpanan hampir penuh", "storage almost full")
LAMP_NOT_PROVISIONED = Text(
    "belum disiapkan teknisi", "not provisioned (no office key or operators)"
)


# printer.escpos_adapter
RECEIPT_PRINTER = Text("printer struk", "receipt printer")


def printer_paper_width_unsupported(width: int) -> Text:
    return Text(
        f"Lebar kertas harus 58 atau 80 mm, bukan {width}.",
        f"Paper width must be 58 or 80 mm, not {width}.",
    )


def printer_not_found(link: str, problem: Exception) -> Text:
    return Text(
        f"Printer {link} tidak ditemukan: {problem}", f"Printer {link} not found: {problem}"
    )


def printing_broke_off(problem: Exception) -> Text:
    return Text(
        f"Pencetakan terputus di tengah jalan: {problem}",
        f"Printing broke off part-way: {problem}",
    )


# serial_access
def serial_port_in_use(device: str, what: Text) -> Text:
    """`what` names the device (FINGERPRINT_SCANNER, FRONT_PANEL, RECEIPT_PRINTER)."""
    return Text(
        f"Port {device} untuk {what.id} sedang dipakai program lain; tutup program itu "
        "(atau hentikan layanan stasiun) lalu coba lagi.",
        f"Port {device} for the {what.en} is in use by another program; close it (or stop "
        "the station service) and try again.",
    )
