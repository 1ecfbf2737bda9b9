"""The ESC/POS bytes of a recording receipt, laid out for 58 mm (32 columns) or 80 mm
(48 columns) paper with python-escpos (its Dummy printer collects the bytes)."""

from __future__ import annotations

import copy
import textwrap

from escpos.printer import Dummy

from peripherals.printer.render import PAPER_DOTS
from station.plain_text import without_control
from station.receipts.content import ReceiptData, indonesian_date, indonesian_time, next_steps

TITLE = ("TANDA BUKTI", "PEREKAMAN KTP-el")
NOT_SUKET = ("BUKAN SURAT KETERANGAN (SUKET)",
             "Tanda bukti ini hanya menyatakan bahwa data Anda sudah direkam. "
             "Tanda bukti ini bukan Surat Keterangan (Suket) dan bukan pengganti KTP-el.")
REPRINT = "CETAK ULANG"
FONT_A_DOTS = 12
FONT_B_DOTS = 9


class _TextOnlyDummy(Dummy):
    """Text goes to the paper as text: every control character in it is dropped before
    encoding, so no name, school or reason can carry a printer command (ESC @, ESC p, GS V).
    Line feeds come only from `textln`/`ln`, which add them after the clean-up."""

    def text(self, txt: str) -> None:
        super().text(without_control(str(txt)))

    def textln(self, txt: str = "") -> None:
        self.text(txt)
        self._raw(b"\n")

    def ln(self, count: int = 1) -> None:
        if count < 0:
            raise ValueError("count cannot be negative")
        self._raw(b"\n" * count)


def _printer(paper_width_mm: int) -> Dummy:
    printer = _TextOnlyDummy(profile="default")
    # The default profile has a cutter but no paper width; images are centred against it.
    printer.profile.profile_data = copy.deepcopy(printer.profile.profile_data)
    printer.profile.profile_data["media"]["width"]["pixels"] = PAPER_DOTS[paper_width_mm]
    return printer


def columns(paper_width_mm: int) -> int:
    return PAPER_DOTS[paper_width_mm] // FONT_A_DOTS


def compose(data: ReceiptData, paper_width_mm: int = 58, *, native_qr: bool = False) -> bytes:
    """The whole receipt, from ESC @ to the cut. `native_qr` uses the printer's own QR
    command (GS ( k); the default sends the QR as a raster image, which every printer prints."""
    if paper_width_mm not in PAPER_DOTS:
        raise ValueError(f"paper width must be 58 or 80 mm, not {paper_width_mm}")
    cols = columns(paper_width_mm)
    p = _printer(paper_width_mm)
    rule = "-" * cols

    def para(text: str, indent: str = "") -> None:
        for line in textwrap.wrap(text, cols, initial_indent=indent,
                                  subsequent_indent=" " * len(indent)):
            p.textln(line)

    def field(label: str, value: str, label_width: int = 9) -> None:
        para(value, f"{label:<{label_width}}: ")

    p.hw("INIT")
    p.set(align="center", bold=True, double_height=True, double_width=True)
    for line in TITLE:
        p.textln(line)
    p.set(align="center", normal_textsize=True, bold=False)
    para(data.issuer)
    if data.reprinted_at is not None:
        p.set(align="center", bold=True, invert=True, double_height=True)
        p.textln(f" {REPRINT} ")
        p.set(align="center", bold=False, invert=False, normal_textsize=True)
        p.textln(f"{indonesian_date(data.reprinted_at)} {indonesian_time(data.reprinted_at)}")
    p.set(align="left", normal_textsize=True)
    p.textln(rule)
    p.set(align="center", bold=True)
    para(NOT_SUKET[0])
    p.set(align="left", bold=False)
    para(NOT_SUKET[1])
    p.textln(rule)
    # The number on a line of its own: after a label it wrapped on 58 mm paper, and it is
    # what the applicant reads out over the phone. Font B (42 columns at 58 mm) when even
    # a whole line of font A is too short (station ids longer than 17 characters).
    p.textln("No. tanda bukti:")
    p.set(bold=True, font="b" if len(data.receipt_no) > cols else "a")
    for line in textwrap.wrap(data.receipt_no, PAPER_DOTS[paper_width_mm] // FONT_B_DOTS):
        p.textln(line)
    p.set(bold=False, font="a")
    field("Tempat", data.place)
    field("Kegiatan", data.visit)
    field("Tanggal", indonesian_date(data.recorded_at))
    field("Waktu", indonesian_time(data.recorded_at))
    field("Stasiun", data.station_id)
    p.textln(rule)
    p.set(bold=True)
    field("Nama", data.name)
    field("NIK", data.nik_masked)
    p.set(bold=False)
    p.textln(rule)
    p.textln("Yang sudah direkam:")
    para(f"[{'x' if data.photo else ' '}] Foto wajah")
    para(f"[{'x' if data.fingers_recorded else ' '}] Sidik jari: "
         f"{data.fingers_recorded} dari 10")
    for exception in data.finger_exceptions:
        para(f"tidak direkam: {exception.name} ({exception.reason})", "    - ")
    para(f"[{'x' if data.signature else ' '}] Tanda tangan")
    para("[ ] Iris mata: tidak direkam di stasiun ini")
    p.textln(rule)
    p.textln("Langkah berikutnya:")
    for number, step in enumerate(data.next_steps or next_steps(data), start=1):
        para(step, f"{number}. ")
    p.ln()
    p.set(align="center")
    p.qr(data.qr_payload, size=6 if paper_width_mm == 80 else 5, native=native_qr, center=False)
    p.set(align="center", bold=True)
    p.textln(f"Kode verifikasi: {data.verification_code}")
    p.set(align="center", bold=False, font="b" if len(data.receipt_no) > cols else "a")
    p.textln(data.receipt_no)
    p.set(font="a")
    if data.reprinted_at is not None:
        p.set(bold=True)
        p.textln(REPRINT)
    p.set(align="left", bold=False)
    p.cut()
    return bytes(p.output)


def test_page(station_id: str, when: str, paper_width_mm: int = 58) -> bytes:
    """A short page for the technician's self-test: styles, a rule and a QR code."""
    p = _printer(paper_width_mm)
    p.hw("INIT")
    p.set(align="center", bold=True, double_height=True, double_width=True)
    p.textln("TES PRINTER")
    p.set(align="center", bold=False, normal_textsize=True)
    p.textln("PRINTER TEST")
    p.textln("-" * columns(paper_width_mm))
    p.set(align="left")
    p.textln(f"Stasiun : {station_id}")
    p.textln(f"Waktu   : {when}")
    p.textln(f"Kertas  : {paper_width_mm} mm")
    p.qr(f"KTPEL-TEST:{station_id}", size=4, native=False, center=True)
    p.cut()
    return bytes(p.output)


def text_page(text: str, paper_width_mm: int = 58) -> bytes:
    """Plain lines already laid out for the paper (e.g. the day summary), then a cut."""
    p = _printer(paper_width_mm)
    p.hw("INIT")
    p.set(align="left")
    for line in text.splitlines():
        p.textln(line)
    p.cut()
    return bytes(p.output)
