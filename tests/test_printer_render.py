"""The ESC/POS renderer: what the station sends comes out on (simulated) paper."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ImageOps

from peripherals.printer.escpos_stream import commands, next_command
from peripherals.printer.render import render
from station.receipts.escpos_bytes import compose
from tests.receipt_samples import decode_qr, sample_receipt


def _ink_box(image):
    return ImageOps.invert(image.convert("L")).getbbox()


def _printer() -> Dummy:
    printer = Dummy(profile="default")
    printer.profile.profile_data = {**printer.profile.profile_data,
                                    "media": {"width": {"pixels": 384, "mm": 48}}}
    return printer


def test_text_styles_and_alignment_are_placed_where_a_printer_puts_them():
    p = _printer()
    p.set(align="left")
    p.textln("kiri")
    p.set(align="center")
    p.textln("tengah")
    p.set(align="right")
    p.textln("kanan")
    p.set(align="left", double_width=True, double_height=True)
    p.textln("BESAR")
    p.set(normal_textsize=True, bold=True, underline=1, invert=True)
    p.textln("gaya")
    page = render(p.output).pages[0]
    assert page.lines == ["kiri", "tengah", "kanan", "BESAR", "gaya"]
    rows = _row_boxes(page.image)
    left, centre, right, big, styled = rows[:5]
    assert left[0] < 4
    assert abs((centre[0] + centre[2]) / 2 - 192) < 8
    assert right[2] > 380
    assert big[3] - big[1] > 1.6 * (left[3] - left[1]), "double height"
    assert big[2] - big[0] > 1.8 * 5 / 4 * (left[2] - left[0]), "double width"
    assert styled[2] - styled[0] >= 4 * 12 - 1, "inverted text fills its cells"


def _row_boxes(image):
    """Ink bounding boxes of the horizontal bands separated by blank rows."""
    gray = image.convert("L")
    width, height = gray.size
    pixels = gray.load()
    boxes, start = [], None
    for y in range(height + 1):
        inked = y < height and any(pixels[x, y] == 0 for x in range(width))
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            box = _ink_box(gray.crop((0, start, width, y)))
            boxes.append((box[0], start, box[2], y))
            start = None
    return boxes


@pytest.mark.parametrize("impl", ["bitImageRaster", "graphics", "bitImageColumn"])
def test_qr_as_raster_image_decodes_in_every_image_format(impl):
    p = _printer()
    p.qr(f"KTPEL-TB:{impl}:ABC123", size=5, image_arguments={"impl": impl})
    rendering = render(p.output)
    assert rendering.unknown == []
    assert decode_qr(rendering.pages[0].image) == [f"KTPEL-TB:{impl}:ABC123"]


def test_native_qr_command_is_drawn_and_decodes():
    p = _printer()
    p.set(align="center")
    p.qr("NATIVE-QR-42", size=6, native=True)
    rendering = render(p.output)
    assert rendering.unknown == []
    assert decode_qr(rendering.pages[0].image) == ["NATIVE-QR-42"]
    box = _ink_box(rendering.pages[0].image)
    assert abs((box[0] + box[2]) / 2 - 192) < 4, "centred by ESC a 1"


def test_each_cut_ends_a_page_and_feeds_are_paper():
    p = _printer()
    p.textln("satu")
    p.cut()
    p.textln("dua")
    p.ln(5)
    p.cut(mode="PART")
    pages = render(p.output).pages
    assert [page.lines[0] for page in pages] == ["satu", "dua"]
    assert all(page.cut for page in pages)
    assert pages[1].image.height > pages[0].image.height + 5 * 24


def test_80mm_paper_is_576_dots_and_long_lines_wrap():
    p = _printer()
    p.text("x" * 40 + "\n")
    assert render(p.output, 58).pages[0].lines == ["x" * 32, "x" * 8]
    assert render(p.output, 80).pages[0].image.width == 576
    assert render(p.output, 80).pages[0].lines == ["x" * 40]


def test_code_page_bytes_are_decoded():
    p = _printer()
    p.textln("Café Bandung")
    assert render(p.output).pages[0].lines == ["Café Bandung"]


def test_garbage_is_rendered_without_crashing_and_reported():
    data = b"\x1b\x7fok\n\x1d\x99\x00\x07\x1d(k\x02\x00" + bytes(range(256)) + b"\x1dv0"
    rendering = render(data)
    assert rendering.pages
    assert "ESC 0x7f" in rendering.unknown
    assert "GS 0x99" in rendering.unknown
    assert rendering.unknown[-1].startswith("truncated 1d 76")


@pytest.mark.parametrize("cut_at", range(1, 40))
def test_every_truncation_of_a_receipt_renders(cut_at):
    data = compose(sample_receipt())
    render(data[: len(data) * cut_at // 40])


def test_stream_splitter_waits_for_whole_commands_and_keeps_image_data_intact():
    image = b"\x1dv0\x00\x01\x00\x03\x00" + b"\x10\x04\x01"  # image data that looks like DLE EOT
    assert next_command(image, 0) is not None
    assert next_command(image[:-1], 0) is None, "incomplete image: wait for more bytes"
    found = commands(image + b"\x10\x04\x04")
    assert [c.status_query for c in found] == [None, 4]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_render_without_an_exception(data):
    # ESC/GS-heavy alphabet so that commands, not just text, are exercised
    render(b"\x1b\x1d".join([data[:50], data[50:100], data[100:]]))
