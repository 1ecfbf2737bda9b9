"""What a recording receipt says, independent of how it is printed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from station.messages import FINGER_NAMES as NAMES_OF_FINGERS

QR_PREFIX = "KTPEL-TB"  # "tanda bukti": tells a scanning officer what kind of code this is

# ISO/IEC 19794-2 finger positions 1-10, as the station names them everywhere
FINGER_NAMES = {position: name.id for position, name in NAMES_OF_FINGERS.items()}
_MASKED_NIK = re.compile(r"\d{4}\*{8}\d{4}|\*{16}")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


@dataclass(frozen=True)
class FingerException:
    """A finger that was not recorded, and why (as the operator and supervisor recorded it)."""

    position: int  # 1-10
    reason: str  # e.g. "luka", "amputasi"

    @property
    def name(self) -> str:
        return FINGER_NAMES.get(self.position, f"jari {self.position}")


@dataclass(frozen=True)
class ReceiptData:
    receipt_no: str
    verification_code: str
    issuer: str  # e.g. "Disdukcapil Kabupaten Pasuruan"
    place: str  # the school, e.g. "SMA Negeri 1 Bangil"
    visit: str  # the visit's label, e.g. "Perekaman sekolah 28-11-2026"
    recorded_at: datetime  # timezone-aware, local time of the station
    station_id: str
    name: str
    nik_masked: str  # `3514********0001`; the full NIK never reaches a receipt
    photo: bool
    fingers_recorded: int
    finger_exceptions: tuple[FingerException, ...] = ()
    signature: bool = True
    reprinted_at: datetime | None = None  # set on an explicit reprint: "CETAK ULANG"
    next_steps: tuple[str, ...] = field(default=())
    card_from: date | None = None  # the applicant's own card date (17th birthday or today)

    def __post_init__(self) -> None:
        if not _MASKED_NIK.fullmatch(self.nik_masked):
            raise ValueError(
                "a receipt takes the masked NIK (3514********0001), never the full one")

    @property
    def qr_payload(self) -> str:
        return qr_payload(self.receipt_no, self.verification_code)


def verification_code(key: bytes, receipt_no: str, length: int = 6) -> str:
    """A short code the central office recomputes (it holds the station key) to tell a real
    receipt from a forged one; base32 without padding, so no 0/O or 1/I confusion."""
    digest = hmac.new(key, receipt_no.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:length]


def qr_payload(receipt_no: str, code: str) -> str:
    return f"{QR_PREFIX}:{receipt_no}:{code}"


def parse_qr_payload(payload: str) -> tuple[str, str] | None:
    """(receipt number, verification code), or None if it is not one of our receipts."""
    prefix, _, rest = payload.partition(":")
    receipt_no, _, code = rest.rpartition(":")
    if prefix != QR_PREFIX or not receipt_no or not code:
        return None
    return receipt_no, code


def indonesian_date(moment: date) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def indonesian_time(moment: datetime) -> str:
    offset = moment.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else None
    zone = {7: "WIB", 8: "WITA", 9: "WIT"}.get(hours or 0) or moment.tzname() or ""
    return f"{moment:%H:%M} {zone}".strip()


def to_json(data: ReceiptData) -> dict[str, object]:
    """What the receipt queue stores: everything printed, nothing more (masked NIK only)."""
    out = asdict(data)
    out["recorded_at"] = data.recorded_at.isoformat()
    out["reprinted_at"] = data.reprinted_at.isoformat() if data.reprinted_at else None
    out["card_from"] = data.card_from.isoformat() if data.card_from else None
    return out


def from_json(raw: dict[str, Any]) -> ReceiptData:
    return ReceiptData(**{
        **raw,
        "recorded_at": datetime.fromisoformat(raw["recorded_at"]),
        "reprinted_at": datetime.fromisoformat(raw["reprinted_at"])
        if raw.get("reprinted_at") else None,
        "finger_exceptions": tuple(FingerException(**f) for f in raw["finger_exceptions"]),
        "next_steps": tuple(raw.get("next_steps") or ()),
        "card_from": date.fromisoformat(raw["card_from"]) if raw.get("card_from") else None,
    })


IRIS_NOT_RECORDED = (
    "Iris mata tidak direkam di stasiun ini (tanpa kamera iris). Bila petugas meminta, "
    "lengkapi perekaman iris di kantor Disdukcapil dengan membawa tanda bukti ini."
)


def next_steps(data: ReceiptData) -> tuple[str, ...]:
    """What the applicant does next, with their own card date: a 21-year-old is not told
    to wait until 17."""
    office = data.issuer
    if data.card_from is None:  # receipts queued before the date was kept
        card = ("KTP-el dicetak setelah Anda berusia 17 tahun (atau sudah kawin) dan blangko "
                "tersedia")
    elif data.card_from <= data.recorded_at.date():
        card = "KTP-el Anda dapat dicetak sekarang bila blangko tersedia"
    else:
        card = (f"KTP-el Anda dapat dicetak mulai {indonesian_date(data.card_from)} "
                "(umur 17 tahun) bila blangko tersedia")
    return (
        "Data Anda dikirim ke Disdukcapil untuk diperiksa (ABIS).",
        f"{card}; ambil di {office} atau lewat sekolah dengan membawa tanda bukti ini.",
        IRIS_NOT_RECORDED,
        "Setelah KTP-el terbit, Anda dapat mengaktifkan Identitas Kependudukan Digital (IKD) "
        "di aplikasi IKD dengan bantuan petugas.",
    )
