"""Words the station says in more than one place, written once (Bahasa Indonesia and
English): the names of the enrollment steps and of the fingers, and the messages more
than one module sends. The tablet takes its step and finger names from here too
(GET /api/names), so the screen says what the server says."""

from __future__ import annotations

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

VISIT_UNKNOWN = Text("Kunjungan sekolah tidak ditemukan.", "The school visit does not exist.")
NO_PHOTO = Text("Belum ada foto.", "No photo has been taken yet.")
NO_RECEIPT = Text("Perekaman ini belum punya tanda bukti.", "This enrollment has no receipt.")
PINS_DIFFER = Text("PIN tidak sama.", "The PINs differ.")


def names_json() -> dict[str, dict[str, dict[str, str]]]:
    """Step and finger names for the tablet."""
    return {
        "steps": {step: {"id": t.id, "en": t.en} for step, t in STEP_NAMES.items()},
        "fingers": {str(p): {"id": t.id, "en": t.en} for p, t in FINGER_NAMES.items()},
    }
