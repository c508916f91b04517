"""Positional label → value toolkit shared by every field extractor.

Vocabulary
----------
* :class:`Ref` — one line of one page (``ref.page``, ``ref.line``, ``ref.index``).
* :class:`Hit` — a label found inside a line (char range ``start:end`` of ``line.text``).
* :class:`Span` — a value: its text plus the line(s) / char range it came from; turn it
  into a :class:`~models.contract.FieldValue` with :func:`make_field`.
* :class:`Region` — an area of one page (or of every page) to restrict a search to.

Typical use in an extractor::

    from extractor.fields import layout as L

    span = L.find_value(pages, ["纳税人识别号", "统一社会信用代码"], pattern=L.CREDIT_CODE_RE,
                        region=L.Region(page=1, bbox=(0, 0, 300, 200)))
    if span:
        fields["buyer_tax_id"] = L.make_field(span.match.upper(), span)

Label matching is done on a *normalised* text (NFKC, whitespace removed, ``：``→``:``),
so ``"名                   称:"`` matches ``"名称"``; OCR lines (or any line when
``fuzzy=True``) are also matched fuzzily with rapidfuzz ``partial_ratio_alignment``
(labels of ≥ 4 chars tolerate one wrong char, ≥ 9 chars two).

Value search order for a label (:func:`value_candidates`, ``order=``): ``same_line`` —
the rest of the label's line (after ``:``/``：``); ``right`` — the nearest line to the
right at the same height; ``below`` — the nearest line below; ``cell`` — for DOCX the
next table cell in the row (then the cell below). Optional ``row`` — all lines to the
right on the same row joined with spaces (e.g. a date printed as ``2021 04 28`` + ``年`` +
``月日`` fragments); ``line_row`` — the rest of the label's line plus that row
(``开票日期：2019`` + ``05 08``). Candidates are cut at the first ``stop`` label and must match
``pattern`` / pass ``validate`` if given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz import fuzz

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
    w = (x1 - x0) / n
    return (x0 + w * start, y0, x0 + w * end, y1)


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


# ----------------------------------------------------------------- label search


def _required_score(label: str, threshold: float | None) -> float | None:
    if threshold is not None:
        return threshold
    n = len(label)
    if n < 4:
        return None  # too short for fuzzy matching
    errors = 2 if n >= 9 else 1
    return 100.0 * (n - errors) / n - 0.1


def find_in_line(
    text: str, labels: Sequence[str], *, fuzzy: bool = False, threshold: float | None = None
) -> tuple[int, int, str, float] | None:
    """Find the first of ``labels`` in ``text`` → (start, end, label, score) in raw-text
    char offsets (the end skips a following ``:``/``：``). Exact (normalised) matches win;
    fuzzy matching only when ``fuzzy``.

    >>> find_in_line("纳 税 人 识 别 号：91440300", ["纳税人识别号"])
    (0, 12, '纳税人识别号', 100.0)
    >>> find_in_line("纳税入识别号:914403", ["纳税人识别号"], fuzzy=True)[2:]
    ('纳税人识别号', 83.33333333333334)
    """
    nt, idx = norm_with_map(text)
    if not nt:
        return None
    best: tuple[int, int, str, float] | None = None
    for lab in labels:
        nl = norm(lab)
        if not nl:
            continue
        k = nt.find(nl)
        if k >= 0:
            cand = (k, k + len(nl), lab, 100.0)
            if (
                best is None
                or best[3] < 100
                or cand[0] < best[0]
                or (cand[0] == best[0] and cand[1] > best[1])
            ):
                best = cand
    if best is None and fuzzy:
        for lab in labels:
            nl = norm(lab)
            req = _required_score(nl, threshold)
            if req is None or len(nt) < len(nl) - 1:
                continue
            al = fuzz.partial_ratio_alignment(nl, nt, score_cutoff=req)
            if al is None or al.score < req:
                continue
            s, e = al.dest_start, al.dest_end
            if best is None or al.score > best[3]:
                best = (s, e, lab, al.score)
    if best is None:
        return None
    s, e, lab, score = best
    # extend over a following colon
    while e < len(nt) and nt[e] in ":":
        e += 1
    raw_s = idx[s]
    raw_e = idx[e - 1] + 1 if e > 0 else 0
    # include any trailing spaces / colon chars in the raw text
    while raw_e < len(text) and text[raw_e] in " \t:：":
        raw_e += 1
    return raw_s, raw_e, lab, score


def find_all_in_line(
    text: str, labels: Sequence[str], *, fuzzy: bool = False, threshold: float | None = None
) -> list[tuple[int, int, str, float]]:
    """Every non-overlapping exact occurrence of any of ``labels`` in ``text`` (longest
    variant wins at a position), left to right; if there is none and ``fuzzy``, the best
    fuzzy match (see :func:`find_in_line`).

    >>> [m[:3] for m in find_all_in_line("名称：甲公司  名称：乙公司", ["名称"])]
    [(0, 3, '名称'), (8, 11, '名称')]
    """
    out = list(_find_exact(text, tuple(labels)))
    if not out and fuzzy:
        m = find_in_line(text, labels, fuzzy=True, threshold=threshold)
        if m:
            out.append(m)
    return out


@lru_cache(maxsize=65536)
def _find_exact(text: str, labels: tuple[str, ...]) -> tuple[tuple[int, int, str, float], ...]:
    nt, idx = norm_with_map(text)
    if not nt:
        return ()
    found: list[tuple[int, int, str]] = []
    for lab in labels:
        nl = norm(lab)
        if not nl:
            continue
        k = nt.find(nl)
        while k >= 0:
            found.append((k, k + len(nl), lab))
            k = nt.find(nl, k + 1)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str, float]] = []
    last_end = -1
    for s, e, lab in found:
        if s < last_end:
            continue
        last_end = e
        while e < len(nt) and nt[e] == ":":
            e += 1
        raw_s, raw_e = idx[s], idx[e - 1] + 1
        while raw_e < len(text) and text[raw_e] in " \t:：":
            raw_e += 1
        out.append((raw_s, raw_e, lab, 100.0))
    return tuple(out)


def find_labels(
    pages: Sequence[Page],
    labels: Sequence[str] | str,
    *,
    region: Region | None = None,
    fuzzy: bool | None = None,
    threshold: float | None = None,
    exclude: Sequence[str] | None = None,
) -> list[Hit]:
    """Every occurrence of one of ``labels`` (variants of one label), in page/line order;
    a line may hold several (e.g. ``名称：甲  名称：乙`` on an OCR line).

    ``fuzzy=None`` (default) means fuzzy only on OCR lines; True/False force it.
    ``exclude``: longer labels that contain the label and must not count (e.g.
    ``项目名称`` when looking for ``名称``): a hit inside such an occurrence is dropped.
    """
    if isinstance(labels, str):
        labels = [labels]
    labels = tuple(labels)
    hits: list[Hit] = []
    nlabels = [nl for nl in (norm(lab) for lab in labels) if nl]
    tails = {nl[i] for nl in nlabels for i in range(1, len(nl))}
    shorts: dict[int, list[Ref]] = {}
    for page in pages:
        _page_hits(page, labels, nlabels, tails, region, fuzzy, threshold, exclude, shorts, hits)
    return hits


class _PageIndex(NamedTuple):
    page: Page
    n_lines: int
    texts: tuple[str, ...]  # each line normalised as _find_exact sees it
    firsts: tuple[str, ...]  # first character of each line's norm() ("" if empty)


_PAGE_INDEX: dict[int, _PageIndex] = {}


def _page_index(page: Page) -> _PageIndex:
    """Per-page normalised line texts for :func:`find_labels` (memoised per page object
    while its line count is unchanged, like :func:`page_refs`)."""
    hit = _PAGE_INDEX.get(id(page))
    if hit is None or hit.page is not page or hit.n_lines != len(page.lines):
        texts = tuple(norm_with_map(ln.text)[0] for ln in page.lines)
        firsts = tuple((t[:1] if (t := norm(ln.text)) else "") for ln in page.lines)
        hit = _PageIndex(page, len(page.lines), texts, firsts)
        if len(_PAGE_INDEX) >= 256:
            _PAGE_INDEX.pop(next(iter(_PAGE_INDEX)))
        _PAGE_INDEX[id(page)] = hit
    return hit


def _page_hits(
    page: Page,
    labels: tuple[str, ...],
    nlabels: Sequence[str],
    tails: set[str],
    region: Region | None,
    fuzzy: bool | None,
    threshold: float | None,
    exclude: Sequence[str] | None,
    shorts: dict[int, list[Ref]],
    hits: list[Hit],
) -> None:
    idx = _page_index(page)
    for ref in iter_refs([page], region):
        fz = (ref.line.method == "ocr") if fuzzy is None else fuzzy
        if not fz:
            # cheap test first: no label in the line and no split-label start → nothing
            text = idx.texts[ref.index]
            if idx.firsts[ref.index] not in tails and not any(nl in text for nl in nlabels):
                continue
        ms = find_all_in_line(ref.line.text, labels, fuzzy=fz, threshold=threshold)
        if ms and exclude:
            bad = find_all_in_line(ref.line.text, exclude)
            ms = [m for m in ms if not any(b[0] <= m[0] < b[1] for b in bad)]
        if not ms and ref.line.bbox is not None:
            nt = norm(ref.line.text)
            if nt and nt[0] in tails:
                if ref.page.number not in shorts:
                    shorts[ref.page.number] = [
                        r
                        for r in iter_refs([ref.page])
                        if r.line.bbox is not None and 0 < len(norm(r.line.text)) <= 3
                    ]
                m = _split_label(ref, shorts[ref.page.number], labels)
                if m is not None:
                    ms = [m]
        hits.extend(Hit(ref, m[0], m[1], m[2], m[3]) for m in ms)


def _split_label(
    ref: Ref, shorts: Sequence[Ref], labels: Sequence[str]
) -> tuple[int, int, str, float] | None:
    """A label whose first char(s) sit in a separate short line to the left on the same
    row (OCR of letter-spaced labels: ``名`` + ``称：杭州…``) → match in ``ref``'s text."""
    b = ref.line.bbox
    h = b[3] - b[1]
    left = [
        r
        for r in shorts
        if r.index != ref.index
        and r.line.bbox[2] <= b[0] + 0.3 * h
        and b[0] - r.line.bbox[2] <= 8 * h
        and v_overlap(r.line.bbox, b) >= 0.5
    ]
    if not left:
        return None
    frag = max(left, key=lambda r: r.line.bbox[2])
    prefix = norm(frag.line.text)
    nt, idx = norm_with_map(ref.line.text)
    joined = prefix + nt
    for lab in labels:
        nl = norm(lab)
        k = joined.find(nl)
        e = -1
        if 0 <= k < len(prefix) < k + len(nl):
            e = k + len(nl) - len(prefix)
        else:
            # the fragment may hold glyphs of two stacked labels (名/类 read as "名类")
            for cut in range(len(nl) - 1, 0, -1):
                if nt.startswith(nl[cut:]) and nl[:cut] in prefix:
                    e = len(nl) - cut
                    break
        if e > 0:
            while e < len(nt) and nt[e] == ":":
                e += 1
            raw_e = idx[e - 1] + 1
            while raw_e < len(ref.line.text) and ref.line.text[raw_e] in " \t:：":
                raw_e += 1
            return 0, raw_e, lab, 99.0
    return None


