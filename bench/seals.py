"""Benchmark of seal detection (run: ``.venv/bin/python bench/seals.py``).

Prints milliseconds per page side by side:

* text-layer PDF pages: plain reading (``read_pdf`` with ``ReadContext(seals=False)``) vs
  reading with seal search, for pages without a seal (black text only: the cheap pre-check
  skips the render), pages with an image but no seal, and pages with a red seal image
  (detection + reading the seal: render at 200 dpi, two ring recognitions);
* a scanned page (image-only PDF, 200 dpi): OCR reading without vs with seals.

Documents are built here (a seal drawn like a company's 公章); timings are the best of several
repetitions (the machine may be shared).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pymupdf
from PIL import Image, ImageDraw, ImageFont

from extractor.read import ReadContext
from extractor.readers.pdf import read_pdf

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def _font(size: int) -> ImageFont.ImageFont:
    for p in FONT_CANDIDATES:
        if Path(p).exists():
            return ImageFont.truetype(p, size)
    return ImageFont.load_default()


def seal_png(name: str, size: int = 300) -> bytes:
    """A red round stamp: name along the arc, star in the middle (RGBA PNG)."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (210, 30, 30, 255)
    lw = size // 40
    d.ellipse((lw, lw, size - lw, size - lw), outline=red, width=lw)
    fs = int(size * 0.12)
    font = _font(fs)
    span = 240
    r = size / 2 - lw - fs * 0.85
    for i, ch in enumerate(name):
        ang = math.radians(-90 - span / 2 + span * (i + 0.5) / len(name))
        g = Image.new("RGBA", (fs * 2, fs * 2), (0, 0, 0, 0))
        ImageDraw.Draw(g).text((fs * 0.5, fs * 0.4), ch, font=font, fill=red)
        g = g.rotate(-math.degrees(ang) - 90, resample=Image.BICUBIC)
        img.alpha_composite(
            g, (int(size / 2 + r * math.cos(ang) - fs), int(size / 2 + r * math.sin(ang) - fs))
        )
    c, rr = size / 2, size * 0.12
    pts = [
        (
            c + (rr if k % 2 == 0 else rr * 0.4) * math.cos(math.radians(-90 + 36 * k)),
            c + (rr if k % 2 == 0 else rr * 0.4) * math.sin(math.radians(-90 + 36 * k)),
        )
        for k in range(10)
    ]
    d.polygon(pts, fill=red)
    buf = BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def text_pdf(kind: str, pages: int = 5) -> bytes:
    doc = pymupdf.open()
    seal = seal_png("泉州智算科技有限公司") if kind == "seal" else None
    logo = None
    if kind == "image":
        im = Image.new("RGB", (200, 80), (30, 60, 160))
        buf = BytesIO()
        im.save(buf, format="PNG")
        logo = buf.getvalue()
    for _ in range(pages):
        page = doc.new_page()
        y = 72
        for i in range(30):
            page.insert_text(
                (72, y),
                f"Line {i}: 申报单位承诺所提交材料真实有效 2023-03-01 360000.00",
                fontname="china-s",
                fontsize=10,
            )
            y += 20
        if seal:
            page.insert_image(pymupdf.Rect(330, 600, 450, 720), stream=seal)
        if logo:
            page.insert_image(pymupdf.Rect(72, 700, 272, 780), stream=logo)
        page.clean_contents()  # one content stream, as producers write it
    return doc.tobytes(garbage=3, deflate=True)


def scan_pdf() -> bytes:
    """One image-only page: a text page with a seal rendered at 200 dpi."""
    src = pymupdf.open(stream=text_pdf("seal", 1), filetype="pdf")
    pix = src[0].get_pixmap(dpi=200, alpha=False)
    doc = pymupdf.open()
    page = doc.new_page(width=src[0].rect.width, height=src[0].rect.height)
    page.insert_image(page.rect, stream=pix.tobytes("jpeg"))
    return doc.tobytes()


CLOCK = time.perf_counter


def best(fn: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        t = CLOCK()
        fn()
        times.append(CLOCK() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument(
        "--cpu", action="store_true", help="CPU time of this process (all threads) instead of wall time"
    )
    args = ap.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    plain, sealed = ReadContext(seals=False), ReadContext(seals=True)
    print(f"{'page kind':34s} {'plain ms/page':>14s} {'with seals':>11s} {'ratio':>6s}  seals found")
    for kind, label in (
        ("text", "text layer, black text only"),
        ("image", "text layer + an image (no seal)"),
        ("seal", "text layer + a red seal (read)"),
    ):
        data = text_pdf(kind)
        n = 5
        read_pdf(data, "warm.pdf", sealed)  # OCR model loaded outside the timing
        a = best(lambda d=data: read_pdf(d, "x.pdf", plain), args.reps) / n * 1000
        b = best(lambda d=data: read_pdf(d, "x.pdf", sealed), args.reps) / n * 1000
        found = sum(len(p.seals) for p in read_pdf(data, "x.pdf", sealed).pages)
        print(f"{label:34s} {a:14.1f} {b:11.1f} {b / max(a, 1e-9):6.2f}  {found}/{n}")
    data = scan_pdf()
    read_pdf(data, "warm.pdf", sealed)
    reps = max(1, args.reps // 2)
    a = best(lambda: read_pdf(data, "x.pdf", plain), reps) * 1000
    b = best(lambda: read_pdf(data, "x.pdf", sealed), reps) * 1000
    found = sum(len(p.seals) for p in read_pdf(data, "x.pdf", sealed).pages)
    print(f"{'scanned page (OCR, 200 dpi)':34s} {a:14.1f} {b:11.1f} {b / max(a, 1e-9):6.2f}  {found}/1")


if __name__ == "__main__":
    main()
