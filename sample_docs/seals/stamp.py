"""Seal (印章) drawing and geometry for the seal test set.

A seal is described by :class:`SealSpec` (what is engraved on it and how it was inked) and
placed by :class:`Placed` (centre, outer radii and rotation on a page). ``render`` draws it as
an RGBA image: the outer ring, the name along the ring (clockwise, left to right over the
top), a star or the tax id in the middle, and a horizontal line of text below (合同专用章,
发票专用章, 业务专用章). Ink effects: uneven pressure, pale (faint) impressions, grey
photocopies.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from sample_docs.gen.common import pil_font

MM = 72 / 25.4  # points per millimetre

RED = (214, 36, 40)
GREY = (95, 95, 95)

# physical sizes in mm (width, height) by kind; real stamps follow these closely
SIZES = {
    "official": (42.0, 42.0),  # 公章
    "contract": (40.0, 40.0),  # 合同专用章
    "invoice": (40.0, 30.0),  # 发票专用章 (oval)
    "bank": (36.0, 36.0),  # 回单专用章 / 业务专用章
}


@dataclass
class SealSpec:
    text: str  # name along the ring
    kind: str = "official"  # official | contract | invoice | bank | supervision
    center: str = "★"  # "★", or a straight line of text (the tax id of a 发票专用章)
    bottom: str = ""  # horizontal text below the centre
    oval: bool = False
    size_mm: tuple[float, float] | None = None  # outer ring width/height; None = by kind
    color: tuple[int, int, int] = RED
    ink: float = 1.0  # overall opacity (pale impression < 0.6)
    gradient: float = 0.0  # 0..1: one side of the stamp pressed lighter
    seed: int = 0
    code: str = ""  # 13-digit 防伪编码 along the lower ring (some official seals)

    @property
    def shape(self) -> str:
        return "oval" if self.oval else "round"

    def dims_pt(self) -> tuple[float, float]:
        w, h = self.size_mm or SIZES.get(self.kind, (40.0, 40.0))
        return w * MM, h * MM


@dataclass
class Placed:
    """Where a seal sits: centre (page units), rotation in degrees (counter-clockwise)."""

    spec: SealSpec
    cx: float
    cy: float
    rotation: float = 0.0
    extra: dict = field(default_factory=dict)

    def radii(self, scale: float = 1.0) -> tuple[float, float]:
        w, h = self.spec.dims_pt()
        return w / 2 * scale, h / 2 * scale


def ellipse_bbox(cx: float, cy: float, a: float, b: float, deg: float) -> list[float]:
    """Axis-aligned box of an ellipse with half axes a (x) and b (y) rotated by ``deg``."""
    t = math.radians(deg)
    hw = math.sqrt((a * math.cos(t)) ** 2 + (b * math.sin(t)) ** 2)
    hh = math.sqrt((a * math.sin(t)) ** 2 + (b * math.cos(t)) ** 2)
    return [cx - hw, cy - hh, cx + hw, cy + hh]


def rotate_point(x: float, y: float, size: tuple[int, int], new_size: tuple[int, int], deg: float):
    """Where pixel (x, y) goes under PIL ``Image.rotate(deg, expand=True)`` (counter-clockwise)."""
    t = math.radians(deg)
    dx, dy = x - size[0] / 2, y - size[1] / 2
    return (
        new_size[0] / 2 + dx * math.cos(t) + dy * math.sin(t),
        new_size[1] / 2 - dx * math.sin(t) + dy * math.cos(t),
    )


def _glyph(ch: str, fsize: int, color, squeeze: float = 1.0) -> Image.Image:
    font = pil_font(fsize)
    g = Image.new("RGBA", (fsize * 2, fsize * 2), (0, 0, 0, 0))
    ImageDraw.Draw(g).text((fsize, fsize), ch, font=font, fill=(*color, 255), anchor="mm")
    if squeeze != 1.0:
        g = g.resize((max(1, int(g.width * squeeze)), g.height), Image.LANCZOS)
    return g


def _ring_text(img: Image.Image, text: str, cx, cy, a, b, fsize: int, span: float, color, bottom=False,
               squeeze: float = 1.0) -> None:
    """Characters along an ellipse (half axes a, b), centred on the top (or bottom) of the ring,
    upright towards the outside (top) or readable from below (bottom)."""
    n = len(text)
    if not n:
        return
    for i, ch in enumerate(text):
        if bottom:
            ang = math.radians(90 + span / 2 - span * (i + 0.5) / n)
        else:
            ang = math.radians(-90 - span / 2 + span * (i + 0.5) / n)
        px, py = cx + a * math.cos(ang), cy + b * math.sin(ang)
        nx, ny = math.cos(ang) / a, math.sin(ang) / b  # outward normal (gradient)
        if bottom:
            nx, ny = -nx, -ny
        rot = math.degrees(math.atan2(-nx, -ny))
        g = _glyph(ch, fsize, color, squeeze).rotate(rot, resample=Image.BICUBIC, expand=True)
        img.alpha_composite(g, (int(px - g.width / 2), int(py - g.height / 2)))


def render(spec: SealSpec, px_per_pt: float) -> Image.Image:
    """The unrotated seal as an RGBA image, exactly the outer ring's box in size."""
    wpt, hpt = spec.dims_pt()
    w, h = int(round(wpt * px_per_pt)), int(round(hpt * px_per_pt))
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    color = spec.color
    mm = MM * px_per_pt
    lw = max(2, int(round((1.0 if spec.oval else 1.2) * mm)))
    d.ellipse((0, 0, w - 1, h - 1), outline=(*color, 255), width=lw)
    cx, cy = w / 2, h / 2
    a, b = w / 2, h / 2
    k = a / (20 * mm) if spec.oval else 1.0  # font scale of small ovals (监制章)
    if spec.oval:
        fsize = int(4.2 * mm * k)
        n = len(spec.text)
        span = min(235.0, 15.5 * n + 30)
        ra, rb = a - lw - fsize * 0.72, b - lw - fsize * 0.72
        _ring_text(img, spec.text, cx, cy, ra, rb, fsize, span, color, squeeze=0.82)
    else:
        n = len(spec.text)
        fsize = int((6.0 if n <= 12 else 5.3 if n <= 16 else 4.6) * mm * (a / (21 * mm)))
        span = min(250.0, 17.0 * n + 40)
        r = a - lw - fsize * 0.75
        _ring_text(img, spec.text, cx, cy, r, r, fsize, span, color, squeeze=0.9)
        if spec.code:
            csize = int(2.2 * mm)
            rc = a - lw - csize * 0.9
            _ring_text(img, spec.code, cx, cy, rc, rc, csize, min(110.0, 7.0 * len(spec.code)), color, bottom=True)
    if spec.center == "★":
        r = (0.17 if not spec.oval else 0.12) * w
        sy = cy - (0.02 * h if spec.bottom else 0)
        pts = []
        for k in range(10):
            rr = r if k % 2 == 0 else r * 0.38
            ang = math.radians(-90 + 36 * k)
            pts.append((cx + rr * math.cos(ang), sy + rr * math.sin(ang)))
        d.polygon(pts, fill=(*color, 255))
    elif spec.center:
        csize = int((3.6 if spec.oval else 3.0) * mm * k)
        font = pil_font(csize)
        target = w * (0.56 if spec.oval else 0.58)
        tl = font.getlength(spec.center)
        line = Image.new("RGBA", (int(tl) + 4, csize * 2), (0, 0, 0, 0))
        ImageDraw.Draw(line).text((2, csize), spec.center, font=font, fill=(*color, 255), anchor="lm")
        if tl > target:  # narrow the line (real seals use a condensed face for the tax id)
            line = line.resize((int(target) + 4, line.height), Image.LANCZOS)
        img.alpha_composite(line, (int(cx - line.width / 2), int(cy - line.height / 2)))
    if spec.bottom:
        bsize = int((3.6 if spec.oval else 4.0) * mm * k)
        while bsize > 6 and pil_font(bsize).getlength(spec.bottom) > w * 0.5:
            bsize -= 1
        by = cy + (0.27 if spec.oval else 0.30) * h
        d.text((cx, by), spec.bottom, font=pil_font(bsize), fill=(*color, 255), anchor="mm")
    return _ink(img, spec)