def cut_at_stop(text: str, stop: Sequence[str] | None) -> tuple[str, int]:
    """Cut ``text`` at the first (exactly matched) stop label → (kept text, raw cut index).

    >>> cut_at_stop("龙腾半导体股份有限公司 纳税人识别号:9161", ["纳税人识别号"])
    ('龙腾半导体股份有限公司 ', 12)
    """
    if not stop:
        return text, len(text)
    nt, idx = norm_with_map(text)
    cut = len(text)
    for s in stop:
        ns = norm(s)
        if not ns:
            continue
        k = nt.find(ns)
        if k >= 0:
            cut = min(cut, idx[k])
    return text[:cut], cut


# ----------------------------------------------------------------- value search


def right_of(
    ref: Ref,
    pool: Sequence[Ref],
    *,
    max_gap: float | None = None,
    x_from: float | None = None,
    min_overlap: float = 0.3,
) -> list[Ref]:
    """Lines to the right of ``ref`` on the same row (vertical overlap ≥ ``min_overlap`` of
    the smaller height: values are often printed in a taller font than their label and
    slightly shifted), nearest first."""
    b = ref.line.bbox
    if b is None:
        return []
    x_start = b[2] if x_from is None else x_from
    h = b[3] - b[1]
    gap = max_gap if max_gap is not None else max(ref.page.width * 0.5, 20 * h)
    out = []
    for r in pool:
        if r.page is not ref.page or r.index == ref.index or r.line.bbox is None:
            continue
        rb = r.line.bbox
        if rb[0] < x_start - 0.5 * h or rb[0] - x_start > gap:
            continue
        if v_overlap(b, rb) < min_overlap:
            continue
        out.append(r)
    out.sort(key=lambda r: r.line.bbox[0])
    return out


