"""The vocabulary of positional field extraction: lines of pages, and values found on them.

* :class:`Ref` — one line of one page (``ref.page``, ``ref.line``, ``ref.index``).
* :class:`Hit` — a label found inside a line (char range ``start:end`` of ``line.text``).
* :class:`Span` — a value: its text plus the line(s) / char range it came from; turn it
  into a :class:`~models.contract.FieldValue` with :func:`make_field`.
* :class:`Region` — an area of one page (or of every page) to restrict a search to.

Plus the text normalisation labels are matched on, box geometry, iteration over a
document's lines in reading order, and the joining of glyph-fragmented lines. Label search
is in :mod:`extractor.fields.label_search`, value search in :mod:`extractor.fields.value_search`;
extractors use all three through :mod:`extractor.fields.layout`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from models.contract import FieldValue
from models.page import BBox, Line, Page

# ----------------------------------------------------------------- common patterns

#: An 18-char unified social credit code (loose: OCR may confuse O/0 etc.; validate with
#: ``extractor.normalize.normalize_credit_code``) or a 15/17/20-char old taxpayer id.
CREDIT_CODE_RE = re.compile(
    r"(?<![0-9A-Z])[0-9A-Z]{2}\d{6}[0-9A-Z]{10}(?![0-9A-Z])|(?<![0-9A-Z])\d{15}(?![0-9A-Z])"
)
MONEY_RE = re.compile(r"[-－]?\s*[¥￥]?\s*[-－]?\d[\d,，]*(?:\.\d{1,2})?")
SEPARATORS = ":：;；,，、 \t|"

_COLON_TRANS = str.maketrans({"：": ":", "（": "(", "）": ")", "　": " "})


# ----------------------------------------------------------------- text normalisation


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """NFKC, drop all whitespace, unify colons/brackets.

    >>> norm("名         称：")
    '名称:'
    >>> norm("价税合计（小写）")
    '价税合计(小写)'
    """
    t = unicodedata.normalize("NFKC", text or "").translate(_COLON_TRANS)
    return re.sub(r"\s+", "", t)


@lru_cache(maxsize=65536)
def norm_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Like :func:`norm` but also returns, for each output char, its index in ``text``.

    >>> norm_with_map("名 称:甲")
    ('名称:甲', (0, 2, 3, 4))
    """
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text or ""):
        n = unicodedata.normalize("NFKC", ch).translate(_COLON_TRANS)
        for c in n:
            if c.isspace():
                continue
            out.append(c)
            idx.append(i)
    return "".join(out), tuple(idx)


def clean_value(text: str) -> str:
    """Strip separators / brackets around a value text.

    >>> clean_value("： 龙腾半导体股份有限公司 ")
    '龙腾半导体股份有限公司'
    """
    return (text or "").strip().strip(SEPARATORS).strip()


# ----------------------------------------------------------------- geometry


def bbox_union(boxes: Iterable[BBox | Sequence[float] | None]) -> BBox | None:
    """Union of boxes, ignoring None.

    >>> bbox_union([(0, 0, 1, 1), None, (2, -1, 3, 0.5)])
    (0, -1, 3, 1)
    """
    bs = [b for b in boxes if b is not None]
    if not bs:
        return None
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def center(b: BBox) -> tuple[float, float]:
    return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)


