"""ESC/POS bytes to PNG: what a thermal printer would put on paper.

It serves the printer simulator (each receipt becomes a PNG), the tablet's receipt preview and
the tests. It covers every command the station emits (text styles, alignment, code pages, line
spacing and feeds, raster images in GS v 0 / GS ( L / ESC * form, native QR codes, cuts) and
skips, but records, anything else, so a test can insist that nothing went unrendered.
Paper is `dots` wide at 203 dpi (384 dots for 58 mm paper, 576 for 80 mm).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field

import qrcode
from PIL import Image, ImageDraw, ImageFont

from peripherals.printer.escpos_stream import ESC, GS, Command, commands

DOTS_PER_MM = 8  # 203 dpi
PAPER_DOTS = {58: 384, 80: 576}
_FONTS = {0: (12, 24), 1: (9, 17)}  # font A and font B cell sizes in dots
_CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252",
               17: "cp866", 18: "cp852", 19: "cp858", 40: "iso8859_15"}
_QR_ERROR = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M,
             50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}
_FONT_FILES = ("DejaVuSansMono.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
_BOLD_FONT_FILES = ("DejaVuSansMono-Bold.ttf",
                    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf")


@dataclass
class Page:
    """One stretch of paper, ended by a cut (or by the end of the data)."""

    image: Image.Image
    lines: list[str]  # the printed text, one entry per printed line, for search and tests
    cut: bool

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG")
        return out.getvalue()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Rendering:
    pages: list[Page]
    unknown: list[str] = field(default_factory=list)  # commands skipped, e.g. "ESC 0x70"


@dataclass
class _Style:
    font: int = 0
    bold: bool = False
    underline: int = 0
    invert: bool = False
    width: int = 1
    height: int = 1
    align: int = 0  # 0 left, 1 centre, 2 right
    line_spacing: int = 30
    code_page: str = "cp437"


@dataclass(frozen=True)
class _Glyph:
    char: str
    font: int
    bold: bool
    underline: int
    invert: bool
    width: int
    height: int

    @property
    def size(self) -> tuple[int, int]:
        cell_w, cell_h = _FONTS[self.font]
        return cell_w * self.width, cell_h * self.height


@functools.cache
def _truetype(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in _BOLD_FONT_FILES if bold else _FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


@functools.cache
def _glyph_image(glyph: _Glyph) -> Image.Image:
    cell_w, cell_h = _FONTS[glyph.font]
    cell = Image.new("1", (cell_w, cell_h), 0 if glyph.invert else 1)
    ink = 1 if glyph.invert else 0
    draw = ImageDraw.Draw(cell)
    font = _truetype(glyph.bold, cell_h - 4)
    draw.text((cell_w / 2, cell_h - 4), glyph.char, font=font, fill=ink, anchor="ms")
    if glyph.underline:
        draw.rectangle((0, cell_h - glyph.underline, cell_w, cell_h - 1), fill=ink)
    if glyph.width > 1 or glyph.height > 1:
        cell = cell.resize(glyph.size, Image.Resampling.NEAREST)
    return cell


class _Paper:
    """Accumulates printed rows for the current page."""

    def __init__(self, dots: int) -> None:
        self.dots = dots
        self.rows: list[Image.Image] = []
        self.lines: list[str] = []
        self.pending: list[_Glyph] = []
        self.pending_align = 0
        # Height of an ESC * band just printed: the LF after it moves the paper by the line
        # spacing counted from the band's top, not by a whole empty text line.
        self.band_height = 0

    def add_char(self, glyph: _Glyph, style: _Style) -> None:
        if sum(g.size[0] for g in self.pending) + glyph.size[0] > self.dots:
            self.print_line(style)  # the printer wraps a line that does not fit
        if not self.pending:
            self.pending_align = style.align
        self.pending.append(glyph)

    def print_line(self, style: _Style) -> None:
        if self.band_height and not self.pending:
            self.feed_dots(style.line_spacing - self.band_height)
            self.band_height = 0
            return
        height = max([g.size[1] for g in self.pending] + [_FONTS[style.font][1]])
        row = Image.new("1", (self.dots, max(style.line_spacing, height + 6)), 1)
        x = self._x(sum(g.size[0] for g in self.pending), self.pending_align or style.align)
        for glyph in self.pending:
            row.paste(_glyph_image(glyph), (x, height - glyph.size[1]))
            x += glyph.size[0]
        self.rows.append(row)
        self.band_height = 0
        self.lines.append("".join(g.char for g in self.pending).rstrip())
        self.pending = []
        self.pending_align = 0

    def feed_dots(self, dots: int) -> None:
        if dots > 0:
            self.rows.append(Image.new("1", (self.dots, dots), 1))

    def add_image(self, image: Image.Image, align: int, *, band: bool = False) -> None:
        if self.pending:
            self.print_line(_Style(align=self.pending_align))
        self.band_height = image.height if band else 0
        image = image.crop((0, 0, min(image.width, self.dots), image.height))
        row = Image.new("1", (self.dots, image.height), 1)
        row.paste(image, (self._x(image.width, align), 0))
        self.rows.append(row)

    def _x(self, width: int, align: int) -> int:
        free = max(0, self.dots - width)
        return {0: 0, 1: free // 2, 2: free}.get(align, 0)

    def take_page(self, cut: bool) -> Page:
        height = sum(r.height for r in self.rows) or 1
        image = Image.new("1", (self.dots, height), 1)
        y = 0
        for row in self.rows:
            image.paste(row, (0, y))
            y += row.height
        page = Page(image, self.lines, cut)
        self.rows, self.lines = [], []
        return page


def _raster(width_bytes: int, height: int, data: bytes, sx: int = 1, sy: int = 1) -> Image.Image:
    """Row-major 1-bit data, MSB first, 1 = black (ESC/POS) -> PIL "1" image (0 = black)."""
    image = Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in data))
    if sx > 1 or sy > 1:
        image = image.resize((image.width * sx, image.height * sy), Image.Resampling.NEAREST)
    return image


def _columns(width: int, data: bytes, bytes_per_column: int) -> Image.Image:
    """ESC * column data: each column is `bytes_per_column` bytes, top to bottom, MSB first."""
    height = bytes_per_column * 8
    image = Image.new("1", (width, height), 1)
    pixels = image.load()
    assert pixels is not None
    for x in range(width):
        column = data[x * bytes_per_column:(x + 1) * bytes_per_column]
        for byte_index, byte in enumerate(column):
            for bit in range(8):
                if byte & (0x80 >> bit):
                    pixels[x, byte_index * 8 + bit] = 0
    return image


class _Renderer:
    def __init__(self, dots: int) -> None:
        self.style = _Style()
        self.paper = _Paper(dots)
        self.pages: list[Page] = []
        self.unknown: list[str] = []
        self.qr: dict[str, int | bytes] = {"size": 3, "error": 48, "data": b""}
        self.graphic: Image.Image | None = None

    def run(self, data: bytes) -> Rendering:
        for command in commands(data):
            try:
                self.command(command)
            except (ValueError, IndexError):  # parameters that contradict their own lengths
                self.unknown.append(f"malformed {command.head.hex(' ')}")
        if self.paper.pending:
            self.paper.print_line(self.style)
        if self.paper.rows or not self.pages:
            self.pages.append(self.paper.take_page(cut=False))
        return Rendering(self.pages, self.unknown)

    def command(self, command: Command) -> None:
        if not command.complete:
            self.unknown.append(f"truncated {command.head.hex(' ')}")
        elif command.is_text:
            self.control_or_text(command.body)
        elif command.head[0] == ESC:
            self.esc(command.head[1], command.body)
        elif command.head[0] == GS:
            self.gs(command.head[1], command.body)
        # DLE EOT / ENQ / DC4 are real-time queries and pulses: nothing on paper

    def control_or_text(self, body: bytes) -> None:
        value = body[0]
        if value == 0x0A:
            self.paper.print_line(self.style)
        elif value == 0x09:
            self.text(" " * (8 - len(self.paper.pending) % 8))
        elif value >= 0x20:
            self.text(body.decode(self.style.code_page, errors="replace"))
        elif value != 0x0D:
            self.unknown.append(f"0x{value:02x}")

    def text(self, chars: str) -> None:
        s = self.style
        for char in chars:
            self.paper.add_char(
                _Glyph(char, s.font, s.bold, s.underline, s.invert, s.width, s.height), s)

    def cut(self) -> None:
        if self.paper.pending:
            self.paper.print_line(self.style)
        self.pages.append(self.paper.take_page(cut=True))

    def esc(self, command: int, body: bytes) -> None:  # noqa: C901 - one branch per command
        s = self.style
        arg = body[0] if body else 0
        if command == ord("@"):
            self.style = _Style()
        elif command == ord("!"):
            s.font, s.bold = arg & 0x01, bool(arg & 0x08)
            s.height, s.width = (2 if arg & 0x10 else 1), (2 if arg & 0x20 else 1)
            s.underline = 1 if arg & 0x80 else 0
        elif command in (ord("E"), ord("G")):
            s.bold = bool(arg & 1)
        elif command == ord("-"):
            s.underline = arg % 48 % 3
        elif command == ord("M"):
            s.font = arg % 48 % 2
        elif command == ord("a"):
            s.align = arg % 48 % 3
        elif command == ord("t"):
            s.code_page = _CODE_PAGES.get(arg, "cp437")
        elif command == ord("2"):
            s.line_spacing = 30
        elif command == ord("3"):
            s.line_spacing = arg
        elif command == ord("d"):
            for _ in range(arg):
                self.paper.print_line(s)
        elif command == ord("J"):
            self.paper.feed_dots(arg)
        elif command == ord("*"):
            width = int.from_bytes(body[1:3], "little")
            per_column = 3 if arg & 32 else 1
            self.paper.add_image(_columns(width, body[3:], per_column), s.align, band=True)
        elif command in (ord("i"), ord("m")):
            self.cut()
        elif command not in (ord("{"), ord("V"), ord("c"), ord("p"), ord("R")):
            # upside-down, rotation, panel keys, drawer pulse, character set: not visible
            self.unknown.append(f"ESC 0x{command:02x}")

    def gs(self, command: int, body: bytes) -> None:
        s = self.style
        arg = body[0] if body else 0
        if command == ord("!"):
            s.width, s.height = (arg >> 4) + 1, (arg & 0x0F) + 1
        elif command == ord("B"):
            s.invert = bool(arg & 1)
        elif command == ord("V"):
            if len(body) > 1:
                self.paper.feed_dots(body[1])
            self.cut()
        elif command == ord("v"):
            density = body[1]
            width_bytes = int.from_bytes(body[2:4], "little")
            height = int.from_bytes(body[4:6], "little")
            sx, sy = (2 if density & 1 else 1), (2 if density & 2 else 1)
            self.paper.add_image(_raster(width_bytes, height, body[6:], sx, sy), s.align)
        elif command == ord("(") and body:
            function, data = body[0], body[3:]
            if function == ord("k"):
                self.qr_function(data)
            elif function == ord("L"):
                self.graphics(data)
            else:
                self.unknown.append(f"GS ( 0x{function:02x}")
        elif command not in (ord("b"), ord("a")):  # smoothing, automatic status back
            self.unknown.append(f"GS 0x{command:02x}")

    def qr_function(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 49:  # cn 49 = QR code
            self.unknown.append("GS ( k (not QR)")
            return
        fn = body[1]
        if fn == 67:
            self.qr["size"] = body[2]
        elif fn == 69:
            self.qr["error"] = body[2]
        elif fn == 80:
            self.qr["data"] = body[3:]
        elif fn == 81:
            code = qrcode.QRCode(
                error_correction=_QR_ERROR.get(int(self.qr["error"]),  # type: ignore[arg-type]
                                               qrcode.constants.ERROR_CORRECT_L),
                box_size=int(self.qr["size"]),  # type: ignore[arg-type]
                border=0,
            )
            code.add_data(bytes(self.qr["data"]))  # type: ignore[arg-type]
            image = code.make_image(fill_color="black", back_color="white").get_image()
            self.paper.add_image(image.convert("1"), self.style.align)
        # fn 65 (model) changes nothing visible

    def graphics(self, body: bytes) -> None:
        # GS ( L: m fn [a bx by c xL xH yL yH data] ; fn 112 stores, fn 50 prints
        if len(body) >= 10 and body[1] == 112:
            sx, sy = body[3], body[4]
            width = int.from_bytes(body[6:8], "little")
            height = int.from_bytes(body[8:10], "little")
            self.graphic = _raster((width + 7) // 8, height, body[10:], sx, sy)
        elif len(body) >= 2 and body[1] == 50 and self.graphic is not None:
            self.paper.add_image(self.graphic, self.style.align)
            self.graphic = None


def render(data: bytes, paper_width_mm: int = 58) -> Rendering:
    """Render ESC/POS bytes; one Page per cut. Never raises on odd bytes."""
    return _Renderer(PAPER_DOTS.get(paper_width_mm, paper_width_mm * DOTS_PER_MM)).run(data)
