"""Scans and phone photos of rendered contract pages (Pillow + numpy, seeded).

The seals are stamped onto the rendered page image (red, slightly see-through, turned) before
the page is degraded, so they tilt and blur with the paper like a real stamped copy.
"""

from __future__ import annotations

import random

import numpy as np
import pymupdf
from PIL import Image, ImageFilter

from sample_docs.gen.common import image_pdf, jpeg_bytes, render_page, seal


def stamp_seals(img: Image.Image, spots: list[tuple], page: int, dpi: int) -> Image.Image:
    """Composite the recorded seals of ``page`` (points) onto its render (pixels)."""
    k = dpi / 72
    out = img.convert("RGBA")
    for pg, x, y, w, name, seed in spots:
        if pg != page:
            continue
        px = max(32, int(w * k))
        st = seal(name, "★", "合同专用章", size=px, seed=seed, angle=(seed % 17) - 8)
        out.alpha_composite(st, (int(x * k), int(y * k)))
    return out.convert("RGB")


def _lighting(h: int, w: int, rng: random.Random, strength: float) -> np.ndarray:
    """A smooth multiplicative light field: brighter on one side, a soft dark corner."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(ang) * xx / w + np.sin(ang) * yy / h)
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    spot = np.exp(-(((xx - cx) / (0.6 * w)) ** 2 + ((yy - cy) / (0.6 * h)) ** 2))
    return 1.0 - strength * ramp + 0.05 * spot


def degrade(img: Image.Image, rng: random.Random, photo: bool) -> Image.Image:
    """Tilt 0.5-2 degrees, blur, uneven light, sensor noise; a photo also gets a darker
    desk around the sheet and a stronger light fall-off."""
    g = np.random.default_rng(rng.randint(0, 2**31))
    paper = np.array([238, 235, 226] if not photo else [226, 222, 210], dtype=np.float32)
    arr = np.asarray(img).astype(np.float32) / 255.0 * paper
    h, w = arr.shape[:2]
    arr *= _lighting(h, w, rng, 0.10 if not photo else 0.28)[..., None]
    arr += g.normal(0, 5.0 if not photo else 7.5, (h, w))[..., None]
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 0.9) if not photo else rng.uniform(0.9, 1.3)))
    tilt = rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)
    if photo:
        desk = (92, 78, 64)
        border = int(w * 0.05)
        canvas = Image.new("RGB", (w + 2 * border, h + 2 * border), desk)
        canvas.paste(out, (border + rng.randint(-border // 2, border // 2), border + rng.randint(-border // 2, border // 2)))
        out = canvas.rotate(tilt, resample=Image.BICUBIC, expand=False, fillcolor=desk)
    else:
        out = out.rotate(tilt, resample=Image.BICUBIC, expand=True, fillcolor=tuple(int(c * 0.85) for c in paper))
    return out


def scanned_pdf(doc: pymupdf.Document, spots: list[tuple], rng: random.Random, dpi: int = 180) -> bytes:
    pages = []
    for i in range(doc.page_count):
        im = degrade(stamp_seals(render_page(doc, i, dpi), spots, i, dpi), rng, photo=False)
        pages.append((jpeg_bytes(im, quality=rng.choice([62, 68, 72])), im.size))
    return image_pdf(pages, dpi)


def photo_jpg(doc: pymupdf.Document, spots: list[tuple], rng: random.Random, dpi: int = 170) -> bytes:
    assert doc.page_count == 1, "a photo is one page"
    im = degrade(stamp_seals(render_page(doc, 0, dpi), spots, 0, dpi), rng, photo=True)
    return jpeg_bytes(im, quality=rng.choice([70, 78]))
