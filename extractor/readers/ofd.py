"""OFD reader (GB/T 33190): a ZIP of XML → positioned text lines per page.

The package is walked by :mod:`extractor.ofd_package`, the pages' content placed by
:mod:`extractor.ofd_page`; this module groups the glyphs into lines by baseline and converts
them to PDF points (1 mm = 72/25.4 pt), origin top-left. Template content is merged with the
page content before grouping, so "label: value" pairs on one row form one line. Rotated
glyphs (seal rings, vertical watermarks) are kept as their own lines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from extractor.einvoice import einvoice_from_ofd
from extractor.ofd_page import MM_TO_PT, Glyph, OfdDocument, OfdPage, TextItem
from extractor.readers.context import ReadContext, sha256_bytes
from extractor.zipsafe import UnsafeArchive, open_zip
from models.page import Line, Page, ReadResult, Word

__all__ = ["MM_TO_PT", "group_lines", "page_model", "read_ofd"]


# --------------------------------------------------------------------------- lines


@dataclass
class _Seg:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float
    size: float
    rotated: bool
    order: int


def _segments(items: list[TextItem]) -> list[_Seg]:
    segs: list[_Seg] = []
    order = 0
    for it in items:
        run: list[Glyph] = []

        def flush(run: list[Glyph], it: TextItem = it) -> None:
            nonlocal order
            text = "".join(g.ch for g in run)
            if not text.strip():
                return
            xs: list[float] = []
            ys: list[float] = []
            for g in run:
                if it.rotated:
                    # glyph box corners in object-space directions
                    ux, uy = it.matrix[0], it.matrix[1]
                    n = math.hypot(ux, uy) or 1.0
                    ux, uy = ux / n, uy / n
                    vx, vy = -uy, ux  # "up" is -v in a y-down system
                    for ax, ay in ((0, 0), (g.adv, 0), (0, g.size * 0.85), (g.adv, g.size * 0.85)):
                        xs.append(g.x + ux * ax - vx * ay)
                        ys.append(g.y + uy * ax - vy * ay)
                else:
                    xs += [g.x, g.x + g.adv]
                    ys += [g.y - g.size * 0.85, g.y + g.size * 0.15]
            segs.append(
                _Seg(
                    text=text,
                    x0=min(xs),
                    y0=min(ys),
                    x1=max(xs),
                    y1=max(ys),
                    baseline=run[0].y,
                    size=run[0].size,
                    rotated=it.rotated,
                    order=order,
                )
            )
            order += 1

        for g in it.glyphs:
            if run:
                prev = run[-1]
                same_row = abs(g.y - prev.y) < prev.size * 0.3 if not it.rotated else True
                forward = it.rotated or (-prev.size * 0.3 <= g.x - (prev.x + prev.adv) < prev.size * 3)
                if not (same_row and forward):
                    flush(run)
                    run = []
            run.append(g)
        if run:
            flush(run)
    return segs


def _join(segs: list[_Seg]) -> str:
    out = ""
    prev: _Seg | None = None
    for s in segs:
        if prev is not None and not out.endswith(" ") and not s.text.startswith(" "):
            gap = s.x0 - prev.x1
            size = min(prev.size, s.size)
            ascii_pair = prev.text[-1:].isascii() and prev.text[-1:].isalnum() and s.text[:1].isascii()
            if gap > size * (0.4 if ascii_pair else 1.2):
                out += " "
        out += s.text
        prev = s
    return re.sub(r"\s{2,}", " ", out).strip() if out.strip() else ""


def _is_cjk_char(t: str) -> bool:
    return len(t) == 1 and ("\u4e00" <= t <= "\u9fff" or "\u3400" <= t <= "\u4dbf")


def _vertical_columns(flat: list[_Seg]) -> tuple[list[list[_Seg]], set[int]]:
    """Single CJK characters stacked in a column (购/买/方/信/息, 备/注) → one vertical line."""
    singles = sorted(
        (s for s in flat if _is_cjk_char(s.text.strip())), key=lambda s: (round(s.x0, 0), s.baseline)
    )
    used: set[int] = set()
    columns: list[list[_Seg]] = []
    for s in singles:
        if id(s) in used:
            continue
        col = [s]
        for t in singles:
            if id(t) in used or t is s or t.baseline <= col[-1].baseline:
                continue
            last = col[-1]
            if (
                abs(t.x0 - last.x0) <= last.size * 0.25
                and last.size * 0.8 <= t.baseline - last.baseline <= last.size * 3.2
            ):
                col.append(t)
        if len(col) >= 2:
            columns.append(col)
            used.update(id(c) for c in col)
    return columns, used


def group_lines(
    items: list[TextItem], box: tuple[float, float, float, float] | None = None
) -> list[tuple[str, tuple[float, float, float, float], list[_Seg]]]:
    """Group text items into lines: (text, bbox in page mm, segments).

    ``box`` (page width/height in mm at [2], [3]) drops text placed entirely off the page.
    """
    segs = _segments(items)
    if box is not None:
        w, h = box[2], box[3]
        segs = [s for s in segs if s.x1 > 0 and s.y1 > 0 and s.x0 < w and s.y0 < h]
    # rotated runs (seal rings, vertical notes) form their own lines; a straight glyph
    # sitting between two rotated ones (the top of a seal ring) belongs to them
    by_order = sorted(segs, key=lambda s: s.order)
    rot_orders = [s.order for s in by_order if s.rotated]
    absorbed: set[int] = set()
    for s in by_order:
        if s.rotated or len(s.text.strip()) != 1:
            continue
        before = [o for o in rot_orders if 0 < s.order - o <= 2]
        after = [o for o in rot_orders if 0 < o - s.order <= 2]
        if before and after:
            absorbed.add(id(s))
    rot = [s for s in by_order if s.rotated or id(s) in absorbed]
    flat = sorted(
        (s for s in segs if not s.rotated and id(s) not in absorbed), key=lambda s: (s.baseline, s.x0)
    )
    columns, in_columns = _vertical_columns(flat)
    flat = [s for s in flat if id(s) not in in_columns]
    rows: list[list[_Seg]] = []
    for s in flat:
        placed = False
        for row in reversed(rows[-6:]):
            ref = row[0]
            small, big = sorted((ref.size, s.size))
            if big > small * 1.6:
                continue
            if abs(ref.baseline - s.baseline) <= small * 0.35:
                row.append(s)
                placed = True
                break
        if not placed:
            rows.append([s])
    out = []
    for row in rows:
        row.sort(key=lambda s: s.x0)
        # split a row into separate lines at wide gaps (table columns, two parties side by side)
        current: list[_Seg] = [row[0]]
        groups = [current]
        for s in row[1:]:
            gap = s.x0 - current[-1].x1
            size = min(current[-1].size, s.size)
            # a label spelled out with wide spacing ("名        称：") stays one line
            spaced_label = len(current) == 1 and _is_cjk_char(current[0].text.strip()) and gap < size * 12
            if gap > size * 2.5 and not spaced_label:
                current = [s]
                groups.append(current)
            else:
                current.append(s)
        for g in groups:
            text = _join(g)
            if text:
                bbox = (
                    min(s.x0 for s in g),
                    min(s.y0 for s in g),
                    max(s.x1 for s in g),
                    max(s.y1 for s in g),
                )
                out.append((text, bbox, g))
    for col in columns:
        bbox = (
            min(s.x0 for s in col),
            min(s.y0 for s in col),
            max(s.x1 for s in col),
            max(s.y1 for s in col),
        )
        out.append(("".join(s.text.strip() for s in col), bbox, col))
    out.sort(key=lambda t: (round(t[1][1] + (t[1][3] - t[1][1]) * 0.85, 1), t[1][0]))
    cluster: list[_Seg] = []
    clusters: list[list[_Seg]] = []
    for s in rot:
        if cluster and s.order - cluster[-1].order > 2:
            clusters.append(cluster)
            cluster = []
        cluster.append(s)
    if cluster:
        clusters.append(cluster)
    for c in clusters:
        text = "".join(s.text for s in c).strip()
        if text:
            bbox = (min(s.x0 for s in c), min(s.y0 for s in c), max(s.x1 for s in c), max(s.y1 for s in c))
            out.append((text, bbox, c))
    return out


def _pt(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (
        round(b[0] * MM_TO_PT, 2),
        round(b[1] * MM_TO_PT, 2),
        round(b[2] * MM_TO_PT, 2),
        round(b[3] * MM_TO_PT, 2),
    )


def page_model(pg: OfdPage) -> Page:
    lines = []
    for text, bbox, segs in group_lines(pg.texts, pg.box):
        words = [
            Word(text=s.text.strip(), bbox=_pt((s.x0, s.y0, s.x1, s.y1))) for s in segs if s.text.strip()
        ]
        lines.append(Line(text=text, bbox=_pt(bbox), method="text", words=words))
    return Page(
        number=pg.number,
        width=round(pg.box[2] * MM_TO_PT, 2),
        height=round(pg.box[3] * MM_TO_PT, 2),
        unit="pt",
        method="text",
        lines=lines,
    )


def _title_kind(pages: list[Page]) -> str | None:
    """The invoice title as printed (largest line containing 发票 on page 1)."""
    if not pages:
        return None
    best: tuple[float, str] | None = None
    for ln in pages[0].lines:
        t = ln.text.replace(" ", "")
        if "发票" not in t or ln.bbox is None or len(t) > 24 or "：" in t or ":" in t:
            continue
        h = ln.bbox[3] - ln.bbox[1]
        if best is None or h > best[0]:
            best = (h, t)
    return best[1] if best else None


def read_ofd(data: bytes, name: str, ctx: ReadContext) -> ReadResult:
    """Read an OFD file's bytes. Never raises for bad input."""
    result = ReadResult(file=name, sha256=sha256_bytes(data), kind="ofd")
    limits = ctx.limits
    try:
        z = open_zip(data, limits)
    except UnsafeArchive as exc:
        result.errors.append(f"OFD 文件无法打开：{exc.message_zh}")
        return result
    warnings: list[str] = []
    with z:
        try:
            pkg = OfdDocument(z, max_xml_bytes=limits.max_xml_bytes, warnings=warnings)
            parsed = list(pkg.pages(limits.max_pages))
        except UnsafeArchive as exc:
            result.errors.append(f"OFD 文件无法读取：{exc.message_zh}")
            result.warnings.extend(dict.fromkeys(warnings))
            return result
        result.pages = [page_model(p) for p in parsed]
        texts = {
            (p.page_id, t.obj_id): "".join(g.ch for g in t.glyphs).strip()
            for p in parsed
            for t in p.texts
            if not t.from_template and t.obj_id
        }
        try:
            structured = einvoice_from_ofd(z, texts, max_xml_bytes=limits.max_xml_bytes, warnings=warnings)
        except UnsafeArchive as exc:
            structured = None
            warnings.append(f"OFD 结构化发票数据无法读取：{exc.message_zh}")
        kind = _title_kind(result.pages)
        if structured is not None:
            if kind and ("invoice_kind" not in structured or structured.get("source") == "xml"):
                structured.setdefault("printed_title", kind)
                if "invoice_kind" not in structured:
                    structured["invoice_kind"] = kind
            result.structured = structured
        result.meta = {
            "ofd_pages": len(pkg.page_refs),
            "signed": pkg.signed or any("signs/" in n.lower() for n in z.names()),
            "attachments": [a.get("member") for a in pkg.attachments() if a.get("member")],
            "doc_info": pkg.doc_info(),
        }
        unreferenced = [
            n
            for n in z.names()
            if re.search(r"(?:^|/)Pages/Page_?\d+/Content\.xml$", n, re.IGNORECASE)
            and n not in {p for _i, p in pkg.page_refs}
        ]
        if unreferenced:
            warnings.append(
                f"OFD 包内有 {len(unreferenced)} 个页面文件未被文档引用（不会显示），已忽略："
                + "、".join(unreferenced[:5])
            )
    if not any(p.lines for p in result.pages):
        warnings.append("OFD 中没有可提取的文字（可能只有图像）")
    result.warnings.extend(dict.fromkeys(warnings))
    return result
