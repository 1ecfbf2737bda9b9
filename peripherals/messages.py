"""Every word the devices say to a person, written once (Bahasa Indonesia and English):
their health, their faults and what to do about them, grouped by the module that sends
them. This is the device layer's one catalogue, kept apart from station/messages.py
because `peripherals` imports nothing from the layers above it (web -> station ->
peripherals); the station may use these words, never the other way round."""

from __future__ import annotations

from peripherals.device import Text

# Said by every device, or by several.
DEVICE_READY = Text("siap", "ready")
CAMERA_NOT_OPENED = Text("Kamera belum dibuka.", "The camera has not been opened.")

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