def v_overlap(a: BBox, b: BBox) -> float:
    """Vertical overlap of two boxes as a fraction of the smaller height (0..1)."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    h = min(a[3] - a[1], b[3] - b[1])
    if h <= 0:
        return 1.0 if inter >= 0 else 0.0
    return max(0.0, inter / h)


def h_overlap(a: BBox, b: BBox) -> float:
    """Horizontal overlap of two boxes as a fraction of the narrower width (0..1)."""
    inter = min(a[2], b[2]) - max(a[0], b[0])
    w = min(a[2] - a[0], b[2] - b[0])
    if w <= 0:
        return 1.0 if inter >= 0 else 0.0
    return max(0.0, inter / w)


def sub_bbox(line: Line, start: int, end: int) -> BBox | None:
    """Box of chars ``start:end`` of ``line.text``: from its words when they exist,
    else interpolated along the line box (good enough for horizontal text)."""
    if line.bbox is None:
        return None
    n = len(line.text)
    if n == 0 or (start <= 0 and end >= n):
        return line.bbox
    if line.words and all(w.bbox for w in line.words):
        pos = 0
        used = []
        joined = "".join(w.text for w in line.words)
        # words may be joined with or without spaces: walk on the text
        if joined == line.text or joined == line.text.replace(" ", ""):
            for w in line.words:
                k = line.text.find(w.text, pos) if w.text else -1
                if k < 0:
                    used = []
                    break
                if k < end and k + len(w.text) > start:
                    used.append(w.bbox)
                pos = k + len(w.text)
            if used:
                return bbox_union(used)
    x0, y0, x1, y1 = line.bbox
    # interpolated by advance width: a CJK glyph (or a full-width sign) is about twice as
    # wide as a Latin letter, a digit or a space in the same line
    adv = [_advance(c) for c in line.text]
    total = sum(adv) or float(n)
    w = (x1 - x0) / total
    a = sum(adv[: max(0, start)])
    b = a + sum(adv[max(0, start) : max(start, end)])
    return (x0 + w * a, y0, x0 + w * b, y1)


def _advance(c: str) -> float:
    """Relative advance width of a character in a Chinese document's line.

    >>> _advance("螺"), _advance("（"), _advance("H"), _advance(" ")
    (1.0, 1.0, 0.55, 0.55)
    """
    return 1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.55


# ----------------------------------------------------------------- data classes


@dataclass(frozen=True, eq=False)
class Ref:
    """One line of one page. Two refs are equal when they name the same line of the same
    page object (compared by identity: comparing the pages' contents would be costly)."""

    page: Page
    line: Line
    index: int

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ref):
            return NotImplemented
        return self.page is other.page and self.index == other.index and self.line is other.line

    def __hash__(self) -> int:
        return hash((id(self.page), self.index))

    @property
    def bbox(self) -> BBox | None:
        return self.line.bbox

    @property
    def text(self) -> str:
        return self.line.text


@dataclass
class Hit:
    """A label occurrence: ``ref.line.text[start:end]`` matched ``label`` with ``score``."""

    ref: Ref
    start: int
    end: int
    label: str
    score: float

    @property
    def bbox(self) -> BBox | None:
        return sub_bbox(self.ref.line, self.start, self.end)

    @property
    def rest(self) -> str:
        """Line text after the label."""
        return self.ref.line.text[self.end :]


@dataclass
class Span:
    """A value text with provenance.

    ``refs`` are the lines used; when the value is part of one line, ``start``/``end``
    give its char range. ``match`` is the part that matched the ``pattern`` (or the
    whole cleaned text). ``label`` is the hit the value was found for (if any).
    """

    text: str
    refs: list[Ref]
    start: int | None = None
    end: int | None = None
    match: str = ""
    label: Hit | None = None
    how: str = ""  # same_line | right | below | cell | line
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.match:
            self.match = self.text

    @property
    def page(self) -> int | None:
        return self.refs[0].page.number if self.refs else None

    @property
    def bbox(self) -> BBox | None:
        if len(self.refs) == 1 and self.start is not None and self.end is not None:
            return sub_bbox(self.refs[0].line, self.start, self.end)
        return bbox_union(r.line.bbox for r in self.refs)

    @property
    def confidence(self) -> float:
        if not self.refs:
            return 0.0
        return min(r.line.confidence for r in self.refs)

    @property
    def method(self) -> str:
        ms = {r.line.method for r in self.refs}
        return ms.pop() if len(ms) == 1 else ("ocr" if "ocr" in ms else sorted(ms)[0])

    @property
    def source_text(self) -> str:
        """The label (if any) and the value lines as printed."""
        parts: list[str] = []
        if self.label is not None and self.label.ref not in self.refs:
            parts.append(self.label.ref.line.text.strip())
        parts.extend(r.line.text.strip() for r in self.refs)
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Region:
    """An area: ``page`` (1-based number, None = any page) and ``bbox`` (None = whole page).

    A line belongs to the region when its centre lies inside the box. Lines without a
    box (DOCX) belong only to regions without a box.
    """

    page: int | None = None
    bbox: BBox | None = None

    def contains(self, ref: Ref) -> bool:
        if self.page is not None and ref.page.number != self.page:
            return False
        if self.bbox is None:
            return True
        if ref.line.bbox is None:
            return False
        cx, cy = center(ref.line.bbox)
        x0, y0, x1, y1 = self.bbox
        return x0 <= cx <= x1 and y0 <= cy <= y1