def below(ref: Ref, pool: Sequence[Ref], *, max_lines: float = 2.5, x_from: float | None = None) -> list[Ref]:
    """Lines just below ``ref`` (within ``max_lines`` line heights) that overlap its
    horizontal extent (from ``x_from`` if given), nearest first."""
    b = ref.line.bbox
    if b is None:
        return []
    h = max(b[3] - b[1], 1.0)
    probe = (b[0] if x_from is None else x_from, b[1], b[2], b[3])
    out = []
    for r in pool:
        if r.page is not ref.page or r.index == ref.index or r.line.bbox is None:
            continue
        rb = r.line.bbox
        dy = rb[1] - b[3]
        if dy < -0.3 * h or dy > max_lines * h:
            continue
        if v_overlap(b, rb) >= 0.5:
            continue
        if h_overlap(probe, rb) <= 0 and not (probe[0] - h <= rb[0] <= probe[2] + h):
            continue
        out.append(r)
    out.sort(key=lambda r: (r.line.bbox[1], r.line.bbox[0]))
    return out


def next_cells(ref: Ref, pool: Sequence[Ref]) -> list[Ref]:
    """DOCX table neighbours of a cell line: cells right in the same row (nearest col
    first), then the cell below in the same column."""
    ln = ref.line
    if ln.table is None or ln.row is None or ln.col is None:
        return []
    same = [
        r
        for r in pool
        if r.page is ref.page
        and r.line.table == ln.table
        and r.line.row == ln.row
        and (r.line.col or 0) > ln.col
    ]
    same.sort(key=lambda r: (r.line.col, r.index))
    down = [
        r
        for r in pool
        if r.page is ref.page
        and r.line.table == ln.table
        and r.line.col == ln.col
        and r.line.row == ln.row + 1
    ]
    return same + down


