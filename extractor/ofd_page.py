"""The content of OFD pages: text, paths and images placed on the page in millimetres.

Text geometry: a ``TextObject`` has a ``Boundary`` ("x y w h", mm) whose origin is the
object's coordinate origin, an optional ``CTM`` (a b c d e f), and ``TextCode`` runs whose
glyphs start at ``X``/``Y`` (baseline) and advance by ``DeltaX``/``DeltaY`` (with the
``g n v`` repeat shorthand). Glyph positions are transformed to page millimetres.
Template content (where invoice frame labels usually live) is walked with the page
content. :class:`OfdDocument` is the package (:class:`extractor.ofd_package.OfdPackage`)
with its pages' content; it feeds the reader's lines (:mod:`extractor.readers.ofd`), the
preview (:mod:`extractor.ofd_render`, paths and images) and
:func:`extractor.einvoice.einvoice_from_ofd` (object id → text for CustomTag files).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from extractor.ofd_package import OfdPackage, parse_box, parse_floats
from extractor.safexml import local

MM_TO_PT = 72.0 / 25.4

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def mat_mul(m1: Matrix, m2: Matrix) -> Matrix:
    """Apply m1 then m2 (row-vector convention, like PDF)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def parse_deltas(text: str | None) -> list[float]:
    """Expand an OFD DeltaX/DeltaY list ('g 3 1.5 2' → [1.5, 1.5, 1.5, 2]).

    >>> parse_deltas("g 3 1.5 2")
    [1.5, 1.5, 1.5, 2.0]
    >>> parse_deltas("g 0 0 3.175")
    [3.175]
    """
    if not text:
        return []
    toks = text.split()
    out: list[float] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "g":
            try:
                n = int(float(toks[i + 1]))
                v = float(toks[i + 2])
            except (IndexError, ValueError):
                break
            out.extend([v] * max(0, min(n, 100_000)))
            i += 3
            continue
        try:
            out.append(float(t))
        except ValueError:
            pass
        i += 1
    return out


def _ctm(text: str | None) -> Matrix:
    v = parse_floats(text)
    if len(v) != 6:
        return IDENTITY
    return (v[0], v[1], v[2], v[3], v[4], v[5])


def _color(el: etree._Element | None) -> tuple[float, float, float] | None:
    if el is None:
        return None
    v = parse_floats(el.get("Value"))
    if len(v) >= 3:
        return (min(v[0], 255) / 255, min(v[1], 255) / 255, min(v[2], 255) / 255)
    if len(v) == 1:  # gray
        g = min(v[0], 255) / 255
        return (g, g, g)
    return None


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def fix_text(s: str) -> str:
    """Map CJK radical code points (⼦ U+2F26 …) some producers emit to the ideographs."""
    return "".join(unicodedata.normalize("NFKC", c) if "\u2e80" <= c <= "\u2fdf" else c for c in s)


# --------------------------------------------------------------------------- display list


@dataclass
class Glyph:
    ch: str
    x: float  # baseline origin, page mm
    y: float
    adv: float  # advance in page mm along the text direction
    size: float  # font size in page mm


@dataclass
class TextItem:
    obj_id: str
    glyphs: list[Glyph]
    matrix: Matrix  # object space → page mm (without glyph offsets)
    size: float  # page-space font size (mm)
    rotated: bool
    color: tuple[float, float, float] | None
    font: str | None
    from_template: bool = False


@dataclass
class PathItem:
    matrix: Matrix
    data: str
    stroke: bool
    fill: bool
    line_width: float
    stroke_color: tuple[float, float, float] | None
    fill_color: tuple[float, float, float] | None
    clipped: bool = False  # has a clip area (not applied by the preview renderer)


@dataclass
class ImageItem:
    matrix: Matrix  # unit square → page mm
    resource_id: str


@dataclass
class OfdPage:
    number: int
    page_id: str
    box: tuple[float, float, float, float]
    texts: list[TextItem] = field(default_factory=list)
    paths: list[PathItem] = field(default_factory=list)
    images: list[ImageItem] = field(default_factory=list)


