"""The modules' confirmation codes as typed errors an operator can read (id/en)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from peripherals.device import DeviceError, Text


class Confirmation(IntEnum):
    OK = 0x00
    PACKET_ERROR = 0x01
    NO_FINGER = 0x02
    CAPTURE_FAILED = 0x03
    IMAGE_MESSY = 0x06
    TOO_FEW_FEATURES = 0x07
    NO_MATCH = 0x08
    NOT_FOUND = 0x09
    CANNOT_COMBINE = 0x0A
    BAD_SLOT = 0x0B
    READ_TEMPLATE_ERROR = 0x0C
    UPLOAD_TEMPLATE_ERROR = 0x0D
    RECEIVE_DATA_ERROR = 0x0E
    UPLOAD_IMAGE_ERROR = 0x0F
    DELETE_FAILED = 0x10
    CLEAR_FAILED = 0x11
    WRONG_PASSWORD = 0x13
    NO_VALID_IMAGE = 0x15
    FLASH_ERROR = 0x18
    INVALID_REGISTER = 0x1A
    ADDRESS_ERROR = 0x20
    PASSWORD_REQUIRED = 0x21

    @property
    def slug(self) -> str:
        """Stable machine-readable name, e.g. "too_few_features"."""
        return self.name.lower()


_TEXT: dict[Confirmation, Text] = {
    Confirmation.PACKET_ERROR: Text(
        "Modul sidik jari menerima data rusak.", "The fingerprint module received a corrupt packet."
    ),
    Confirmation.NO_FINGER: Text("Tidak ada jari di pemindai.", "No finger on the scanner."),
    Confirmation.CAPTURE_FAILED: Text(
        "Jari bergeser atau diangkat saat dipindai; letakkan lagi dan tahan diam.",
        "The finger moved or was lifted during the scan; place it again and hold still.",
    ),
    Confirmation.IMAGE_MESSY: Text(
        "Gambar sidik jari terlalu kabur; bersihkan jari dan kaca pemindai.",
        "The fingerprint image is too messy; clean the finger and the scanner glass.",
    ),
    Confirmation.TOO_FEW_FEATURES: Text(
        "Terlalu sedikit ciri sidik jari; tekan jari lebih rata dan lebih luas.",
        "Too few fingerprint features; press the finger flatter and wider.",
    ),
    Confirmation.NO_MATCH: Text("Sidik jari tidak cocok.", "The fingerprints do not match."),
    Confirmation.NOT_FOUND: Text(
        "Sidik jari tidak ditemukan di pustaka modul.",
        "The fingerprint is not in the module's library.",
    ),
    Confirmation.CANNOT_COMBINE: Text(
        "Dua pindaian tidak dapat digabung; ulangi dengan jari yang sama.",
        "The two scans cannot be combined; repeat with the same finger.",
    ),
    Confirmation.BAD_SLOT: Text(
        "Nomor tempat templat di luar jangkauan modul.",
        "The template slot is outside the module's library.",
    ),
    Confirmation.READ_TEMPLATE_ERROR: Text(
        "Modul gagal membaca templat.", "The module could not read the template."
    ),
    Confirmation.UPLOAD_TEMPLATE_ERROR: Text(
        "Modul gagal mengirim templat.", "The module could not send the template."
    ),
    Confirmation.RECEIVE_DATA_ERROR: Text(
        "Modul gagal menerima paket data berikutnya.",
        "The module could not receive the following data packets.",
    ),
    Confirmation.UPLOAD_IMAGE_ERROR: Text(
        "Modul gagal mengirim gambar sidik jari.", "The module could not send the image."
    ),
    Confirmation.DELETE_FAILED: Text(
        "Modul gagal menghapus templat.", "Deleting templates failed."
    ),
    Confirmation.CLEAR_FAILED: Text(
        "Modul gagal mengosongkan pustaka.", "Clearing the module's library failed."
    ),
    Confirmation.WRONG_PASSWORD: Text(
        "Kata sandi modul sidik jari salah; periksa konfigurasi.",
        "Wrong fingerprint module password; check the configuration.",
    ),
    Confirmation.NO_VALID_IMAGE: Text(
        "Belum ada gambar sidik jari yang sah; pindai ulang.",
        "There is no valid fingerprint image yet; scan again.",
    ),
    Confirmation.FLASH_ERROR: Text(
        "Memori flash modul sidik jari gagal ditulis.",
        "Writing the fingerprint module's flash memory failed.",
    ),
    Confirmation.INVALID_REGISTER: Text(
        "Parameter modul tidak dikenal.", "The module does not know that parameter."
    ),
    Confirmation.ADDRESS_ERROR: Text(
        "Alamat modul sidik jari salah; periksa konfigurasi.",
        "Wrong fingerprint module address; check the configuration.",
    ),
    Confirmation.PASSWORD_REQUIRED: Text(
        "Modul meminta verifikasi kata sandi terlebih dahulu.",
        "The module requires the password to be verified first.",
    ),
}


@dataclass(frozen=True)
class _Unknown:
    value: int

    @property
    def slug(self) -> str:
        return f"confirmation_{self.value:02x}"


class ModuleError(DeviceError):
    """The module answered, but not with "ok". `confirmation` is the raw code."""

    def __init__(self, confirmation: int) -> None:
        try:
            known: Confirmation | _Unknown = Confirmation(confirmation)
        except ValueError:
            known = _Unknown(confirmation)
        text = _TEXT.get(known) if isinstance(known, Confirmation) else None
        if text is None:
            text = Text(
                f"Modul sidik jari menjawab dengan kode {confirmation:#04x}.",
                f"The fingerprint module answered with code {confirmation:#04x}.",
            )
        super().__init__(known.slug, text)
        self.confirmation = confirmation


def verdict(confirmation: int) -> str:
    """The machine-readable name of a confirmation code ("ok" for 0)."""
    return "ok" if confirmation == 0 else ModuleError(confirmation).code