def _accept(
    text: str,
    pattern: re.Pattern[str] | str | None,
    validate: Callable[[str], bool] | None,
    squash: bool = False,
) -> tuple[bool, str, int, int]:
    """(ok, match text, match start, match end) for a candidate text. With ``squash`` the
    pattern is searched in the text without whitespace and the span is the whole text."""
    if squash:
        sq = re.sub(r"\s+", "", text)
        if pattern is not None:
            pat = re.compile(pattern) if isinstance(pattern, str) else pattern
            m = pat.search(sq)
            if not m:
                return False, "", 0, 0
            mt = m.group(0)
        else:
            mt = clean_value(sq)
            if not mt:
                return False, "", 0, 0
        if validate is not None and not validate(mt):
            return False, "", 0, 0
        c = text.strip()
        s0 = text.find(c) if c else 0
        return True, mt, s0, s0 + len(c)
    if pattern is not None:
        pat = re.compile(pattern) if isinstance(pattern, str) else pattern
        m = pat.search(text)
        if not m:
            return False, "", 0, 0
        s, e, mt = m.start(), m.end(), m.group(0)
    else:
        c = clean_value(text)
        if not c:
            return False, "", 0, 0
        s = text.find(c)
        e = s + len(c)
        mt = c
    if validate is not None and not validate(mt):
        return False, "", 0, 0
    return True, mt, s, e


def accept_value(
    text: str,
    pattern: re.Pattern[str] | str | None = None,
    validate: Callable[[str], bool] | None = None,
    squash: bool = False,
) -> tuple[bool, str, int, int]:
    """Public form of the candidate test of :func:`value_for`: (ok, match text, match
    start, match end) of ``text`` against ``pattern`` / ``validate``."""
    return _accept(text, pattern, validate, squash)