class OfdDocument(OfdPackage):
    """An OFD package with the content of its pages (text, paths, images)."""

    def pages(self, max_pages: int | None = None) -> Iterator[OfdPage]:
        for i, (pid, path) in enumerate(self.page_refs, 1):
            if max_pages is not None and i > max_pages:
                self.warnings.append(f"OFD 页数超过上限 {max_pages}（limits.max_pages），其余页面未读取")
                return
            yield self.page(i, pid, path)

    def page(self, number: int, page_id: str, path: str) -> OfdPage:
        root = self.xml(path)
        box = self.default_box
        pg = OfdPage(number=number, page_id=page_id, box=box)
        if root is None:
            return pg
        tpl_refs: list[tuple[str, str]] = []
        for el in root:
            ln = local(el.tag)
            if ln == "Area":
                for c in el:
                    if local(c.tag) == "PhysicalBox":
                        b = parse_box(c.text)
                        if b and b[2] > 0 and b[3] > 0:
                            box = b
            elif ln == "Template":
                tpl_refs.append((el.get("TemplateID") or "", el.get("ZOrder") or "Background"))
            elif ln == "PageRes" and el.text and el.text.strip():
                self._load_res(path, el.text.strip())
        pg.box = box
        origin: Matrix = (1, 0, 0, 1, -box[0], -box[1])
        back = [t for t in tpl_refs if t[1].lower() != "foreground"]
        front = [t for t in tpl_refs if t[1].lower() == "foreground"]
        for tid, _z in back:
            self._template(pg, tid, origin)
        content = next((c for c in root if local(c.tag) == "Content"), None)
        if content is not None:
            self._walk(pg, content, origin, False, 0)
        for tid, _z in front:
            self._template(pg, tid, origin)
        return pg

    def _template(self, pg: OfdPage, tid: str, origin: Matrix) -> None:
        path = self.templates.get(tid)
        if path is None:
            self.warnings.append(f"OFD 页面 {pg.number} 引用的模板页 ID={tid} 不存在，已跳过")
            return
        root = self.xml(path)
        if root is None:
            return
        content = next((c for c in root if local(c.tag) == "Content"), None)
        if content is not None:
            self._walk(pg, content, origin, True, 0)

    def _walk(self, pg: OfdPage, el: etree._Element, base: Matrix, tpl: bool, depth: int) -> None:
        if depth > 32:
            return
        for child in el:
            ln = local(child.tag)
            if ln in {"Layer", "PageBlock", "Content"}:
                self._walk(pg, child, base, tpl, depth + 1)
            elif ln == "TextObject":
                item = self._text(child, base, tpl)
                if item is not None:
                    pg.texts.append(item)
            elif ln == "PathObject":
                self._path(pg, child, base)
            elif ln == "ImageObject":
                self._image(pg, child, base)
            elif ln == "CompositeObject":
                continue

    def _obj_matrix(self, el: etree._Element, base: Matrix) -> Matrix | None:
        b = parse_box(el.get("Boundary"))
        if b is None:
            return None
        ctm = _ctm(el.get("CTM"))
        return mat_mul(mat_mul(ctm, (1, 0, 0, 1, b[0], b[1])), base)

    def _text(self, el: etree._Element, base: Matrix, tpl: bool) -> TextItem | None:
        m = self._obj_matrix(el, base)
        if m is None:
            return None
        try:
            size = float(el.get("Size") or 0) or 3.5
        except ValueError:
            size = 3.5
        scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
        ux = math.hypot(m[0], m[1]) or 1.0
        rotated = abs(m[1]) / ux > 0.05 or m[0] < 0
        color = _color(next((c for c in el if local(c.tag) == "FillColor"), None))
        glyphs: list[Glyph] = []
        cx = cy = 0.0
        for tc in el:
            if local(tc.tag) != "TextCode":
                continue
            text = fix_text(tc.text or "")
            if tc.get("X") is not None:
                cx = parse_floats(tc.get("X"))[0] if parse_floats(tc.get("X")) else cx
            if tc.get("Y") is not None:
                cy = parse_floats(tc.get("Y"))[0] if parse_floats(tc.get("Y")) else cy
            dxs = parse_deltas(tc.get("DeltaX"))
            dys = parse_deltas(tc.get("DeltaY"))
            for i, ch in enumerate(text):
                default = size if _wide(ch) else size * 0.5
                dx = dxs[i] if i < len(dxs) else (dxs[-1] if dxs and i < len(text) - 1 else default)
                dy = dys[i] if i < len(dys) else 0.0
                px, py = apply(m, cx, cy)
                # advance along the baseline in page space (for bboxes); a glyph jumping
                # to the next row (dy != 0) gets its natural width instead
                adv_obj = dx if dy == 0 and 0 < dx < size * 3 else default
                glyphs.append(Glyph(ch, px, py, adv_obj * scale, size * scale))
                cx += dx
                cy += dy
        if not glyphs:
            return None
        return TextItem(
            obj_id=el.get("ID") or "",
            glyphs=glyphs,
            matrix=m,
            size=size * scale,
            rotated=rotated,
            color=color,
            font=self.fonts.get(el.get("Font") or ""),
            from_template=tpl,
        )

    def _path(self, pg: OfdPage, el: etree._Element, base: Matrix) -> None:
        m = self._obj_matrix(el, base)
        data = next((c for c in el if local(c.tag) == "AbbreviatedData"), None)
        if m is None or data is None or not (data.text or "").strip():
            return
        try:
            lw = float(el.get("LineWidth") or 0.353)
        except ValueError:
            lw = 0.353
        pg.paths.append(
            PathItem(
                matrix=m,
                data=data.text or "",
                stroke=(el.get("Stroke") or "true").lower() != "false",
                fill=(el.get("Fill") or "false").lower() == "true",
                line_width=lw * (math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0),
                stroke_color=_color(next((c for c in el if local(c.tag) == "StrokeColor"), None)),
                fill_color=_color(next((c for c in el if local(c.tag) == "FillColor"), None)),
                clipped=any(local(c.tag) == "Clips" for c in el),
            )
        )

    def _image(self, pg: OfdPage, el: etree._Element, base: Matrix) -> None:
        m = self._obj_matrix(el, base)
        rid = el.get("ResourceID")
        if m is None or not rid:
            return
        pg.images.append(ImageItem(matrix=m, resource_id=rid))

    def object_texts(self) -> dict[tuple[str, str], str]:
        """(page ID, TextObject ID) → text as printed, for every page (not templates)."""
        out: dict[tuple[str, str], str] = {}
        for pg in self.pages():
            for t in pg.texts:
                if t.from_template or not t.obj_id:
                    continue
                out[(pg.page_id, t.obj_id)] = "".join(g.ch for g in t.glyphs).strip()
        return out