def _ink(img: Image.Image, spec: SealSpec) -> Image.Image:
    """Uneven ink: speckles, a smooth pressure field, optional gradient, overall opacity."""
    rng = np.random.default_rng(spec.seed)
    arr = np.array(img).astype(np.float32)
    h, w = arr.shape[:2]
    alpha = arr[..., 3] / 255.0
    # low-frequency pressure field (bilinear upsampling of a coarse random grid)
    coarse = Image.fromarray((rng.uniform(0.55, 1.0, (6, 6)) * 255).astype(np.uint8))
    field_ = np.asarray(coarse.resize((w, h), Image.BILINEAR)).astype(np.float32) / 255.0
    speck = rng.random((h, w))
    alpha = alpha * field_ * np.where(speck < 0.10, 0.3, 1.0)
    if spec.gradient:
        ramp = np.linspace(1.0, 1.0 - spec.gradient, w, dtype=np.float32)[None, :]
        alpha = alpha * ramp
    alpha = np.clip(alpha * spec.ink * 0.95, 0, 1)
    arr[..., 3] = alpha * 255
    out = Image.fromarray(arr.astype(np.uint8), "RGBA")
    return out.filter(ImageFilter.GaussianBlur(0.6))


def stamp_image(p: Placed, px_per_pt: float) -> Image.Image:
    """The placed seal, rotated, on a transparent canvas whose centre is the seal's centre."""
    img = render(p.spec, px_per_pt)
    if p.rotation:
        img = img.rotate(p.rotation, resample=Image.BICUBIC, expand=True)
    return img


def png_palette(img: Image.Image, colors: int = 12) -> bytes:
    buf = io.BytesIO()
    img.quantize(colors=colors, method=Image.Quantize.FASTOCTREE).save(buf, format="PNG", optimize=True)
    return buf.getvalue()