# ----------------------------------------------------------------- iteration / regions


_REFS: dict[int, tuple[Page, int, list[Ref]]] = {}


def page_refs(page: Page) -> list[Ref]:
    """The :class:`Ref` of every line of a page (memoised per page object while its line
    count is unchanged; the memo keeps the last 256 pages)."""
    hit = _REFS.get(id(page))
    if hit is not None and hit[0] is page and hit[1] == len(page.lines):
        return hit[2]
    refs = [Ref(page, ln, i) for i, ln in enumerate(page.lines)]
    if len(_REFS) >= 256:
        _REFS.pop(next(iter(_REFS)))
    _REFS[id(page)] = (page, len(page.lines), refs)
    return refs


def iter_refs(pages: Sequence[Page], region: Region | None = None) -> Iterator[Ref]:
    """All lines of ``pages`` (optionally only those inside ``region``), in page order."""
    for p in pages:
        if region is not None and region.page is not None and region.page != p.number:
            continue
        for r in page_refs(p):
            if region is None or region.contains(r):
                yield r


def page_norm_text(page: Page) -> str:
    """The page's text normalised and concatenated without separators (for keyword tests)."""
    return "".join(norm(ln.text) for ln in page.lines)


def all_norm_text(pages: Sequence[Page]) -> str:
    return "".join(page_norm_text(p) for p in pages)


def reading_order(refs: Iterable[Ref]) -> list[Ref]:
    """Sort lines top-to-bottom then left-to-right (lines whose vertical centres are
    within half a line height count as one row). Lines without boxes keep their order."""
    refs = list(refs)
    if any(r.line.bbox is None for r in refs):
        return sorted(refs, key=lambda r: (r.page.number, r.index))
    out: list[Ref] = []
    for pn in sorted({r.page.number for r in refs}):
        rs = sorted((r for r in refs if r.page.number == pn), key=lambda r: center(r.line.bbox)[1])
        rows: list[list[Ref]] = []
        for r in rs:
            cy = center(r.line.bbox)[1]
            h = r.line.bbox[3] - r.line.bbox[1]
            if rows:
                last = rows[-1][-1].line.bbox
                if abs(center(last)[1] - cy) <= max(2.0, 0.5 * min(h, last[3] - last[1])):
                    rows[-1].append(r)
                    continue
            rows.append([r])
        for row in rows:
            out.extend(sorted(row, key=lambda r: r.line.bbox[0]))
    return out


def band(page: Page, y0: float, y1: float, x0: float = 0.0, x1: float | None = None) -> Region:
    """Horizontal band of a page between ``y0`` and ``y1`` (optionally ``x0..x1``)."""
    return Region(page.number, (x0, y0, page.width if x1 is None else x1, y1))


def lines_in(pages: Sequence[Page], region: Region) -> list[Ref]:
    return list(iter_refs(pages, region))


def span_of_line(ref: Ref, start: int = 0, end: int | None = None) -> Span:
    """A span covering (part of) one line."""
    end = len(ref.line.text) if end is None else end
    t = ref.line.text[start:end]
    return Span(t, [ref], start, end, match=t, how="line")


# ----------------------------------------------------------------- FieldValue


