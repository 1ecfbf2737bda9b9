"""Every word the office's collector says to a person (Bahasa Indonesia and English),
written once: its HTTP refusals, its key and register files, its command line. A
catalogue of its own rather than a part of station/messages.py because the collector is
deployed apart from the station and imports only `exchange` and `peripherals.device`;
what the exchange formats say is in exchange/messages.py and is not repeated here.
Grouped by the module that sends them.

Values from outside (ids, notes) are cut short here: a hostile request must not be able
to fill a screen or a log line with one."""

from __future__ import annotations

from pathlib import Path

from peripherals.device import Text

# app
CREATION_INVALID = Text(
    "Permintaan unggah tidak valid (Upload-Length/Upload-Metadata).",
    "Invalid upload creation (Upload-Length/Upload-Metadata).",
)
CREATION_NEEDS_IDS_AND_SANE_SIZE = Text(
    "Metadata batch_id/station_id wajib diisi dan ukuran harus wajar.",
    "batch_id/station_id metadata are required and the size must be sane.",
)
UPLOAD_NOT_FOUND = Text("Unggahan tidak ditemukan.", "Upload not found.")
UPLOAD_OFFSET_INVALID = Text("Upload-Offset tidak valid.", "Invalid Upload-Offset.")
CHUNK_PAST_UPLOAD_LENGTH = Text(
    "Potongan data melebihi ukuran unggahan yang dinyatakan.",
    "The chunk goes past the declared Upload-Length.",
)
BATCH_NOT_THE_UPLOAD_METADATA = Text(
    "Isi batch tidak sesuai dengan metadata unggahan.",
    "The batch content does not match the upload metadata.",
)
NO_ACK_YET = Text("Belum ada tanda terima.", "No acknowledgement yet.")
BATCH_ALREADY_RECEIVED = Text(
    "Batch sudah diterima kantor pusat dan tidak dapat dihapus dari sini.",
    "The batch was already received by the office and cannot be deleted here.",
)


def batch_exists_with_other_size(batch_id: str) -> Text:
    return Text(
        f"Batch {batch_id} sudah ada dengan ukuran berbeda; periksa stasiun.",
        f"Batch {batch_id} already exists with a different size; check the station.",
    )


# cli
def records_opened(count: int) -> Text:
    return Text(f"{count} rekaman dibuka.", f"{count} records opened.")


def batch_received(batch_id: str, held: Path) -> Text:
    return Text(f"{batch_id}: diterima ({held})", f"{batch_id}: received")


def batch_already_held(batch_id: str, held: Path) -> Text:
    return Text(f"{batch_id}: sudah ada ({held})", f"{batch_id}: already held")


def no_batch_in(path: Path | str) -> Text:
    return Text(f"Tidak ada batch di {path}.", f"No batch found in {path}.")


def ack_written_to(path: Path | str) -> Text:
    return Text(
        f"Tanda terima: {path} (bawa kembali ke stasiun: station ack)",
        f"Acknowledgement: {path} (take it back to the station: station ack)",
    )


def identity_file_exists(path: Path | str) -> Text:
    return Text(f"{path} sudah ada; tidak ditimpa.", f"{path} already exists; not overwritten.")


# identity
def identity_file_unreadable(path: Path | str) -> Text:
    return Text(
        f"Berkas identitas kolektor {path} tidak terbaca atau rusak.",
        f"The collector identity file {path} is unreadable or damaged.",
    )


def station_revoked(station_id: str, note: str) -> Text:
    return Text(
        f"Stasiun '{station_id[:40]}' sudah dicabut di kantor ini ({note[:80]}); batch-nya"
        " ditolak.",
        f"Station '{station_id[:40]}' has been revoked at this office ({note[:80]}); its"
        " batches are refused.",
    )


def station_not_registered(station_id: str) -> Text:
    return Text(
        f"Stasiun '{station_id[:40]}' tidak terdaftar di kantor ini.",
        f"Station '{station_id[:40]}' is not registered with this office.",
    )


def station_register_unreadable(path: Path | str) -> Text:
    return Text(
        f"Daftar stasiun {path} tidak terbaca (harus TOML dengan tabel [stations]).",
        f"The station register {path} is unreadable (must be TOML with a [stations] table).",
    )


# opener
def batch_not_found(batch: str) -> Text:
    return Text(f"Batch {batch} tidak ditemukan.", f"Batch {batch} not found.")
