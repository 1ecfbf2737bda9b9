"""The recording receipt: its bytes, what it says on paper, and what it must never say."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from peripherals.printer.render import render
from station.receipts.content import (
    FingerException,
    parse_qr_payload,
    verification_code,
)
from station.receipts.escpos_bytes import REPRINT, compose
from tests.receipt_samples import FULL_NIK, KEY, WIB, decode_qr, sample_receipt


@pytest.mark.parametrize("width", [58, 80])
def test_receipt_bytes_are_a_whole_escpos_job(width):
    data = compose(sample_receipt(), width)
    assert data.startswith(b"\x1b@"), "starts by resetting the printer"
    assert data.endswith(b"\x1dV\x00"), "ends with a full cut"
    assert b"TANDA BUKTI" in data and b"PEREKAMAN KTP-el" in data
    assert b"BUKAN SURAT KETERANGAN (SUKET)" in data
    assert b"3514********0001" in data
    assert FULL_NIK.encode() not in data
    assert b"PSR-01-20261128-0007" in data
    assert b"\x1dv0" in data, "the QR code travels as a raster image by default"
    rendering = render(data, width)
    assert rendering.unknown == []
    assert len(rendering.pages) == 1 and rendering.pages[0].cut
    assert rendering.pages[0].image.width == {58: 384, 80: 576}[width]


@pytest.mark.parametrize(("width", "native"), [(58, False), (80, False), (80, True)])
def test_rendered_receipt_qr_decodes_to_the_receipt_number(width, native):
    receipt = sample_receipt()
    page = render(compose(receipt, width, native_qr=native), width).pages[0]
    payloads = decode_qr(page.image)
    assert len(payloads) == 1
    parsed = parse_qr_payload(payloads[0])
    assert parsed == ("PSR-01-20261128-0007", verification_code(KEY, "PSR-01-20261128-0007"))
    assert parsed[1] in page.text, "the verification code is also printed for reading aloud"


def test_what_the_receipt_says_in_bahasa_indonesia():
    text = render(compose(sample_receipt())).pages[0].text
    flat = " ".join(text.split())
    for expected in (
        "TANDA BUKTI", "PEREKAMAN KTP-el", "Disdukcapil Kabupaten Pasuruan",
        "bukan Surat Keterangan (Suket)", "SMA Negeri 1 Bangil", "28 November 2026",
        "09:41 WIB", "Stasiun : PSR-01", "SITI NUR AINI", "NIK : 3514********0001",
        "[x] Foto wajah", "[x] Sidik jari: 9 dari 10", "kelingking kiri (luka)",
        "[x] Tanda tangan", "Identitas Kependudukan Digital (IKD)", "KTP-el dicetak",
    ):
        assert expected in flat, expected
    assert REPRINT not in flat


def test_full_nik_never_appears_anywhere():
    for width in (58, 80):
        data = compose(sample_receipt(), width)
        page = render(data, width).pages[0]
        digits_only = "".join(ch for ch in page.text if ch.isdigit())
        assert FULL_NIK not in digits_only
        assert FULL_NIK[4:12].encode() not in data, "the birth date part is never sent"
        assert "3514********0001" in page.text
        assert all(FULL_NIK[4:12] not in payload for payload in decode_qr(page.image))


@pytest.mark.parametrize("nik", [FULL_NIK, "3514 0145 0709 0001", "3514****0001", ""])
def test_a_receipt_refuses_anything_but_a_masked_nik(nik):
    with pytest.raises(ValueError, match="masked NIK"):
        sample_receipt(nik_masked=nik)


def test_reprint_is_marked_cetak_ulang_with_the_reprint_time():
    again = datetime(2026, 11, 28, 13, 5, tzinfo=WIB)
    page = render(compose(sample_receipt(reprinted_at=again))).pages[0]
    assert page.text.count(REPRINT) == 2, "at the top and next to the QR code"
    assert "13:05 WIB" in page.text and "09:41 WIB" in page.text


def test_what_was_recorded_shows_missing_parts():
    receipt = sample_receipt(photo=True, fingers_recorded=8, signature=False,
                             finger_exceptions=(FingerException(1, "amputasi"),
                                                FingerException(6, "luka")))
    text = " ".join(render(compose(receipt)).pages[0].text.split())
    assert "[x] Sidik jari: 8 dari 10" in text
    assert "jempol kanan (amputasi)" in text and "jempol kiri (luka)" in text
    assert "[ ] Tanda tangan" in text


def test_long_names_wrap_instead_of_running_off_the_paper():
    name = "MUHAMMAD RIZKY ANANDA PRATAMA SAPUTRA WIJAYAKUSUMA"
    page = render(compose(sample_receipt(name=name))).pages[0]
    assert all(len(line) <= 32 for line in page.lines)
    assert "WIJAYAKUSUMA" in page.text


def test_verification_code_depends_on_key_and_number():
    code = verification_code(KEY, "PSR-01-20261128-0007")
    assert len(code) == 6 and code.isalnum() and code.isupper()
    assert code == verification_code(KEY, "PSR-01-20261128-0007")
    assert code != verification_code(KEY, "PSR-01-20261128-0008")
    assert code != verification_code(b"other key", "PSR-01-20261128-0007")


def test_qr_payload_parsing_rejects_foreign_codes():
    assert parse_qr_payload("https://example.org") is None
    assert parse_qr_payload("KTPEL-TB:X-1:") is None
    assert parse_qr_payload("KTPEL-TB:PSR-01-20261128-0007:ABCDEF") == (
        "PSR-01-20261128-0007", "ABCDEF")


def test_paper_width_must_be_58_or_80():
    with pytest.raises(ValueError, match="58 or 80"):
        compose(sample_receipt(), 76)


# --- issue 17 ----------------------------------------------------------------------------


def _said(receipt, width=58) -> str:  # type: ignore[no-untyped-def]
    return " ".join(render(compose(receipt, width), width).pages[0].text.split())


def test_the_card_date_is_the_applicants_own():
    # It told a 21-year-old "KTP-el dicetak setelah Anda berusia 17 tahun".
    adult = _said(sample_receipt(card_from=date(2026, 11, 28)))
    assert "KTP-el Anda dapat dicetak sekarang" in adult and "berusia 17" not in adult
    young = _said(sample_receipt(card_from=date(2027, 3, 5)))
    assert "dapat dicetak mulai 5 Maret 2027 (umur 17 tahun)" in young


def test_the_receipt_says_iris_was_not_recorded_and_what_to_do():
    text = _said(sample_receipt())
    assert "[ ] Iris mata: tidak direkam di stasiun ini" in text
    assert "lengkapi perekaman iris di kantor Disdukcapil" in text


@pytest.mark.parametrize("station_id", ["PSR-01", "3273-KEC01-ST01", "KAB-PASURUAN-KEC-BANGIL-1"])
@pytest.mark.parametrize("width", [58, 80])
def test_the_receipt_number_fits_on_one_line(station_id, width):
    # At 58 mm "No.      : <number>" wrapped onto a second line.
    number = f"{station_id}-20261128-00007"
    page = render(compose(sample_receipt(receipt_no=number), width), width).pages[0]
    assert sum(number in line for line in page.lines) == 2  # under its label and by the QR
