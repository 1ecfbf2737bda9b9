"""The modules' confirmation codes as typed errors an operator can read (id/en; the
words are in peripherals/messages.py, by each code's slug)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from peripherals import messages
from peripherals.device import DeviceError


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
        text = messages.FINGERPRINT_MODULE_CONFIRMATIONS.get(known.slug)
        if text is None:
            text = messages.fingerprint_module_answered_code(confirmation)
        super().__init__(known.slug, text)
        self.confirmation = confirmation


def verdict(confirmation: int) -> str:
    """The machine-readable name of a confirmation code ("ok" for 0)."""
    return "ok" if confirmation == 0 else ModuleError(confirmation).code
