"""Render one OFD page to PNG for the review UI, in memory.

Why this approach: no OFD renderer is available offline here (the mature ones —
ofdrw, Suwell, Foxit — are Java or native SDKs that would need downloads and a JVM).
The OFD page model (:mod:`extractor.ofd_page`, which the reader uses) already computes every
glyph's position and size, every path and every image placement in page millimetres, so drawing them onto a
fresh PyMuPDF page of the OFD's physical size and rasterising that page gives a faithful
preview: text with the built-in CJK font ``china-s`` at its real positions, simple
strokes/fills of path objects, and embedded images (PNG/JPEG/BMP/TIFF; JBIG2 images and
embedded OFD fonts are not drawn). It is a preview for a reviewer to *see* the invoice
next to the extracted values, not a pixel-exact rendition. Nothing is written to disk.
"""

from __future__ import annotations

import math
import re

import pymupdf

from extractor.limits import Limits
from extractor.ofd_page import MM_TO_PT, OfdDocument, PathItem, apply
from extractor.zipsafe import UnsafeArchive, open_zip

__all__ = ["OfdRenderError", "render_ofd_page"]


class OfdRenderError(Exception):
    def __init__(self, message_zh: str):
        super().__init__(message_zh)
        self.message_zh = message_zh


_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _pt(m: tuple[float, ...], x: float, y: float) -> pymupdf.Point:
    px, py = apply(m, x, y)  # type: ignore[arg-type]
    return pymupdf.Point(px * MM_TO_PT, py * MM_TO_PT)


def _draw_path(shape: pymupdf.Shape, p: PathItem) -> bool:
    toks = _TOKEN.findall(p.data)
    i = 0
    cur: pymupdf.Point | None = None
    start: pymupdf.Point | None = None
    drew = False
    m = p.matrix

    def nums(n: int) -> list[float] | None:
        nonlocal i
        vals = toks[i : i + n]
        if len(vals) < n or any(v.isalpha() for v in vals):
            return None
        i += n
        return [float(v) for v in vals]

    while i < len(toks):
        op = toks[i]
        i += 1
        if op in {"M", "S"}:
            v = nums(2)
            if v is None:
                break
            cur = start = _pt(m, v[0], v[1])
        elif op == "L":
            v = nums(2)
            if v is None or cur is None:
                break
            nxt = _pt(m, v[0], v[1])
            shape.draw_line(cur, nxt)
            cur, drew = nxt, True
        elif op == "B":
            v = nums(6)
            if v is None or cur is None:
                break
            p1, p2, p3 = _pt(m, v[0], v[1]), _pt(m, v[2], v[3]), _pt(m, v[4], v[5])
            shape.draw_bezier(cur, p1, p2, p3)
            cur, drew = p3, True
        elif op == "Q":
            v = nums(4)
            if v is None or cur is None:
                break
            c, end = _pt(m, v[0], v[1]), _pt(m, v[2], v[3])
            shape.draw_bezier(cur, cur + (c - cur) * (2 / 3), end + (c - end) * (2 / 3), end)
            cur, drew = end, True
        elif op == "A":
            v = nums(7)
            if v is None or cur is None:
                break
            end = _pt(m, v[5], v[6])
            shape.draw_line(cur, end)  # arcs approximated by their chord
            cur, drew = end, True
        elif op == "C":
            if cur is not None and start is not None and (cur.x != start.x or cur.y != start.y):
                shape.draw_line(cur, start)
                drew = True
            cur = start
        else:
            continue
    return drew


def render_ofd_page(data: bytes, page_number: int, zoom: float = 2.0, limits: Limits | None = None) -> bytes:
    """PNG bytes of page ``page_number`` (1-based) of an OFD file.

    Raises :class:`OfdRenderError` (Chinese message) when the file or page cannot be drawn.
    """
    limits = limits or Limits()
    try:
        z = open_zip(data, limits)
    except UnsafeArchive as exc:
        raise OfdRenderError(f"OFD 文件无法打开：{exc.message_zh}") from exc
    with z:
        try:
            pkg = OfdDocument(z, max_xml_bytes=limits.max_xml_bytes)
        except UnsafeArchive as exc:
            raise OfdRenderError(f"OFD 文件无法读取：{exc.message_zh}") from exc
        if not 1 <= page_number <= len(pkg.page_refs):
            raise OfdRenderError(f"OFD 只有 {len(pkg.page_refs)} 页，没有第 {page_number} 页")
        pid, path = pkg.page_refs[page_number - 1]
        pg = pkg.page(page_number, pid, path)
        w_pt, h_pt = pg.box[2] * MM_TO_PT, pg.box[3] * MM_TO_PT
        if w_pt * zoom * h_pt * zoom > limits.max_render_pixels:
            zoom = math.sqrt(limits.max_render_pixels / max(w_pt * h_pt, 1.0))
        doc = pymupdf.open()
        try:
            page = doc.new_page(width=w_pt, height=h_pt)
            for p in pg.paths:
                shape = page.new_shape()
                if _draw_path(shape, p):
                    color = p.stroke_color or (0, 0, 0)
                    fill = p.fill_color if p.fill and not p.clipped else None
                    if fill is None and not p.stroke:
                        continue
                    shape.finish(
                        color=color if p.stroke else None,
                        fill=fill,
                        width=max(p.line_width * MM_TO_PT, 0.3),
                        closePath=False,
                    )
                    shape.commit()
            for im in pg.images:
                member = pkg.media.get(im.resource_id)
                if not member:
                    continue
                corners = [_pt(im.matrix, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                rect = pymupdf.Rect(
                    min(c.x for c in corners),
                    min(c.y for c in corners),
                    max(c.x for c in corners),
                    max(c.y for c in corners),
                )
                if rect.is_empty:
                    continue
                try:
                    page.insert_image(rect, stream=z.read(member), keep_proportion=False)
                except (UnsafeArchive, KeyError, ValueError, RuntimeError):
                    continue  # e.g. JBIG2 streams PyMuPDF cannot embed as an image
            for t in pg.texts:
                color = t.color or (0, 0, 0)
                angle = math.degrees(math.atan2(t.matrix[1], t.matrix[0]))
                for g in t.glyphs:
                    if not g.ch.strip():
                        continue
                    point = pymupdf.Point(g.x * MM_TO_PT, g.y * MM_TO_PT)
                    size = max(g.size * MM_TO_PT, 1.0)
                    morph = (point, pymupdf.Matrix(-angle)) if t.rotated else None
                    try:
                        page.insert_text(
                            point, g.ch, fontsize=size, fontname="china-s", color=color, morph=morph
                        )
                    except (ValueError, RuntimeError):
                        continue
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
            return pix.tobytes("png")
        finally:
            doc.close()