def make_field(
    value,
    source: Span | Ref | Sequence[Span | Ref] | None,
    *,
    confidence_penalty: float = 0.0,
    confidence: float | None = None,
    source_text: str | None = None,
    method: str | None = None,
) -> FieldValue:
    """A :class:`FieldValue` with provenance from the span(s)/line(s) the value was read from.

    page = first source's page; bbox = union of the sources' boxes (a span's sub-range box
    when it is part of one line); confidence = the lowest line confidence minus
    ``confidence_penalty`` (use it when the value needed repair, e.g. a credit code fixed
    by the normaliser) unless ``confidence`` is given; method = the lines' method.
    """
    if source is None:
        srcs: list[Span] = []
    elif isinstance(source, (Span, Ref)):
        srcs = [source if isinstance(source, Span) else span_of_line(source)]
    else:
        srcs = [s if isinstance(s, Span) else span_of_line(s) for s in source]
    page = srcs[0].page if srcs else None
    same_page = [s for s in srcs if s.page == page]
    bbox = bbox_union(s.bbox for s in same_page)
    conf = confidence if confidence is not None else (min(s.confidence for s in srcs) if srcs else 0.5)
    conf = max(0.0, min(1.0, conf - confidence_penalty))
    if source_text is None:
        seen: list[str] = []
        for s in srcs:
            st = s.source_text
            if st and st not in seen:
                seen.append(st)
        source_text = " ".join(seen) or None
    if method is None and srcs:
        ms = {s.method for s in srcs}
        method = ms.pop() if len(ms) == 1 else ("ocr" if "ocr" in ms else sorted(ms)[0])
    return FieldValue(
        value=value,
        page=page,
        bbox=[round(float(x), 2) for x in bbox] if bbox else None,
        confidence=round(conf, 3),
        source_text=source_text,
        method=method,
    )


# ----------------------------------------------------------------- glyph clustering


def merge_glyph_lines(page: Page, *, gap_factor: float = 2.5) -> Page:
    """Rebuild lines of a page whose text layer has one glyph per line (e.g. PDFs
    converted from OFD): fragments on the same row separated by at most ``gap_factor`` ×
    glyph height are joined (letter-spaced titles and values included; table columns,
    further apart, stay separate). A space is inserted only where a gap is clearly wider
    than the row's usual glyph pitch. Returns a new Page."""
    refs = [r for r in iter_refs([page]) if r.line.bbox is not None]
    if not refs:
        return page
    ordered = reading_order(refs)
    merged: list[Line] = []
    cur: list[Line] = []

    def flush() -> None:
        if not cur:
            return
        gaps = [b.bbox[0] - a.bbox[2] for a, b in pairwise(cur)]
        med = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
        text = cur[0].text
        for g, ln in zip(gaps, cur[1:], strict=False):
            h = ln.bbox[3] - ln.bbox[1]
            if g > max(1.8 * med, 0.6 * h):
                text += " "
            text += ln.text
        merged.append(
            Line(
                text=text,
                bbox=bbox_union(ln.bbox for ln in cur),
                confidence=min(ln.confidence for ln in cur),
                method=cur[0].method,
            )
        )
        cur.clear()

    for r in ordered:
        ln = r.line
        if cur:
            last = cur[-1]
            h = max(min(ln.bbox[3] - ln.bbox[1], last.bbox[3] - last.bbox[1]), 1.0)
            same_row = v_overlap(last.bbox, ln.bbox) >= 0.6
            gap = ln.bbox[0] - last.bbox[2]
            if same_row and -0.5 * h <= gap <= gap_factor * h:
                cur.append(ln)
                continue
            flush()
        cur.append(ln)
    flush()
    others = [ln for ln in page.lines if ln.bbox is None]
    return page.model_copy(update={"lines": merged + others})


def glyph_fragmented(page: Page) -> bool:
    """True when most lines of a page hold a single character (one glyph per run)."""
    lines = [ln for ln in page.lines if ln.text.strip()]
    if len(lines) < 20:
        return False
    single = sum(1 for ln in lines if len(ln.text.strip()) == 1)
    return single / len(lines) > 0.6
