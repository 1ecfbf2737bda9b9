"""What differs between members of the ZhianTec / Grow module family.

The image size in particular is a property of the sensor and is never assumed by the
driver: it comes from here (by model name) or from explicit configuration."""

from __future__ import annotations

from dataclasses import dataclass

from peripherals import messages
from peripherals.device import DeviceError


@dataclass(frozen=True)
class ModuleModel:
    name: str
    image_size: tuple[int, int]  # (width, height) in pixels
    library_size: int  # template slots in flash
    baud_factors: tuple[int, ...]  # allowed N for baud = N x 9600
    aura_led: bool = False  # R503's LED ring (AuraLedConfig)
    template_bytes: int = 512  # one character file as sent by UpChar

    @property
    def image_bytes(self) -> int:
        width, height = self.image_size
        return width * height // 2  # 4 bits per pixel on the wire


_ZFM_BAUDS = tuple(range(1, 13))

MODELS: dict[str, ModuleModel] = {
    m.name: m
    for m in (
        ModuleModel("zfm20", (256, 288), 256, _ZFM_BAUDS),
        ModuleModel("zfm60", (256, 288), 1000, _ZFM_BAUDS),
        ModuleModel("zfm70", (256, 288), 1000, _ZFM_BAUDS),
        ModuleModel("r307", (256, 288), 1000, _ZFM_BAUDS),
        ModuleModel("as608", (256, 288), 300, _ZFM_BAUDS),
        ModuleModel("r503", (192, 192), 200, (1, 2, 4, 6, 12), aura_led=True),
    )
}


def model_named(name: str) -> ModuleModel:
    try:
        return MODELS[name.lower()]
    except KeyError:
        raise DeviceError(
            "fingerprint_model_unknown", messages.fingerprint_model_unknown(name, MODELS)
        ) from None


def baud_factor(baud: int) -> int:
    """57600 -> 6. ValueError when `baud` is not a multiple of 9600 in 1..12."""
    factor, rest = divmod(baud, 9600)
    if rest or not 1 <= factor <= 12:
        raise ValueError(f"{baud} baud is not N x 9600 with N in 1..12")
    return factor
