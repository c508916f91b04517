"""Shared drawing, formatting and "scanning" helpers for the sample generator.

Every PDF page is drawn through :class:`Sheet`, which records each text run it
writes so the ground truth ``printed_text`` is exactly what was drawn.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import cn2an
import numpy as np
import pymupdf
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from stdnum.cn import uscc

BLACK = (0, 0, 0)
RED = (0.78, 0.08, 0.08)
BROWN = (0.55, 0.18, 0.12)  # 数电票 frame colour
INVBROWN = (0.60, 0.35, 0.10)  # legacy e-invoice colour
BLUE = (0.05, 0.15, 0.55)
GREY = (0.45, 0.45, 0.45)

A4 = (595.0, 842.0)
NO_LINE_START = "，。；：、）》”！？%"
A4_LANDSCAPE = (842.0, 595.0)
INVOICE_SIZE = (595.0, 397.0)  # real 数电票 PDFs are 210 x 140 mm


@lru_cache(maxsize=1)
def cjk_font() -> pymupdf.Font:
    return pymupdf.Font("cjk")


@lru_cache(maxsize=8)
def pil_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(io.BytesIO(cjk_font().buffer), size)


# ---------------------------------------------------------------- formatting

CENT = Decimal("0.01")


def money(value: str | int | float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def mstr(value: Decimal) -> str:
    """Contract money format ``"360000.00"``."""
    return f"{money(value):f}"


def fmt_money(value: Decimal, style: str = "plain") -> str:
    """Printed money: plain ``360000.00``, comma ``360,000.00``, yen ``¥360000.00``,
    yen_comma ``¥360,000.00``, wan ``36万``."""
    v = money(value)
    if style == "plain":
        return f"{v:f}"
    if style == "comma":
        return f"{v:,.2f}"
    if style == "yen":
        return f"¥{v:f}"
    if style == "yen_comma":
        return f"¥{v:,.2f}"
    if style == "wan":
        w = (v / Decimal(10000)).normalize()
        return f"{w:f}万"
    raise ValueError(style)


def words(value: Decimal, unit: str = "元") -> str:
    """Upper-case Chinese amount (大写) via cn2an; invoices use 圆 instead of 元."""
    text = cn2an.an2cn(f"{money(value):f}", "rmb")
    return text.replace("元", unit)


def fmt_date(d: dt.date, style: str = "cn") -> str:
    if style == "cn":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "cn_short":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "iso":
        return d.isoformat()
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    raise ValueError(style)


def iso(d: dt.date) -> str:
    return d.isoformat()


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: random.Random, region: str, entity: str = "91") -> str:
    """A GB 32100-2015 code: authority+type, 6-digit region, 9-char org code, check digit."""
    org = "MA" + "".join(rng.choice(_USCC_ALPHABET) for _ in range(7))
    base = entity + region + org
    code = base + uscc.calc_check_digit(base)
    return uscc.validate(code)


def digits(rng: random.Random, n: int, first_nonzero: bool = True) -> str:
    s = "".join(rng.choice("0123456789") for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = str(rng.randint(1, 9)) + s[1:]
    return s


# ---------------------------------------------------------------- drawing


@dataclass
class Sheet:
    """One PDF page plus the record of every text run drawn on it."""

    page: pymupdf.Page
    items: list[tuple] = field(default_factory=list)  # (baseline y, x, text[, solo])
    writers: dict[tuple, pymupdf.TextWriter] = field(default_factory=dict)  # one per colour
    # Non-embedded base fonts instead of the embedded Droid font: a PyMuPDF CJK name
    # ("china-s" 黑体 / "china-ss" 宋体) for text with CJK characters and a base-14 name
    # ("helv", "cour", "tiro") for Latin-1 text. None = the embedded font (original layouts).
    font: str | None = None
    latin: str = "helv"

    @classmethod
    def new(
        cls,
        doc: pymupdf.Document,
        size: tuple[float, float] = A4,
        font: str | None = None,
        latin: str = "helv",
    ) -> Sheet:
        # new_page() invalidates earlier Page objects: write their queued text first
        for pending in getattr(doc, "_pending_sheets", []):
            pending.flush()
        page = doc.new_page(width=size[0], height=size[1])
        sheet = cls(page, font=font, latin=latin)
        doc._pending_sheets = [sheet]
        return sheet

    def _base_font(self, s: str) -> str:
        assert self.font is not None
        try:
            s.encode("latin-1")
        except UnicodeEncodeError:
            return self.font
        return self.latin

    def _put(self, x: float, y: float, s: str, size: float, color) -> None:
        if self.font is not None:
            self.page.insert_text((x, y), s, fontname=self._base_font(s), fontsize=size, color=color)
            return
        key = tuple(color)
        if key not in self.writers:
            self.writers[key] = pymupdf.TextWriter(self.page.rect)
        self.writers[key].append((x, y), s, font=cjk_font(), fontsize=size)

    def flush(self) -> None:
        """Write the queued text onto the page (TextWriter is ~10x faster than insert_text)."""
        for color, tw in self.writers.items():
            tw.write_text(self.page, color=color)
        self.writers.clear()

    @property
    def width(self) -> float:
        return self.page.rect.width

    @property
    def height(self) -> float:
        return self.page.rect.height

    def length(self, s: str, size: float) -> float:
        if self.font is not None:
            return pymupdf.get_text_length(s, fontname=self._base_font(s), fontsize=size)
        return cjk_font().text_length(s, fontsize=size)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float = 10.5,
        color=BLACK,
        align: str = "left",
        record: bool = True,
    ) -> float:
        """Draw ``s`` with its baseline at ``y``; returns the x where it ends."""
        if not s:
            return x
        w = self.length(s, size)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        self._put(x, y, s, size, color)
        if record:
            self.items.append((y, x, s))
        return x + w

    def spaced(self, x: float, y: float, s: str, width: float, size: float = 10.5, color=BLACK) -> None:
        """Spread the characters of a label over ``width`` (名　　称 style), one record."""
        if len(s) == 1:
            self.text(x, y, s, size, color)
            return
        step = (width - self.length(s[-1], size)) / (len(s) - 1)
        for i, ch in enumerate(s):
            self._put(x + i * step, y, ch, size, color)
        self.items.append((y, x, s))

    def wrap(
        self,
        x: float,
        y: float,
        s: str,
        width: float,
        size: float = 10.5,
        leading: float | None = None,
        color=BLACK,
        indent: float = 0,
    ) -> float:
        """Draw ``s`` wrapped at ``width``; returns the baseline after the last line."""
        leading = leading or size * 1.6
        lines: list[str] = []
        cur = ""
        avail = width - indent
        for ch in s:
            if self.length(cur + ch, size) > avail and cur and ch not in NO_LINE_START:
                lines.append(cur)
                cur = ""
                avail = width
            cur += ch
        if cur:
            lines.append(cur)
        for i, line in enumerate(lines):
            self.text(x + (indent if i == 0 else 0), y, line, size, color)
            y += leading
        return y

    def vtext(self, x: float, y_top: float, y_bottom: float, s: str, size: float = 10.5, color=BLACK) -> None:
        """Vertical label (one character per line) centred between y_top and y_bottom."""
        step = size * 1.25
        start = (y_top + y_bottom) / 2 - step * len(s) / 2 + size
        for i, ch in enumerate(s):
            self.text(x, start + i * step, ch, size, color, align="center", record=False)
        self.items.append((start, x, s, True))  # recorded once, as its own line

    def hline(self, x0, x1, y, color=BLACK, width=0.6):
        self.page.draw_line((x0, y), (x1, y), color=color, width=width)

    def vline(self, x, y0, y1, color=BLACK, width=0.6):
        self.page.draw_line((x, y0), (x, y1), color=color, width=width)

    def rect(self, x0, y0, x1, y1, color=BLACK, width=0.8, fill=None):
        self.page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=color, width=width, fill=fill)

    def image(self, x0, y0, x1, y1, img: Image.Image):
        buf = io.BytesIO()
        if self.font is not None and img.mode == "RGBA":
            # unseen layouts: stamps as 8-colour palette PNGs (a third of the size)
            img = img.quantize(colors=8, method=Image.Quantize.FASTOCTREE)
        img.save(buf, format="PNG", optimize=True)
        self.page.insert_image(pymupdf.Rect(x0, y0, x1, y1), stream=buf.getvalue())

    def table(
        self,
        x: float,
        y: float,
        widths: list[float],
        rows: list[list[str]],
        row_h: float = 20,
        size: float = 9.5,
        color=BLACK,
        align: list[str] | None = None,
        text_color=BLACK,
    ) -> float:
        """Grid table; returns the y below it."""
        total = sum(widths)
        self.hline(x, x + total, y, color)
        for r in rows:
            cx = x
            for i, (w, cell) in enumerate(zip(widths, r, strict=False)):
                a = (align or ["center"] * len(widths))[i]
                tx = cx + 4 if a == "left" else cx + w - 4 if a == "right" else cx + w / 2
                self.text(tx, y + row_h / 2 + size * 0.38, cell, size, text_color, align=a)
                cx += w
            y += row_h
            self.hline(x, x + total, y, color)
        cx = x
        top = y - row_h * len(rows)
        for w in [*widths, 0]:
            self.vline(cx, top, y, color)
            cx += w
        return y

    def printed(self) -> str:
        """Recorded runs grouped into lines (same baseline within 2 pt), top to bottom."""
        lines: list[list[tuple]] = []
        for item in sorted(self.items, key=lambda t: (round(t[0], 1), t[1])):
            solo = len(item) > 3 or (lines and len(lines[-1][0]) > 3)
            if lines and not solo and abs(lines[-1][0][0] - item[0]) <= 2.0:
                lines[-1].append(item)
            else:
                lines.append([item])
        return "\n".join(" ".join(t[2] for t in sorted(group, key=lambda t: t[1])) for group in lines)


# ---------------------------------------------------------------- images: seals, QR, scans


def seal(
    top_text: str,
    center: str = "★",
    bottom: str = "",
    size: int = 300,
    oval: bool = False,
    color=(215, 30, 30, 235),
    seed: int = 0,
    angle: float = 0.0,
) -> Image.Image:
    """A red round (or oval) stamp: text around the arc, a star or word in the centre;
    ``angle`` turns it (degrees, counter-clockwise) as a hand-pressed stamp is turned."""
    w, h = (size, int(size * 0.7)) if oval else (size, size)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    lw = max(4, size // 40)
    d.ellipse((lw, lw, w - lw, h - lw), outline=color, width=lw)
    cx, cy = w / 2, h / 2
    fsize = int(size * (0.11 if oval else 0.13))
    font = pil_font(fsize)
    n = len(top_text)
    span = min(200 if oval else 250, 25 * n + 40)
    rx, ry = w / 2 - lw - fsize * 0.85, h / 2 - lw - fsize * 0.85
    for i, ch in enumerate(top_text):
        ang = math.radians(-90 - span / 2 + span * (i + 0.5) / n)
        px, py = cx + rx * math.cos(ang), cy + ry * math.sin(ang)
        glyph = Image.new("RGBA", (fsize * 2, fsize * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((fsize * 0.5, fsize * 0.4), ch, font=font, fill=color)
        glyph = glyph.rotate(-math.degrees(ang) - 90, resample=Image.BICUBIC)
        img.alpha_composite(glyph, (int(px - fsize), int(py - fsize)))
    if center == "★":
        r = size * 0.12
        pts = []
        for k in range(10):
            rr = r if k % 2 == 0 else r * 0.4
            a = math.radians(-90 + 36 * k)
            pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
        d.polygon(pts, fill=color)
    elif center:
        csize = int(size * 0.1)
        while csize > 8 and pil_font(csize).getlength(center) > w * 0.72:
            csize -= 1
        d.text((cx, cy), center, font=pil_font(csize), fill=color, anchor="mm")
    if bottom:
        bf = pil_font(int(size * 0.085))
        d.text((cx, cy + h * 0.27), bottom, font=bf, fill=color, anchor="mm")
    # a stamp never inks evenly
    rng = np.random.default_rng(seed)
    a = np.array(img)
    mask = rng.random(a.shape[:2]) < 0.12
    a[..., 3] = np.where(mask, (a[..., 3] * 0.35).astype(np.uint8), a[..., 3])
    out = Image.fromarray(a)
    if angle:
        out = out.rotate(angle, resample=Image.BICUBIC)  # the ring stays inside its square
    return out


def qr_image(payload: str, scale: int = 4) -> Image.Image:
    bc = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode)
    return Image.fromarray(np.array(bc.to_image(scale=scale))).convert("RGB")


def render_page(doc: pymupdf.Document, index: int, dpi: int) -> Image.Image:
    pix = doc[index].get_pixmap(dpi=dpi, alpha=False)
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def scan_effect(
    img: Image.Image,
    rng: random.Random,
    angle: float | None = None,
    rotate90: bool = False,
    paper=(236, 234, 228),
) -> Image.Image:
    """Make a clean render look scanned: grey paper, tilt, blur, sensor noise."""
    arr = np.asarray(img).astype(np.float32)
    paper_arr = np.array(paper, dtype=np.float32)
    arr = arr / 255.0 * paper_arr  # white -> grey paper, ink stays dark
    g = np.random.default_rng(rng.randint(0, 2**31))
    arr += g.normal(0, 6.0, arr.shape[:2])[..., None]
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    out = out.filter(ImageFilter.GaussianBlur(0.7))
    tilt = angle if angle is not None else rng.choice([-1, 1]) * rng.uniform(1.0, 3.0)
    out = out.rotate(tilt, resample=Image.BICUBIC, expand=True, fillcolor=tuple(int(c * 0.8) for c in paper))
    if rotate90:
        out = out.transpose(Image.Transpose.ROTATE_90)
    return out


def jpeg_bytes(img: Image.Image, quality: int = 75) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def png_bytes(img: Image.Image, colors: int | None = 64) -> bytes:
    buf = io.BytesIO()
    im = img.convert("RGB")
    if colors:
        im = im.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    im.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def image_pdf(jpegs: list[tuple[bytes, tuple[int, int]]], dpi: int) -> bytes:
    """An image-only PDF: one JPEG per page, page size from pixel size and dpi."""
    doc = pymupdf.open()
    for data, (w, h) in jpegs:
        page = doc.new_page(width=w * 72 / dpi, height=h * 72 / dpi)
        page.insert_image(page.rect, stream=data)
    doc.set_metadata(
        {
            "producer": "Scanner",
            "creator": "Scan to PDF",
            "creationDate": "D:20240601090000+08'00'",
            "modDate": "D:20240601090000+08'00'",
            "title": "",
            "author": "",
            "subject": "",
            "keywords": "",
        }
    )
    out = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return out