def value_candidates(
    hit: Hit,
    pool: Sequence[Ref],
    *,
    stop: Sequence[str] | None = None,
    order: Sequence[str] = ("same_line", "right", "below", "cell"),
    max_gap: float | None = None,
    below_lines: float = 2.5,
) -> Iterator[Span]:
    """Candidate value spans for a label hit, in ``order`` of preference (unfiltered
    except that the stop-label cut must leave some text)."""
    line = hit.ref.line
    for how in order:
        if how == "same_line":
            rest = line.text[hit.end :]
            kept, _ = cut_at_stop(rest, stop)
            if clean_value(kept):
                yield Span(kept, [hit.ref], hit.end, hit.end + len(kept), label=hit, how=how)
        elif how == "right":
            hb = hit.bbox
            for r in right_of(hit.ref, pool, max_gap=max_gap, x_from=hb[2] if hb else None):
                kept, _ = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    yield Span(kept, [r], 0, len(kept), label=hit, how=how)
                else:
                    break  # another label sits between: stop looking right
        elif how == "line_row":
            rest, cut = cut_at_stop(line.text[hit.end :], stop)
            parts = [clean_value(rest)] if clean_value(rest) else []
            refs = [hit.ref]
            if cut >= len(line.text) - hit.end:
                hb = line.bbox
                for r in right_of(hit.ref, pool, max_gap=max_gap, x_from=hb[2] if hb else None):
                    kept, c2 = cut_at_stop(r.line.text, stop)
                    if clean_value(kept):
                        parts.append(kept.strip())
                        refs.append(r)
                    if c2 < len(r.line.text):
                        break
            if parts:
                yield Span(" ".join(parts), refs, label=hit, how=how)
        elif how == "row":
            hb = hit.bbox
            parts: list[Ref] = []
            for r in right_of(hit.ref, pool, max_gap=max_gap, x_from=hb[2] if hb else None):
                kept, cut = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    parts.append(r)
                if cut < len(r.line.text):
                    break
            if parts:
                text = " ".join(cut_at_stop(r.line.text, stop)[0] for r in parts)
                yield Span(text, parts, label=hit, how=how)
        elif how == "below":
            hb = hit.bbox
            for r in below(hit.ref, pool, max_lines=below_lines, x_from=hb[0] if hb else None)[:2]:
                kept, _ = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    yield Span(kept, [r], 0, len(kept), label=hit, how=how)
        elif how == "cell":
            for r in next_cells(hit.ref, pool):
                kept, _ = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    yield Span(kept, [r], 0, len(kept), label=hit, how=how)


def value_for(
    hit: Hit,
    pool: Sequence[Ref],
    *,
    pattern: re.Pattern[str] | str | None = None,
    validate: Callable[[str], bool] | None = None,
    stop: Sequence[str] | None = None,
    order: Sequence[str] = ("same_line", "right", "below", "cell"),
    max_gap: float | None = None,
    below_lines: float = 2.5,
    squash: bool = False,
) -> Span | None:
    """The first candidate of :func:`value_candidates` that matches ``pattern`` / passes
    ``validate``; the returned span is narrowed to the match (``span.match``).
    ``squash=True`` matches against the candidate with whitespace removed (letter-spaced
    codes, ``¥ 36 0,000.00``); the span then covers the whole candidate text."""
    for cand in value_candidates(hit, pool, stop=stop, order=order, max_gap=max_gap, below_lines=below_lines):
        ok, mt, s, e = _accept(cand.text, pattern, validate, squash)
        if not ok:
            continue
        base = cand.start or 0
        return Span(mt, cand.refs, base + s, base + e, match=mt, label=hit, how=cand.how)
    return None


def find_values(
    pages: Sequence[Page],
    labels: Sequence[str] | str,
    *,
    pattern: re.Pattern[str] | str | None = None,
    validate: Callable[[str], bool] | None = None,
    stop: Sequence[str] | None = None,
    region: Region | None = None,
    fuzzy: bool | None = None,
    threshold: float | None = None,
    order: Sequence[str] = ("same_line", "right", "below", "cell"),
    max_gap: float | None = None,
    below_lines: float = 2.5,
    squash: bool = False,
    exclude: Sequence[str] | None = None,
) -> list[Span]:
    """Values of every occurrence of a label (see module doc), in page/reading order.

    ``region`` limits both the labels and the lines a value may come from; ``exclude``
    as in :func:`find_labels`; ``squash`` as in :func:`value_for`.
    """
    pool = list(iter_refs(pages, region))
    out = []
    for hit in find_labels(pages, labels, region=region, fuzzy=fuzzy, threshold=threshold, exclude=exclude):
        sp = value_for(
            hit,
            pool,
            pattern=pattern,
            validate=validate,
            stop=stop,
            order=order,
            max_gap=max_gap,
            below_lines=below_lines,
            squash=squash,
        )
        if sp is not None:
            out.append(sp)
    return out


