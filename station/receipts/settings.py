"""Config section `[receipts]`: what the recording receipt says and how it is queued."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from station.plain_text import PlainText
from station.settings_section import Section


class ReceiptSettings(Section):
    issuer: PlainText = Field("Dinas Kependudukan dan Catatan Sipil", min_length=2, max_length=120)
    # The regency (or city) whose office issues the card: the receipt names it after the
    # issuer. Set by provisioning ([config.receipts] regency = "Kota ...").
    regency: PlainText = Field("Kabupaten Pasuruan", min_length=2, max_length=80)
    # Key shared with the central office to recompute the receipt's verification code;
    # empty: a random per-station key is created in the data directory (receipt.key).
    verification_key: SecretStr = SecretStr("")
    # WIB (7), WITA (8) or WIT (9): the time printed on the receipt.
    utc_offset_hours: Literal[7, 8, 9] = 7
    # The printer's own QR command (GS ( k) instead of a raster image; not every printer has it.
    native_qr: bool = False
    retry_s: float = Field(3.0, gt=0, le=300)  # how often a waiting printer is asked again

    @property
    def issuing_office(self) -> str:
        """"Dinas Kependudukan dan Catatan Sipil Kabupaten Pasuruan"."""
        return f"{self.issuer} {self.regency}"