def find_value(pages: Sequence[Page], labels: Sequence[str] | str, **kw) -> Span | None:
    """The first value found by :func:`find_values` (same keyword arguments); values of
    exact label matches win over fuzzy ones."""
    vals = find_values(pages, labels, **kw)
    if not vals:
        return None
    return max(vals, key=lambda v: v.label.score if v.label else 0.0)


def find_pattern(
    pages: Sequence[Page],
    pattern: re.Pattern[str] | str,
    *,
    region: Region | None = None,
    validate: Callable[[str], bool] | None = None,
) -> list[Span]:
    """Every match of ``pattern`` in any line (no label), as spans (``how='line'``)."""
    pat = re.compile(pattern) if isinstance(pattern, str) else pattern
    out = []
    for ref in iter_refs(pages, region):
        for m in pat.finditer(ref.line.text):
            if validate is not None and not validate(m.group(0)):
                continue
            out.append(Span(m.group(0), [ref], m.start(), m.end(), match=m.group(0), how="line"))
    return out


def span_of_line(ref: Ref, start: int = 0, end: int | None = None) -> Span:
    """A span covering (part of) one line."""
    end = len(ref.line.text) if end is None else end
    t = ref.line.text[start:end]
    return Span(t, [ref], start, end, match=t, how="line")


def extend_below(
    span: Span,
    pages: Sequence[Page],
    *,
    stop: Sequence[str] | None = None,
    x_limit: float | None = None,
    max_gap: float = 1.2,
    x_tol: float = 2.0,
    max_rows: int = 40,
) -> Span:
    """Continue a multi-line value (经营范围, 住所, 服务内容 …) downwards: rows right below
    the value whose lines start in the value's column (from the value's x0 − ``x_tol``
    line heights up to ``x_limit``), each row at most ``max_gap`` line heights below the
    previous one, until a row starting with a ``stop`` label. Returns a new span whose
    text joins the rows (no separator: CJK text), refs = all lines used."""
    if not span.refs or span.refs[0].line.bbox is None:
        return span
    first = span.refs[-1]
    page = first.page
    vb = span.bbox or first.line.bbox
    x_left = vb[0]
    last = first.line.bbox
    h = max(last[3] - last[1], 1.0)
    limit = x_limit if x_limit is not None else (page.width or 1e9)
    used = {r.index for r in span.refs}
    cands = [
        r
        for r in iter_refs([page])
        if r.line.bbox is not None and r.index not in used and r.line.bbox[1] > last[1] + 0.5 * h
    ]
    cands.sort(key=lambda r: r.line.bbox[1])
    refs = list(span.refs)
    # keep the first line's trailing punctuation (；) that the value match dropped
    texts = [
        first.line.text[span.start :].strip() if len(span.refs) == 1 and span.start is not None else span.text
    ]
    rows = 0
    i = 0
    while i < len(cands) and rows < max_rows:
        top = cands[i].line.bbox
        row = [r for r in cands[i:] if v_overlap(top, r.line.bbox) >= 0.5]
        i += len(row)
        # a label anywhere left of the column limit ends the value (next field's row)
        if stop and any(
            r.line.bbox[0] < limit and (m := find_all_in_line(r.line.text, stop)) and m[0][0] == 0
            for r in row
        ):
            break
        row = [r for r in row if x_left - x_tol * h <= r.line.bbox[0] < limit]
        if not row:
            continue
        rb = bbox_union(r.line.bbox for r in row)
        if rb[1] - last[3] > max_gap * h:
            break
        row.sort(key=lambda r: r.line.bbox[0])
        refs.extend(row)
        texts.extend(r.line.text.strip() for r in row)
        last = rb
        rows += 1
    if len(refs) == len(span.refs):
        return span
    text = "".join(texts)
    return Span(text, refs, match=text, label=span.label, how=span.how + "+below")


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
